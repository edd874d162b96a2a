// Someone who knows their busy hours better than their free ones marks
// everything, then erases the busy times; "invert" swaps available and
// empty. Each is one update, and undo takes it back in one more.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useServerAndBrowser, PHONE, DESKTOP, getView, withRanges, openPainter, screenshot, assertQuiet, eventually,
} from './harness.mjs';

const env = useServerAndBrowser();

test('mark all free, erase a class, invert, undo: one update each, saved as shown', async () => {
  const { base } = env.server;
  const { appt, me, ctx, page, patches } = await openPainter(env.browser, base, '도윤', { device: PHONE, lang: 'ko' });
  const mine = async () => withRanges((await getView(base, appt.id)).participants.find((p) => p.id === me.participant.id));
  const n = (await getView(base, appt.id)).slots.length;
  const saved = async (k) => {
    await eventually(() => patches.length === k, 5000, `update ${k}`);
    await page.waitForSelector('#save-status[data-state="saved"]');
  };

  await page.tap('#mark-all');
  await saved(1);
  assert.deepEqual(patches[0], { changes: [{ level: 'available', slots: [[0, n]] }] }, 'one update for every slot');
  assert.equal(await page.locator('#paint-grid .cell.lv1').count(), await page.locator('#paint-grid .cell[data-s]').count());
  assert.deepEqual((await mine()).available, [[0, n]]);
  await screenshot(page, 'whole-grid-all-390-ko', { fullPage: false });

  // Erase a class: two taps.
  await page.tap('#paint-grid .cell[data-s="4"]');
  await saved(2);
  await new Promise((r) => setTimeout(r, 400));
  await page.tap('#paint-grid .cell[data-s="5"]');
  await saved(3);
  assert.deepEqual((await mine()).available, [[0, 4], [6, n]]);

  // Invert: the class is now the only available time, in one update.
  await page.tap('#invert');
  await saved(4);
  assert.equal(patches[3].changes.length, 2, 'one change per level, in one update');
  assert.deepEqual((await mine()).available, [[4, 6]]);
  assert.equal(await page.locator('#paint-grid .cell.lv1').count(), 2);

  // Undo takes the inversion back, in one update.
  await page.tap('#undo');
  await saved(5);
  assert.deepEqual((await mine()).available, [[0, 4], [6, n]]);
  assert.equal(await page.locator('#undo').isDisabled(), true);
  assertQuiet(ctx);
  await ctx.close();
});

test('"if needed" answers stay when inverting, and undo of "mark all" restores them', async () => {
  const { base } = env.server;
  const { appt, me, ctx, page, patches } = await openPainter(env.browser, base, 'Rin', { device: DESKTOP, lang: 'en' });
  const mine = async () => withRanges((await getView(base, appt.id)).participants.find((p) => p.id === me.participant.id));
  await page.click('.seg.brush label:nth-child(2)');
  await page.click('#paint-grid .cell[data-s="2"]');
  await eventually(() => patches.length === 1, 5000, 'the if-needed cell');
  await page.click('#invert');
  await eventually(() => patches.length === 2, 5000, 'the inversion');
  await page.waitForSelector('#save-status[data-state="saved"]');
  const inverted = await mine();
  assert.deepEqual(inverted.if_needed, [[2, 3]], 'if needed stays');
  assert.equal(inverted.available.reduce((k, [a, b]) => k + b - a, 0), (await getView(base, appt.id)).slots.length - 1);
  await page.click('#undo');
  await page.click('#mark-all');
  await eventually(() => patches.length === 4, 5000, 'mark all');
  await page.click('#undo');
  await eventually(() => patches.length === 5, 5000, 'undo of mark all');
  await page.waitForSelector('#save-status[data-state="saved"]');
  const back = await mine();
  assert.deepEqual([back.available, back.if_needed], [[], [[2, 3]]], 'undo brings the if-needed cell back');
  assertQuiet(ctx);
  await ctx.close();
});
