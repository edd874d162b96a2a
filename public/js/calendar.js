// The date picker of the create page: a month view where a tap toggles a
// date and press-and-drag selects (or, starting on a selected date,
// deselects) every date between; arrows move between days.
import { t, getLang } from './i18n.js';
import { addDays, dayLabels } from './time.js';
import { h } from './ui.js';

export const MAX_DATES = 31;

export class Calendar {
  /** onChange(selectedSortedArray, {capped}) */
  constructor(root, { min, max, onChange }) {
    this.root = root;
    this.min = min;
    this.max = max;
    this.onChange = onChange;
    this.selected = new Set();
    this.month = min.slice(0, 7);
    this.focus = min;
    this.drag = null;
    this.title = h('h3', { class: 'cal-title', 'aria-live': 'polite' });
    this.prevBtn = h('button', { type: 'button', class: 'btn small ghost', onclick: () => this.shift(-1) }, '‹');
    this.nextBtn = h('button', { type: 'button', class: 'btn small ghost', onclick: () => this.shift(1) }, '›');
    this.days = h('div', { class: 'cal-days', role: 'group' });
    root.replaceChildren(h('div', { class: 'cal-head' }, this.prevBtn, this.title, this.nextBtn),
      h('div', { class: 'cal-wd', 'aria-hidden': 'true' }), this.days);
    const d = this.days;
    d.addEventListener('pointerdown', (e) => this.down(e));
    d.addEventListener('pointermove', (e) => this.move(e));
    d.addEventListener('pointerup', (e) => this.up(e));
    d.addEventListener('pointercancel', () => { this.drag = null; this.render(); });
    d.addEventListener('click', (e) => {
      const b = e.target.closest('button[data-date]');
      if (b && e.detail === 0) this.apply([b.dataset.date], !this.selected.has(b.dataset.date)); // keyboard
    });
    d.addEventListener('keydown', (e) => this.key(e));
    this.render();
  }

  setBounds(min, max) {
    this.min = min;
    this.max = max;
    for (const s of [...this.selected]) if (s < min || s > max) this.selected.delete(s);
    if (this.month < min.slice(0, 7)) this.month = min.slice(0, 7);
    if (this.focus < min) this.focus = min;
    this.render();
    this.onChange(this.value(), {});
  }

  value() {
    return [...this.selected].sort();
  }

  clear() {
    this.selected.clear();
    this.render();
    this.onChange([], {});
  }

  shift(n) {
    const [y, m] = this.month.split('-').map(Number);
    const d = new Date(Date.UTC(y, m - 1 + n, 1));
    this.month = d.toISOString().slice(0, 7);
    this.render();
  }

  render() {
    const lang = getLang();
    const [y, m] = this.month.split('-').map(Number);
    this.title.textContent = new Intl.DateTimeFormat(lang, { year: 'numeric', month: 'long', timeZone: 'UTC' })
      .format(new Date(Date.UTC(y, m - 1, 1)));
    this.prevBtn.disabled = this.month <= this.min.slice(0, 7);
    this.nextBtn.disabled = this.month >= this.max.slice(0, 7);
    this.prevBtn.setAttribute('aria-label', t('cal.prev'));
    this.nextBtn.setAttribute('aria-label', t('cal.next'));
    this.days.setAttribute('aria-label', this.title.textContent);
    // Weekday header, Sunday first.
    this.root.querySelector('.cal-wd').replaceChildren(
      ...[6, 0, 1, 2, 3, 4, 5].map((i) => h('span', { text: dayLabels(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'][i], lang).short })));
    const first = `${this.month}-01`;
    const lead = new Date(`${first}T00:00:00Z`).getUTCDay();
    const cells = [];
    for (let i = 0; i < lead; i++) cells.push(h('span', { class: 'cal-pad' }));
    const preview = this.previewSet();
    if (this.focus.slice(0, 7) !== this.month) this.focus = this.firstEnabled() ?? this.focus;
    for (let d = first; d.slice(0, 7) === this.month; d = addDays(d, 1)) {
      const off = d < this.min || d > this.max;
      const on = this.selected.has(d);
      let cls = 'cal-day';
      if (on) cls += ' on';
      if (preview?.has(d)) cls += this.drag.add ? ' pv-add' : ' pv-del';
      if (d === this.min) cls += ' today';
      const dow = new Date(`${d}T00:00:00Z`).getUTCDay();
      if (dow === 0 || dow === 6) cls += ' weekend';
      cells.push(h('button', {
        type: 'button', class: cls, 'data-date': d, disabled: off,
        'aria-pressed': String(on), tabindex: d === this.focus ? '0' : '-1',
      }, ...this.dayName(d, lang)));
    }
    this.days.replaceChildren(...cells);
  }

  /** The full date spoken, with only the day number shown. */
  dayName(d, lang) {
    const parts = new Intl.DateTimeFormat(lang, {
      year: 'numeric', month: 'long', day: 'numeric', weekday: 'long', timeZone: 'UTC',
    }).formatToParts(new Date(`${d}T12:00:00Z`));
    return parts.map((p) => (p.type === 'day' ? p.value : h('span', { class: 'sr', text: p.value })));
  }

  firstEnabled() {
    for (let d = `${this.month}-01`; d.slice(0, 7) === this.month; d = addDays(d, 1)) {
      if (d >= this.min && d <= this.max) return d;
    }
    return null;
  }

  previewSet() {
    if (!this.drag) return null;
    const [a, b] = [this.drag.from, this.drag.to].sort();
    const out = new Set();
    for (let d = a; d <= b; d = addDays(d, 1)) if (d >= this.min && d <= this.max) out.add(d);
    return out;
  }

  down(e) {
    const b = e.target.closest('button[data-date]');
    if (!b || b.disabled || this.drag || (e.pointerType === 'mouse' && e.button !== 0)) return;
    e.preventDefault();
    const d = b.dataset.date;
    this.drag = { id: e.pointerId, from: d, to: d, add: !this.selected.has(d) };
    try { this.days.setPointerCapture(e.pointerId); } catch { /* synthetic */ }
    this.focus = d;
    this.render();
  }

  move(e) {
    if (!this.drag || e.pointerId !== this.drag.id) return;
    const b = document.elementFromPoint(e.clientX, e.clientY)?.closest?.('button[data-date]');
    if (!b || !this.days.contains(b) || b.dataset.date === this.drag.to) return;
    this.drag.to = b.dataset.date;
    this.render();
  }

  up(e) {
    if (!this.drag || e.pointerId !== this.drag.id) return;
    const { add } = this.drag;
    const dates = [...this.previewSet()];
    this.drag = null;
    this.apply(dates, add);
  }

  apply(dates, add) {
    let capped = false;
    for (const d of dates) {
      if (!add) this.selected.delete(d);
      else if (this.selected.size < MAX_DATES) this.selected.add(d);
      else if (!this.selected.has(d)) capped = true;
    }
    this.render();
    this.onChange(this.value(), { capped });
  }

  key(e) {
    const moves = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 };
    if (!(e.key in moves)) return;
    e.preventDefault();
    const next = addDays(this.focus, moves[e.key]);
    if (next < this.min || next > this.max) return;
    this.focus = next;
    if (next.slice(0, 7) !== this.month) this.month = next.slice(0, 7);
    this.render();
    this.days.querySelector(`[data-date="${next}"]`)?.focus();
  }
}
