// "My times" as a list, for answering without colours or dragging (a
// screen reader, a keyboard, a switch): one table per day, one row per
// time, with how many can come and who, as text, and two checkboxes —
// "available" and "if needed" — for the participant's own answer. Each
// tick is one update, queued like any painting (so undo works too).
// With "mark all free" and "invert" (whole-grid changes); all loaded only
// when first asked for (answer-tools.js).
import { t, addStrings } from './i18n.js';
import * as words from './strings-list.js';
import { rangeParts, levelsOf } from './time.js';
import { LEVELS, changesBetween } from './paint.js';
import { h, $ } from './ui.js';

addStrings(words);
document.head.append(h('link', { rel: 'stylesheet', href: new URL('../list.css', import.meta.url).href }));

/** The change that turns the own levels into next(levels), as one update (so undo takes it back). */
function wholeChange({ painter, toast }, next, done) {
  if (!painter.me || painter.preview) return;
  const changes = changesBetween(painter.levels, next(painter.levels));
  if (!changes.length) { toast(t('me.nothing')); return; }
  painter.enqueue(changes);
  toast(t(done));
}

/** "Mark all free": for people who know their busy hours (classes) better than their free ones. */
export const markAll = (ctx) => wholeChange(ctx, (lv) => lv.map(() => 1), 'me.allDone');
/** Available ↔ empty; "if needed" is a considered answer, so it stays. */
export const invert = (ctx) => wholeChange(ctx, (lv) => lv.map((v) => (v === 2 ? 2 : 1 - v)), 'me.invertDone');

let list = null;

/** "Answer as a list" on or off: the grid and its hints give way to the list of times. */
export function toggleList({ painter, view, layout }) {
  const host = $('#answer-list');
  const btn = $('#list-mode');
  list ??= new AnswerList(host, painter, { view, layout });
  const on = host.hidden;
  host.hidden = !on;
  for (const el of [$('#paint-grid'), ...document.querySelectorAll('#me .touch-only, #me .mouse-only, #me .key-hint')]) {
    el.classList.toggle('list-off', on);
  }
  btn.dataset.i18n = on ? 'list.hide' : 'list.show';
  btn.textContent = t(btn.dataset.i18n);
  btn.setAttribute('aria-expanded', String(on));
  if (on) list.update();
}

export class AnswerList {
  /** host: the element to fill; view(), layout(): the page's current ones. */
  constructor(host, painter, { view, layout }) {
    this.host = host;
    this.painter = painter;
    this.view = view;
    this.layout = layout;
    this.L = null;
    this.rows = [];
    painter.root.addEventListener('levels', () => { if (!host.hidden) this.update(); });
  }

  /** Builds the tables for the current layout (again only when it changed), then fills them in. */
  update() {
    const L = this.layout();
    if (!L || !this.view()) return;
    if (L !== this.L) this.build(L);
    this.fill();
  }

  build(L) {
    this.L = L;
    this.rows = [];
    const tables = [];
    for (let c = 0; c < L.nc; c++) {
      const body = h('tbody');
      for (let r = 0; r < L.nr; r++) {
        const s = L.at(c, r);
        if (s < 0) continue;
        const time = rangeParts(L, s, s + 1).time;
        const who = h('td', { class: 'list-who' });
        const ok = h('input', { type: 'checkbox', onchange: () => this.set(s, ok.checked ? 1 : 0) });
        const ifn = h('input', { type: 'checkbox', onchange: () => this.set(s, ifn.checked ? 2 : 0) });
        this.rows.push({ s, time: `${L.cols[c].medium} ${time}`, who, ok, ifn });
        body.append(h('tr', {},
          h('th', { scope: 'row', class: 'list-time', text: time }), who,
          h('td', { class: 'list-box' }, h('label', { class: 'box' }, ok)),
          h('td', { class: 'list-box' }, h('label', { class: 'box' }, ifn))));
      }
      tables.push(h('table', { class: 'list-day' },
        h('caption', { text: L.cols[c].long }),
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col', text: t('list.time') }),
          h('th', { scope: 'col', text: t('list.who') }),
          h('th', { scope: 'col', class: 'list-box', text: t('list.ok') }),
          h('th', { scope: 'col', class: 'list-box', text: t('list.ifn') }))),
        body));
    }
    this.host.replaceChildren(h('p', { class: 'hint', text: t('list.lead') }), ...tables);
  }

  /** Counts, names and the own answer, as text, into the rows built. */
  fill() {
    const v = this.view();
    const n = v.slots.length;
    const p = this.painter;
    const people = v.participants.map((x) => ({
      name: x.name, lv: p.me && x.id === p.me.pid ? p.levels : levelsOf(x, n),
    }));
    const off = !p.me || !!p.preview;
    for (const row of this.rows) {
      const ok = people.filter((x) => x.lv[row.s] === 1).map((x) => x.name);
      const ifn = people.filter((x) => x.lv[row.s] === 2).map((x) => t('list.ifnName', { name: x.name }));
      const k = ok.length + ifn.length;
      const count = t('list.count', { n: k });
      const names = [...ok, ...ifn].join(', ');
      const text = k ? `${count}: ${names}` : t('list.nobody');
      if (row.who.textContent !== text) row.who.textContent = text;
      const mine = p.levels[row.s] ?? 0;
      const said = t('list.mine', { lv: t(`lv.${LEVELS[mine]}`) });
      row.ok.checked = mine === 1;
      row.ifn.checked = mine === 2;
      row.ok.disabled = off;
      row.ifn.disabled = off;
      row.ok.setAttribute('aria-label', t('list.box', { lv: t('list.ok'), time: row.time, count: k ? count : t('list.nobody'), mine: said }));
      row.ifn.setAttribute('aria-label', t('list.box', { lv: t('list.ifn'), time: row.time, count: k ? count : t('list.nobody'), mine: said }));
    }
  }

  set(s, level) {
    if (!this.painter.me || this.painter.preview) return;
    this.painter.enqueue([{ level: LEVELS[level], slots: [[s, s + 1]] }]);
  }
}
