// A schedule change never reaches a phone silently: the organiser is asked
// with a danger-styled confirmation when answers will be cleared, and a
// participant with the page open is told what changed and how many of
// their answered times were cleared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useServerAndBrowser, newContext, PHONE, createAppointment, join, paint, signIn, getView, withRanges, screenshot,
  assertQuiet, eventually,
} from './harness.mjs';

const env = useServerAndBrowser();

test('a zone change that clears answers: a danger confirmation for the organiser, a notice for the participant', async () => {
  const { base } = env.server;
  const appt = await createAppointment(base); // Seoul, 09:00–18:00
  const ana = await join(base, appt.id, 'Ana');
  await paint(base, appt.id, ana, [{ level: 'available', slots: [[0, 4]] }, { level: 'if_needed', slots: [[20, 22]] }]);

  // Ana watches on her phone, in English.
  const pctx = await newContext(env.browser, { device: PHONE, lang: 'en' });
  await signIn(pctx, base, appt.id, ana);
  const pp = await pctx.newPage();
  await pp.goto(`${base}/a/${appt.id}`);
  await pp.waitForSelector('#live[data-state="live"]');
  assert.equal(await pp.isHidden('#change-note'), true, 'no notice before a change');

  // The organiser, on a phone, moves the appointment to New York's hours.
  const octx = await newContext(env.browser, { device: PHONE, lang: 'ko' });
  const op = await octx.newPage();
  await op.goto(`${base}/a/${appt.id}#admin=${appt.admin_token}`);
  await op.waitForSelector('#admin:not([hidden])');
  await op.locator('#edit-schedule').scrollIntoViewIfNeeded();
  await op.tap('#edit-schedule');
  await op.waitForSelector('#schedule-edit:not([hidden]) #tz');
  await op.selectOption('#schedule-edit #tz', 'America/New_York');
  await op.tap('#schedule-edit button[type="submit"]');
  await op.waitForSelector('dialog[open]');
  assert.match(await op.textContent('dialog[open] p'), /1명의 답 일부가 지워져요/);
  assert.equal(await op.locator('dialog[open] .btn.danger').count(), 1, 'the confirmation is danger-styled');
  assert.equal(await op.textContent('dialog[open] .btn.danger'), '답을 지우고 바꾸기');
  await screenshot(op, 'schedule-confirm-danger-390-ko', { fullPage: false });
  await op.tap('dialog[open] .btn.danger');
  await op.waitForSelector('#schedule-edit', { state: 'hidden' });
  assert.equal(await op.isHidden('#change-note'), true, 'the organiser was asked, not told');

  // Ana is told, without reloading: what changed, and that her 6 times are gone.
  await pp.waitForSelector('#change-note:not([hidden])', { timeout: 10000 });
  const note = await pp.textContent('#change-note span');
  assert.equal(note, 'The organiser changed the time zone. Your answers on 6 times were cleared: please check.');
  const after = withRanges((await getView(base, appt.id)).participants[0]);
  assert.deepEqual([after.available, after.if_needed], [[], []], 'the server cleared them, as told');
  await screenshot(pp, 'schedule-notice-390-en', { fullPage: false });
  await pp.tap('#change-note button');
  assert.equal(await pp.isHidden('#change-note'), true, 'the notice closes');
  assertQuiet(pctx, octx);
  await pctx.close();
  await octx.close();
});

test('a change that keeps every answer says so, and the organiser gets a plain confirmation', async () => {
  const { base } = env.server;
  const appt = await createAppointment(base);
  const bo = await join(base, appt.id, '보라');
  await paint(base, appt.id, bo, [{ level: 'available', slots: [[2, 6]] }]);
  const pctx = await newContext(env.browser, { device: PHONE, lang: 'ko' });
  await signIn(pctx, base, appt.id, bo);
  const pp = await pctx.newPage();
  await pp.goto(`${base}/a/${appt.id}`);
  await pp.waitForSelector('#live[data-state="live"]');

  const octx = await newContext(env.browser, { device: PHONE, lang: 'ko' });
  const op = await octx.newPage();
  await op.goto(`${base}/a/${appt.id}#admin=${appt.admin_token}`);
  await op.waitForSelector('#admin:not([hidden])');
  await op.locator('#edit-schedule').scrollIntoViewIfNeeded();
  await op.tap('#edit-schedule');
  await op.waitForSelector('#schedule-edit:not([hidden]) #end');
  await op.selectOption('#schedule-edit #end', '20:00');
  await op.tap('#schedule-edit button[type="submit"]');
  await op.waitForSelector('dialog[open]');
  assert.equal(await op.locator('dialog[open] .btn.danger').count(), 0, 'nothing is lost: no danger');
  await op.tap('dialog[open] .btn.primary');
  await pp.waitForSelector('#change-note:not([hidden])', { timeout: 10000 });
  assert.equal(await pp.textContent('#change-note span'), '주최자가 일정을 바꿨어요 (시간). 내 답은 새 시간으로 옮겨졌어요.');
  assertQuiet(pctx, octx);
  await pctx.close();
  await octx.close();
});
