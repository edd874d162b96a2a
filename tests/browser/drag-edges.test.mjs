// Drags at the edges of the grid do what the finger means: dragged up
// over the sticky header and tabs, the page scrolls and the selection
// grows with it; dragged sideways, the finger paints across the week and
// the browser does not go back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, PHONE, openPainter, touchDrag, screenshot, assertQuiet, eventually, cellAt } from './harness.mjs';

const env = useServerAndBrowser();

const painted = (page) => page.$$eval('#paint-grid .cell.lv1', (els) => els.map((e) => e.getBoundingClientRect().top));

test('a held drag up into the sticky header scrolls the page and the selection grows with it', async () => {
  const { base } = env.server;
  const { ctx, page, patches } = await openPainter(env.browser, base, '태오', {
    device: PHONE, lang: 'ko', appointment: { start: '06:00', end: '23:00' },
  });
  // Deep in the grid.
  await page.evaluate(() => {
    const g = document.querySelector('#paint-grid .grid').getBoundingClientRect();
    scrollBy(0, g.top + g.height / 2 - 200);
  });
  const a = await cellAt(page, 150, 560);
  const y0 = await page.evaluate(() => scrollY);
  const cdp = await ctx.newCDPSession(page);
  const pt = (x, y) => [{ x: Math.round(x), y: Math.round(y), id: 1, radiusX: 4, radiusY: 4, force: 1 }];
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: pt(a.x, a.y) });
  await new Promise((r) => setTimeout(r, 700));
  for (let i = 1; i <= 10; i += 1) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: pt(a.x, a.y + ((30 - a.y) * i) / 10) });
  }
  // The finger rests over the tabs while the page scrolls up.
  await new Promise((r) => setTimeout(r, 1200));
  const headBottom = await page.evaluate(() => document.querySelector('#paint-grid .colh').getBoundingClientRect().bottom);
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await cdp.detach();
  await eventually(() => patches.length === 1, 5000, 'one update for the drag');
  const scrolled = y0 - await page.evaluate(() => scrollY);
  assert.ok(scrolled > 150, `the page scrolled up (${scrolled} px)`);
  const tops = await painted(page);
  const top = Math.min(...tops);
  assert.ok(top <= headBottom + a.h, `the selection reaches the header (top cell at ${top}, header ends at ${headBottom})`);
  const want = Math.floor((a.y - headBottom + scrolled) / a.h);
  assert.ok(tops.length >= want, `${tops.length} cells painted for ${scrolled} px scrolled and ${Math.round(a.y - headBottom)} px dragged (want ≥ ${want})`);
  await screenshot(page, 'drag-into-header-390-ko', { fullPage: false });
  assertQuiet(ctx);
  await ctx.close();
});

test('a sideways drag on the grid paints across the week and never goes back', async () => {
  const { base } = env.server;
  const { appt, ctx, page, patches } = await openPainter(env.browser, base, 'Mia', { device: PHONE, lang: 'en' });
  // There is a page to go back to.
  await page.goto(`${base}/`);
  await page.goto(`${base}/a/${appt.id}`);
  await page.waitForSelector('#paint-grid .cell[data-s]');
  await page.evaluate(() => scrollBy(0, document.querySelector('#paint-grid .grid').getBoundingClientRect().top - 150));
  const a = await cellAt(page, 120, 300);
  const b = await cellAt(page, a.x + 2 * a.w, a.y);
  assert.ok(b, 'a cell two days on');
  await touchDrag(page, a, { x: b.x + 5, y: b.y }, 8);
  await eventually(() => patches.length === 1, 5000, 'the sideways drag painted');
  assert.equal(patches[0].changes[0].slots.length, 3, 'one cell on each of three days');
  assert.equal(await page.evaluate(() => location.pathname), `/a/${appt.id}`, 'still on the appointment');
  assert.equal(await page.evaluate(() => scrollX), 0, 'no sideways scroll');
  assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).overscrollBehaviorX), 'none',
    'the browser\'s sideways "back" swipe is off');
  assertQuiet(ctx);
  await ctx.close();
});
