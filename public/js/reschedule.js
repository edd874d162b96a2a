// What an edit of the schedule keeps, worked out in the browser before the
// organiser saves it, by the rules of the API ("Editing the schedule"):
// every participant's levels move to the new grid by the instant each slot
// covers (dates) or by weekday and wall time (weekdays); a new slot takes a
// level when old slots together cover it wholly and all had that level.
// The final time stays when a run of new slots within one day covers
// exactly its time (so splitting or merging its slots keeps it).
import { instantAt, toMin, levelsOf, WEEKDAYS } from './time.js';

/**
 * The slots of a schedule ({dates | weekdays, start, end, slot_minutes,
 * timezone}) as [from, to, day] on one line: UTC minutes for dates,
 * minutes from Monday 00:00 for weekdays. A wall time a DST change skips is
 * left out; one that occurs twice is taken once, the first time.
 */
export function slotSpans(schedule) {
  const step = schedule.slot_minutes;
  const a = toMin(schedule.start);
  const b = toMin(schedule.end);
  const out = [];
  if (schedule.weekdays) {
    const days = [...schedule.weekdays].sort((x, y) => WEEKDAYS.indexOf(x) - WEEKDAYS.indexOf(y));
    for (const d of days) {
      for (let m = a; m + step <= b; m += step) out.push([WEEKDAYS.indexOf(d) * 1440 + m, WEEKDAYS.indexOf(d) * 1440 + m + step, d]);
    }
    return out;
  }
  for (const d of [...schedule.dates].sort()) {
    let last = -Infinity;
    for (let m = a; m + step <= b; m += step) {
      const ms = instantAt(d, m, schedule.timezone);
      if (ms === null || ms <= last) continue;
      last = ms;
      out.push([ms / 60000, ms / 60000 + step, d]);
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
 * participants keep an answer on at least one time —, {losing} — how many
 * lose some of their answered time — and {final} — whether the final time
 * (if any) stays.
 */
export function keptAfter(view, schedule) {
  const sameKind = !!view.weekdays === !!schedule.weekdays;
  const oldSpans = viewSpans(view);
  const newSpans = sameKind ? slotSpans(schedule) : [];
  const covers = cover(oldSpans, newSpans).filter(Boolean);
  const n = view.slots.length;
  let people = 0;
  let losing = 0;
  for (const p of view.participants) {
    const lv = levelsOf(p, n);
    const kept = covers.filter((c) => lv[c[0]] !== 0 && c.every((i) => lv[i] === lv[c[0]])).length;
    if (kept) people++;
    // Answered minutes before and after: fewer after means answers are cleared.
    if (kept * schedule.slot_minutes < lv.reduce((k, v) => k + (v !== 0), 0) * view.slot_minutes) losing++;
  }
  const final = !!view.final && sameKind && finalKept(oldSpans.slice(view.final.start, view.final.end), newSpans);
  return { people, losing, final };
}

/** Spans joined where they touch, as text to compare. */
const merged = (spans) => spans.reduce((out, [x, y]) => {
  const last = out[out.length - 1];
  if (last && x <= last[1]) last[1] = Math.max(last[1], y); else out.push([x, y]);
  return out;
}, []).join(' ');

/** Whether a run of `newSpans` within one day covers exactly the time of the final `run`. */
function finalKept(run, newSpans) {
  const from = newSpans.findIndex(([x]) => x === run[0][0]);
  const to = newSpans.findIndex(([, y]) => y === run[run.length - 1][1]) + 1;
  if (from < 0 || to <= from) return false;
  const got = newSpans.slice(from, to);
  return got.every((s) => s[2] === got[0][2]) && merged(got) === merged(run);
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
