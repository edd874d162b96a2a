// Live updates: a change in one browser shows in another within seconds,
// without a reload — over the WebSocket, and by polling when the socket
// cannot open; and the live indicator says honestly which it is, or that
// the page is offline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useServerAndBrowser, newContext, PHONE, DESKTOP, createAppointment, join, paint, signIn, cellCenter,
  assertOwnOrigin, assertQuiet, eventually, screenshot, getView, withRanges, switchLanguage } from './harness.mjs';

const env = useServerAndBrowser();

test('a change in one browser shows in another within a few seconds, without reload', async () => {
  const { base } = env.server;
  const appt = await createAppointment(base);
  const ana = await join(base, appt.id, 'Ana');

  const paintCtx = await newContext(env.browser, { device: DESKTOP, lang: 'en' });
  await signIn(paintCtx, base, appt.id, ana);
  const painter = await paintCtx.newPage();
  await painter.goto(`${base}/a/${appt.id}`);
  await painter.waitForSelector('#paint-grid .cell[data-s]');

  const watchCtx = await newContext(env.browser, { device: PHONE, lang: 'ko' });
  const watcher = await watchCtx.newPage();
  let loads = 0;
  watcher.on('load', () => { loads++; });
  await watcher.goto(`${base}/a/${appt.id}`);
  await watcher.tap('#tab-group');
  await watcher.waitForSelector('#live[data-state="live"]');
  assert.match(await watcher.textContent('#live'), /실시간/);
  assert.equal(await watcher.textContent('#heat-grid .cell[data-s="0"] [aria-hidden]'), '');

  // Ana paints two cells with the mouse; the watcher's heatmap and best times follow.
  const a = await cellCenter(painter, '#paint-grid', 0);
  const b = await cellCenter(painter, '#paint-grid', 1);
  await painter.mouse.move(a.x, a.y);
  await painter.mouse.down();
  await painter.mouse.move(b.x, b.y, { steps: 3 });
  await painter.mouse.up();
  const t0 = Date.now();
  await eventually(async () => (await watcher.textContent('#heat-grid .cell[data-s="1"] [aria-hidden]')) === '1', 5000, 'count on the watcher');
  assert.ok(Date.now() - t0 < 5000);
  await eventually(async () => /09:00–10:00/.test(await watcher.textContent('#best-list')), 5000, 'best time on the watcher');
  // A newcomer appears in the list as well.
  await join(base, appt.id, 'Bo');
  await eventually(async () => (await watcher.locator('#people .chip').count()) === 2, 5000, 'new participant');
  assert.equal(loads, 1, 'the page never reloaded');
  assertOwnOrigin(base, paintCtx, watchCtx);
  assertQuiet(paintCtx, watchCtx);
  await paintCtx.close();
  await watchCtx.close();
});

test('when the socket cannot open, the page polls and still updates', async () => {
  const { base } = env.server;
  const appt = await createAppointment(base);
  const ctx = await newContext(env.browser, { device: PHONE, lang: 'en' });
  const page = await ctx.newPage();
  await page.routeWebSocket(/\/live$/, (ws) => ws.close({ code: 1011, reason: 'blocked by a proxy' }));
  await page.goto(`${base}/a/${appt.id}`);
  await page.waitForSelector('#live[data-state="polling"]', { timeout: 8000 });
  assert.match(await page.textContent('#live'), /Auto-refresh/);
  await page.tap('#tab-group');
  const bo = await join(base, appt.id, 'Bo');
  await paint(base, appt.id, bo, [{ level: 'if_needed', slots: [[3, 4]] }]);
  await eventually(async () => (await page.textContent('#heat-grid .cell[data-s="3"] [aria-hidden]')) === '0+1', 10000, 'polled update');
  assertQuiet(ctx);
  await ctx.close();
});

test('the live indicator tells the truth: offline with the changes waiting, then live again', async () => {
  const { base } = env.server;
  const appt = await createAppointment(base);
  const me = await join(base, appt.id, 'Dae');
  const ctx = await newContext(env.browser, { device: PHONE, lang: 'ko' });
  await signIn(ctx, base, appt.id, me);
  const page = await ctx.newPage();
  await page.goto(`${base}/a/${appt.id}`);
  await page.waitForSelector('#live[data-state="live"]');
  await ctx.setOffline(true);
  await page.tap('#paint-grid .cell[data-s="3"]');
  await page.tap('#paint-grid .cell[data-s="8"]');
  // Well within the 6 s it used to keep saying "live".
  await page.waitForSelector('#live[data-state="offline"]', { timeout: 3000 });
  await eventually(async () => /오프라인 · 저장 대기 2/.test(await page.textContent('#live')), 3000, 'two changes waiting');
  assert.equal(await page.getAttribute('#paint-grid', 'class'), 'grid-host is-pending');
  assert.equal(await page.locator('#paint-grid .cell.unsaved').count(), 2, 'the unsaved cells are marked');
  await screenshot(page, 'live-phone-ko-offline', { fullPage: false });
  await ctx.setOffline(false);
  await page.waitForSelector('#save-status[data-state="saved"]', { timeout: 15000 });
  await page.waitForSelector('#live[data-state="live"]', { timeout: 15000 });
  assert.equal(await page.locator('#paint-grid .cell.unsaved').count(), 0);
  assertQuiet(ctx);
  await ctx.close();
});

test('switching the language translates the live indicator and its tooltip at once', async () => {
  const { base } = env.server;
  const appt = await createAppointment(base);
  const ctx = await newContext(env.browser, { device: PHONE, lang: 'ko' });
  const page = await ctx.newPage();
  await page.goto(`${base}/a/${appt.id}`);
  await page.waitForSelector('#live[data-state="live"]');
  assert.match(await page.textContent('#live'), /실시간/);
  await switchLanguage(page, 'tap');
  assert.equal((await page.textContent('#live')).trim(), 'Live');
  assert.equal(await page.getAttribute('#live', 'title'), 'Changes by others show up right away.');
  await ctx.close();
});

test('a painter sends changes over the live socket while it is open, and over HTTP when it cannot open', async () => {
  const { base } = env.server;
  const appt = await createAppointment(base);
  const me = await join(base, appt.id, 'Sol');
  for (const blocked of [false, true]) {
    const ctx = await newContext(env.browser, { device: PHONE, lang: 'en' });
    await signIn(ctx, base, appt.id, me);
    const page = await ctx.newPage();
    const patches = [];
    const frames = [];
    page.on('request', (r) => { if (r.method() === 'PATCH') patches.push(r.postDataJSON()); });
    page.on('websocket', (ws) => ws.on('framesent', ({ payload }) => { if (payload !== 'ping') frames.push(JSON.parse(payload)); }));
    if (blocked) await page.routeWebSocket(/\/live$/, (ws) => ws.close({ code: 1011, reason: 'blocked by a proxy' }));
    await page.goto(`${base}/a/${appt.id}`);
    await page.waitForSelector(`#live[data-state="${blocked ? 'polling' : 'live'}"]`, { timeout: 8000 });
    const cell = blocked ? 5 : 2;
    await page.tap(`#paint-grid .cell[data-s="${cell}"]`);
    await page.waitForSelector('#save-status[data-state="saved"]', { timeout: 10000 });
    // Every change names the grid it was painted on.
    const { layout } = await getView(base, appt.id);
    const sent = { changes: [{ level: 'available', slots: [[cell, cell + 1]] }], layout };
    if (blocked) {
      assert.deepEqual(patches, [sent], 'the change went over HTTP');
    } else {
      assert.deepEqual(patches, [], 'no HTTP request for the change');
      assert.deepEqual(frames.map((f) => f.type), ['auth', 'update']);
      assert.equal(frames[0].token, me.token);
      assert.deepEqual(frames[1].changes, sent.changes);
      assert.equal(frames[1].layout, layout);
    }
    assertQuiet(ctx);
    await ctx.close();
  }
  const view = await getView(base, appt.id);
  assert.deepEqual(withRanges(view.participants[0]).available, [[2, 3], [5, 6]], 'both changes were saved');
});
