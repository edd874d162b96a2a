// Answering without colours or dragging: "answer as a list" shows one row
// per time with how many can come and who, as text, and checkboxes for
// the own answer. It works with the keyboard alone, axe finds nothing
// serious, and each checkbox's accessible name reads the time, the count
// and the own answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useServerAndBrowser, newContext, PHONE, createAppointment, join, paint, signIn, recordUpdates, getView, axe,
  screenshot, assertQuiet, eventually,
} from './harness.mjs';

const env = useServerAndBrowser();

test('the list answers with the keyboard alone, reads counts and names as text, and passes axe', async () => {
  const { base } = env.server;
  const appt = await createAppointment(base);
  const minji = await join(base, appt.id, '민지');
  await paint(base, appt.id, minji, [{ level: 'available', slots: [[0, 2]] }]);
  const seoyeon = await join(base, appt.id, '서연');
  await paint(base, appt.id, seoyeon, [{ level: 'if_needed', slots: [[0, 1]] }]);
  const me = await join(base, appt.id, '지우');
  // axe is injected as a script tag, which the page's CSP would (rightly) refuse.
  const ctx = await newContext(env.browser, { device: PHONE, lang: 'ko', colorScheme: 'dark', bypassCSP: true });
  await signIn(ctx, base, appt.id, me);
  const page = await ctx.newPage();
  const updates = recordUpdates(page);
  await page.goto(`${base}/a/${appt.id}`);
  await page.waitForSelector('#paint-grid .cell[data-s]');

  // Keyboard only: from "not me?", Tab to "answer as a list", Enter.
  await page.focus('#not-me');
  for (let i = 0; i < 8 && await page.evaluate(() => document.activeElement?.id) !== 'list-mode'; i += 1) await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'list-mode', 'the list button is in the tab order');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#answer-list:not([hidden]) table');
  assert.equal(await page.isHidden('#paint-grid'), true, 'the grid gives way');
  const n = (await getView(base, appt.id)).slots.length;
  assert.equal(await page.locator('#answer-list tbody tr').count(), n, 'one row per time');
  assert.equal(await page.textContent('#answer-list tbody tr:first-child .list-who'), '2명 올 수 있어요: 민지, 서연 (필요하면)');
  assert.equal(await page.textContent('#answer-list tbody tr:nth-child(3) .list-who'), '아직 없음');

  // Tab on (past the other tools) into the first row's "available" box:
  // its name reads the count and my answer.
  for (let i = 0; i < 8 && !await page.evaluate(() => !!document.activeElement?.closest('#answer-list')); i += 1) await page.keyboard.press('Tab');
  const first = await page.evaluate(() => document.activeElement?.getAttribute('aria-label'));
  assert.match(first, /^가능: .*09:00–09:30 — 2명 올 수 있어요, 내 답: 안 됨$/);
  await page.keyboard.press('Space');
  await eventually(() => updates.length === 1, 5000, 'an update from the checkbox');
  assert.deepEqual(updates[0], { changes: [{ level: 'available', slots: [[0, 1]] }] });
  await page.waitForSelector('#save-status[data-state="saved"]');
  await eventually(async () => (await page.getByRole('checkbox', { name: /^가능: .*09:00–09:30 — 3명 올 수 있어요, 내 답: 가능$/ }).count()) === 1,
    3000, 'the name reads the new count and my answer');
  assert.match(await page.textContent('#answer-list tbody tr:first-child .list-who'), /^3명 올 수 있어요: 민지, 지우, 서연/);

  // The next box is "if needed" for the same time: it replaces "available".
  await page.keyboard.press('Tab');
  assert.match(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), /^필요하면: .*09:00–09:30/);
  await page.keyboard.press('Space');
  await eventually(() => updates.length === 2, 5000, 'the second update');
  assert.deepEqual(updates[1], { changes: [{ level: 'if_needed', slots: [[0, 1]] }] });
  await eventually(async () => !(await page.isChecked('#answer-list tbody tr:first-child td:nth-child(3) input')), 3000, 'available unticked');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')?.endsWith('내 답: 필요하면 가능')), true,
    'the focus stays on the box, which now reads my answer');
  await page.waitForSelector('#save-status[data-state="saved"]');
  const saved = (await getView(base, appt.id)).participants.find((p) => p.name === '지우');
  assert.ok(saved.levels, 'the answer is saved');

  assert.deepEqual(await axe(page), [], 'axe: no serious or critical violations with the list shown');
  await screenshot(page, 'answer-list-dark-390-ko', { fullPage: false });
  // And back to the grid, with the keyboard.
  await page.focus('#list-mode');
  await page.keyboard.press('Enter');
  // The toggle runs once its module's import resolves: a moment later.
  await eventually(() => page.isVisible('#paint-grid'), 3000, 'the grid is back');
  assertQuiet(ctx);
  await ctx.close();
});
