// What the organiser is told an edit of the schedule keeps ("N people's
// answers will be kept …") is the server's dry run of the edit; the page
// only decides what to send (changedFields) and when to ask (KeptCheck:
// after a pause, one request at a time, the newest edit's answer only).
// Plain Node against the real server: no browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { changedFields, KeptCheck } from '../../public/js/reschedule.js';
import { useServerAndBrowser, createAppointment, join, paint, seoulDate, CLIENT } from './harness.mjs';

const env = useServerAndBrowser();

/** Sends `body` as a dry run of appointment `appt`'s edit; counts what it sent in `log`. */
function asker(appt, log) {
  return async (body) => {
    log.push(body);
    const res = await fetch(`${env.server.base}/api/appointments/${appt.id}?dry_run=1`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${appt.admin_token}`, 'CF-Connecting-IP': CLIENT },
      body: JSON.stringify(body),
    });
    const data = await res.json();
    if (!res.ok) throw Object.assign(new Error(data.error.message), { status: res.status, code: data.error.code });
    return data;
  };
}

const SEOUL = { timezone: 'Asia/Seoul', dates: ['2027-03-03', '2027-03-02'], start: '09:00', end: '12:00', slot_minutes: 30 };

test('only the fields that changed are sent, dates in order', () => {
  const view = { ...SEOUL, dates: ['2027-03-02', '2027-03-03'] };
  assert.deepEqual(changedFields(view, SEOUL), {});
  assert.deepEqual(changedFields(view, { ...SEOUL, dates: ['2027-03-04', '2027-03-02'] }), { dates: ['2027-03-02', '2027-03-04'] });
  assert.deepEqual(changedFields(view, { ...SEOUL, slot_minutes: 15, timezone: 'Asia/Tokyo' }), { slot_minutes: 15, timezone: 'Asia/Tokyo' });
  const weekly = { ...SEOUL, dates: undefined, weekdays: ['mon'] };
  assert.deepEqual(changedFields({ ...weekly, weekdays: ['mon'] }, { ...weekly, weekdays: ['mon', 'wed'] }), { weekdays: ['mon', 'wed'] });
});

test('quick changes are asked about once, after a pause, and the server says what the newest keeps', async () => {
  const [d1, d2, d3] = [1, 2, 3].map(seoulDate);
  const appt = await createAppointment(env.server.base, { dates: [d1, d2], start: '09:00', end: '12:00' }); // 6 a day
  const ana = await join(env.server.base, appt.id, 'Ana');
  const bo = await join(env.server.base, appt.id, 'Bo');
  await paint(env.server.base, appt.id, ana, [{ level: 'available', slots: [[0, 2]] }]); // d1 09:00–10:00
  await paint(env.server.base, appt.id, bo, [{ level: 'if_needed', slots: [[6, 8]] }]); // d2 09:00–10:00
  const sent = [];
  const notes = [];
  const check = new KeptCheck(asker(appt, sent), (c) => notes.push(c.answer), 100);

  check.want({ slot_minutes: 15 }, 3);
  check.want({ slot_minutes: 60 }, 3);
  check.want({ dates: [d2, d3] }, 3);
  assert.equal(check.settled, false);
  const answer = await check.settle({ dates: [d2, d3] }, 3);
  assert.deepEqual(sent, [{ dates: [d2, d3] }], 'one question, about the newest edit');
  assert.deepEqual(answer, { kept: 1, cleared: 1, losing: 1, final_kept: false, slots: 12 }, 'Bo keeps d2; Ana’s d1 goes');
  assert.deepEqual(notes, [answer]);
  // Asked again about the same edit: the answer is known.
  assert.equal(await check.settle({ dates: [d2, d3] }, 3), answer);
  assert.equal(sent.length, 1);
  // The same edit on a newer version is asked anew.
  assert.deepEqual(await check.settle({ dates: [d2, d3] }, 4), answer);
  assert.equal(sent.length, 2);

  // An edit asked while another is in flight waits its turn; only the newest counts.
  check.want({ slot_minutes: 15 }, 4);
  const first = check.run();
  check.want({ slot_minutes: 60 }, 4);
  check.run();
  await first;
  const merged = await check.settle({ slot_minutes: 60 }, 4);
  assert.deepEqual(merged, { kept: 2, cleared: 0, losing: 0, final_kept: false, slots: 6 });
  assert.deepEqual(notes.at(-1), merged, 'the note is the newest edit’s');
});

test('a refusal or no network is said, never taken for an answer', async () => {
  const appt = await createAppointment(env.server.base);
  const check = new KeptCheck(asker(appt, []), () => {}, 0);
  assert.equal(await check.settle({ slot_minutes: 20 }, 1), null);
  assert.equal(check.error.code, 'invalid_slot_minutes');
  const unreachable = new KeptCheck(() => fetch('http://127.0.0.1:9/', { method: 'PATCH' }), () => {}, 0);
  assert.equal(await unreachable.settle({ slot_minutes: 15 }, 1), null);
  assert.ok(unreachable.error, 'the failure is kept, for the page to say it cannot check');
});
