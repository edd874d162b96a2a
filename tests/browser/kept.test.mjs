// What the organiser is told an edit of the schedule keeps ("N people's
// answers will be kept …"), worked out by public/js/reschedule.js by the
// API's remapping rules. Plain Node: no server, no browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keptAfter, changedFields, slotSpans } from '../../public/js/reschedule.js';

/** Packs levels (0 none, 1 available, 2 if needed) as the API does. */
function pack(levels) {
  const bytes = new Uint8Array(Math.ceil(levels.length / 4));
  levels.forEach((v, i) => { bytes[i >> 2] |= v << ((i & 3) * 2); });
  return Buffer.from(bytes).toString('base64url');
}

/** A view of `schedule` with participants given as {name: [[level, from, to], …]} over slot indices. */
function view(schedule, people = {}, final = null) {
  const slots = slotSpans(schedule).map(([from]) => (schedule.weekdays
    ? { day: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'][Math.floor(from / 1440)], time: `${String(Math.floor((from % 1440) / 60)).padStart(2, '0')}:${String(from % 60).padStart(2, '0')}` }
    : { start: new Date(from * 60000).toISOString() }));
  const participants = Object.entries(people).map(([name, ranges]) => {
    const lv = new Array(slots.length).fill(0);
    for (const [level, a, b] of ranges) lv.fill(level, a, b);
    return { id: name, name, levels: pack(lv) };
  });
  return { ...schedule, slots, participants, final };
}

const SEOUL = { timezone: 'Asia/Seoul', dates: ['2027-03-02', '2027-03-03'], start: '09:00', end: '12:00', slot_minutes: 30 }; // 6 a day

test('nothing changed keeps everyone who answered', () => {
  const v = view(SEOUL, { ana: [[1, 0, 2]], bo: [[2, 7, 8]], cy: [] });
  assert.deepEqual(keptAfter(v, SEOUL), { people: 2, losing: 0, final: false });
  assert.deepEqual(changedFields(v, SEOUL), {});
});

test('shifting the dates by a day keeps only those who answered on the day both have', () => {
  const v = view(SEOUL, { ana: [[1, 0, 2]], bo: [[1, 6, 7]] });
  const next = { ...SEOUL, dates: ['2027-03-03', '2027-03-04'] };
  assert.equal(keptAfter(v, next).people, 1);
  assert.equal(keptAfter(v, next).losing, 1, 'ana loses her answers on the day that goes');
  assert.deepEqual(changedFields(v, next), { dates: ['2027-03-03', '2027-03-04'] });
});

test('splitting slots keeps every answer; merging keeps one only where both halves agree', () => {
  const v = view(SEOUL, { ana: [[1, 0, 1]] });
  assert.equal(keptAfter(v, { ...SEOUL, slot_minutes: 15 }).people, 1);
  const fine = { ...SEOUL, slot_minutes: 15 };
  const split = view(fine, { agree: [[1, 0, 2]], differ: [[1, 0, 1], [2, 1, 2]], half: [[1, 1, 2]] });
  assert.equal(keptAfter(split, SEOUL).people, 1, 'only the one whose two quarter hours agree');
});

test('a change of zone keeps the instants: Seoul 09:00 is Tokyo 09:00, not Bangkok 09:00', () => {
  const v = view(SEOUL, { ana: [[1, 0, 2]] }); // 09:00–10:00 in Seoul
  assert.equal(keptAfter(v, { ...SEOUL, timezone: 'Asia/Tokyo' }).people, 1);
  assert.equal(keptAfter(v, { ...SEOUL, timezone: 'Asia/Bangkok', start: '09:00', end: '10:00' }).people, 0,
    'Bangkok 09:00–10:00 is Seoul 11:00–12:00');
});

test('weekdays: adding a day keeps, removing the answered day loses; switching to dates keeps nobody', () => {
  const weekly = { timezone: 'Asia/Seoul', weekdays: ['mon', 'wed'], start: '18:00', end: '20:00', slot_minutes: 60 };
  const v = view(weekly, { ana: [[1, 0, 2]], bo: [[1, 2, 4]] }); // ana: Monday, bo: Wednesday
  assert.equal(keptAfter(v, { ...weekly, weekdays: ['mon', 'tue', 'wed'] }).people, 2);
  assert.equal(keptAfter(v, { ...weekly, weekdays: ['wed'] }).people, 1);
  assert.equal(keptAfter(v, { ...weekly, timezone: 'Europe/Berlin' }).people, 2, 'weekly times are wall times');
  assert.equal(keptAfter(v, { ...SEOUL }).people, 0);
});

test('the final time stays while new slots cover exactly its time within one day', () => {
  const v = view(SEOUL, { ana: [[1, 0, 6]] }, { start: 1, end: 3 }); // 09:30–10:30
  assert.equal(keptAfter(v, { ...SEOUL, end: '11:00' }).final, true);
  assert.equal(keptAfter(v, { ...SEOUL, slot_minutes: 15 }).final, true, 'split into quarters');
  assert.equal(keptAfter(v, { ...SEOUL, start: '10:00' }).final, false, 'its first half is gone');
  assert.equal(keptAfter(v, { ...SEOUL, slot_minutes: 60 }).final, false, 'no hour slot is 09:30–10:30');
  assert.equal(keptAfter(v, { ...SEOUL, timezone: 'Asia/Tokyo' }).final, true);
});

test('a wall time a DST change skips is no slot of the new grid', () => {
  const ny = { timezone: 'America/New_York', dates: ['2027-03-14'], start: '01:00', end: '04:00', slot_minutes: 60 };
  assert.deepEqual(slotSpans(ny).map(([a]) => new Date(a * 60000).toISOString()),
    ['2027-03-14T06:00:00.000Z', '2027-03-14T07:00:00.000Z'], '02:00 does not exist that night');
});
