// The organiser keeps a public link in hand: closing the appointment to new
// people (everyone is told; a new name is refused, a known one still signs
// in), reopening it, and removing several participants with one
// confirmation. The best times say how many can come.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useServerAndBrowser, newContext, PHONE, createAppointment, join, paint, getView,
  assertOwnOrigin, assertQuiet, eventually, screenshot,
} from './harness.mjs';

const env = useServerAndBrowser();

test('the organiser closes to new people, reopens, and removes two people at once', async () => {
  const { base } = env.server;
  const appt = await createAppointment(base);
  const ana = await join(base, appt.id, 'Ana');
  const bo = await join(base, appt.id, 'Bo');
  await join(base, appt.id, 'Cy');
  await paint(base, appt.id, ana, [{ level: 'available', slots: [[0, 4]] }]);
  await paint(base, appt.id, bo, [{ level: 'if_needed', slots: [[0, 4]] }]);

  // The organiser, on a phone, closes the appointment with the switch.
  const org = await newContext(env.browser, { device: PHONE, lang: 'ko' });
  const op = await org.newPage();
  await op.goto(`${base}/a/${appt.id}#admin=${appt.admin_token}`);
  await op.waitForSelector('#admin:not([hidden])');
  assert.equal(await op.isChecked('#closed'), false);
  assert.equal(await op.getAttribute('#closed', 'role'), 'switch');
  const closeSwitch = op.locator('label.switch', { has: op.locator('#closed') });
  await closeSwitch.scrollIntoViewIfNeeded();
  await closeSwitch.tap();
  await eventually(async () => (await getView(base, appt.id)).closed === true, 5000, 'closed');
  assert.match(await op.textContent('#toast'), /새 참여자를 받지 않아요/);
  assert.equal(await op.isChecked('#closed'), true);
  await screenshot(op, 'moderation-admin-closed-phone', { fullPage: false });

  // Someone else opens the link: told it is closed; a new name is refused.
  const guest = await newContext(env.browser, { device: PHONE, lang: 'en' });
  const gp = await guest.newPage();
  await gp.goto(`${base}/a/${appt.id}`);
  await gp.waitForSelector('#closed-note:not([hidden])');
  assert.match(await gp.textContent('#closed-note'), /closed this to new people/);
  await gp.fill('#name', 'Dee');
  await gp.tap('#join button[type="submit"]');
  await gp.waitForSelector('#err-join:not([hidden])');
  assert.match(await gp.textContent('#err-join'), /closed this to new people, so a new name cannot join/);
  assert.deepEqual((await getView(base, appt.id)).participants.map((p) => p.name).sort(), ['Ana', 'Bo', 'Cy'],
    'no participant was created');
  await screenshot(gp, 'moderation-closed-join-phone', { fullPage: false });

  // A name that already joined still signs back in.
  await gp.fill('#name', 'Bo');
  await gp.tap('#join button[type="submit"]');
  await gp.waitForSelector('#me:not([hidden])');
  assert.match(await gp.textContent('#whoami'), /Bo/);

  // Best times say how many can come, and how many of them only if needed.
  await gp.tap('#tab-group');
  const pills = await gp.locator('#best-list li.best').first().textContent();
  assert.match(pills, /2 can come/);
  assert.match(pills, /1 if needed/);

  // The organiser reopens it; the notice goes for a newcomer.
  await closeSwitch.tap();
  await eventually(async () => (await getView(base, appt.id)).closed === false, 5000, 'reopened');
  assert.match(await op.textContent('#toast'), /다시 새 참여자를 받아요/);
  const late = await newContext(env.browser, { device: PHONE, lang: 'ko' });
  const lp = await late.newPage();
  await lp.goto(`${base}/a/${appt.id}`);
  await lp.waitForSelector('#join:not([hidden])');
  assert.equal(await lp.isHidden('#closed-note'), true);

  // The organiser's best times speak Korean.
  await op.tap('#tab-group');
  assert.match(await op.locator('#best-list li.best').first().textContent(), /2명 올 수 있어요.*그중 1명은 필요하면/s);

  // Select Ana and Cy, remove both with one confirmation.
  assert.equal(await op.isHidden('#people-actions'), true, 'nothing selected, no button');
  await op.locator('#people').scrollIntoViewIfNeeded();
  await op.tap('#people input[aria-label="Ana 님 선택"]');
  await op.tap('#people input[aria-label="Cy 님 선택"]');
  assert.equal(await op.textContent('#people-actions button'), '선택한 사람 내보내기 (2)');
  assert.equal(await op.locator('#people button[aria-label="Bo 님 내보내기"]').count(), 1, 'the single ✕ stays');
  await op.locator('#people-actions button').scrollIntoViewIfNeeded();
  await screenshot(op, 'moderation-people-selected-phone', { fullPage: false });
  await op.tap('#people-actions button');
  await op.waitForSelector('dialog[open]');
  assert.match(await op.textContent('dialog[open] h2'), /2명을 내보낼까요/);
  assert.match(await op.textContent('dialog[open] p'), /Ana, Cy/);
  await op.tap('dialog[open] .btn.danger');
  await eventually(async () => (await getView(base, appt.id)).participants.length === 1, 5000, 'two removed');
  assert.deepEqual((await getView(base, appt.id)).participants.map((p) => p.name), ['Bo']);
  await eventually(async () => (await op.locator('#people .chip').count()) === 1, 5000, 'list updated');
  assert.equal(await op.isHidden('#people-actions'), true, 'selection cleared');
  assert.match(await op.textContent('#toast'), /2명을 내보냈어요/);

  assertOwnOrigin(base, org, guest, late);
  assertQuiet(org, guest, late);
  await org.close();
  await guest.close();
  await late.close();
});
