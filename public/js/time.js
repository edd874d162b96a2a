// Where each slot goes on screen: columns are days and rows are times of
// day, in the zone the viewer looks at. `dates` slots carry UTC instants and
// are re-bucketed into the display zone; `weekdays` slots are wall times of
// the appointment's zone and are shown as they are.

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

const wallFmt = new Map();
/** Wall-clock date ('YYYY-MM-DD') and minute of day of an instant in a zone. */
export function wallAt(ms, zone) {
  let f = wallFmt.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit',
      day: '2-digit', hour: '2-digit', minute: '2-digit',
    });
    wallFmt.set(zone, f);
  }
  const p = {};
  for (const x of f.formatToParts(ms)) p[x.type] = x.value;
  return { date: `${p.year}-${p.month}-${p.day}`, min: (Number(p.hour) % 24) * 60 + Number(p.minute) };
}

/**
 * The first instant (ms) whose wall clock in `zone` reads `date` at `min`
 * minutes, or null when that wall time does not exist there (a DST gap).
 */
export function instantAt(date, min, zone) {
  const [y, m, d] = date.split('-').map(Number);
  const naive = Date.UTC(y, m - 1, d, 0, min);
  // The zone's offsets a day either side hold every candidate.
  const offset = (ms) => {
    const w = wallAt(ms, zone);
    return Date.UTC(...w.date.split('-').map((x, i) => Number(x) - (i === 1 ? 1 : 0)), 0, w.min) - Math.floor(ms / 60000) * 60000;
  };
  let best = null;
  for (const off of new Set([offset(naive - 86400000), offset(naive + 86400000)])) {
    const ms = naive - off;
    const w = wallAt(ms, zone);
    if (w.date === date && w.min === min && (best === null || ms < best)) best = ms;
  }
  return best;
}

export const hhmm = (min) => `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;
export const toMin = (s) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));

/** The browser's own IANA zone. */
export const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** Today's date in a zone, 'YYYY-MM-DD'. */
export const todayIn = (zone) => wallAt(Date.now(), zone).date;

/** 'YYYY-MM-DD' arithmetic on calendar dates. */
export function addDays(date, n) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

const fmt = (lang, o) => new Intl.DateTimeFormat(lang, { timeZone: 'UTC', ...o });

/** Labels of a calendar date or a weekday ('mon'…) in a language. */
export function dayLabels(key, lang) {
  const isWeekday = WEEKDAYS.includes(key);
  const d = isWeekday
    ? new Date(Date.UTC(2024, 0, 1 + WEEKDAYS.indexOf(key), 12)) // 2024-01-01 is a Monday
    : new Date(`${key}T12:00:00Z`);
  const short = fmt(lang, { weekday: 'short' }).format(d);
  if (isWeekday) {
    const long = fmt(lang, { weekday: 'long' }).format(d);
    return { short, md: '', medium: long, long, weekend: key === 'sat' || key === 'sun' };
  }
  const dow = d.getUTCDay();
  return {
    short,
    md: `${d.getUTCMonth() + 1}/${d.getUTCDate()}`,
    medium: fmt(lang, { month: 'short', day: 'numeric', weekday: 'short' }).format(d),
    long: fmt(lang, { month: 'long', day: 'numeric', weekday: 'long' }).format(d),
    weekend: dow === 0 || dow === 6,
  };
}

/** A zone with its current UTC offset, e.g. "Asia/Seoul (GMT+9)". */
export function zoneLabel(zone) {
  try {
    const off = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'shortOffset' })
      .formatToParts(Date.now()).find((p) => p.type === 'timeZoneName')?.value;
    return off ? `${zone} (${off})` : zone;
  } catch {
    return zone;
  }
}

/**
 * Lays a view's slots out in `zone` (ignored for weekdays). Returns null if
 * two slots would share a cell (a repeated wall hour of the display zone):
 * the caller then uses the appointment's own zone, where that cannot happen.
 */
export function buildLayout(view, zone, lang) {
  const n = view.slots.length;
  const weekly = Array.isArray(view.weekdays);
  if (weekly) zone = view.timezone;
  const wall = new Array(n);
  const appDay = new Array(n);
  for (let i = 0; i < n; i++) {
    const s = view.slots[i];
    if (weekly) {
      wall[i] = { date: s.day, min: toMin(s.time) };
      appDay[i] = s.day;
    } else {
      const ms = Date.parse(s.start);
      wall[i] = wallAt(ms, zone);
      wall[i].ms = ms;
      appDay[i] = zone === view.timezone ? wall[i].date : wallAt(ms, view.timezone).date;
    }
  }
  const colKeys = [...new Set(wall.map((w) => w.date))];
  colKeys.sort(weekly ? (a, b) => WEEKDAYS.indexOf(a) - WEEKDAYS.indexOf(b) : undefined);
  const mins = [...new Set(wall.map((w) => w.min))].sort((a, b) => a - b);
  const colIndex = new Map(colKeys.map((k, i) => [k, i]));
  const rowIndex = new Map(mins.map((m, i) => [m, i]));
  const nc = colKeys.length;
  const nr = mins.length;
  const cellAt = new Int32Array(nc * nr).fill(-1);
  const colOf = new Int32Array(n);
  const rowOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = colIndex.get(wall[i].date);
    const r = rowIndex.get(wall[i].min);
    if (cellAt[r * nc + c] !== -1) return null;
    cellAt[r * nc + c] = i;
    colOf[i] = c;
    rowOf[i] = r;
  }
  const step = view.slot_minutes;
  return {
    zone, weekly, step, n, nc, nr, wall, appDay, colOf, rowOf,
    cols: colKeys.map((key) => ({ key, ...dayLabels(key, lang) })),
    rows: mins.map((min, r) => ({ min, label: hhmm(min), gap: r > 0 && min - mins[r - 1] > step })),
    at: (c, r) => (c < 0 || r < 0 || c >= nc || r >= nr ? -1 : cellAt[r * nc + c]),
    lang,
  };
}

/**
 * The days and the daily hours of a view as the layout `L` shows them:
 * {days: "Mon, Dec 7 – Wed, Dec 9 · 3 days", time: "09:00–18:00"}. In
 * another zone than the appointment's, the days are the grid's columns
 * and the hours those of the first day there ("19:00–04:00 next day").
 */
export function scheduleText(view, L, lang, t) {
  if (view.weekdays) {
    return {
      days: t('meta.weekly', { days: view.weekdays.map((d) => dayLabels(d, lang).short).join(', ') }),
      time: `${view.start}–${view.end}`,
    };
  }
  const span = (a, b) => (a === b ? dayLabels(a, lang).medium : `${dayLabels(a, lang).medium} – ${dayLabels(b, lang).medium}`);
  if (L.zone === view.timezone || !L.n) {
    const d = view.dates;
    return {
      days: d.length === 1 ? span(d[0], d[0]) : `${span(d[0], d[d.length - 1])} · ${t('meta.days', { n: d.length })}`,
      time: `${view.start}–${view.end}`,
    };
  }
  let last = 0;
  while (last + 1 < L.n && L.appDay[last + 1] === L.appDay[0]) last++;
  const a = L.wall[0];
  const e = wallAt(L.wall[last].ms + L.step * 60000, L.zone);
  let end = hhmm(e.min);
  if (e.date !== a.date) end = e.min === 0 && e.date === addDays(a.date, 1) ? '24:00' : t('meta.nextDay', { time: end });
  return { days: span(L.cols[0].key, L.cols[L.nc - 1].key), time: `${hhmm(a.min)}–${end}` };
}

/** "Tue, Dec 1 10:00–11:30" for slots [start, end) in the layout's zone. */
export function rangeText(L, start, end) {
  const { day, time } = rangeParts(L, start, end);
  return `${day} ${time}`;
}

/** The day and the time span of slots [start, end), e.g. {day: "Tue, Dec 1", time: "10:00–11:30"}. */
export function rangeParts(L, start, end) {
  const a = L.wall[start];
  const head = L.cols[L.colOf[start]].medium;
  let endText;
  if (L.weekly) {
    endText = hhmm(L.wall[end - 1].min + L.step);
  } else {
    const e = wallAt(L.wall[end - 1].ms + L.step * 60000, L.zone);
    if (e.date === a.date) endText = hhmm(e.min);
    else if (e.min === 0 && e.date === addDays(a.date, 1)) endText = '24:00';
    else endText = `${dayLabels(e.date, L.lang).medium} ${hhmm(e.min)}`;
  }
  return { day: head, time: `${hhmm(a.min)}–${endText}` };
}

/** Sorted slot indices → half-open index ranges [[start, end), …]. */
export function toRanges(indices) {
  const s = [...indices].sort((a, b) => a - b);
  const out = [];
  for (const i of s) {
    const last = out[out.length - 1];
    if (last && last[1] === i) last[1] = i + 1;
    else if (!last || last[1] < i) out.push([i, i + 1]);
  }
  return out;
}

/**
 * A participant's level at each of `n` slots (one byte per slot) from its
 * packed `levels`: two bits a slot, slot i in bits 2·(i mod 4) of byte
 * ⌊i/4⌋, as unpadded base64url.
 */
export function levelsOf(p, n) {
  const lv = new Uint8Array(n);
  const b64 = (p.levels ?? '').replace(/-/g, '+').replace(/_/g, '/');
  let bin = '';
  try {
    bin = atob(b64 + '==='.slice((b64.length + 3) % 4));
  } catch { /* malformed: every slot stays none */ }
  for (let i = 0; i < n && (i >> 2) < bin.length; i += 1) {
    const v = (bin.charCodeAt(i >> 2) >> ((i & 3) * 2)) & 3;
    lv[i] = v === 3 ? 0 : v;
  }
  return lv;
}

/** A cell's name for screen readers: "Tuesday, December 1 09:30". */
export const cellName = (L, s) => `${L.cols[L.colOf[s]].long} ${hhmm(L.wall[s].min)}`;
