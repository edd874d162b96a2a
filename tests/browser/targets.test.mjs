// Every control a thumb needs is at least 44 × 44 px on a phone (390 and
// 360 px wide), grid cells are as tall as a tap target, and the ✕ that
// takes an appointment off "my appointments" (and signs this device out
// there) asks first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useServerAndBrowser, PHONE, openPainter, join, paint, screenshot, assertQuiet,
} from './harness.mjs';

const env = useServerAndBrowser();
const NARROW = { ...PHONE, viewport: { width: 360, height: 740 } };

/** Boxes smaller than 44 × 44 among the visible elements matching each selector. */
async function small(page, selectors) {
  const out = [];
  for (const sel of selectors) {
    const boxes = await page.$$eval(sel, (els) => els.filter((e) => e.getClientRects().length)
      .map((e) => { const r = e.getBoundingClientRect(); return [Math.round(r.width), Math.round(r.height)]; }));
    assert.ok(boxes.length, `${sel} is on screen`);
    for (const [w, h] of boxes) if (w < 44 || h < 44) out.push(`${sel}: ${w}×${h}`);
  }
  return out;
}

for (const [label, device] of [['390', PHONE], ['360', NARROW]]) {
  test(`at ${label} px every tap target is at least 44 × 44 and the cells are 44 tall`, async () => {
    const { base } = env.server;
    const { appt, ctx, page } = await openPainter(env.browser, base, '민지', {
      device, lang: 'ko', appointment: { title: `목표 ${label}`, dates: undefined, weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'] },
    });
    // Enough separate best times for "더 보기", and people for the chips.
    for (const [name, from] of [['서연', 0], ['Alex', 40], ['하윤', 80]]) {
      const p = await join(base, appt.id, name);
      await paint(base, appt.id, p, [0, 18, 36, 54, 72].map((d) => ({ level: 'available', slots: [[from % 18 + d, from % 18 + d + 2]] })));
    }
    await page.reload();
    await page.waitForSelector('#paint-grid .cell[data-s]');
    assert.deepEqual(await small(page, ['#lang', '#not-me', '#import-ics', '#undo', '.seg.brush label']), []);
    const cell = await page.locator('#paint-grid .cell[data-s]').first().boundingBox();
    assert.ok(cell.height >= 44, `a cell is ${cell.height} px tall`);
    await screenshot(page, `targets-me-${label}-ko`, { fullPage: false });

    await page.tap('#tab-group');
    await page.waitForSelector('#best-list .more button');
    assert.deepEqual(await small(page, ['#share-image', '#csv', '#best-list .more button', '#min-slots', '#share-box summary', '#people .chip']), []);
    const heat = await page.locator('#heat-grid .cell[data-s]').first().boundingBox();
    assert.ok(heat.height >= 44, `a heatmap cell is ${heat.height} px tall`);
    await screenshot(page, `targets-group-${label}-ko`, { fullPage: false });

    // The home page: the form's segments and the list's ✕, which asks first.
    await page.goto(`${base}/`);
    await page.waitForSelector('#mine:not([hidden])');
    assert.deepEqual(await small(page, ['.seg label', '#mine-list button', '#lang']), []);
    await page.tap('#mine-list button[aria-label^="목록에서 지우기"]');
    await page.waitForSelector('dialog[open]');
    assert.match(await page.textContent('dialog[open]'), /"민지" 님으로 들어가 있던 것도 끝나요/);
    await screenshot(page, `targets-remove-${label}-ko`, { fullPage: false });
    await page.tap('dialog[open] .btn:not(.danger)');
    assert.equal(await page.locator('#mine-list li').count(), 1, 'cancelled: still listed');
    assert.ok(await page.evaluate((id) => localStorage.getItem(`eb:p:${id}`), appt.id), 'and still signed in there');
    await page.tap('#mine-list button[aria-label^="목록에서 지우기"]');
    await page.tap('dialog[open] .btn.danger');
    assert.equal(await page.isHidden('#mine'), true);
    assert.equal(await page.evaluate((id) => localStorage.getItem(`eb:p:${id}`), appt.id), null, 'signed out there once confirmed');
    assertQuiet(ctx);
    await ctx.close();
  });
}
