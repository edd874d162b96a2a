// Painting availability with a mouse and with the keyboard on a desktop, and
// what happens when a save fails: the change stays and is retried.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useServerAndBrowser, DESKTOP, getView, withRanges, cellCenter, openPainter,
  assertOwnOrigin, assertQuiet, eventually,
} from './harness.mjs';

const env = useServerAndBrowser();

/** A desktop page signed in as a fresh participant; records its PATCH bodies. */
async function painter(name) {
  const { base } = env.server;
  const { appt, me, ctx, page, patches } = await openPainter(env.browser, base, name, { device: DESKTOP, lang: 'en' });
  const mine = async () => withRanges((await getView(base, appt.id)).participants.find((p) => p.id === me.participant.id));
  return { ctx, page, patches, appt, mine };
}

async function mouseDrag(page, from, to) {
  // The drag starts mid-screen, away from the edges where it scrolls the page.
  await page.evaluate((s) => document.querySelector(`#paint-grid .cell[data-s="${s}"]`).scrollIntoView({ block: 'center' }), from);
  const a = await cellCenter(page, '#paint-grid', from);
  const b = await cellCenter(page, '#paint-grid', to);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 6 });
  await page.mouse.up();
}

const saved = (page) => page.waitForSelector('#save-status[data-state="saved"]');

test('a mouse drag paints a rectangle in one PATCH; starting on a painted cell erases', async () => {
  const { ctx, page, patches, mine } = await painter('Mouse');
  // Two days (columns 0 and 1: slots 0… and 18…), 09:30–11:00.
  await mouseDrag(page, 1, 21);
  await saved(page);
  assert.deepEqual(patches, [{ changes: [{ level: 'available', slots: [[1, 4], [19, 22]] }] }]);
  assert.deepEqual((await mine()).available, [[1, 4], [19, 22]]);
  assert.equal(await page.locator('#paint-grid .cell.lv1').count(), 6);

  // Start on a painted cell: the same kind of drag erases.
  await page.waitForSelector('#save-status[data-state="saved"]');
  await mouseDrag(page, 2, 3);
  await eventually(() => patches.length === 2, 5000, 'second PATCH');
  await saved(page);
  assert.deepEqual(patches[1], { changes: [{ level: 'none', slots: [[2, 4]] }] });
  assert.deepEqual((await mine()).available, [[1, 2], [19, 22]]);

  // The "if needed" brush.
  await page.click('label:has(input[name="brush"][value="2"])');
  await mouseDrag(page, 40, 41);
  await eventually(() => patches.length === 3, 5000, 'third PATCH');
  await saved(page);
  assert.deepEqual(patches[2], { changes: [{ level: 'if_needed', slots: [[40, 42]] }] });
  assert.deepEqual((await mine()).if_needed, [[40, 42]]);
  assert.equal(await page.locator('#paint-grid .cell.lv2').count(), 2);

  // The heatmap next to it follows.
  await eventually(async () => (await page.textContent('#heat-grid .cell[data-s="40"] [aria-hidden]')) === '0+1', 5000, 'heatmap 0+1');
  assertOwnOrigin(env.server.base, ctx);
  assertQuiet(ctx);
  await ctx.close();
});

test('the keyboard moves, extends a selection with shift, and paints with space and enter', async () => {
  const { ctx, page, patches, mine } = await painter('Keys');
  await page.focus('#paint-grid .cell[tabindex="0"]');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.s), '0');
  await page.keyboard.press('Space');
  await eventually(() => patches.length === 1, 5000, 'PATCH after space');
  assert.deepEqual(patches[0], { changes: [{ level: 'available', slots: [[0, 1]] }] });

  // Down one, then shift+down twice and shift+right: rows 1–3 of days 0–1.
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Shift+ArrowDown');
  await page.keyboard.press('Shift+ArrowDown');
  await page.keyboard.press('Shift+ArrowRight');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.s), '21');
  assert.equal(await page.locator('#paint-grid .cell.sel').count(), 6);
  await page.keyboard.press('Enter');
  await eventually(() => patches.length === 2, 5000, 'PATCH after enter');
  assert.deepEqual(patches[1], { changes: [{ level: 'available', slots: [[1, 4], [19, 22]] }] });
  await saved(page);
  assert.deepEqual((await mine()).available, [[0, 4], [19, 22]]);

  // Space on a painted cell erases it.
  await page.keyboard.press('Space');
  await eventually(() => patches.length === 3, 5000, 'PATCH erasing');
  assert.deepEqual(patches[2], { changes: [{ level: 'none', slots: [[21, 22]] }] });
  await saved(page);
  assertQuiet(ctx);
  await ctx.close();
});

test('a change made offline is kept, shown as pending, and saved once back online', async () => {
  const { ctx, page, mine, appt } = await painter('Offline');
  await ctx.setOffline(true);
  await mouseDrag(page, 5, 7);
  await page.waitForSelector('#save-status[data-state="pending"]');
  assert.match(await page.textContent('#save-status'), /Waiting to save \(1\)/);
  assert.equal(await page.locator('#paint-grid .cell.lv1').count(), 3, 'the change stays on screen');
  assert.deepEqual((await mine()).available, []);
  await ctx.setOffline(false);
  await page.waitForSelector('#save-status[data-state="saved"]', { timeout: 15000 });
  assert.deepEqual((await mine()).available, [[5, 8]]);
  assert.equal(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('eb:q:')).length), 0,
    'nothing left queued');

  // Pending changes also survive closing the page: the next visit sends them.
  await ctx.setOffline(true);
  await mouseDrag(page, 10, 11);
  await page.waitForSelector('#save-status[data-state="pending"]');
  await page.close();
  await ctx.setOffline(false);
  const next = await ctx.newPage();
  await next.goto(`${env.server.base}/a/${appt.id}`);
  await next.waitForSelector('#save-status[data-state="saved"]', { timeout: 15000 });
  assert.deepEqual((await mine()).available, [[5, 8], [10, 12]]);
  assertQuiet(ctx);
  await ctx.close();
});
