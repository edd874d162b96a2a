// Bench (not a test): how long switching "my times" / "everyone" takes on
// the largest everyday grid — 7 weekdays × 52 slots, 12 people — on a phone
// (390 px, touch) with the CPU slowed 4× (Chrome DevTools' "mid-tier
// mobile"), from the tap to the next frame painted. Prints the medians and
// writes target/bench/tabs.json.
//
//   node tests/bench/tabs.mjs        (RATE=1 for an unthrottled CPU, RUNS=n)
import { mkdir, writeFile } from 'node:fs/promises';
import {
  startServer, launch, newContext, PHONE, createAppointment, join, paint, signIn,
} from '../browser/harness.mjs';

const RATE = Number(process.env.RATE ?? 4);
const RUNS = Number(process.env.RUNS ?? 12);

const server = await startServer();
const browser = await launch();
try {
  const { base } = server;
  const appt = await createAppointment(base, {
    dates: undefined, weekdays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '09:00', end: '22:00', slot_minutes: 15,
  });
  let me = null;
  for (let i = 0; i < 12; i += 1) {
    const p = await join(base, appt.id, `P${i}`);
    me ??= p;
    const changes = [];
    for (let d = 0; d < 7; d += 1) changes.push({ level: i % 3 ? 'available' : 'if_needed', slots: [[d * 52 + i * 2, d * 52 + i * 2 + 20]] });
    await paint(base, appt.id, p, changes);
  }
  const ctx = await newContext(browser, { device: PHONE, lang: 'ko' });
  await signIn(ctx, base, appt.id, me);
  const page = await ctx.newPage();
  await page.goto(`${base}/a/${appt.id}`);
  await page.waitForSelector('#paint-grid .cell[data-s]');
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: RATE });
  // From the tap's click to the frame after it is painted (rAF, then a task).
  const once = (tab) => page.evaluate((sel) => new Promise((resolve) => {
    const t0 = performance.now();
    document.querySelector(sel).click();
    requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0), 0));
  }), tab);
  const times = { group: [], me: [] };
  for (let i = 0; i < RUNS; i += 1) {
    times.group.push(await once('#tab-group'));
    await new Promise((r) => setTimeout(r, 300));
    times.me.push(await once('#tab-me'));
    await new Promise((r) => setTimeout(r, 300));
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const max = (xs) => Math.max(...xs);
  const out = {
    cpu_slowdown: RATE, runs: RUNS, grid: '7 × 52, 12 people, 390 px phone',
    to_everyone_ms: { median: Math.round(median(times.group)), max: Math.round(max(times.group)) },
    to_mine_ms: { median: Math.round(median(times.me)), max: Math.round(max(times.me)) },
  };
  console.log(`tab switch at ${RATE}× CPU slowdown (${RUNS} runs each, 7 × 52 grid, 12 people, 390 px):`);
  console.log(`  to "everyone": median ${out.to_everyone_ms.median} ms, max ${out.to_everyone_ms.max} ms`);
  console.log(`  to "my times": median ${out.to_mine_ms.median} ms, max ${out.to_mine_ms.max} ms`);
  await mkdir('target/bench', { recursive: true });
  await writeFile('target/bench/tabs.json', `${JSON.stringify(out, null, 2)}\n`);
  await ctx.close();
} finally {
  await browser.close();
  await server.stop();
}
