// "My times": the participant's own availability. A gesture on the grid
// becomes one change (a level on one index range per day column), shown at
// once and sent as one PATCH; failed sends stay queued (also across
// reloads) and are retried until they go through: one at a time, after a
// backoff (api.js), and not at all while the browser is offline. Each
// names the grid it was painted on (the view's `layout`): the server
// refuses it when the organiser has changed the times since, and the
// waiting changes are then dropped and the person told. A calendar import
// shows its proposal here first (setPreview) and is sent the same way
// (enqueue).
import { api, backoff, offline, whenBack } from './api.js';
import { store } from './store.js';
import { t, errorText } from './i18n.js';
import { Grid } from './grid.js';
import { toRanges, levelsOf, cellName } from './time.js';
import { h } from './ui.js';

export const LEVELS = ['none', 'available', 'if_needed'];

export class Painter {
  constructor(root, statusEl, { onSaved, onLost, onState, onRegrid, send }) {
    this.statusEl = statusEl;
    // How a change travels: over the live socket when open, else HTTP.
    this.send = send ?? api.paint;
    this.onSaved = onSaved;
    this.onLost = onLost;
    this.onState = onState;
    this.onRegrid = onRegrid;
    this.root = root;
    this.brush = 1;
    this.base = new Uint8Array(0);
    this.levels = this.base;
    this.queue = [];
    this.version = 0;
    this.attempt = 0;
    this.state = 'idle';
    this.grid = new Grid(root, {
      kind: 'paint',
      touchDrag: true,
      label: () => t('grid.paint'),
      cell: (s) => {
        if (this.preview) return this.previewCell(s);
        const lv = this.levels[s] ?? 0;
        // A cell whose change is not saved yet says so, and looks it (dashed)
        // while saving fails: see renderStatus().
        const unsaved = lv !== (this.base[s] ?? 0);
        return {
          cls: unsaved ? `lv${lv} unsaved` : `lv${lv}`,
          text: '',
          label: `${cellName(this.L, s)}: ${t(`lv.${LEVELS[lv]}`)}${unsaved ? ` (${t('save.cellPending')})` : ''}`,
        };
      },
      previewClass: (s) => (this.levels[s] === this.brush ? 'pv-off' : `pv-on pv${this.brush}`),
      onCommit: (slots, anchor) => this.paint(slots, anchor),
      onTap: (s) => this.paint([s], s),
    });
    whenBack(() => this.flush(true));
  }

  /** Signs a participant in (or out with null); reloads their queued changes. */
  setSession(id, me) {
    this.id = id;
    this.me = me;
    this.queue = me ? store.queue(id, me.pid) : [];
    this.version = 0;
    this.failing = this.queue.length > 0;
    this.setUndo(null);
    clearTimeout(this.timer);
    this.setState(this.queue.length ? 'pending' : 'idle');
    if (this.queue.length) this.flush(true);
  }

  setLayout(L) {
    this.L = L;
    this.grid.setLayout(L);
  }

  /** Takes the participant's saved levels from a fresh view. */
  setView(view) {
    const key = gridKey(view);
    this.layout = view.layout;
    if (key !== this.gridId) {
      this.gridId = key;
      this.root.dispatchEvent(new Event('undoable')); // an undo made for the old grid is gone
    }
    if (!this.me) return;
    // Changes painted on a grid the organiser has since replaced would land
    // on the wrong times: they are dropped, and the participant is told.
    const stale = this.queue.filter((item) => item.grid && item.grid !== this.gridId);
    if (stale.length) {
      this.queue = this.queue.filter((item) => !stale.includes(item));
      store.setQueue(this.id, this.me.pid, this.queue);
      this.setState('rejected', t('save.regrid'));
    }
    if (this.queue.length) this.flush();
    const p = view.participants.find((x) => x.id === this.me.pid);
    if (p && view.version >= this.version) this.base = levelsOf(p, view.slots.length);
    else if (this.base.length !== view.slots.length) this.base = new Uint8Array(view.slots.length);
    this.recompute();
  }

  recompute() {
    const lv = this.base.slice();
    for (const item of this.queue) apply(lv, item.changes);
    this.levels = lv;
    this.grid.refresh();
    this.root.dispatchEvent(new Event('levels')); // for the list of times, when shown
  }

  setBrush(level) {
    this.brush = level;
  }

  /** Closes (or reopens) painting: the deadline has passed. */
  setLocked(on) {
    if (this.locked === on) return;
    this.locked = on;
    this.root.classList.toggle('is-locked', on);
    this.root.dispatchEvent(new Event('undoable'));
  }

  paint(slots, anchor) {
    if (!this.me || !slots.length || this.preview || this.locked) return;
    const level = this.levels[anchor] === this.brush ? 0 : this.brush;
    if (slots.every((s) => this.levels[s] === level)) return;
    this.enqueue([{ level: LEVELS[level], slots: toRanges(slots) }]);
  }

  /**
   * Sends one change list as one update, queued (and kept offline) like any
   * painting. Unless it is itself an undo, it becomes the one that "undo"
   * takes back.
   */
  enqueue(changes, { undo = false } = {}) {
    if (this.locked) return;
    const before = this.levels.slice();
    this.queue.push({ changes, grid: this.gridId, layout: this.layout });
    store.setQueue(this.id, this.me.pid, this.queue);
    this.recompute();
    this.setUndo(undo ? null : { changes: changesBetween(this.levels, before), grid: this.gridId });
    this.flush(true);
  }

  // --- undo of the last gesture ---------------------------------------------

  /** Whether there is a last change to take back (on the grid still shown). */
  canUndo() {
    return !!(this.me && this.last?.changes.length && this.last.grid === this.gridId && !this.preview && !this.locked);
  }

  /** Takes the last change back, as one update of its own. */
  undo() {
    if (!this.canUndo()) return false;
    this.enqueue(this.last.changes, { undo: true });
    return true;
  }

  setUndo(last) {
    this.last = last;
    this.root.dispatchEvent(new Event('undoable'));
  }

  /**
   * Shows a proposal on the grid instead of the saved levels — {busy, levels}:
   * busy slots hatched, every other slot at the level it would get — and
   * holds painting until it ends (null).
   */
  setPreview(preview) {
    this.preview = preview;
    this.root.classList.toggle('is-preview', !!preview);
    this.grid.refresh();
    this.root.dispatchEvent(new Event('undoable'));
  }

  previewCell(s) {
    const { busy, levels } = this.preview;
    const name = cellName(this.L, s);
    if (busy[s]) return { cls: 'lv0 busy', text: '', label: `${name}: ${t('import.busyCell')}` };
    const lv = levels[s];
    return { cls: `lv${lv}${lv !== this.levels[s] ? ' changed' : ''}`, text: '', label: `${name}: ${t(`lv.${LEVELS[lv]}`)}` };
  }

  /** Sends the first waiting change (at most one is in flight); `now`
   *  skips the backoff (a new change, the network back, "retry now"). */
  async flush(now) {
    if (now) {
      clearTimeout(this.timer);
      this.timer = null;
      this.attempt = 0;
    }
    // Nothing goes out before a view says which grid the page shows.
    if (this.busy || !this.me || !this.queue.length || this.timer || !this.gridId) return;
    // Offline, nothing is sent: the 'online' event flushes.
    if (offline()) { this.failing = true; this.setState('pending'); return; }
    this.busy = true;
    const { id, me } = this;
    const item = this.queue[0];
    // After a failure, retries keep showing "waiting to save" until one works.
    this.setState(this.failing ? 'pending' : 'saving');
    try {
      const r = await this.send(id, me.pid, me.token, item.changes, item.layout);
      if (this.me !== me) return;
      this.queue.shift();
      apply(this.base, item.changes);
      const p = r.data?.participant;
      if (p?.levels !== undefined && !this.queue.length) this.base = levelsOf(p, this.base.length);
      this.version = Math.max(this.version, r.data?.version ?? 0);
      this.attempt = 0;
      this.failing = false;
      store.setQueue(id, me.pid, this.queue);
      this.recompute();
      this.setState(this.queue.length ? 'saving' : 'saved');
      this.onSaved?.(r.data);
    } catch (err) {
      if (this.me !== me) return;
      if (err.transient) {
        this.failing = true;
        this.timer = setTimeout(() => { this.timer = null; this.flush(); }, backoff(this.attempt++, err));
        this.setState('pending');
      } else if (err.status === 401 || err.status === 403 || err.status === 404) {
        this.queue = [];
        this.failing = false;
        store.setQueue(id, me.pid, null);
        this.onLost?.(err);
      } else if (err.code === 'deadline_passed') {
        // Answers are closed: nothing waiting will pass until the organiser
        // moves the deadline, so none is retried; the page fetches the view.
        this.queue = [];
        this.failing = false;
        store.setQueue(id, me.pid, this.queue);
        this.recompute();
        this.setState('rejected', errorText(err));
        this.onRegrid?.();
      } else if (err.code === 'schedule_changed') {
        // Painted on times the organiser has since changed: every waiting
        // change names the old grid, so none is sent; the page fetches
        // the new view and says how many cells were not saved.
        const cells = new Set(this.queue.flatMap((q) => q.changes.flatMap((c) =>
          c.slots.flatMap(([a, b]) => Array.from({ length: b - a }, (_, k) => a + k)))));
        this.queue = [];
        this.failing = false;
        store.setQueue(id, me.pid, this.queue);
        this.recompute();
        this.setState('rejected', t('save.scheduleChanged', { n: cells.size }));
        this.onRegrid?.();
      } else {
        // The server refused this change (it will never pass): drop it.
        this.queue.shift();
        this.failing = false;
        store.setQueue(id, me.pid, this.queue);
        this.recompute();
        this.setState('rejected', errorText(err));
      }
    } finally {
      this.busy = false;
    }
    if (this.me === me && this.queue.length && !this.timer) this.flush();
  }

  setState(state, detail) {
    this.state = state;
    this.detail = detail;
    this.renderStatus();
  }

  renderStatus() {
    const el = this.statusEl;
    el.dataset.state = this.state;
    const n = this.queue.length;
    const parts = {
      idle: [t('save.idle')],
      saving: [t('save.saving')],
      saved: [t('save.saved')],
      pending: [t('save.pending', { n }),
        h('button', { type: 'button', class: 'btn small', onclick: () => this.flush(true) }, t('save.retry'))],
      rejected: [t('save.rejected', { msg: this.detail ?? '' })],
    }[this.state];
    el.replaceChildren(...parts.map((p, i) => (i === 0 ? h('span', { text: p }) : p)));
    this.root.classList.toggle('is-pending', this.state === 'pending');
    this.onState?.(this.state, n);
  }
}

/** What identifies a grid: slot indices mean the same times only while it stays. */
export function gridKey(view) {
  return JSON.stringify([view.dates ?? view.weekdays, view.start, view.end, view.slot_minutes, view.timezone]);
}

/** The changes that turn levels `from` into `to`: one per level, over index ranges. */
export function changesBetween(from, to) {
  const changes = [];
  for (const level of [0, 1, 2]) {
    const slots = [];
    for (let i = 0; i < to.length; i++) if (to[i] === level && from[i] !== level) slots.push(i);
    if (slots.length) changes.push({ level: LEVELS[level], slots: toRanges(slots) });
  }
  return changes;
}

function apply(levels, changes) {
  for (const c of changes) {
    const v = LEVELS.indexOf(c.level);
    for (const [a, b] of c.slots) levels.fill(v, a, b);
  }
}
