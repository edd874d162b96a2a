// On a phone, the create page's calendar (also the organiser's schedule
// editor) picks dates the way the grid paints cells: a swipe over it
// scrolls the page and picks nothing, a tap toggles one date, and touching
// and holding a date, then dragging, selects the dates between.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, newContext, PHONE, touchDrag, screenshot, assertQuiet, eventually } from './harness.mjs';

const env = useServerAndBrowser();

const picked = (page) => page.$$eval('#schedule .cal-day.on', (els) => els.map((e) => e.dataset.date));
/** Centre of the enabled date buttons, in order, as {d, x, y}. */
const dates = (page) => page.$$eval('#schedule .cal-day:not(:disabled)', (els) => els.map((e) => {
  const r = e.getBoundingClientRect();
  return { d: e.dataset.date, x: r.x + r.width / 2, y: r.y + r.height / 2 };
}));

test('a swipe over the calendar scrolls; a tap toggles a date; a held drag selects a range', async () => {
  const ctx = await newContext(env.browser, { device: PHONE, lang: 'ko' });
  const page = await ctx.newPage();
  await page.goto(`${env.server.base}/`);
  await page.waitForSelector('#schedule .cal-day');
  // The month mid-screen, where a thumb swipes up to reach the form's end.
  // A month late in the year has every date enabled.
  await page.click('#schedule .cal-head button:last-child');
  await page.click('#schedule .cal-head button:last-child');
  await page.evaluate(() => {
    const r = document.querySelector('#schedule .cal-days').getBoundingClientRect();
    scrollBy(0, r.top - 250);
  });
  const all = await dates(page);
  assert.ok(all.length >= 28, 'a whole month to pick from');
  const y0 = await page.evaluate(() => scrollY);
  const from = all[all.length - 3];
  await touchDrag(page, from, { x: from.x, y: from.y - 320 }, 8);
  await eventually(async () => (await page.evaluate(() => scrollY)) > y0 + 100, 3000, 'the page to scroll');
  assert.deepEqual(await picked(page), [], 'the swipe picked no date');

  // A tap toggles one date, and a second tap takes it off.
  const now = await dates(page);
  const one = now[3];
  await page.tap(`#schedule .cal-day[data-date="${one.d}"]`);
  await eventually(async () => (await picked(page)).length === 1, 2000, 'one date picked by a tap');
  assert.deepEqual(await picked(page), [one.d]);
  await new Promise((r) => setTimeout(r, 400));
  await page.tap(`#schedule .cal-day[data-date="${one.d}"]`);
  await eventually(async () => (await picked(page)).length === 0, 2000, 'the second tap takes it off');

  // Touch and hold the 2nd, drag to the 10th: nine dates.
  const cur = await dates(page);
  await touchDrag(page, cur[1], cur[9], 8, { hold: 700 });
  await eventually(async () => (await picked(page)).length === 9, 3000, 'a range of nine dates');
  assert.deepEqual(await picked(page), cur.slice(1, 10).map((x) => x.d));
  assert.match(await page.textContent('#schedule'), /9일 선택/);
  await screenshot(page, 'calendar-touch-390-ko', { fullPage: false });
  assertQuiet(ctx);
  await ctx.close();
});
