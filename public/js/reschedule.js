// What an edit of the schedule keeps, worked out in the browser before the
// organiser saves it, by the rules of the API ("Editing the schedule"):
// every participant's levels move to the new grid by the instant each slot
// covers (dates) or by weekday and wall time (weekdays); a new slot takes a
// level when old slots together cover it wholly and all had that level.
// The final time stays only when its slots still exist exactly.
import { instantAt, toMin, levelsOf, WEEKDAYS } from './time.js';

/**
 * The slots of a schedule ({dates | weekdays, start, end, slot_minutes,
 * timezone}) as [from, to) on one line: UTC minutes for dates, minutes
 * from Monday 00:00 for weekdays. A wall time a DST change skips is left
 * out; one that occurs twice is taken once, the first time.
 */
export function slotSpans(schedule) {
  const step = schedule.slot_minutes;
  const a = toMin(schedule.start);
  const b = toMin(schedule.end);
  const out = [];
  if (schedule.weekdays) {
    const days = [...schedule.weekdays].sort((x, y) => WEEKDAYS.indexOf(x) - WEEKDAYS.indexOf(y));
    for (const d of days) {
      for (let m = a; m + step <= b; m += step) out.push([WEEKDAYS.indexOf(d) * 1440 + m, WEEKDAYS.indexOf(d) * 1440 + m + step]);
    }
    return out;
  }
  for (const d of [...schedule.dates].sort()) {
    let last = -Infinity;
    for (let m = a; m + step <= b; m += step) {
      const ms = instantAt(d, m, schedule.timezone);
      if (ms === null || ms <= last) continue;
      last = ms;
      out.push([ms / 60000, ms / 60000 + step]);
    }
  }
  return out;
}

/** The current view's slots on the same line as slotSpans(). */
function viewSpans(view) {
  const step = view.slot_minutes;
  return view.slots.map((s) => {
    const from = view.weekdays ? WEEKDAYS.indexOf(s.day) * 1440 + toMin(s.time) : Date.parse(s.start) / 60000;
    return [from, from + step];
  });
}

/**
 * For each new slot, the old slots that together cover it wholly (their
 * indices), or null when some part of it was not on the old grid.
 */
function cover(oldSpans, newSpans) {
  const order = oldSpans.map((_, i) => i).sort((x, y) => oldSpans[x][0] - oldSpans[y][0]);
  return newSpans.map(([a, b]) => {
    const used = [];
    let reach = a;
    for (const i of order) {
      const [x, y] = oldSpans[i];
      if (y <= a) continue;
      if (x >= b || x > reach) break;
      used.push(i);
      reach = Math.max(reach, y);
      if (reach >= b) return used;
    }
    return null;
  });
}

/**
 * What saving `schedule` over `view` keeps: {people} — how many
 * participants keep an answer on at least one time — and {final} — whether
 * the final time (if any) stays.
 */
export function keptAfter(view, schedule) {
  const sameKind = !!view.weekdays === !!schedule.weekdays;
  const oldSpans = viewSpans(view);
  const newSpans = sameKind ? slotSpans(schedule) : [];
  const covers = cover(oldSpans, newSpans).filter(Boolean);
  const n = view.slots.length;
  let people = 0;
  for (const p of view.participants) {
    const lv = levelsOf(p, n);
    if (covers.some((c) => lv[c[0]] !== 0 && c.every((i) => lv[i] === lv[c[0]]))) people++;
  }
  let final = false;
  if (view.final && sameKind) {
    const starts = new Set(newSpans.map(([x, y]) => `${x}:${y}`));
    final = oldSpans.slice(view.final.start, view.final.end).every(([x, y]) => starts.has(`${x}:${y}`));
  }
  return { people, final };
}

/** The fields of `schedule` that differ from the view's: the body of the PATCH. */
export function changedFields(view, schedule) {
  const body = {};
  const same = (x, y) => JSON.stringify(x) === JSON.stringify(y);
  if (schedule.dates && !same(view.dates, [...schedule.dates].sort())) body.dates = [...schedule.dates].sort();
  if (schedule.weekdays && !same(view.weekdays, schedule.weekdays)) body.weekdays = schedule.weekdays;
  for (const k of ['start', 'end', 'slot_minutes', 'timezone']) if (schedule[k] !== view[k]) body[k] = schedule[k];
  return body;
}
