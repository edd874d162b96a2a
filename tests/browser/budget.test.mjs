// The weight of a first visit to /a/{id} on a phone (empty cache): every
// response the page needs, gzipped, must stay under 60 KB. A second visit
// asks the network only for the page and the appointment: the scripts and
// styles are cached for good.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { useServerAndBrowser, newContext, PHONE, createAppointment, join, paint, assertOwnOrigin } from './harness.mjs';

const env = useServerAndBrowser();

const BUDGET = 60 * 1024;

test('the first load of /a/{id} is under 60 KB gzipped', async () => {
  const { base } = env.server;
  const appt = await createAppointment(base);
  for (const name of ['민지', 'Alex', '하윤']) {
    const p = await join(base, appt.id, name);
    await paint(base, appt.id, p, [{ level: 'available', slots: [[2, 10], [20, 30]] }]);
  }
  const ctx = await newContext(env.browser, { device: PHONE, lang: 'ko' });
  const page = await ctx.newPage();
  const bodies = [];
  page.on('response', async (r) => {
    if (r.status() === 204 || r.status() === 304 || r.request().method() !== 'GET') return;
    try { bodies.push({ url: r.url(), body: await r.body() }); } catch { /* redirect or aborted */ }
  });
  await page.goto(`${base}/a/${appt.id}`);
  await page.waitForSelector('#appt:not([hidden])');
  await page.waitForLoadState('networkidle');
  const rows = bodies.map(({ url, body }) => ({
    path: new URL(url).pathname, raw: body.length, gz: gzipSync(body, { level: 9 }).length,
  }));
  const total = rows.reduce((n, r) => n + r.gz, 0);
  const raw = rows.reduce((n, r) => n + r.raw, 0);
  const lines = rows.map((r) => `${String(r.gz).padStart(7)} ${String(r.raw).padStart(7)}  ${r.path}`);
  console.log(`first load of /a/{id}: ${rows.length} responses, ${raw} bytes raw, ${total} bytes gzipped\n     gz     raw\n${lines.join('\n')}`);
  assert.ok(rows.some((r) => r.path.endsWith('/js/app.js')), 'the app script was counted');
  assert.ok(total < BUDGET, `${total} bytes gzipped is over the ${BUDGET} byte budget`);

  // The second visit, in the same browser: what went over the wire, by
  // Resource Timing (transferSize 0: taken from the cache, not even checked).
  const wire = () => page.evaluate(() => [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
    .map((e) => ({ path: new URL(e.name).pathname, bytes: e.transferSize })));
  const first = await wire();
  await page.goto(`${base}/a/${appt.id}`);
  await page.waitForSelector('#appt:not([hidden])');
  await page.waitForLoadState('networkidle');
  const again = (await wire()).filter((r) => r.bytes > 0);
  const sum = (rows) => rows.reduce((n, r) => n + r.bytes, 0);
  console.log(`over the wire (headers included, as served): first visit ${first.length} requests, ${sum(first)} bytes; `
    + `second visit ${again.length} requests, ${sum(again)} bytes\n${again.map((r) => `${String(r.bytes).padStart(7)}  ${r.path}`).join('\n')}`);
  assert.deepEqual(again.filter((r) => !r.path.startsWith('/a/') && !r.path.startsWith('/api/')).map((r) => r.path), [],
    'no script, style or icon is fetched or even checked again');
  assertOwnOrigin(base, ctx);
  await ctx.close();
});
