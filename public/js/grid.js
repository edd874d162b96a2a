// The day × time grid shared by "my times" (painting) and "everyone"
// (heatmap): layout, paging through days on narrow screens, and gestures —
// press-and-drag with a mouse; with a finger or pen a swipe scrolls the page
// as everywhere else, a tap is a tap, and touching and holding a cell for a
// moment starts a drag (Pointer Events, with `touchmove` held back only once
// a drag has started); and the keyboard (arrows move, shift+arrows extend,
// space/enter commit).
import { h, HOLD_MS, SLOP } from './ui.js';
import { t } from './i18n.js';

const MIN_COL = 36; // px: 7 days fit on a 360 px phone
const LABEL_W = 46;
const EDGE = 48; // px from the viewport edge where a drag scrolls the page

const grids = new Set();
const shown = { width: 0 }; // px: the last width a shown grid had

export class Grid {
  /**
   * opts: kind ('paint'|'heat'), label(), cell(slot) → {cls, text, label},
   * previewClass(anchorSlot), onCommit(slots, anchorSlot, how) with how
   * 'pointer' or 'key', column (select within one column), touchDrag (a
   * finger held still starts a drag; taps → onTap either way),
   * selectFollowsFocus, onTap(slot), onHover(slot|null).
   */
  constructor(root, opts) {
    this.root = root;
    this.o = opts;
    this.L = null;
    this.first = 0;
    this.perPage = 7;
    this.focus = null; // {c, r} of the roving-tabindex cell
    this.anchor = null; // keyboard selection anchor
    this.drag = null;
    this.hold = null; // a finger resting on a cell, not yet dragging
    this.marks = new Set(); // slots highlighted from outside (a chosen best time)
    this.prev = h('button', { type: 'button', class: 'btn small', onclick: () => this.turn(-1) }, '‹');
    this.next = h('button', { type: 'button', class: 'btn small', onclick: () => this.turn(1) }, '›');
    this.pageLabel = h('span', { class: 'pager-label', 'aria-live': 'polite' });
    this.pager = h('div', { class: 'pager', hidden: true }, this.prev, this.pageLabel, this.next);
    this.grid = h('div', { class: `grid grid-${opts.kind}`, role: 'grid' });
    root.replaceChildren(this.pager, this.grid);
    const g = this.grid;
    g.addEventListener('pointerdown', (e) => this.down(e));
    g.addEventListener('pointermove', (e) => this.move(e));
    g.addEventListener('pointerup', (e) => this.up(e));
    g.addEventListener('pointercancel', () => { this.unhold(); this.abort(); });
    // Once a finger drag has started, its moves paint instead of scrolling.
    g.addEventListener('touchmove', (e) => { if (this.drag?.touch && e.cancelable) e.preventDefault(); }, { passive: false });
    // Only the grid losing its capture ends a drag (a cell handing it over does not).
    g.addEventListener('lostpointercapture', (e) => e.target === g && this.drag && this.up({ pointerId: this.drag.id }));
    g.addEventListener('click', (e) => this.click(e));
    g.addEventListener('keydown', (e) => this.key(e));
    g.addEventListener('pointerover', (e) => {
      if (e.pointerType === 'mouse' && !this.drag) this.o.onHover?.(this.slotOf(e.target));
    });
    g.addEventListener('pointerleave', () => this.o.onHover?.(null));
    g.addEventListener('contextmenu', (e) => { if (this.drag || this.hold) e.preventDefault(); });
    new ResizeObserver(() => this.fit()).observe(root);
    grids.add(this);
  }

  setLayout(L) {
    this.L = L;
    this.anchor = null;
    if (this.focus && L.at(this.focus.c, this.focus.r) < 0) this.focus = null;
    this.fit(true);
  }

  fit(force) {
    if (!this.L) return;
    // A grid in a hidden tab has no width of its own: it takes the width of
    // the one shown (the tabs share it), so switching tabs rebuilds neither.
    const own = this.root.clientWidth;
    if (own) shown.width = own;
    const w = own || shown.width || 360;
    const per = Math.max(1, Math.floor((w - LABEL_W) / MIN_COL));
    if (per === this.perPage && !force) return;
    this.perPage = per;
    const c = this.focus ? this.focus.c : this.first;
    this.first = Math.floor(Math.min(c, this.L.nc - 1) / per) * per;
    this.build();
    if (own) for (const g of grids) if (g !== this && !g.root.clientWidth) g.fit();
  }

  turn(dir) {
    this.first = Math.max(0, Math.min(this.first + dir * this.perPage, this.L.nc - 1));
    this.first = Math.floor(this.first / this.perPage) * this.perPage;
    this.focus = null;
    this.build();
  }

  /** Shows the page holding a slot's column. */
  reveal(slot) {
    const c = this.L.colOf[slot];
    if (c >= this.first && c < this.first + this.perPage) return;
    this.first = Math.floor(c / this.perPage) * this.perPage;
    this.build();
  }

  build() {
    const { L } = this;
    // Rebuilding replaces the cells: a focused one must hand focus on.
    const hadFocus = this.grid.contains(document.activeElement);
    const c0 = this.first;
    const c1 = Math.min(L.nc, c0 + this.perPage);
    this.c0 = c0;
    this.c1 = c1;
    const g = this.grid;
    g.style.setProperty('--cols', String(c1 - c0));
    g.setAttribute('aria-label', this.o.label());
    g.setAttribute('aria-colcount', String(L.nc + 1));
    g.setAttribute('aria-rowcount', String(L.nr + 1));
    const head = h('div', { role: 'row', class: 'grow ghead', 'aria-rowindex': 1 },
      h('div', { role: 'columnheader', class: 'corner', 'aria-colindex': 1 },
        h('span', { class: 'sr', text: t('grid.time') })));
    for (let c = c0; c < c1; c++) {
      const col = L.cols[c];
      head.append(h('div', {
        role: 'columnheader', class: `colh${col.weekend ? ' weekend' : ''}`, 'aria-colindex': c + 2,
      }, h('span', { class: 'wd', text: col.short }), col.md ? h('span', { class: 'md', text: col.md }) : null,
      h('span', { class: 'sr', text: col.long })));
    }
    const rows = [head];
    this.els = [];
    for (let r = 0; r < L.nr; r++) {
      const row = L.rows[r];
      const major = row.min % 60 === 0 || r === 0 || row.gap;
      const el = h('div', {
        role: 'row', 'aria-rowindex': r + 2,
        class: `grow${row.min % 60 === 0 ? ' hour' : ''}${row.gap ? ' gap' : ''}`,
      }, h('div', { role: 'rowheader', class: 'rowh', 'aria-colindex': 1 },
        major ? row.label : h('span', { class: 'sr', text: row.label })));
      for (let c = c0; c < c1; c++) {
        const s = L.at(c, r);
        const cell = h('div', { role: 'gridcell', 'aria-colindex': c + 2 });
        if (s >= 0) {
          cell.dataset.s = String(s);
          cell.tabIndex = -1;
        } else {
          cell.className = 'cell void';
          cell.setAttribute('aria-disabled', 'true');
        }
        el.append(cell);
        if (s >= 0) this.els[s] = cell;
      }
      rows.push(el);
    }
    g.replaceChildren(...rows);
    const paged = L.nc > this.perPage;
    this.pager.hidden = !paged;
    if (paged) {
      this.prev.disabled = c0 === 0;
      this.next.disabled = c1 >= L.nc;
      this.prev.setAttribute('aria-label', t('grid.prev'));
      this.next.setAttribute('aria-label', t('grid.next'));
      const name = (c) => L.cols[c].md || L.cols[c].short;
      this.pageLabel.textContent = t('grid.page', { from: name(c0), to: name(c1 - 1), a: c0 + 1, b: c1, n: L.nc });
    }
    if (!this.focus || this.focus.c < c0 || this.focus.c >= c1) this.focus = this.firstCell();
    this.refresh();
    if (hadFocus && this.focus) this.els[L.at(this.focus.c, this.focus.r)]?.focus({ preventScroll: true });
  }

  firstCell() {
    for (let r = 0; r < this.L.nr; r++) {
      for (let c = this.c0; c < this.c1; c++) if (this.L.at(c, r) >= 0) return { c, r };
    }
    return null;
  }

  /** Redraws every visible cell from opts.cell(). */
  refresh() {
    if (!this.L || !this.els) return;
    const sel = this.rectSet(this.anchor, this.focus);
    const pv = this.drag ? this.rectSet(this.drag.anchor, this.drag.cur) : null;
    const f = this.focus ? this.L.at(this.focus.c, this.focus.r) : -1;
    this.els.forEach((el, s) => {
      if (!el) return;
      const info = this.o.cell(s);
      let cls = `cell ${info.cls}`;
      if (sel && sel.has(s)) cls += ' sel';
      if (pv && pv.has(s)) cls += ` ${this.drag.cls}`;
      if (this.marks.has(s)) {
        const c = this.L.colOf[s];
        const r = this.L.rowOf[s];
        cls += ' mark';
        if (!this.marks.has(this.L.at(c, r - 1))) cls += ' mark-first';
        if (!this.marks.has(this.L.at(c, r + 1))) cls += ' mark-last';
      }
      if (el.className !== cls) el.className = cls;
      // Visible text (a count) goes in an aria-hidden span and the spoken
      // name in a hidden one, so the two never disagree (WCAG 2.5.3).
      const key = `${info.text}\u0000${info.label}`;
      if (el.ebKey !== key) {
        el.ebKey = key;
        el.replaceChildren(h('span', { 'aria-hidden': 'true' }, info.text), h('span', { class: 'sr' }, info.label));
      }
      el.tabIndex = s === f ? 0 : -1;
    });
  }

  mark(slots) {
    this.marks = new Set(slots);
    this.refresh();
  }

  slotOf(el) {
    const cell = el?.closest?.('.cell[data-s]');
    return cell && this.grid.contains(cell) ? Number(cell.dataset.s) : null;
  }

  pos(s) {
    return { c: this.L.colOf[s], r: this.L.rowOf[s] };
  }

  rectSlots(a, b) {
    if (!a || !b) return [];
    const out = [];
    for (let c = Math.min(a.c, b.c); c <= Math.max(a.c, b.c); c++) {
      for (let r = Math.min(a.r, b.r); r <= Math.max(a.r, b.r); r++) {
        const s = this.L.at(c, r);
        if (s >= 0) out.push(s);
      }
    }
    return out;
  }

  rectSet(a, b) {
    return a && b ? new Set(this.rectSlots(a, b)) : null;
  }

  // --- pointer -------------------------------------------------------------

  down(e) {
    const s = this.slotOf(e.target);
    this.pointerType = e.pointerType;
    if (s == null || this.drag || this.hold) return;
    if (e.pointerType === 'mouse' && e.button !== 0) return;
    if (e.pointerType !== 'mouse') {
      // A finger: a swipe scrolls, a tap is a click (see click()); resting
      // still on a cell for a moment starts a drag.
      if (!this.o.touchDrag) return;
      this.hold = { id: e.pointerId, s, x: e.clientX, y: e.clientY, timer: setTimeout(() => this.held(), HOLD_MS) };
      this.els[s]?.classList.add('holding');
      return;
    }
    e.preventDefault();
    this.startDrag(e.pointerId, s, e.clientX, e.clientY);
    this.els[s]?.focus({ preventScroll: true });
  }

  startDrag(id, s, x, y, touch = false) {
    const p = this.pos(s);
    this.drag = { id, anchor: p, cur: p, x, y, touch, cls: this.o.previewClass(s) };
    try { this.grid.setPointerCapture(id); } catch { /* synthetic event, or the pointer is gone */ }
    this.anchor = null;
    this.focus = p;
    this.refresh();
    this.scrollLoop();
  }

  /** The finger stayed on its cell long enough: from here on it paints. */
  held() {
    const h0 = this.hold;
    this.unhold();
    if (!h0 || this.drag) return;
    this.startDrag(h0.id, h0.s, h0.x, h0.y, true);
    // The hold has armed: the grid says so before the finger moves.
    this.grid.classList.add('is-armed');
    if (navigator.userActivation?.hasBeenActive) navigator.vibrate?.(10);
  }

  unhold() {
    if (!this.hold) return;
    clearTimeout(this.hold.timer);
    this.els[this.hold.s]?.classList.remove('holding');
    this.hold = null;
  }

  move(e) {
    const hold = this.hold;
    if (hold && e.pointerId === hold.id && Math.hypot(e.clientX - hold.x, e.clientY - hold.y) > SLOP) {
      this.unhold();
      // Sideways, the page does not scroll (touch-action: pan-y) and the
      // browser's back swipe is off: the finger is painting across the week.
      if (Math.abs(e.clientX - hold.x) > Math.abs(e.clientY - hold.y) && !this.drag) {
        this.startDrag(hold.id, hold.s, e.clientX, e.clientY, true);
        this.grid.classList.add('is-armed');
        this.track();
      }
      return; // else the finger is scrolling the page
    }
    if (!this.drag || e.pointerId !== this.drag.id) return;
    this.drag.x = e.clientX;
    this.drag.y = e.clientY;
    this.drag.moved = true;
    this.track();
  }

  track() {
    const d = this.drag;
    const [x, y] = this.inCells(d.x, d.y);
    const s = this.slotOf(document.elementFromPoint(x, y));
    if (s == null) return;
    const p = this.pos(s);
    if (this.o.column) p.c = d.anchor.c;
    if (p.c === d.cur.c && p.r === d.cur.r) return;
    if (this.L.at(p.c, p.r) < 0) return;
    d.cur = p;
    this.refresh();
  }

  /**
   * Where a drag reads its cell: the finger's point kept over the cells in
   * view — below the day header (sticky, with the tabs above it), within
   * the columns and the screen — so a finger resting on the header or the
   * tabs extends the selection as the page scrolls under it.
   */
  inCells(x, y) {
    const heads = this.grid.querySelectorAll('.colh');
    if (!heads.length) return [x, y];
    const first = heads[0].getBoundingClientRect();
    const last = heads[heads.length - 1].getBoundingClientRect();
    const bottom = Math.min(innerHeight, this.grid.getBoundingClientRect().bottom) - 1;
    return [Math.min(Math.max(x, first.left + 1), last.right - 1), Math.min(Math.max(y, first.bottom + 1), bottom)];
  }

  /** How far above the cells in view the finger is (over the sticky header or the tabs), or 0. */
  aboveCells(y) {
    const head = this.grid.querySelector('.colh')?.getBoundingClientRect();
    return head && head.top <= 60 ? Math.max(0, head.bottom - y) : 0;
  }

  scrollLoop() {
    const step = () => {
      const d = this.drag;
      if (!d) return;
      // A finger still resting where it armed is not asking for a scroll.
      const above = d.moved ? this.aboveCells(d.y) : 0;
      let dy = 0;
      if (d.moved && d.y > innerHeight - EDGE) dy = Math.min(18, (d.y - innerHeight + EDGE) / 3 + 2);
      else if (above) dy = -Math.min(18, above / 3 + 2);
      else if (d.moved && d.y < EDGE) dy = -Math.min(18, (EDGE - d.y) / 3 + 2);
      if (dy) {
        const before = scrollY;
        scrollBy(0, dy);
        if (scrollY !== before) this.track();
      }
      requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  }

  up(e) {
    if (this.hold && e.pointerId === this.hold.id) this.unhold(); // a tap: click() follows
    const d = this.drag;
    if (!d || e.pointerId !== d.id) return;
    this.drag = null;
    this.grid.classList.remove('is-armed');
    const slots = this.rectSlots(d.anchor, d.cur);
    this.focus = d.cur;
    // A finger held still and lifted may still fire a click on its cell.
    if (d.touch) this.swallowClick = { at: Date.now(), s: this.L.at(d.cur.c, d.cur.r) };
    this.refresh();
    this.o.onCommit(slots, this.L.at(d.anchor.c, d.anchor.r), 'pointer');
  }

  abort() {
    if (!this.drag) return;
    this.drag = null;
    this.grid.classList.remove('is-armed');
    this.refresh();
  }

  click(e) {
    if (this.pointerType === 'mouse') return; // handled as a drag of one cell
    const s = this.slotOf(e.target);
    const after = this.swallowClick;
    this.swallowClick = null;
    if (s == null || (after && after.s === s && Date.now() - after.at < 800)) return; // part of that drag
    this.focus = this.pos(s);
    this.anchor = null;
    this.o.onTap?.(s);
  }

  // --- keyboard ------------------------------------------------------------

  key(e) {
    if (!this.focus) return;
    const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    let next = null;
    if (moves[e.key]) {
      const [dc, dr] = moves[e.key];
      if (e.shiftKey && this.o.column && dc) return;
      next = this.step(this.focus, dc, dr);
    } else if (e.key === 'Home' || e.key === 'End') {
      const c = this.focus.c;
      const rows = [...Array(this.L.nr).keys()].filter((r) => this.L.at(c, r) >= 0);
      next = { c, r: e.key === 'Home' ? rows[0] : rows[rows.length - 1] };
    } else if (e.key === ' ' || e.key === 'Enter') {
      e.preventDefault();
      const a = this.anchor ?? this.focus;
      const slots = this.rectSlots(a, this.focus);
      if (!this.o.selectFollowsFocus) this.anchor = null;
      this.refresh();
      this.o.onCommit(slots, this.L.at(a.c, a.r), 'key');
      return;
    } else if (e.key === 'Escape') {
      if (!this.anchor) return;
      this.anchor = null;
      this.refresh();
      return;
    } else {
      return;
    }
    e.preventDefault();
    if (!next) return;
    if (e.shiftKey) this.anchor ??= this.focus;
    else this.anchor = null;
    this.focusAt(next);
    if (this.o.selectFollowsFocus) {
      const a = this.anchor ?? next;
      this.o.onCommit(this.rectSlots(a, next), this.L.at(a.c, a.r), 'key');
    }
  }

  /** The next cell holding a slot from `p` in direction (dc, dr). */
  step(p, dc, dr) {
    let { c, r } = p;
    for (;;) {
      c += dc;
      r += dr;
      if (c < 0 || r < 0 || c >= this.L.nc || r >= this.L.nr) return null;
      if (this.L.at(c, r) >= 0) return { c, r };
    }
  }

  focusAt(p) {
    this.focus = p;
    if (p.c < this.c0 || p.c >= this.c1) {
      this.first = Math.floor(p.c / this.perPage) * this.perPage;
      this.build();
    } else {
      this.refresh();
    }
    this.els[this.L.at(p.c, p.r)]?.focus();
  }
}
