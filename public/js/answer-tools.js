// The tools beside "my times" that change answers without painting: undo
// of the last change (a gesture, an import, a whole-grid change), one tap
// away. Each change they make is one update, queued like any painting.
import { t } from './i18n.js';
import { $ } from './ui.js';

/** Wires the tools to `painter`; `toast(msg)` tells what happened. */
export function setupAnswerTools(painter, { toast }) {
  const undo = $('#undo');
  const sync = () => { undo.disabled = !painter.canUndo(); };
  painter.root.addEventListener('undoable', sync);
  undo.addEventListener('click', () => {
    if (painter.undo()) toast(t('me.undone'));
    sync();
  });
  sync();
}
