// "My usual week": a participant's answers as weekday + time ranges, kept
// on this device only (usual-week.js), and the mapping between it and an
// appointment's slots. A weekly appointment's slots are weekdays already;
// a dated one's are mapped through each date's weekday in the
// appointment's zone, at the wall time there.
import { WEEKDAYS, wallAt, toMin } from './time.js';

/** Weekday ('mon'…) of a calendar date 'YYYY-MM-DD'. */
export function weekdayOf(date) {
  return WEEKDAYS[(new Date(`${date}T12:00:00Z`).getUTCDay() + 6) % 7];
}

/** Each slot's weekday and minute of day in the appointment's zone. */
export function slotWeekdays(view) {
  return view.slots.map((s) => {
    if (Array.isArray(view.weekdays)) return { day: s.day, min: toMin(s.time) };
    const w = wallAt(Date.parse(s.start), view.timezone);
    return { day: weekdayOf(w.date), min: w.min };
  });
}

/**
 * The usual week read from an answer (levels per slot, 0/1/2): for each
 * weekday, [from, to, level] minute ranges, neighbours of one level joined.
 * A weekday the appointment has several dates of takes its first date's.
 */
export function weekFrom(view, levels) {
  const at = slotWeekdays(view);
  const step = view.slot_minutes;
  const days = {};
  const seen = new Map(); // day → minutes already taken (a later same weekday is skipped)
  for (let i = 0; i < at.length; i++) {
    const { day, min } = at[i];
    const taken = seen.get(day) ?? new Set();
    seen.set(day, taken);
    if (taken.has(min)) continue;
    taken.add(min);
    const lv = levels[i] ?? 0;
    if (!lv) continue;
    const list = (days[day] ??= []);
    const last = list[list.length - 1];
    if (last && last[1] === min && last[2] === lv) last[1] = min + step;
    else list.push([min, min + step, lv]);
  }
  for (const list of Object.values(days)) list.sort((a, b) => a[0] - b[0]);
  return { days };
}

/** The answer a usual week gives an appointment: a level for every slot
 *  (0 where the week has nothing, or the slot is not wholly inside a range). */
export function levelsFrom(view, week) {
  const step = view.slot_minutes;
  return Uint8Array.from(slotWeekdays(view), ({ day, min }) => {
    const r = (week?.days?.[day] ?? []).find(([a, b]) => a <= min && min + step <= b);
    return r ? r[2] : 0;
  });
}

/** Whether a value read back from storage is a usual week. */
export function isWeek(w) {
  return !!w && typeof w.days === 'object' && Object.entries(w.days).every(([d, list]) => WEEKDAYS.includes(d)
    && Array.isArray(list) && list.every((r) => Array.isArray(r) && r.length === 3 && r.every(Number.isInteger)
      && r[0] >= 0 && r[0] < r[1] && r[1] <= 2880 && (r[2] === 1 || r[2] === 2)));
}
