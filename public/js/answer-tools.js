// The tools beside "my times" that change answers without painting: undo
// of the last change (a gesture, an import, a whole-grid change), one tap
// away; "mark all free", for people who know their busy hours better than
// their free ones (mark everything, then erase the classes); and "invert".
// Each change is one update, queued like any painting, and undoable.
import { t } from './i18n.js';
import { $ } from './ui.js';
import { changesBetween } from './paint.js';

/**
 * Wires the tools to `painter`; `toast(msg)` tells what happened; view()
 * and layout() give the page's current ones (for the list of times).
 */
export function setupAnswerTools(painter, { toast, view, layout }) {
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
  setupListMode(painter, { toast, view, layout });
  sync();
}

/** "Answer as a list": the grid and its hints give way to the list of times (answer-list.js, loaded on first use). */
function setupListMode(painter, { toast, view, layout }) {
  const btn = $('#list-mode');
  const host = $('#answer-list');
  let list = null;
  const show = (on) => {
    host.hidden = !on;
    for (const el of [$('#paint-grid'), ...document.querySelectorAll('#me .touch-only, #me .mouse-only, #me .key-hint')]) {
      el.classList.toggle('list-off', on);
    }
    btn.textContent = t(on ? 'list.hide' : 'list.show');
    btn.dataset.i18n = on ? 'list.hide' : 'list.show';
    btn.setAttribute('aria-expanded', String(on));
    if (on) list.update();
  };
  btn.setAttribute('aria-expanded', 'false');
  btn.addEventListener('click', async () => {
    if (!host.hidden) { show(false); return; }
    if (!list) {
      try {
        const { AnswerList } = await import('./answer-list.js');
        list ??= new AnswerList(host, painter, { view, layout });
      } catch {
        toast(t('list.loadFailed'));
        return;
      }
    }
    show(true);
  });
}
