// Every step of the heatmap can be told from its neighbours, in dark mode
// as in light: the contrast between neighbouring shades (empty, then one
// step per share of people) is measured on the cells and swatches drawn.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useServerAndBrowser, newContext, PHONE, createAppointment, join, paint, screenshot, assertQuiet,
} from './harness.mjs';

const env = useServerAndBrowser();
const MIN_STEP = 1.4;

/** WCAG contrast ratio of two 'rgb(r, g, b)' colours. */
function contrast(a, b) {
  const lum = (c) => {
    const [r, g, bl] = c.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number).map((v) => {
      const s = v / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

for (const [scheme, lang] of [['dark', 'ko'], ['light', 'en']]) {
  test(`${scheme}: neighbouring heatmap steps differ by at least ${MIN_STEP}:1`, async () => {
    const { base } = env.server;
    const appt = await createAppointment(base);
    // Five people: slot k is painted by k of them, so every step shows.
    for (let i = 0; i < 5; i += 1) {
      const p = await join(base, appt.id, `P${i}`);
      await paint(base, appt.id, p, [{ level: 'available', slots: [[i + 1, 6]] }]);
    }
    const ctx = await newContext(env.browser, { device: PHONE, lang, colorScheme: scheme });
    const page = await ctx.newPage();
    await page.goto(`${base}/a/${appt.id}`);
    await page.waitForSelector('#appt:not([hidden])');
    await page.tap('#tab-group');
    await page.waitForSelector('#heat-grid .cell[data-s]');
    const cells = await page.evaluate(() => [0, 1, 2, 3, 4, 5].map((s) => {
      const el = document.querySelector(`#heat-grid .cell[data-s="${s}"]`);
      return { cls: el.className, bg: getComputedStyle(el).backgroundColor };
    }));
    // Slot 0 is empty, slot k has k of 5 people: h0 … h5 in order.
    cells.forEach((c, k) => assert.match(c.cls, new RegExp(`\\bh${k}\\b`), `slot ${k} is step ${k}`));
    const steps = cells.map((c) => c.bg);
    const ratios = steps.slice(1).map((c, i) => Number(contrast(steps[i], c).toFixed(2)));
    console.log(`${scheme} steps ${steps.join(' ')}; neighbouring contrast ${ratios.join(', ')}`);
    for (const [i, r] of ratios.entries()) assert.ok(r >= MIN_STEP, `step ${i} → ${i + 1}: ${r}:1 is too close`);
    // The legend draws the same steps.
    const legend = await page.$$eval('#legend .sw[class*=" h"]:not(.ifn)', (els) => els.map((e) => getComputedStyle(e).backgroundColor));
    assert.deepEqual(legend, steps);
    await page.evaluate(() => document.querySelector('#heat-grid').scrollIntoView());
    await screenshot(page, `heat-steps-${scheme}-390-${lang}`, { fullPage: false });
    assertQuiet(ctx);
    await ctx.close();
  });
}
