// A failing save moves nothing: the grid stays where it is while the save
// waits (the notice, with its retry button, shows at the bottom of the
// screen), so the next tap lands on the cell under the finger.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, PHONE, openPainter, screenshot, assertQuiet, eventually } from './harness.mjs';

const env = useServerAndBrowser();
const NARROW = { ...PHONE, viewport: { width: 360, height: 740 } };

const gridTop = (page) => page.evaluate(() => document.querySelector('#paint-grid .grid').getBoundingClientRect().top);

for (const [label, device, lang] of [['360', NARROW, 'ko'], ['390', PHONE, 'en']]) {
  test(`at ${label} px (${lang}) the grid does not move when a save fails and when it recovers`, async () => {
    const { base } = env.server;
    const { ctx, page, patches } = await openPainter(env.browser, base, '예린', { device, lang });
    await page.waitForSelector('#save-status[data-state="idle"]');
    await page.evaluate(() => scrollBy(0, document.querySelector('#paint-grid .grid').getBoundingClientRect().top - 160));
    const top = await gridTop(page);
    await ctx.setOffline(true);
    await page.tap('#paint-grid .cell[data-s="3"]');
    await page.waitForSelector('#save-status[data-state="pending"]');
    assert.equal(await gridTop(page), top, 'waiting to save moved nothing');
    const bar = await page.evaluate(() => document.querySelector('#save-status').getBoundingClientRect().toJSON());
    const vh = device.viewport.height;
    assert.ok(bar.y + bar.height <= vh && bar.y > vh / 2, `the notice is at the bottom of the screen (${bar.y}–${bar.y + bar.height})`);
    // (Each retry redraws the notice: measure one that stays put.)
    const retry = await eventually(() => page.evaluate(() => document.querySelector('#save-status button')?.getBoundingClientRect().toJSON()), 3000, 'the retry button');
    assert.ok(retry.height >= 44, 'its retry button is a full tap target');
    await screenshot(page, `save-pending-${label}-${lang}`, { fullPage: false });
    // A second tap lands where aimed.
    await new Promise((r) => setTimeout(r, 400));
    await page.tap('#paint-grid .cell[data-s="5"]');
    await eventually(() => page.evaluate(() => document.querySelector('#paint-grid .cell[data-s="5"]').classList.contains('lv1')), 3000, 'cell 5 painted');
    await ctx.setOffline(false);
    await page.waitForSelector('#save-status[data-state="saved"]', { timeout: 15000 });
    assert.equal(await gridTop(page), top, 'saving again moved nothing');
    assert.ok(patches.length >= 1);
    assertQuiet(ctx);
    await ctx.close();
  });
}
