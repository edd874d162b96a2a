// Which slots of an appointment a calendar file (.ics) says are busy, worked
// out in the browser: nothing is uploaded. Mozilla's ical.js (vendored under
// js/vendor/ by scripts/build-assets.mjs, and loaded only with this module)
// parses the file and expands recurrence rules with their exceptions
// (EXDATE, moved occurrences); times carry their own zone (a VTIMEZONE of
// the file, UTC, or an IANA name the browser knows), and floating times and
// all-day events are read in the participant's own zone.
//
// `dates` appointments compare instants: a slot is busy when an event
// overlaps it. `weekdays` appointments compare weekday and wall time in the
// appointment's zone over the next WEEKS weeks: a slot is busy when an event
// overlaps it in at least BUSY_WEEKS of them — a weekly class counts (even
// with a week off), a one-off appointment does not.
import ICAL from './vendor/ical.js';
import { instantAt, wallAt, addDays, toMin, WEEKDAYS } from './time.js';

export const WEEKS = 4;
export const BUSY_WEEKS = 2;
const DAY = 86400000;
const MAX_STEPS = 100000; // occurrences looked at per event, however its rule is written

export class CalendarFileError extends Error {}

const knownZones = new Map();
function knownZone(tzid) {
  if (!knownZones.has(tzid)) {
    let ok = true;
    try { new Intl.DateTimeFormat('en-US', { timeZone: tzid }); } catch { ok = false; }
    knownZones.set(tzid, ok);
  }
  return knownZones.get(tzid);
}

/** The instant (ms) of an ical.js time: by its zone if the file defines it or it is UTC, else as a wall time. */
function instantOf(time, tzid, home) {
  const floating = time.zone === ICAL.Timezone.localTimezone || !time.zone;
  if (!floating && !time.isDate) return time.toUnixTime() * 1000;
  const zone = !time.isDate && tzid && knownZone(tzid) ? tzid : home;
  const date = `${String(time.year).padStart(4, '0')}-${String(time.month).padStart(2, '0')}-${String(time.day).padStart(2, '0')}`;
  const min = time.isDate ? 0 : time.hour * 60 + time.minute;
  // A wall time in a DST gap: the same time an hour later, less that hour.
  return instantAt(date, min, zone) ?? (instantAt(date, Math.min(min + 60, 1439), zone) ?? Date.parse(`${date}T00:00:00Z`)) - 3600000;
}

function props(item) {
  const c = item.component;
  return {
    tzStart: c.getFirstProperty('dtstart')?.getParameter('tzid'),
    tzEnd: c.getFirstProperty('dtend')?.getParameter('tzid'),
    free: String(c.getFirstPropertyValue('transp') ?? '').toUpperCase() === 'TRANSPARENT',
    cancelled: String(c.getFirstPropertyValue('status') ?? '').toUpperCase() === 'CANCELLED',
  };
}

/**
 * Every busy stretch [startMs, endMs) of the calendar text overlapping
 * [from, to). Returns {busy, events, free}: the stretches, how many events
 * fall in the window (a recurring one once), and how many of those the
 * calendar shows as free (TRANSP:TRANSPARENT), which are left out.
 */
export function busyIntervals(text, from, to, home) {
  let jcal;
  try {
    jcal = ICAL.parse(String(text));
  } catch (e) {
    throw new CalendarFileError(String(e?.message ?? e));
  }
  const roots = (Array.isArray(jcal[0]) ? jcal : [jcal]).map((j) => new ICAL.Component(j));
  if (!roots.some((r) => r.name === 'vcalendar')) throw new CalendarFileError('not an iCalendar file');
  const out = { busy: [], events: 0, free: 0 };
  const seen = new Set();
  const counted = new Set();
  const take = (item, start, end) => {
    const p = props(item);
    if (p.cancelled) return;
    const a = instantOf(start, p.tzStart, home);
    let b = instantOf(end, p.tzEnd ?? p.tzStart, home);
    if (b <= a) b = start.isDate ? a + DAY : a;
    if (b <= from || a >= to || b === a) return;
    const key = `${item.uid}\u0000${a}`;
    if (seen.has(key)) return;
    seen.add(key);
    // Events are counted once however often they recur in the window.
    const event = `${item.uid ?? key}`;
    if (!counted.has(event)) {
      counted.add(event);
      out.events++;
      if (p.free) out.free++;
    }
    if (!p.free) out.busy.push([a, b]);
  };
  for (const root of roots) {
    const comps = root.name === 'vcalendar' ? root.getAllSubcomponents('vevent') : [];
    const masters = [];
    const moved = [];
    for (const c of comps) (c.hasProperty('recurrence-id') ? moved : masters).push(c);
    const uids = new Set(masters.map((c) => c.getFirstPropertyValue('uid')));
    for (const c of masters) {
      const uid = c.getFirstPropertyValue('uid');
      let ev;
      try {
        ev = new ICAL.Event(c, { strictExceptions: true, exceptions: moved.filter((m) => m.getFirstPropertyValue('uid') === uid) });
        if (!ev.startDate) continue;
        if (!ev.isRecurring()) {
          take(ev, ev.startDate, ev.endDate);
          continue;
        }
        const it = ev.iterator();
        for (let i = 0, next; i < MAX_STEPS && (next = it.next()); i++) {
          const d = ev.getOccurrenceDetails(next);
          // A moved occurrence may land in the window from a day outside it.
          if (instantOf(next, props(ev).tzStart, home) >= to + 7 * DAY) break;
          take(d.item, d.startDate, d.endDate);
        }
      } catch {
        // One event ical.js cannot expand does not spoil the others.
      }
    }
    // A moved occurrence whose series is not in the file stands on its own.
    for (const c of moved) {
      if (uids.has(c.getFirstPropertyValue('uid'))) continue;
      try {
        const ev = new ICAL.Event(c);
        if (ev.startDate) take(ev, ev.startDate, ev.endDate);
      } catch { /* as above */ }
    }
  }
  out.busy.sort((x, y) => x[0] - y[0]);
  return out;
}

/** Whether [a, b) overlaps any of the sorted stretches. */
function overlaps(busy, a, b) {
  for (const [x, y] of busy) {
    if (x >= b) return false;
    if (y > a) return true;
  }
  return false;
}

/**
 * The busy slots of `view` (an appointment view) from a calendar text:
 * {busy: Uint8Array (1 = busy), events, free}. `home` is the participant's
 * own zone, for floating times and all-day events; `now` (ms) starts the
 * weeks a weekdays appointment looks at.
 */
export function busySlots(text, view, { home, now = Date.now() }) {
  const n = view.slots.length;
  const step = view.slot_minutes * 60000;
  const busy = new Uint8Array(n);
  if (!view.weekdays) {
    const starts = view.slots.map((s) => Date.parse(s.start));
    const found = busyIntervals(text, Math.min(...starts), Math.max(...starts) + step, home);
    for (let i = 0; i < n; i++) if (overlaps(found.busy, starts[i], starts[i] + step)) busy[i] = 1;
    return { ...found, busy };
  }
  const zone = view.timezone;
  const today = wallAt(now, zone).date;
  const from = instantAt(today, 0, zone) ?? Date.parse(`${today}T00:00:00Z`);
  const found = busyIntervals(text, from - DAY, from + (WEEKS * 7 + 1) * DAY, home);
  // The first date on or after today falling on each weekday.
  const todayDow = (new Date(`${today}T12:00:00Z`).getUTCDay() + 6) % 7; // 0 = Monday
  const firstDate = (day) => addDays(today, (WEEKDAYS.indexOf(day) - todayDow + 7) % 7);
  for (let i = 0; i < n; i++) {
    const { day, time } = view.slots[i];
    let weeks = 0;
    for (let w = 0; w < WEEKS; w++) {
      const a = instantAt(addDays(firstDate(day), 7 * w), toMin(time), zone);
      if (a !== null && overlaps(found.busy, a, a + step)) weeks++;
    }
    if (weeks >= BUSY_WEEKS) busy[i] = 1;
  }
  return { ...found, busy };
}
