// The best-times card names everyone it counts: "3 can come, 1 of them if
// needed" lists all three, the if-needed one marked so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, newContext, PHONE, createAppointment, join, paint, screenshot, assertQuiet } from './harness.mjs';

const env = useServerAndBrowser();

for (const lang of ['ko', 'en']) {
  test(`${lang}: the first best time names the three it counts, the if-needed one marked`, async () => {
    const { base } = env.server;
    const appt = await createAppointment(base);
    for (const [name, level] of [['민지', 'available'], ['서연', 'available'], ['지우', 'if_needed']]) {
      const p = await join(base, appt.id, name);
      await paint(base, appt.id, p, [{ level, slots: [[2, 6]] }]);
    }
    const ctx = await newContext(env.browser, { device: PHONE, lang });
    const page = await ctx.newPage();
    await page.goto(`${base}/a/${appt.id}`);
    await page.waitForSelector('#appt:not([hidden])');
    await page.tap('#tab-group');
    const first = page.locator('#best-list .best').first();
    await first.waitFor();
    const pill = await first.locator('.pill.ok').textContent();
    const counted = Number(pill.match(/\d+/)[0]);
    const who = await first.locator('.who-line').textContent();
    assert.equal(counted, 3);
    assert.equal(who, lang === 'ko' ? '민지, 서연, 지우(필요하면)' : '민지, 서연, 지우 (if needed)');
    assert.equal(who.split(', ').length, counted, 'as many names as counted');
    await screenshot(page, `best-names-390-${lang}`, { fullPage: false });
    assertQuiet(ctx);
    await ctx.close();
  });
}
