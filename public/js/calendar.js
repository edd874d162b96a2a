// The date picker of the schedule form (create, and the organiser's edit): a month grid where a tap toggles a
// date and press-and-drag selects (or, starting on a selected date,
// deselects) every date between. A finger picks dates the way it paints
// the grid: a tap toggles one, a swipe scrolls the page, and touching and
// holding a date for a moment starts the range. With the keyboard it is the WAI-ARIA
// date-picker grid: one date is in the tab order (roving tabindex) and
// keeps the focus through every change; arrows move by day and week,
// Home/End to the start/end of the week, Page Up/Down by month (with Shift
// by year), Space or Enter toggles.
import { t, getLang } from './i18n.js';
import { addDays, dayLabels, WEEKDAYS } from './time.js';
import { h, HOLD_MS, SLOP } from './ui.js';

export const MAX_DATES = 31;
const SUNDAY_FIRST = [6, 0, 1, 2, 3, 4, 5];
let count = 0;

export class Calendar {
  /** onChange(selectedSortedArray, {capped}); `today` is ringed (the first date offered, unless given). */
  constructor(root, { min, max, today = min, onChange }) {
    this.root = root;
    this.min = min;
    this.max = max;
    this.today = today;
    this.onChange = onChange;
    this.selected = new Set();
    this.month = today.slice(0, 7);
    this.current = today;
    this.drag = null;
    const titleId = `cal-title-${++count}`;
    this.title = h('p', { class: 'cal-title', id: titleId, 'aria-live': 'polite' });
    this.prevBtn = h('button', { type: 'button', class: 'btn small ghost', onclick: () => this.shift(-1) }, '‹');
    this.nextBtn = h('button', { type: 'button', class: 'btn small ghost', onclick: () => this.shift(1) }, '›');
    this.days = h('div', { class: 'cal-days', role: 'grid', 'aria-labelledby': titleId });
    root.replaceChildren(h('div', { class: 'cal-head' }, this.prevBtn, this.title, this.nextBtn), this.days);
    const d = this.days;
    d.addEventListener('pointerdown', (e) => this.down(e));
    d.addEventListener('pointermove', (e) => this.move(e));
    d.addEventListener('pointerup', (e) => this.up(e));
    d.addEventListener('pointercancel', () => {
      this.unhold();
      this.drag = null;
      this.days.classList.remove('is-armed');
      this.render();
    });
    // Once a held finger has started a range, its moves select instead of scrolling.
    d.addEventListener('touchmove', (e) => { if (this.drag?.touch && e.cancelable) e.preventDefault(); }, { passive: false });
    d.addEventListener('contextmenu', (e) => { if (this.drag || this.hold) e.preventDefault(); });
    d.addEventListener('click', (e) => {
      const b = e.target.closest('button[data-date]');
      if (!b) return;
      // The keyboard (detail 0) and a finger's tap toggle here; a mouse
      // press was a drag of one date (up()), as was a finger's held press.
      const tap = e.detail !== 0 && this.pointerType !== 'mouse';
      const swallow = this.swallowClick;
      this.swallowClick = null;
      if (tap && swallow && Date.now() - swallow < 800) return;
      if (e.detail === 0 || tap) this.apply([b.dataset.date], !this.selected.has(b.dataset.date));
    });
    d.addEventListener('keydown', (e) => this.key(e));
    this.render();
  }

  setBounds(min, max, today = min) {
    this.min = min;
    this.max = max;
    this.today = today;
    for (const s of [...this.selected]) if (s < min || s > max) this.selected.delete(s);
    if (this.month < min.slice(0, 7)) this.month = min.slice(0, 7);
    if (this.current < min) this.current = min;
    this.render();
    this.onChange(this.value(), {});
  }

  value() {
    return [...this.selected].sort();
  }

  /** Selects `dates` (those within the bounds) and shows the first one's month. */
  select(dates) {
    this.selected = new Set(dates.filter((d) => d >= this.min && d <= this.max).slice(0, MAX_DATES));
    const first = this.value()[0];
    if (first) {
      this.month = first.slice(0, 7);
      this.current = first;
    }
    this.render();
    this.onChange(this.value(), {});
  }

  clear() {
    this.selected.clear();
    this.render();
    this.onChange([], {});
  }

  /** Moves the focus to the date in the tab order (after an error, say). */
  focus() {
    this.days.querySelector('button[tabindex="0"]')?.focus();
  }

  shift(n) {
    const [y, m] = this.month.split('-').map(Number);
    const d = new Date(Date.UTC(y, m - 1 + n, 1));
    this.month = d.toISOString().slice(0, 7);
    this.render();
  }

  render() {
    const lang = getLang();
    // Redrawing replaces the buttons: the focused date hands focus on.
    const hadFocus = this.days.contains(document.activeElement);
    const [y, m] = this.month.split('-').map(Number);
    this.title.textContent = new Intl.DateTimeFormat(lang, { year: 'numeric', month: 'long', timeZone: 'UTC' })
      .format(new Date(Date.UTC(y, m - 1, 1)));
    this.prevBtn.disabled = this.month <= this.min.slice(0, 7);
    this.nextBtn.disabled = this.month >= this.max.slice(0, 7);
    this.prevBtn.setAttribute('aria-label', t('cal.prev'));
    this.nextBtn.setAttribute('aria-label', t('cal.next'));
    // Weekday header, Sunday first.
    const head = h('div', { role: 'row', class: 'cal-row cal-wd' }, ...SUNDAY_FIRST.map((i) => {
      const l = dayLabels(WEEKDAYS[i], lang);
      // The short name shown, the long one spoken: a header with text of its own.
      return h('span', { role: 'columnheader' }, h('span', { 'aria-hidden': 'true', text: l.short }), h('span', { class: 'sr', text: l.long }));
    }));
    const first = `${this.month}-01`;
    const lead = new Date(`${first}T00:00:00Z`).getUTCDay();
    const cells = [];
    for (let i = 0; i < lead; i++) cells.push(h('span', { role: 'gridcell', class: 'cal-pad' }));
    const preview = this.previewSet();
    if (this.current.slice(0, 7) !== this.month) this.current = this.firstEnabled() ?? this.current;
    for (let d = first; d.slice(0, 7) === this.month; d = addDays(d, 1)) {
      const off = d < this.min || d > this.max;
      const on = this.selected.has(d);
      cells.push(h('span', { role: 'gridcell' }, h('button', {
        type: 'button', class: this.dayClass(d, preview), 'data-date': d, disabled: off,
        'aria-pressed': String(on), tabindex: d === this.current ? '0' : '-1',
      }, ...this.dayName(d, lang))));
    }
    while (cells.length % 7) cells.push(h('span', { role: 'gridcell', class: 'cal-pad' }));
    const rows = [head];
    for (let i = 0; i < cells.length; i += 7) rows.push(h('div', { role: 'row', class: 'cal-row' }, ...cells.slice(i, i + 7)));
    this.days.replaceChildren(...rows);
    if (hadFocus) this.focus();
  }

  dayClass(d, preview) {
    let cls = 'cal-day';
    if (this.selected.has(d)) cls += ' on';
    if (preview?.has(d)) cls += this.drag.add ? ' pv-add' : ' pv-del';
    if (d === this.today) cls += ' today';
    const dow = new Date(`${d}T00:00:00Z`).getUTCDay();
    if (dow === 0 || dow === 6) cls += ' weekend';
    return cls;
  }

  /** Redraws a drag's preview on the dates already shown: a finger's
   *  touch stays on the button it started on, which must stay in the page. */
  restyle() {
    const preview = this.previewSet();
    for (const b of this.days.querySelectorAll('button[data-date]')) {
      const cls = this.dayClass(b.dataset.date, preview);
      if (b.className !== cls) b.className = cls;
    }
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
    this.pointerType = e.pointerType;
    if (!b || b.disabled || this.drag || this.hold || (e.pointerType === 'mouse' && e.button !== 0)) return;
    const d = b.dataset.date;
    if (e.pointerType !== 'mouse') {
      // A finger: a tap is a click, a swipe scrolls; held still, it starts a range.
      this.hold = { id: e.pointerId, d, x: e.clientX, y: e.clientY, timer: setTimeout(() => this.held(), HOLD_MS) };
      b.classList.add('holding');
      return;
    }
    e.preventDefault();
    this.startDrag(e.pointerId, d, false);
  }

  startDrag(id, d, touch) {
    this.drag = { id, from: d, to: d, add: !this.selected.has(d), touch };
    try { this.days.setPointerCapture(id); } catch { /* synthetic, or the pointer is gone */ }
    this.current = d;
    if (touch) {
      this.restyle();
      this.days.classList.add('is-armed');
    } else {
      this.render();
    }
  }

  /** The finger stayed on its date long enough: from here on it selects a range. */
  held() {
    const h0 = this.hold;
    this.unhold();
    if (!h0 || this.drag) return;
    this.startDrag(h0.id, h0.d, true);
    if (navigator.userActivation?.hasBeenActive) navigator.vibrate?.(10);
  }

  unhold() {
    if (!this.hold) return;
    clearTimeout(this.hold.timer);
    this.days.querySelector('.holding')?.classList.remove('holding');
    this.hold = null;
  }

  move(e) {
    const hold = this.hold;
    if (hold && e.pointerId === hold.id && Math.hypot(e.clientX - hold.x, e.clientY - hold.y) > SLOP) {
      this.unhold(); // the finger is scrolling the page
      return;
    }
    if (!this.drag || e.pointerId !== this.drag.id) return;
    const b = document.elementFromPoint(e.clientX, e.clientY)?.closest?.('button[data-date]');
    if (!b || !this.days.contains(b) || b.dataset.date === this.drag.to) return;
    this.drag.to = b.dataset.date;
    this.restyle();
  }

  up(e) {
    if (this.hold && e.pointerId === this.hold.id) this.unhold(); // a tap: the click follows
    if (!this.drag || e.pointerId !== this.drag.id) return;
    const { add, touch } = this.drag;
    const dates = [...this.previewSet()];
    this.drag = null;
    this.days.classList.remove('is-armed');
    // A finger held and lifted may still fire a click on its date.
    if (touch) this.swallowClick = Date.now();
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

  /** The date a key moves the focus to, or null for keys the grid ignores. */
  target(e) {
    const f = this.current;
    const dow = new Date(`${f}T00:00:00Z`).getUTCDay();
    const byMonth = (n) => {
      const [y, m, d] = f.split('-').map(Number);
      const last = new Date(Date.UTC(y, m - 1 + n + 1, 0)).getUTCDate();
      return new Date(Date.UTC(y, m - 1 + n, Math.min(d, last))).toISOString().slice(0, 10);
    };
    switch (e.key) {
      case 'ArrowLeft': return addDays(f, -1);
      case 'ArrowRight': return addDays(f, 1);
      case 'ArrowUp': return addDays(f, -7);
      case 'ArrowDown': return addDays(f, 7);
      case 'Home': return addDays(f, -dow);
      case 'End': return addDays(f, 6 - dow);
      case 'PageUp': return byMonth(e.shiftKey ? -12 : -1);
      case 'PageDown': return byMonth(e.shiftKey ? 12 : 1);
      default: return null;
    }
  }

  key(e) {
    let next = this.target(e);
    if (!next) return;
    e.preventDefault();
    if (next < this.min) next = this.min;
    if (next > this.max) next = this.max;
    if (next === this.current) return;
    this.current = next;
    this.month = next.slice(0, 7);
    this.render();
    this.days.querySelector(`[data-date="${next}"]`)?.focus();
  }
}
