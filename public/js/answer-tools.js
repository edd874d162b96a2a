// The tools beside "my times" that change answers without painting: undo
// of the last change (a gesture, an import, a whole-grid change), one tap
// away; "mark all free", "invert" and "answer as a list" load on first use
// (answer-list.js); "my usual week" (save, fill in) too (usual-week.js).
import { t } from './i18n.js';
import { $ } from './ui.js';

/**
 * Wires the tools to `painter`; `toast(msg)` tells what happened; view()
 * and layout() give the page's current ones (for the list of times).
 */
export function setupAnswerTools(painter, { toast, view, layout }) {
  const undo = $('#undo');
  const sync = () => {
    undo.disabled = !painter.canUndo();
    for (const b of [$('#mark-all'), $('#invert'), $('#week-apply')]) b.disabled = !painter.me || !!painter.preview || !!painter.locked;
    // Filling in needs a usual week saved on this device.
    try { $('#week-apply').hidden = !localStorage.getItem('eb:week'); } catch { /* storage off */ }
  };
  painter.root.addEventListener('undoable', sync);
  undo.addEventListener('click', () => {
    if (painter.undo()) toast(t('me.undone'));
    sync();
  });
  const later = (use, load = () => import('./answer-list.js')) => async () => {
    let m;
    try {
      m = await load();
    } catch {
      toast(t('list.loadFailed'));
      return;
    }
    use(m);
  };
  const ctx = { painter, toast, view, layout };
  $('#mark-all').addEventListener('click', later((m) => m.markAll(ctx)));
  $('#invert').addEventListener('click', later((m) => m.invert(ctx)));
  $('#list-mode').addEventListener('click', later((m) => m.toggleList(ctx)));
  const week = () => import('./usual-week.js');
  $('#week-save').addEventListener('click', later((m) => { m.saveWeek(ctx); sync(); }, week));
  $('#week-apply').addEventListener('click', later((m) => { m.applyWeek(ctx); sync(); }, week));
  sync();
}
