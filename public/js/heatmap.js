// "Everyone": the heatmap of counts, the who-can panel for a cell or a
// range, and the participants list (tap a name to see only their times;
// the organiser can also select several people and remove them at once).
// A cell or a range is picked the same way with a finger and a mouse: one
// tap (click) picks a cell, a second one on the same day picks the range
// between, and a mouse may also drag. The who-can panel then sticks to the
// bottom of the screen, where it is seen, and the picked cell is kept above it.
import { t } from './i18n.js';
import { Grid } from './grid.js';
import { cellName, hhmm, levelsOf } from './time.js';
import { h, icon, headcount } from './ui.js';

export class Heatmap {
  constructor(root, { detail, legend, people, peopleActions, note, onFix, onRemove, onRemoveMany }) {
    this.detailEl = detail;
    this.legendEl = legend;
    this.peopleEl = people;
    this.noteEl = note;
    this.onFix = onFix;
    this.onRemove = onRemove;
    this.onRemoveMany = onRemoveMany;
    this.actionsEl = peopleActions;
    this.picked = new Set(); // participant ids the organiser selected
    this.sel = [];
    this.hovered = null;
    this.filter = null;
    this.admin = false;
    this.grid = new Grid(root, {
      kind: 'heat',
      column: true,
      touchDrag: false,
      selectFollowsFocus: true,
      label: () => t('grid.heat'),
      cell: (s) => this.cell(s),
      previewClass: () => 'pv-sel',
      // A click is a drag of one cell: it acts like a tap.
      onCommit: (slots, _anchor, how) => {
        if (how === 'pointer' && slots.length === 1) this.tap(slots[0]);
        else { this.select(slots); this.keepInView(); }
      },
      onTap: (s) => this.tap(s),
      // Hovering previews a cell only while nothing is selected.
      onHover: (s) => { this.hovered = s; if (!this.sel.length) this.renderDetail(); },
    });
  }

  setLayout(L) {
    this.L = L;
    this.sel = this.sel.filter((s) => s < L.n);
    this.grid.setLayout(L);
  }

  setView(view, admin) {
    this.view = view;
    this.admin = admin;
    const n = view.slots.length;
    this.levels = new Map(view.participants.map((p) => [p.id, levelsOf(p, n)]));
    if (this.filter && !this.levels.has(this.filter)) this.filter = null;
    for (const pid of this.picked) if (!this.levels.has(pid) || !admin) this.picked.delete(pid);
    this.render();
  }

  render() {
    this.grid.mark(this.sel);
    this.renderDetail();
    this.renderLegend();
    this.renderPeople();
  }

  cell(s) {
    const v = this.view;
    if (!v) return { cls: '', text: '', label: '' };
    const name = cellName(this.L, s);
    if (this.filter) {
      const lv = this.levels.get(this.filter)[s];
      return { cls: `lv${lv}`, text: '', label: `${name}: ${t(`lv.${['none', 'available', 'if_needed'][lv]}`)}` };
    }
    const a = v.counts.available[s];
    const f = v.counts.if_needed[s];
    const total = headcount(v);
    const step = shade(a, total);
    let cls = `h${step}`;
    if (f) cls += ' ifn';
    if (a && a === total) cls += ' all';
    return {
      cls,
      text: a || f ? (f ? `${a}+${f}` : String(a)) : '',
      label: `${name}: ${t('heat.cell', { a, f, n: total })}`,
    };
  }

  tap(s) {
    const one = this.sel.length === 1 ? this.sel[0] : null;
    if (one === s) this.select([]);
    else if (one != null && this.L.colOf[one] === this.L.colOf[s]) {
      this.select(this.grid.rectSlots(this.grid.pos(one), this.grid.pos(s)));
    } else this.select([s]);
    this.keepInView();
  }

  select(slots) {
    this.sel = [...slots].sort((a, b) => a - b);
    this.render();
  }

  /** Scrolls so the cell last picked is not hidden behind the who-can panel. */
  keepInView() {
    const f = this.grid.focus;
    const cell = f && this.grid.els?.[this.L.at(f.c, f.r)];
    const panel = this.detailEl;
    if (!this.sel.length || !cell || getComputedStyle(panel).position !== 'sticky') return;
    requestAnimationFrame(() => {
      const c = cell.getBoundingClientRect();
      const top = Math.min(innerHeight, panel.getBoundingClientRect().top);
      if (c.bottom > top - 8) scrollBy({ top: c.bottom - top + 16, behavior: 'instant' });
    });
  }

  /** Selects a range of slot indices (a best time) and shows it. */
  showRange(start, end) {
    const slots = [];
    for (let i = start; i < end; i++) slots.push(i);
    this.grid.reveal(start);
    this.select(slots);
  }

  setFilter(pid) {
    this.filter = this.filter === pid ? null : pid;
    this.grid.refresh();
    this.render();
  }

  renderDetail() {
    const el = this.detailEl;
    const preview = !this.sel.length && this.hovered != null;
    const slots = preview ? [this.hovered] : this.sel;
    el.classList.toggle('open', !preview && slots.length > 0);
    if (!this.view || !slots.length) {
      el.replaceChildren(h('p', { class: 'muted', text: t('detail.hint') }));
      return;
    }
    const L = this.L;
    const first = slots[0];
    const last = slots[slots.length - 1];
    const title = `${L.cols[L.colOf[first]].medium} ${hhmm(L.wall[first].min)}–${hhmm(L.wall[last].min + L.step)}`;
    const head = h('div', { class: 'detail-head' }, h('h3', { text: title }));
    if (!preview) {
      head.append(h('button', {
        type: 'button', class: 'btn small ghost close', 'aria-label': t('detail.close'),
        onclick: () => { this.select([]); if (this.grid.focus) this.grid.focusAt(this.grid.focus); },
      }, '✕'));
    }
    const v = this.view;
    if (headcount(v) !== v.participants.length) {
      // Private answers: numbers only (all of the range: the fewest).
      const a = Math.min(...slots.map((s) => v.counts.available[s]));
      const f = Math.min(...slots.map((s) => v.counts.available[s] + v.counts.if_needed[s])) - a;
      el.replaceChildren(head, h('p', { class: 'who', text: t('heat.cell', { a, f, n: headcount(v) }) }));
      return;
    }
    const groups = { available: [], if_needed: [], none: [] };
    for (const p of this.view.participants) {
      const lv = this.levels.get(p.id);
      let min = 2;
      let all = true;
      for (const s of slots) {
        if (lv[s] === 0) { min = 0; break; }
        if (lv[s] === 2) all = false;
      }
      groups[min === 0 ? 'none' : all ? 'available' : 'if_needed'].push(p.name);
    }
    const list = (key) => h('div', { class: `who who-${key}` },
      h('h4', { text: t(`detail.${key}`, { n: groups[key].length }) }),
      groups[key].length ? h('ul', { class: 'names' }, groups[key].map((n) => h('li', { text: n }))) : null);
    const parts = [head, list('available'), list('if_needed'), list('none')];
    if (this.admin && !preview) {
      const ok = last - first + 1 === slots.length && slots.every((s) => L.appDay[s] === L.appDay[first]);
      parts.push(ok
        ? h('button', { type: 'button', class: 'btn primary', onclick: () => this.onFix({ start: first, end: last + 1 }) }, t('detail.fix'))
        : h('p', { class: 'muted', text: t('detail.fixInvalid') }));
    }
    el.replaceChildren(...parts);
  }

  renderLegend() {
    const total = headcount(this.view);
    if (this.filter) {
      this.legendEl.replaceChildren(
        h('span', { class: 'key' }, h('i', { class: 'sw lv1' }), t('lv.available')),
        h('span', { class: 'key' }, h('i', { class: 'sw lv2' }), t('lv.if_needed')));
    } else {
      // One swatch per shade the cells can take with this many people.
      const steps = new Set([0]);
      for (let a = 1; a <= total; a++) steps.add(shade(a, total));
      this.legendEl.replaceChildren(
        h('span', { class: 'key' }, t('legend.zero'),
          ...[...steps].map((i) => h('i', { class: `sw h${i}` })), t('legend.all', { n: total })),
        h('span', { class: 'key' }, h('i', { class: 'sw h0 ifn' }), t('legend.ifn')));
    }
    const p = this.filter && this.view.participants.find((x) => x.id === this.filter);
    this.noteEl.hidden = !p;
    if (p) {
      this.noteEl.replaceChildren(h('span', { text: t('filter.note', { name: p.name }) }),
        h('button', { type: 'button', class: 'btn small', onclick: () => this.setFilter(null) }, t('filter.clear')));
    }
  }

  renderPeople() {
    const ps = this.view.participants;
    const n = this.view.slots.length;
    this.peopleEl.replaceChildren(...ps.map((p) => {
      const lv = this.levels.get(p.id);
      let count = 0;
      for (let i = 0; i < n; i++) if (lv[i]) count++;
      const chip = h('button', {
        type: 'button', class: 'chip', 'aria-pressed': String(this.filter === p.id),
        onclick: () => this.setFilter(p.id),
      }, h('span', { class: 'name', text: p.name }),
      p.protected ? h('span', { class: 'lock', title: t('people.protected') },
        icon('lock'), h('span', { class: 'sr', text: t('people.protected') })) : null,
      h('span', { class: 'count', text: count ? t('people.count', { n: count }) : t('people.nothing') }));
      const li = h('li', {}, chip);
      if (this.admin) {
        li.classList.add('pickable');
        // In a label, so the whole 40 px box around it takes the tap.
        li.prepend(h('label', { class: 'pick-box' }, h('input', {
          type: 'checkbox', class: 'pick', 'aria-label': t('people.pick', { name: p.name }),
          checked: this.picked.has(p.id),
          onchange: (e) => {
            if (e.target.checked) this.picked.add(p.id); else this.picked.delete(p.id);
            this.renderPeopleActions();
          },
        })));
        li.append(h('button', {
          type: 'button', class: 'btn small ghost', 'aria-label': t('people.remove', { name: p.name }),
          onclick: () => this.onRemove(p),
        }, '✕'));
      }
      return li;
    }));
    if (!ps.length) this.peopleEl.replaceChildren(h('li', { class: 'muted', text: t('people.empty') }));
    this.renderPeopleActions();
  }

  /** The organiser's "remove selected (n)" button, shown while someone is selected. */
  renderPeopleActions() {
    const el = this.actionsEl;
    if (!el) return;
    const n = this.picked.size;
    el.hidden = !this.admin || !n;
    if (el.hidden) { el.replaceChildren(); return; }
    const btn = el.querySelector('button') ?? h('button', {
      type: 'button', class: 'btn small danger',
      onclick: () => this.onRemoveMany(this.view.participants.filter((p) => this.picked.has(p.id))),
    });
    btn.textContent = t('people.removePicked', { n });
    el.replaceChildren(btn);
  }
}

/** The shade (0–5) of a cell where `a` of `total` people are available. */
export function shade(a, total) {
  return a === 0 ? 0 : Math.max(1, Math.round((a / total) * 5));
}
