// The live page as a crowd uses it: several phones watch while people
// paint, and each keeps its numbers right from the pushes alone (a view
// fetch only when it must); a phone on a dead network does not storm the
// server; and a change made offline never lands on another time after the
// organiser changed the schedule. Figures (fetches, attempts, push bytes,
// the CPU to apply a push on a 4× slowed phone) are printed as diagnostics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useServerAndBrowser, newContext, PHONE, createAppointment, join, paint, signIn, eventually, getView, seoulDate,
  screenshot,
} from './harness.mjs';

const env = useServerAndBrowser();

/** Counts the page's reads of the view (GET /api/appointments/{id}, any query). */
function countViewFetches(page, id) {
  const counter = { n: 0 };
  const path = `/api/appointments/${id}`;
  page.on('request', (r) => {
    if (r.method() === 'GET' && new URL(r.url()).pathname === path) counter.n++;
  });
  return counter;
}

/** What the page's heatmap shows in every cell: "a", "a+f" or "". */
const shownCounts = (page) => page.$$eval('#heat-grid .cell[data-s]', (cells) =>
  cells.sort((x, y) => x.dataset.s - y.dataset.s).map((c) => c.querySelector('[aria-hidden]')?.textContent ?? ''));

/** The same, from the API's counts. */
const expectedCounts = (v) => v.counts.available.map((a, i) => {
  const f = v.counts.if_needed[i];
  return a || f ? (f ? `${a}+${f}` : String(a)) : '';
});

test('phones keep every number current from the pushes, fetching the view only when they must', async (t) => {
  const { base } = env.server;
  // A typical grid: 7 days × 20 half-hour slots.
  const appt = await createAppointment(base, {
    dates: [1, 2, 3, 4, 5, 6, 7].map(seoulDate), start: '09:00', end: '19:00',
  });
  const phones = [];
  for (let i = 0; i < 4; i++) {
    const ctx = await newContext(env.browser, { device: PHONE, lang: 'en' });
    const page = await ctx.newPage();
    const fetches = countViewFetches(page, appt.id);
    const pushes = [];
    page.on('websocket', (ws) => ws.on('framereceived', ({ payload }) => {
      if (typeof payload === 'string' && payload.startsWith('{"type":"update"')) pushes.push(payload.length);
    }));
    await page.goto(`${base}/a/${appt.id}`);
    await page.tap('#tab-group');
    await page.waitForSelector('#live[data-state="live"]');
    phones.push({ ctx, page, fetches, pushes });
  }
  // One phone is a slow one: 4× CPU throttling, and it times each push it applies.
  const slow = phones[0];
  const cdp = await slow.ctx.newCDPSession(slow.page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await slow.page.evaluate(() => {
    window.applied = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.name === 'live:apply') window.applied.push(e.duration);
    }).observe({ entryTypes: ['measure'] });
  });

  const people = [];
  for (let i = 0; i < 8; i++) people.push(await join(base, appt.id, `사람${i}`));
  const slots = 140;
  let changes = 0;
  for (let round = 0; round < 5; round++) {
    for (const [k, who] of people.entries()) {
      const a = (round * 17 + k * 11) % (slots - 10);
      await paint(base, appt.id, who, [{ level: k % 3 ? 'available' : 'if_needed', slots: [[a, a + 1 + (k % 9)]] }]);
      changes++;
    }
  }
  const v = await getView(base, appt.id);
  for (const [i, { page }] of phones.entries()) {
    await eventually(async () => JSON.stringify(await shownCounts(page)) === JSON.stringify(expectedCounts(v)),
      8000, `phone ${i}: every cell's count is the API's`);
    assert.equal(await page.locator('#people .chip').count(), people.length, `phone ${i}: everyone listed`);
    const best = await page.textContent('#best-list');
    assert.ok(best.trim().length > 0, `phone ${i}: best times shown`);
  }
  // The same best times as the API, on a page that fetched the view now.
  const fresh = await phones[1].ctx.newPage();
  await fresh.goto(`${base}/a/${appt.id}`);
  await fresh.tap('#tab-group');
  await eventually(async () => (await fresh.textContent('#best-list')) === (await phones[1].page.textContent('#best-list')),
    5000, 'a page built from pushes shows the best times of a fresh view');

  const counts = phones.map((p) => p.fetches.n);
  const pushes = phones.map((p) => p.pushes.length);
  t.diagnostic(`${changes} changes and ${people.length} joins; view fetches per phone: ${counts.join(', ')}; pushes per phone: ${pushes.join(', ')}`);
  for (const [i, n] of counts.entries()) {
    assert.ok(n <= 2, `phone ${i} fetched the view ${n} times (the first load, at most one more)`);
  }
  const bytes = phones[1].pushes;
  t.diagnostic(`push bytes on a 7×20 grid with ${people.length} people: mean ${Math.round(bytes.reduce((a, b) => a + b, 0) / bytes.length)}, max ${Math.max(...bytes)}`);
  const applied = await slow.page.evaluate(() => window.applied);
  assert.ok(applied.length > 0, 'the slow phone applied pushes');
  applied.sort((a, b) => a - b);
  t.diagnostic(`applying a push at 4× CPU throttling: median ${applied[applied.length >> 1].toFixed(1)} ms, max ${applied[applied.length - 1].toFixed(1)} ms over ${applied.length}`);
  for (const p of phones) await p.ctx.close();
});

test('on the largest grid a push stays small enough and cheap to apply', async (t) => {
  const { base } = env.server;
  // 31 dates × 24 h in 10-minute slots: 4,464 slots.
  const dates = Array.from({ length: 31 }, (_, i) => seoulDate(i + 1));
  const appt = await createAppointment(base, { dates, start: '00:00', end: '24:00', slot_minutes: 10 });
  const ctx = await newContext(env.browser, { device: PHONE, lang: 'en' });
  const page = await ctx.newPage();
  const bytes = [];
  page.on('websocket', (ws) => ws.on('framereceived', ({ payload }) => {
    if (typeof payload === 'string' && payload.startsWith('{"type":"update"')) bytes.push(payload.length);
  }));
  await page.goto(`${base}/a/${appt.id}`);
  await page.waitForSelector('#live[data-state="live"]');
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await page.evaluate(() => {
    window.applied = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.name === 'live:apply') window.applied.push(e.duration);
    }).observe({ entryTypes: ['measure'] });
  });
  const people = [];
  for (let i = 0; i < 4; i++) people.push(await join(base, appt.id, `P${i}`));
  for (const [k, who] of people.entries()) {
    // Every other slot: the most counts that differ from their neighbours.
    const ranges = Array.from({ length: 1000 }, (_, j) => [k + 4 * j, k + 4 * j + 1]);
    await paint(base, appt.id, who, [{ level: 'available', slots: ranges }]);
  }
  const v = await getView(base, appt.id);
  await eventually(async () => (await page.evaluate(() => window.applied.length)) >= 1 && bytes.length >= 4, 8000, 'pushes arrived');
  await eventually(async () => Number(await page.evaluate(() => document.querySelector('#people-title')?.textContent.match(/\d+/)?.[0])) === 4,
    8000, 'all four listed');
  const applied = await page.evaluate(() => window.applied);
  t.diagnostic(`4,464 slots, ${v.participants.length} people: push bytes max ${Math.max(...bytes)}, view ${JSON.stringify(v).length} bytes`);
  t.diagnostic(`applying a push at 4× CPU throttling: max ${Math.max(...applied).toFixed(1)} ms over ${applied.length}`);
  assert.ok(Math.max(...bytes) < 64 * 1024, 'a push of the largest grid stays under 64 KB');
  await ctx.close();
});

test('a phone on a dead network waits instead of storming, and saves once it is back', async (t) => {
  const { base } = env.server;
  const appt = await createAppointment(base);
  const me = await join(base, appt.id, 'Offline');
  const ctx = await newContext(env.browser, { device: PHONE, lang: 'en' });
  await signIn(ctx, base, appt.id, me);
  const page = await ctx.newPage();
  // The page's clock runs as usual until the waits below move it on: the
  // page lives through 10 s and 30 s of its own time in a few real ones.
  await page.clock.install();
  await page.goto(`${base}/a/${appt.id}`);
  await page.waitForSelector('#live[data-state="live"]');
  // Page time moves on by `ms`, a second at a time, with a moment between
  // for the requests that the fired timers started to settle.
  const live = async (ms) => {
    for (let t = 0; t < ms; t += 1000) {
      await page.clock.runFor(1000);
      await page.waitForTimeout(30);
    }
  };

  // The browser knows it is offline: nothing is sent but one probe at a
  // time, ever more slowly.
  let attempts = 0;
  let patches = 0;
  let probes = 0;
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path === '/api/health') probes++;
    else if (path.startsWith('/api/')) attempts++;
    if (r.method() === 'PATCH') patches++;
  });
  page.on('websocket', () => { attempts++; });
  await ctx.setOffline(true);
  await page.tap('#paint-grid .cell[data-s="3"]');
  await live(10000);
  t.diagnostic(`offline 10 s with a waiting change: ${attempts} attempts, ${probes} probes`);
  assert.equal(attempts, 0, 'nothing but probes is sent while the browser is offline');
  assert.ok(probes >= 1 && probes <= 5, `one probe at a time with backoff: ${probes} in 10 s`);
  attempts += probes;

  // The browser thinks it is online, but nothing gets through (a captive
  // Wi-Fi): every attempt fails, and they come ever more slowly.
  await page.route('**/api/**', (route) => route.abort('internetdisconnected'));
  await page.routeWebSocket(/\/live$/, (ws) => ws.close({ code: 1006 }));
  await ctx.setOffline(false);
  const started = await page.evaluate(() => Date.now());
  await live(30000);
  const lived = (await page.evaluate(() => Date.now())) - started;
  t.diagnostic(`30 s on a dead network: the change tried ${patches} times; ${attempts} requests and socket attempts in all, in ${lived} ms of the page's time`);
  assert.ok(lived >= 30000, `the page lived through 30 s: ${lived} ms`);
  assert.ok(patches >= 1 && patches <= 10, `the change is tried at most 10 times in 30 s, not ${patches}`);
  assert.ok(attempts <= 20, `at most a handful of attempts per retry path (change, view, socket) in 30 s, not ${attempts}`);
  assert.equal((await getView(base, appt.id)).version, 2, 'nothing landed');

  // Back: the change is saved.
  await page.unroute('**/api/**');
  await page.unrouteAll?.();
  await page.tap('#save-status button');
  await eventually(async () => (await getView(base, appt.id)).version === 3, 10000, 'saved once the network is back');
  await ctx.close();
});

test('a phone that says it is offline while its network works saves once a probe gets through', async (t) => {
  const { base } = env.server;
  const appt = await createAppointment(base);
  const me = await join(base, appt.id, 'Probe');
  const ctx = await newContext(env.browser, { device: PHONE, lang: 'ko' });
  await signIn(ctx, base, appt.id, me);
  const page = await ctx.newPage();
  // Some devices report no network while they have one.
  await page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'onLine', { configurable: true, get: () => window.saysOnline ?? true });
  });
  await page.goto(`${base}/a/${appt.id}`);
  await page.waitForSelector('#live[data-state="live"]');
  let patches = 0;
  page.on('request', (r) => { if (r.method() === 'PATCH') patches++; });
  await page.evaluate(() => { window.saysOnline = false; dispatchEvent(new Event('offline')); });
  await page.tap('#paint-grid .cell[data-s="5"]');
  await eventually(async () => (await getView(base, appt.id)).version === 3, 15000, 'saved after a probe got through');
  t.diagnostic(`saved with ${patches} PATCH while the browser still says offline`);
  assert.equal(patches, 1, 'the change went out once, after the probe');
  assert.equal(await page.evaluate(() => navigator.onLine), false, 'the browser never said it was back');
  await ctx.close();
});

test('a change waiting offline while the organiser moves the times is not saved elsewhere, and the person is told', async (t) => {
  const { base } = env.server;
  const appt = await createAppointment(base);
  const me = await join(base, appt.id, 'Wed');
  const ctx = await newContext(env.browser, { device: PHONE, lang: 'en' });
  await signIn(ctx, base, appt.id, me);
  const page = await ctx.newPage();
  await page.goto(`${base}/a/${appt.id}`);
  await page.waitForSelector('#live[data-state="live"]');
  const answers = [];
  page.on('response', (r) => { if (r.request().method() === 'PATCH') answers.push(r.status()); });
  page.on('websocket', (ws) => ws.on('framereceived', ({ payload }) => {
    if (typeof payload === 'string' && payload.includes('"schedule_changed"')) answers.push('socket 409');
  }));
  await ctx.setOffline(true);
  // Day one, 14:00 (09:00 + 10 half hours).
  await page.tap('#paint-grid .cell[data-s="10"]');
  await page.waitForSelector('#save-status[data-state="pending"]');
  const moved = await fetch(`${base}/api/appointments/${appt.id}`, {
    method: 'PATCH', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${appt.admin_token}` },
    body: JSON.stringify({ start: '08:00' }),
  });
  assert.equal(moved.status, 200);
  await ctx.setOffline(false);
  await page.waitForSelector('#save-status[data-state="rejected"]', { timeout: 15000 });
  assert.match(await page.textContent('#save-status'), /organiser changed the (dates and )?times/);
  await screenshot(page, 'schedule-changed-notice', { fullPage: false });
  t.diagnostic(`answers to the waiting change: ${answers.join(', ') || 'none (the new view came first and the page dropped it)'}`);
  const v = await getView(base, appt.id);
  const mine = v.participants.find((p) => p.id === me.participant.id);
  assert.equal(mine.slots, 0, 'nothing was stored, on no time');
  assert.equal(await page.locator('#paint-grid .cell.unsaved').count(), 0, 'no cell claims to wait any more');
  await ctx.close();
});

test('with a minimum length chosen, the best times follow the changes with a fetch every few seconds, not one per push', async (t) => {
  const { base } = env.server;
  const appt = await createAppointment(base);
  const ctx = await newContext(env.browser, { device: PHONE, lang: 'en' });
  const page = await ctx.newPage();
  const reads = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (r.method() === 'GET' && url.pathname === `/api/appointments/${appt.id}`) reads.push(url.search);
  });
  await page.goto(`${base}/a/${appt.id}`);
  await page.tap('#tab-group');
  await page.waitForSelector('#live[data-state="live"]');
  await page.selectOption('#min-slots', '2');
  await eventually(async () => reads.includes('?min_slots=2'), 5000, 'the chosen length is fetched');
  const before = reads.length;
  const people = [];
  for (let i = 0; i < 3; i++) people.push(await join(base, appt.id, `L${i}`));
  for (let round = 0; round < 6; round++) {
    for (const [k, who] of people.entries()) {
      await paint(base, appt.id, who, [{ level: 'available', slots: [[round * 2 + k, round * 2 + k + 3]] }]);
    }
  }
  const last = (await getView(base, appt.id)).version;
  // Within one period after the last change, the page holds the final
  // version, read with its minimum length.
  await eventually(async () => (await page.evaluate(() => document.querySelector('#best-list')?.textContent ?? '')).length > 0
    && reads.length > before, 8000, 'the best times were read again');
  await page.waitForTimeout(6000);
  const after = reads.slice(before);
  t.diagnostic(`21 changes with a minimum length chosen: ${after.length} view reads (${after.join(' ')})`);
  assert.ok(after.every((q) => q === '?min_slots=2'), 'every read asks for the chosen length');
  assert.ok(after.length >= 1 && after.length <= 4, `a few reads, not one per push: ${after.length}`);
  const shown = await page.evaluate(() => document.querySelector('#heat-grid .cell[data-s="5"] [aria-hidden]')?.textContent);
  const v = await getView(base, appt.id);
  assert.equal(v.version, last);
  assert.equal(shown, String(v.counts.available[5] || ''), 'the counts are current');
  await ctx.close();
});
