// Switching "my times" / "everyone" on a phone redraws nothing: both grids
// keep their cells (no rebuild for a width guessed while hidden) and the
// tab not shown keeps its rendering, so the switch costs no new styling or
// layout of a 7 × 52 grid. (How long it takes is measured by the bench:
// node tests/bench/tabs.mjs.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, PHONE, openPainter, join, paint, assertQuiet } from './harness.mjs';

const env = useServerAndBrowser();
const NARROW = { ...PHONE, viewport: { width: 360, height: 740 } };

for (const [label, device] of [['390', PHONE], ['360', NARROW]]) {
  test(`at ${label} px switching tabs keeps every cell of both grids and the hidden tab's rendering`, async () => {
    const { base } = env.server;
    const { appt, ctx, page } = await openPainter(env.browser, base, '서준', {
      device, lang: 'ko',
      appointment: { dates: undefined, weekdays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '09:00', end: '22:00', slot_minutes: 15 },
    });
    const p = await join(base, appt.id, '하린');
    await paint(base, appt.id, p, [{ level: 'available', slots: [[0, 30], [60, 90]] }]);
    await page.waitForFunction(() => !/\bh0\b/.test(document.querySelector('#heat-grid .cell[data-s="0"]')?.className ?? 'h0'));
    // Tag the cells; a rebuild would replace them.
    const tag = () => page.evaluate(() => {
      for (const el of document.querySelectorAll('#paint-grid .cell, #heat-grid .cell')) el.ebTag = 1;
      return document.querySelectorAll('#paint-grid .cell, #heat-grid .cell').length;
    });
    const untagged = () => page.evaluate(() => [...document.querySelectorAll('#paint-grid .cell, #heat-grid .cell')].filter((el) => !el.ebTag).length);
    const n = await tag();
    assert.ok(n >= 2 * 7 * 52, `${n} cells in the two grids`);
    for (const tab of ['#tab-group', '#tab-me', '#tab-group', '#tab-me']) {
      await page.tap(tab);
      await new Promise((r) => setTimeout(r, 150));
      assert.equal(await untagged(), 0, `switching to ${tab} rebuilt no cell`);
      const hidden = await page.evaluate(() => getComputedStyle(document.querySelector('.panel:not(.is-active)')).contentVisibility);
      assert.equal(hidden, 'hidden', 'the other tab keeps its rendering while hidden');
    }
    assert.equal(await page.isVisible('#paint-grid .cell[data-s="0"]'), true);
    assertQuiet(ctx);
    await ctx.close();
  });
}
