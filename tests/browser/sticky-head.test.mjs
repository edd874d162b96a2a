// On a long grid, the day and date header stays on screen while the grid
// scrolls, in both tabs, right under the sticky tabs: a thumb deep in the
// grid still reads which day each column is. Checked by what a person sees:
// the point at each header's centre shows that header (not the tabs above
// it, not a cell scrolled over it), and the header sits right under the
// tabs, at 390 and 360 px, in Korean and English, for a participant and for
// the organiser (whose card sits below the panels), and again after the
// tabs are switched there and back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, PHONE, openPainter, join, paint, screenshot, assertQuiet } from './harness.mjs';

const env = useServerAndBrowser();
const NARROW = { ...PHONE, viewport: { width: 360, height: 740 } };

/** Each day header of `gridSel`: what is seen at its centre and at its top edge, and where it is. */
function headers(page, gridSel) {
  return page.evaluate((sel) => {
    const tabs = document.querySelector('.tabs').getBoundingClientRect();
    return [...document.querySelectorAll(`${sel} .colh`)].map((hd) => {
      const r = hd.getBoundingClientRect();
      const at = (y) => {
        const el = document.elementFromPoint(r.left + r.width / 2, y);
        return el && hd.contains(el) ? 'header' : el ? (el.closest('.tabs') ? 'tabs' : `${el.tagName.toLowerCase()}.${el.className}`) : 'nothing';
      };
      return {
        text: hd.textContent, top: r.top, bottom: r.bottom, tabsBottom: tabs.bottom,
        centre: at(r.top + r.height / 2), edge: at(r.top + 2),
      };
    });
  }, gridSel);
}

const CASES = [
  ['390', PHONE, 'ko', 'participant'],
  ['390', PHONE, 'en', 'organiser'],
  ['360', NARROW, 'ko', 'organiser'],
  ['360', NARROW, 'en', 'participant'],
];

for (const [label, device, lang, role] of CASES) {
  test(`at ${label} px (${lang}, ${role}) the day header stays in sight under the tabs deep in a long grid, in both tabs`, async () => {
    const { base } = env.server;
    const { appt, ctx, page } = await openPainter(env.browser, base, '하늘', {
      device, lang,
      appointment: { dates: undefined, weekdays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '08:00', end: '21:00', slot_minutes: 15 },
    });
    if (role === 'organiser') {
      await page.goto(`${base}/a/${appt.id}#admin=${appt.admin_token}`);
      await page.waitForSelector('#admin:not([hidden])');
      await page.waitForSelector('#paint-grid .cell[data-s]');
    }
    const other = await join(base, appt.id, '바다');
    await paint(base, appt.id, other, [{ level: 'available', slots: [[20, 40]] }]);
    const tabs = [['#tab-me', '#paint-grid'], ['#tab-group', '#heat-grid'], ['#tab-me', '#paint-grid']];
    for (const [i, [tab, grid]] of tabs.entries()) {
      await page.tap(tab);
      await page.waitForSelector(`${grid} .cell[data-s]`);
      // Deep in the grid: a row a third, then two thirds, of the way down at the middle of the screen.
      for (const depth of [1 / 3, 2 / 3]) {
        await page.evaluate(([sel, depth]) => {
          const g = document.querySelector(`${sel} .grid`).getBoundingClientRect();
          scrollBy(0, g.top + g.height * depth - innerHeight / 2);
        }, [grid, depth]);
        await new Promise((r) => setTimeout(r, 200));
        const heads = await headers(page, grid);
        assert.equal(heads.length, 7, 'a header per day');
        for (const hd of heads) {
          const where = `${grid} (${tab} ${i + 1}, depth ${depth.toFixed(2)}): "${hd.text}" at ${Math.round(hd.top)}–${Math.round(hd.bottom)}, tabs end ${Math.round(hd.tabsBottom)}`;
          assert.equal(hd.centre, 'header', `${where}: its centre shows the header`);
          assert.equal(hd.edge, 'header', `${where}: its top edge shows the header, not what covers it`);
          assert.ok(Math.abs(hd.top - hd.tabsBottom) <= 1, `${where}: right under the tabs`);
        }
      }
      if (i < 2) await screenshot(page, `sticky-head-${tab.slice(5)}-${label}-${lang}-${role}`, { fullPage: false });
    }
    assertQuiet(ctx);
    await ctx.close();
  });
}
