// A thumb that rests before it swipes still scrolls: painting starts only
// after a hold about as long as the platform's long press, the grid shows
// that the hold has armed before the finger moves, and the last change is
// one tap from being taken back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useServerAndBrowser, PHONE, getView, touchDrag, openPainter, screenshot, assertQuiet, eventually, cellAt } from './harness.mjs';

const env = useServerAndBrowser();

const scrolled = (page) => page.evaluate(() => scrollY);

test('a thumb resting 300 ms before a swipe scrolls and paints nothing', async () => {
  const { base } = env.server;
  const { ctx, page, patches } = await openPainter(env.browser, base, '나래', {
    device: PHONE, lang: 'ko', appointment: { start: '07:00', end: '23:00' },
  });
  await page.evaluate(() => scrollTo(0, document.querySelector('#paint-grid').getBoundingClientRect().top + scrollY - 60));
  const start = await cellAt(page, 200, 600);
  const y0 = await scrolled(page);
  await touchDrag(page, start, { x: start.x, y: start.y - 300 }, 8, { hold: 300 });
  await eventually(async () => (await scrolled(page)) > y0 + 150, 3000, 'the page to scroll');
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(patches.length, 0, 'the resting thumb painted nothing');
  assert.equal(await page.locator('#paint-grid .cell.lv1').count(), 0);
  assertQuiet(ctx);
  await ctx.close();
});

test('a held finger arms the grid visibly before it moves, and undo takes the block back', async () => {
  const { base } = env.server;
  const { appt, ctx, page, patches } = await openPainter(env.browser, base, 'Dana', {
    device: PHONE, lang: 'en', appointment: { start: '07:00', end: '23:00' },
  });
  assert.equal(await page.locator('#undo').isDisabled(), true, 'nothing to undo yet');
  await page.evaluate(() => scrollTo(0, document.querySelector('#paint-grid').getBoundingClientRect().top + scrollY - 60));
  const a = await cellAt(page, 120, 400);
  const b = await cellAt(page, a.x + a.w, a.y + 3 * a.h);

  // The finger rests: after the long-press time, before it moves, the grid
  // says painting has started.
  const cdp = await ctx.newCDPSession(page);
  const pt = (x, y) => [{ x: Math.round(x), y: Math.round(y), id: 1, radiusX: 4, radiusY: 4, force: 1 }];
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: pt(a.x, a.y) });
  await new Promise((r) => setTimeout(r, 750));
  assert.equal(await page.locator('#paint-grid .grid.is-armed').count(), 1, 'the grid shows the armed hold');
  await screenshot(page, 'hold-armed-390-en', { fullPage: false });
  for (let i = 1; i <= 6; i += 1) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: pt(a.x + ((b.x - a.x) * i) / 6, a.y + ((b.y - a.y) * i) / 6) });
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await cdp.detach();
  await eventually(() => patches.length === 1, 5000, 'one update for the block');
  assert.equal(await page.locator('#paint-grid .grid.is-armed').count(), 0, 'armed no longer once lifted');
  await page.waitForSelector('#save-status[data-state="saved"]');
  assert.equal(await page.locator('#paint-grid .cell.lv1').count(), 8, 'two days × four slots');

  // Undo, one tap: one update that clears exactly those cells.
  await eventually(async () => !(await page.locator('#undo').isDisabled()), 2000, 'undo enabled');
  await new Promise((r) => setTimeout(r, 400));
  await page.tap('#undo');
  await eventually(() => patches.length === 2, 5000, 'one update for the undo');
  assert.deepEqual(patches[1].changes.map((c) => c.level), ['none']);
  assert.equal(patches[1].changes[0].slots.reduce((n, [x, y]) => n + y - x, 0), 8);
  await page.waitForSelector('#save-status[data-state="saved"]');
  assert.equal(await page.locator('#paint-grid .cell.lv1').count(), 0);
  assert.equal(await page.locator('#undo').isDisabled(), true, 'an undo is not undone again');
  const { counts } = await getView(base, appt.id);
  assert.equal(counts.available.filter((n) => n > 0).length, 0, 'the server has the block taken back');
  assertQuiet(ctx);
  await ctx.close();
});
