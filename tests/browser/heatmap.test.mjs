// Everyone's times: who can make a cell is shown where the eye is, on a
// phone too; a range is picked with two taps or two clicks alike; the
// legend shows the shades there can be.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useServerAndBrowser, newContext, PHONE, DESKTOP, createAppointment, join, paint, screenshot,
  assertQuiet,
} from './harness.mjs';

const env = useServerAndBrowser();

/** An appointment 08:00–20:00 on three days, and five people who answered. */
async function busy() {
  const { base } = env.server;
  const appt = await createAppointment(base, { start: '08:00', end: '20:00' });
  for (const [i, name] of ['민지', '서준', 'Alex', '하윤', 'Dana Kim'].entries()) {
    const p = await join(base, appt.id, name);
    await paint(base, appt.id, p, [{ level: 'available', slots: [[i, 20 + i], [24 + i, 40]] }, { level: 'if_needed', slots: [[50, 52 + i]] }]);
  }
  return appt;
}

test('on a phone, who can make a tapped cell shows on screen, and the cell stays in sight', async () => {
  const appt = await busy();
  const ctx = await newContext(env.browser, { device: PHONE, lang: 'ko' });
  const page = await ctx.newPage();
  await page.goto(`${env.server.base}/a/${appt.id}`);
  await page.tap('#tab-group');
  await page.waitForSelector('#heat-grid .cell[data-s]');
  // Scroll so the grid fills the screen, then tap a cell in its lower part.
  await page.evaluate(() => scrollTo(0, document.querySelector('#heat-grid').getBoundingClientRect().top + scrollY - 110));
  const s = await page.evaluate(() => {
    const cells = [...document.querySelectorAll('#heat-grid .cell[data-s]')];
    const low = cells.filter((c) => { const r = c.getBoundingClientRect(); return r.top > 600 && r.bottom < innerHeight - 20; });
    return Number(low[0].dataset.s);
  });
  await page.tap(`#heat-grid .cell[data-s="${s}"]`);
  await page.waitForFunction(() => document.querySelector('#detail h3'));
  const view = PHONE.viewport;
  const panel = await page.locator('#detail').boundingBox();
  const heading = await page.locator('#detail h3').boundingBox();
  assert.ok(heading.y >= 0 && heading.y + heading.height <= view.height,
    `the answer's heading is on screen (y = ${Math.round(heading.y)} in a ${view.height} px viewport)`);
  assert.ok(panel.y < view.height - 80, 'the answer shows more than a sliver');
  assert.match(await page.textContent('#detail'), /가능 \(\d\)/);
  // The tapped cell is not hidden behind it.
  const cell = await page.locator(`#heat-grid .cell[data-s="${s}"]`).boundingBox();
  const hit = await page.evaluate(([x, y]) => document.elementFromPoint(x, y)?.closest('.cell')?.dataset.s, [cell.x + cell.width / 2, cell.y + cell.height / 2]);
  assert.equal(hit, String(s), 'the tapped cell is still visible');
  await screenshot(page, 'heat-phone-ko-who', { fullPage: false });

  // A second tap on the same day picks the range; the close button clears it.
  await page.tap(`#heat-grid .cell[data-s="${s - 3}"]`);
  assert.equal(await page.locator('#heat-grid .cell.mark').count(), 4);
  await page.tap('#detail .close');
  assert.equal(await page.locator('#heat-grid .cell.mark').count(), 0);
  assert.match(await page.textContent('#detail'), /칸을 누르면/);
  assertQuiet(ctx);
  await ctx.close();
});

test('with a mouse, a click and a second click on the same day pick the range between, as the hint says', async () => {
  const appt = await busy();
  const ctx = await newContext(env.browser, { device: DESKTOP, lang: 'en' });
  const page = await ctx.newPage();
  await page.goto(`${env.server.base}/a/${appt.id}`);
  await page.waitForSelector('#heat-grid .cell[data-s]');
  assert.match(await page.textContent('#detail'), /tap another cell on the same day to see the whole range/);
  await page.click('#heat-grid .cell[data-s="2"]');
  assert.match(await page.textContent('#detail h3'), /09:00–09:30/);
  await page.click('#heat-grid .cell[data-s="5"]');
  assert.match(await page.textContent('#detail h3'), /09:00–11:00/);
  assert.equal(await page.locator('#heat-grid .cell.mark').count(), 4);
  assert.match(await page.textContent('#detail .who-available'), /Available \(3\)/);
  // A click on another day starts again; clicking the one picked cell clears it.
  await page.click('#heat-grid .cell[data-s="30"]');
  assert.equal(await page.locator('#heat-grid .cell.mark').count(), 1);
  await page.click('#heat-grid .cell[data-s="30"]');
  assert.equal(await page.locator('#heat-grid .cell.mark').count(), 0);
  assertQuiet(ctx);
  await ctx.close();
});

test('the legend has one swatch for each shade the cells can take', async () => {
  const { base } = env.server;
  const appt = await createAppointment(base);
  const solo = await join(base, appt.id, 'Solo');
  await paint(base, appt.id, solo, [{ level: 'available', slots: [[0, 4]] }]);
  const ctx = await newContext(env.browser, { device: PHONE, lang: 'en' });
  const page = await ctx.newPage();
  await page.goto(`${base}/a/${appt.id}`);
  await page.tap('#tab-group');
  await page.waitForSelector('#legend .sw');
  assert.equal(await page.locator('#legend .key').first().locator('.sw').count(), 2, 'one person: nobody and everybody');
  await join(base, appt.id, 'Duo');
  await page.reload();
  await page.tap('#tab-group');
  await page.waitForSelector('#legend .sw');
  assert.equal(await page.locator('#legend .key').first().locator('.sw').count(), 3, 'two people: 0, 1 and 2');
  await ctx.close();
});
