// The tools beside "my times" that change answers without painting: undo
// of the last change (a gesture, an import, a whole-grid change), one tap
// away; "mark all free", for people who know their busy hours better than
// their free ones (mark everything, then erase the classes); and "invert".
// Each change is one update, queued like any painting, and undoable.
import { t } from './i18n.js';
import { $ } from './ui.js';
import { changesBetween } from './paint.js';

/** Wires the tools to `painter`; `toast(msg)` tells what happened. */
export function setupAnswerTools(painter, { toast }) {
  const undo = $('#undo');
  const whole = [$('#mark-all'), $('#invert')];
  const sync = () => {
    undo.disabled = !painter.canUndo();
    for (const b of whole) b.disabled = !painter.me || !!painter.preview;
  };
  painter.root.addEventListener('undoable', sync);
  undo.addEventListener('click', () => {
    if (painter.undo()) toast(t('me.undone'));
    sync();
  });
  const change = (next, done) => {
    if (!painter.me || painter.preview) return;
    const changes = changesBetween(painter.levels, next(painter.levels));
    if (!changes.length) { toast(t('me.nothing')); return; }
    painter.enqueue(changes);
    toast(t(done));
  };
  $('#mark-all').addEventListener('click', () => change((lv) => lv.map(() => 1), 'me.allDone'));
  // Available ↔ empty; "if needed" is a considered answer, so it stays.
  $('#invert').addEventListener('click', () => change((lv) => lv.map((v) => (v === 2 ? 2 : 1 - v)), 'me.invertDone'));
  sync();
}
