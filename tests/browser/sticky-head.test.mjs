// On a long grid, the day and date header stays on screen while the grid
// scrolls, in both tabs, right under the sticky tabs: a thumb deep in the
// grid still reads which day each column is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, PHONE, openPainter, join, paint, screenshot, assertQuiet } from './harness.mjs';

const env = useServerAndBrowser();
const NARROW = { ...PHONE, viewport: { width: 360, height: 740 } };

/** What a person sees just under the tabs, at each column's centre. */
function underTabs(page, gridSel) {
  return page.evaluate((sel) => {
    const tabs = document.querySelector('.tabs').getBoundingClientRect();
    const heads = [...document.querySelectorAll(`${sel} .colh`)];
    return heads.map((hd) => {
      const r = hd.getBoundingClientRect();
      const el = document.elementFromPoint(r.left + r.width / 2, tabs.bottom + 8);
      return { text: hd.textContent, top: Math.round(r.top), tabsBottom: Math.round(tabs.bottom), seen: !!el && hd.contains(el) };
    });
  }, gridSel);
}

for (const [label, device] of [['390', PHONE], ['360', NARROW]]) {
  test(`at ${label} px the day header stays under the tabs deep in a long grid, in both tabs`, async () => {
    const { base } = env.server;
    const { appt, ctx, page } = await openPainter(env.browser, base, '하늘', {
      device, lang: 'ko',
      appointment: { dates: undefined, weekdays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '08:00', end: '21:00', slot_minutes: 15 },
    });
    const other = await join(base, appt.id, '바다');
    await paint(base, appt.id, other, [{ level: 'available', slots: [[20, 40]] }]);
    for (const [tab, grid] of [['#tab-me', '#paint-grid'], ['#tab-group', '#heat-grid']]) {
      await page.tap(tab);
      await page.waitForSelector(`${grid} .cell[data-s]`);
      // Deep in the grid: its middle row at the middle of the screen.
      await page.evaluate((sel) => {
        const g = document.querySelector(`${sel} .grid`).getBoundingClientRect();
        scrollBy(0, g.top + g.height / 2 - innerHeight / 2);
      }, grid);
      await new Promise((r) => setTimeout(r, 200));
      const heads = await underTabs(page, grid);
      assert.ok(heads.length >= 5, 'day columns shown');
      for (const hd of heads) {
        assert.ok(hd.seen, `${grid}: the header "${hd.text}" is on screen under the tabs (top ${hd.top}, tabs end ${hd.tabsBottom})`);
      }
      await screenshot(page, `sticky-head-${tab.slice(5)}-${label}-ko`, { fullPage: false });
    }
    assertQuiet(ctx);
    await ctx.close();
  });
}
