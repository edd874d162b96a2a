// "My usual week" on this device: the participant's current answer saved
// as weekday + time ranges (localStorage only, never uploaded), and
// filled into any appointment in one tap, as one update that "undo" takes
// back. The mapping itself is week-map.js.
import { t, addStrings } from './i18n.js';
import * as words from './strings-tools.js';
import { changesBetween } from './paint.js';
import { weekFrom, levelsFrom, isWeek } from './week-map.js';

addStrings(words);

const KEY = 'eb:week';

/** The usual week saved on this device, or null. */
export function loadWeek() {
  try {
    const w = JSON.parse(localStorage.getItem(KEY));
    return isWeek(w) ? w : null;
  } catch {
    return null;
  }
}

/** Saves the participant's current answer (as shown, unsaved cells too) as their usual week. */
export function saveWeek({ painter, view, toast }) {
  const v = view();
  if (!painter.me || !v) return;
  const week = weekFrom(v, painter.levels);
  if (!Object.keys(week.days).length) { toast(t('week.empty')); return; }
  try {
    localStorage.setItem(KEY, JSON.stringify({ ...week, saved: new Date().toISOString().slice(0, 10) }));
  } catch { /* private mode or full */ }
  toast(t('week.saved'));
}

/** Fills the usual week in, as one update. */
export function applyWeek({ painter, view, toast }) {
  const v = view();
  const week = loadWeek();
  if (!painter.me || !v || !week || painter.preview || painter.locked) return;
  const changes = changesBetween(painter.levels, levelsFrom(v, week));
  if (!changes.length) { toast(t('week.same')); return; }
  painter.enqueue(changes);
  toast(t('week.applied'));
}
