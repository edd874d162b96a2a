// Filling my times from a calendar file (.ics), read in the browser: a
// weekly class with a week off (EXDATE), a call set in New York's zone, one
// in UTC and an all-day event land on exactly the slots they overlap; an
// event the calendar shows as free is left out. Cancelling changes nothing;
// confirming sends one ordinary availability update (over HTTP or the live
// socket, whichever the page uses).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useServerAndBrowser, newContext, PHONE, DESKTOP, createAppointment, join, paint, signIn, getView, withRanges,
  seoulDate, screenshot, recordUpdates, assertOwnOrigin, assertQuiet, eventually,
} from './harness.mjs';

const env = useServerAndBrowser();

/** 'YYYYMMDDTHHMMSS' of an instant as the wall clock of `zone` reads it. */
function wallIn(ms, zone) {
  const p = {};
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
  });
  for (const x of f.formatToParts(ms)) p[x.type] = x.value;
  return `${p.year}${p.month}${p.day}T${p.hour}${p.minute}00`;
}
const compact = (d) => d.replaceAll('-', '');
const seoul = (d, hm) => Date.parse(`${d}T${hm}:00+09:00`);
const utc = (ms) => `${new Date(ms).toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`;

/** America/New_York as calendar apps export it. */
const NEW_YORK = [
  'BEGIN:VTIMEZONE', 'TZID:America/New_York',
  'BEGIN:DAYLIGHT', 'TZOFFSETFROM:-0500', 'TZOFFSETTO:-0400', 'TZNAME:EDT', 'DTSTART:19700308T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU', 'END:DAYLIGHT',
  'BEGIN:STANDARD', 'TZOFFSETFROM:-0400', 'TZOFFSETTO:-0500', 'TZNAME:EST', 'DTSTART:19701101T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU', 'END:STANDARD',
  'END:VTIMEZONE',
];

function ics(events) {
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//eonjebolkka tests//KO', ...NEW_YORK,
    ...events.flatMap((e, i) => ['BEGIN:VEVENT', `UID:event-${i}@tests`, 'DTSTAMP:20260101T000000Z', ...e, 'END:VEVENT']),
    'END:VCALENDAR', ''].join('\r\n');
}

// Three dates a week apart, 09:00–18:00 in Seoul, 30-minute slots: 18 a day.
const d1 = seoulDate(1);
const addDays = (d, n) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86400000).toISOString().slice(0, 10);
const d2 = addDays(d1, 7);
const d3 = addDays(d1, 14);
const DAY = 18;
const slot = (day, hm) => day * DAY + (Number(hm.slice(0, 2)) * 60 + Number(hm.slice(3)) - 540) / 30;

const TIMETABLE = ics([
  // A weekly class 10:00–11:30, with the second week off.
  ['SUMMARY:자료구조', `DTSTART;TZID=Asia/Seoul:${compact(d1)}T100000`, `DTEND;TZID=Asia/Seoul:${compact(d1)}T113000`,
    'RRULE:FREQ=WEEKLY;COUNT=12', `EXDATE;TZID=Asia/Seoul:${compact(d2)}T100000`],
  // A call set in New York's time: 14:00–15:00 in Seoul on the second date.
  ['SUMMARY:Call with Sam', `DTSTART;TZID=America/New_York:${wallIn(seoul(d2, '14:00'), 'America/New_York')}`,
    `DTEND;TZID=America/New_York:${wallIn(seoul(d2, '15:00'), 'America/New_York')}`],
  // In UTC: 17:00–17:20 in Seoul on the first date (one slot).
  ['SUMMARY:Standup', `DTSTART:${utc(seoul(d1, '17:00'))}`, `DTEND:${utc(seoul(d1, '17:20'))}`],
  // All day on the third date.
  ['SUMMARY:MT', `DTSTART;VALUE=DATE:${compact(d3)}`, `DTEND;VALUE=DATE:${compact(addDays(d3, 1))}`],
  // Shown as free: left out.
  ['SUMMARY:생일', 'TRANSP:TRANSPARENT', `DTSTART;TZID=Asia/Seoul:${compact(d1)}T120000`, `DTEND;TZID=Asia/Seoul:${compact(d1)}T130000`],
  // Before the first date: nowhere on the grid.
  ['SUMMARY:Earlier', `DTSTART;TZID=Asia/Seoul:${compact(addDays(d1, -1))}T100000`, `DTEND;TZID=Asia/Seoul:${compact(addDays(d1, -1))}T120000`],
]);

const BUSY = [
  slot(0, '10:00'), slot(0, '10:30'), slot(0, '11:00'), // the class, first week
  slot(0, '17:00'), // UTC
  slot(1, '14:00'), slot(1, '14:30'), // New York
  ...Array.from({ length: DAY }, (_, i) => 2 * DAY + i), // all day (the class that day too)
].sort((a, b) => a - b);

const cells = (page, sel) => page.$$eval(`#paint-grid ${sel}`, (els) => els.map((e) => Number(e.dataset.s)).sort((a, b) => a - b));

async function pick(page, name, body) {
  const chooser = page.waitForEvent('filechooser');
  await page.locator('#import-ics').scrollIntoViewIfNeeded();
  await page.tap('#import-ics');
  await (await chooser).setFiles({ name, mimeType: 'text/calendar', buffer: Buffer.from(body) });
}

test('a timetable with a week off, a call in New York, one in UTC and an all-day event mark exactly their slots, in one update', async () => {
  const { base } = env.server;
  const appt = await createAppointment(base, { dates: [d1, d2, d3] });
  const me = await join(base, appt.id, '민지');
  // Already painted: "if needed" early on the first date, available on one busy slot.
  await paint(base, appt.id, me, [{ level: 'if_needed', slots: [[0, 2]] }, { level: 'available', slots: [[slot(1, '14:00'), slot(1, '14:00') + 1]] }]);
  const ctx = await newContext(env.browser, { device: PHONE, lang: 'ko' });
  await signIn(ctx, base, appt.id, me);
  const page = await ctx.newPage();
  const updates = recordUpdates(page);
  const scripts = [];
  page.on('request', (r) => { if (r.url().endsWith('.js')) scripts.push(new URL(r.url()).pathname.replace(/^\/v\/[^/]+/, '')); });
  await page.goto(`${base}/a/${appt.id}`);
  await page.waitForSelector('#me:not([hidden]) #paint-grid .cell[data-s]');
  assert.ok(!scripts.some((s) => /ics|vendor|calendar-import/.test(s)), 'nothing of the import loads before it is used');
  const before = { lv1: await cells(page, '.cell.lv1'), lv2: await cells(page, '.cell.lv2') };
  assert.deepEqual(before, { lv1: [slot(1, '14:00')], lv2: [0, 1] });

  // Pick the file: the preview hatches exactly the busy slots.
  await pick(page, '2학기 시간표.ics', TIMETABLE);
  await page.waitForSelector('#import-panel:not([hidden])');
  assert.ok(scripts.includes('/js/vendor/ical.js'), 'ical.js is loaded once the button is used');
  assert.deepEqual(await cells(page, '.cell.busy'), BUSY);
  // Five events: the weekly class counts once, however often it falls on the dates.
  assert.match(await page.textContent('#import-panel .import-found'), /일정 5개 · 바쁜 칸 24개/);
  assert.match(await page.textContent('#import-panel'), /'한가함'으로 표시된 일정 1개는 뺐어요/);
  assert.match(await page.textContent('#import-panel h3'), /2학기 시간표\.ics/);
  // "Mark the rest available" is the default: every other slot shows available.
  assert.equal((await cells(page, '.cell.lv1')).length, 3 * DAY - BUSY.length);
  await screenshot(page, 'import-preview-phone-ko', { fullPage: false });

  // "Only clear busy times" keeps the rest as it was.
  await page.tap('#import-panel input[value="clear"]');
  assert.deepEqual(await cells(page, '.cell.lv1'), []);
  assert.deepEqual(await cells(page, '.cell.lv2'), [0, 1]);
  assert.deepEqual(await cells(page, '.cell.busy'), BUSY);

  // Cancel: everything as it was, nothing sent.
  await page.tap('#import-panel [data-act="cancel"]');
  await page.waitForSelector('#import-panel', { state: 'hidden' });
  assert.deepEqual(await cells(page, '.cell.busy'), []);
  assert.deepEqual({ lv1: await cells(page, '.cell.lv1'), lv2: await cells(page, '.cell.lv2') }, before);
  assert.match(await page.textContent('#toast'), /아무것도 바뀌지 않았어요/);
  await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual(updates, [], 'cancelling sends nothing');

  // Again, and apply "mark the rest available": one update.
  await pick(page, '2학기 시간표.ics', TIMETABLE);
  await page.waitForSelector('#import-panel:not([hidden])');
  await page.tap('#import-panel [data-act="apply"]');
  await page.waitForSelector('#save-status[data-state="saved"]');
  await page.waitForSelector('#import-panel', { state: 'hidden' });
  const rest = Array.from({ length: 3 * DAY }, (_, i) => i).filter((i) => !BUSY.includes(i));
  assert.deepEqual(await cells(page, '.cell.lv0'), BUSY, 'the grid shows exactly the busy slots as not available');
  assert.deepEqual(await cells(page, '.cell.lv1'), rest);
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(updates.length, 1, 'exactly one update was sent');
  assert.deepEqual(updates[0].changes.map((c) => c.level).sort(), ['available', 'none']);
  const saved = withRanges((await getView(base, appt.id)).participants[0]);
  const ranges = (xs) => xs.reduce((out, i) => {
    const last = out[out.length - 1];
    if (last && last[1] === i) last[1] = i + 1; else out.push([i, i + 1]);
    return out;
  }, []);
  assert.deepEqual(saved.available, ranges(rest));
  assert.deepEqual(saved.if_needed, []);
  assertOwnOrigin(base, ctx);
  assertQuiet(ctx);
  await ctx.close();
});

test('a weekly appointment takes what is busy most weeks; an unreadable file is refused and changes nothing', async () => {
  const { base } = env.server;
  const appt = await createAppointment(base, { dates: undefined, weekdays: ['mon', 'tue'], start: '09:00', end: '13:00' });
  const me = await join(base, appt.id, 'Alex');
  const ctx = await newContext(env.browser, { device: DESKTOP, lang: 'en' });
  await signIn(ctx, base, appt.id, me);
  const page = await ctx.newPage();
  const updates = recordUpdates(page);
  await page.goto(`${base}/a/${appt.id}`);
  await page.waitForSelector('#me:not([hidden]) #paint-grid .cell[data-s]');

  // Not a calendar: said so, nothing changes.
  await page.locator('#ics-file').setInputFiles({ name: 'notes.ics', mimeType: 'text/calendar', buffer: Buffer.from('hello, world') });
  await eventually(async () => /could not be read as a calendar/.test(await page.textContent('#toast')), 5000, 'refusal');
  assert.equal(await page.isHidden('#import-panel'), true);

  // Mondays from two weeks ago, 10:00–11:30, next Monday off; a one-off on a Tuesday.
  const today = seoulDate(0);
  const dow = (new Date(`${today}T12:00:00Z`).getUTCDay() + 6) % 7; // 0 = Monday
  const nextMonday = addDays(today, (7 - dow) % 7);
  const firstMonday = addDays(nextMonday, -14);
  const nextTuesday = addDays(nextMonday, 1);
  await page.locator('#ics-file').setInputFiles({
    name: 'weekly.ics', mimeType: 'text/calendar', buffer: Buffer.from(ics([
      ['SUMMARY:Seminar', `DTSTART;TZID=Asia/Seoul:${compact(firstMonday)}T100000`, `DTEND;TZID=Asia/Seoul:${compact(firstMonday)}T113000`,
        'RRULE:FREQ=WEEKLY;BYDAY=MO', `EXDATE;TZID=Asia/Seoul:${compact(nextMonday)}T100000`],
      ['SUMMARY:Dentist', `DTSTART;TZID=Asia/Seoul:${compact(nextTuesday)}T090000`, `DTEND;TZID=Asia/Seoul:${compact(nextTuesday)}T100000`],
    ])),
  });
  await page.waitForSelector('#import-panel:not([hidden])');
  // Slots: Monday 09:00… (0–7), Tuesday 09:00… (8–15); the seminar is busy three weeks of four.
  assert.deepEqual(await cells(page, '.cell.busy'), [2, 3, 4]);
  assert.match(await page.textContent('#import-panel'), /at least 2 of the next 4 weeks/);
  // A recurring event counts once: two events, however many Mondays the seminar falls on.
  assert.match(await page.textContent('#import-panel .import-found'), /^\s*2 events · /);
  await page.click('#import-panel [data-act="apply"]');
  await page.waitForSelector('#save-status[data-state="saved"]');
  assert.equal(updates.length, 1);
  const saved = withRanges((await getView(base, appt.id)).participants[0]);
  assert.deepEqual(saved.available, [[0, 2], [5, 16]]);
  assertQuiet(ctx);
  await ctx.close();
});
