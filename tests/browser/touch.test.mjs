// On a phone, a finger does what its owner meant: the welcome notice never
// takes a touch meant for the grid, a swipe over the grid scrolls the page,
// touching and holding a cell starts painting a block, and a tap paints
// one cell. After joining, the focus is on the grid, not lost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useServerAndBrowser, newContext, PHONE, createAppointment, getView, touchDrag, openPainter,
  screenshot, assertOwnOrigin, assertQuiet, eventually, recordUpdates, cellAt } from './harness.mjs';

const env = useServerAndBrowser();

/** Where the grid is on screen: it must not move under a painting finger. */
const gridTop = (page) => page.evaluate(() => Math.round(document.querySelector('#paint-grid .grid').getBoundingClientRect().top));

test('right after joining, a drag on the cells under the welcome notice paints and does not scroll', async () => {
  const { base } = env.server;
  const appt = await createAppointment(base, { start: '08:00', end: '22:00' });
  const ctx = await newContext(env.browser, { device: PHONE, lang: 'ko' });
  const page = await ctx.newPage();
  const patches = recordUpdates(page);
  await page.goto(`${base}/a/${appt.id}`);
  await page.fill('#name', '지우');
  await page.tap('#join button[type="submit"]');
  await page.waitForSelector('#toast:not([hidden])');
  await page.waitForSelector('#paint-grid .cell[data-s]');
  await screenshot(page, 'touch-phone-ko-welcome', { fullPage: false });

  // Bring the grid under the whole screen, then touch where the notice is
  // (or, if it is not over the grid, the cells nearest the bottom edge,
  // where a thumb lands first).
  await page.evaluate(() => {
    const g = document.querySelector('#paint-grid .grid').getBoundingClientRect();
    scrollBy(0, g.top - 120);
  });
  const toast = await page.locator('#toast').boundingBox();
  assert.ok(toast, 'the notice is still showing');
  const targets = [{ x: 200, y: PHONE.viewport.height - 40 }];
  const underToast = { x: toast.x + toast.width / 2, y: toast.y + toast.height / 2 };
  if (await cellAt(page, underToast.x, underToast.y)) targets.unshift(underToast);
  let n = 0;
  for (const point of targets) {
    const cell = await cellAt(page, point.x, point.y);
    assert.ok(cell, `a cell under (${point.x}, ${point.y}); the grid is at ${await gridTop(page)}`);
    const top = await gridTop(page);
    await touchDrag(page, cell, { x: cell.x, y: cell.y - 3 * cell.h }, 6, { hold: 700 });
    await eventually(() => patches.length === n + 1, 5000, `a PATCH from the drag at y=${Math.round(cell.y)}`);
    n += 1;
    assert.equal(await gridTop(page), top, 'the page did not scroll');
    assert.equal(patches[n - 1].changes[0].level, 'available');
    assert.equal(patches[n - 1].changes[0].slots.reduce((k, [a, b]) => k + b - a, 0), 4, 'four cells painted');
  }
  // The focus went to the grid when the form that had it went away (a
  // finger does not move it).
  await eventually(() => page.evaluate(() => !!document.activeElement?.closest('#paint-grid, .brush')), 3000, 'focus on the grid');
  assertOwnOrigin(base, ctx);
  assertQuiet(ctx);
  await ctx.close();
});

test('a swipe over the grid scrolls, a held finger paints a block, a tap paints one cell', async () => {
  const { base } = env.server;
  const { appt, ctx, page, patches } = await openPainter(env.browser, base, '하람', {
    device: PHONE, lang: 'ko', appointment: { start: '07:00', end: '23:00' },
  });

  // An ordinary swipe up, starting on a cell in the middle of the grid.
  await page.evaluate(() => scrollTo(0, document.querySelector('#paint-grid').getBoundingClientRect().top + scrollY - 60));
  const start = await cellAt(page, 200, 600);
  const top = await gridTop(page);
  await touchDrag(page, start, { x: start.x, y: start.y - 300 }, 8);
  await eventually(async () => (await gridTop(page)) < top - 150, 3000, 'the page to scroll');
  assert.equal(patches.length, 0, 'swiping painted nothing');
  assert.equal(await page.locator('#paint-grid .cell.lv1').count(), 0);

  // Touch and hold, then drag: a block of two days × three slots (once
  // the swipe's fling has come to rest).
  let last = null;
  await eventually(async () => { const now = await gridTop(page); const still = now === last; last = now; return still; }, 5000, 'the page at rest');
  const a = await cellAt(page, 120, 400);
  const b = await cellAt(page, a.x + a.w, a.y + 2 * a.h);
  const top1 = await gridTop(page);
  await touchDrag(page, a, b, 8, { hold: 700 });
  await eventually(() => patches.length === 1, 5000, 'one PATCH for the block');
  assert.equal(await gridTop(page), top1, 'the held drag did not scroll');
  await page.waitForSelector('#save-status[data-state="saved"]');
  assert.equal(await page.locator('#paint-grid .cell.lv1').count(), 6);

  // A tap on an empty cell paints it; a tap on a painted one erases it.
  await page.tap(`#paint-grid .cell[data-s="${a.s + 10}"]`);
  await eventually(() => patches.length === 2, 5000, 'PATCH after a tap');
  assert.deepEqual(patches[1], { changes: [{ level: 'available', slots: [[a.s + 10, a.s + 11]] }] });
  await page.tap(`#paint-grid .cell[data-s="${a.s}"]`);
  await eventually(() => patches.length === 3, 5000, 'PATCH after a tap on a painted cell');
  assert.deepEqual(patches[2], { changes: [{ level: 'none', slots: [[a.s, a.s + 1]] }] });
  await page.waitForSelector('#save-status[data-state="saved"]');
  const { counts } = await getView(base, appt.id);
  assert.equal(counts.available.filter((n) => n > 0).length, 6, 'six cells saved');
  assert.match(await page.textContent('#me .touch-only'), /꾹 누르고 있다가 끌면/, 'the hint says how');
  assertQuiet(ctx);
  await ctx.close();
});
