// Shared set-up for the browser tests: a real `wrangler dev` (under `make
// browser` one for every file, see run.mjs), Debian's Chromium driven by
// playwright-core, and helpers for the things every test checks — that
// no request leaves the app's origin, and that no dialog ever fires.
//
// EB_BASE_URL=http://host:port runs the tests against a server that is
// already running instead of starting one.
import { before, after } from 'node:test';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, mkdir, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const SCREENSHOTS = path.join(ROOT, 'target/screenshots');
export const AXE = path.join(ROOT, 'node_modules/axe-core/axe.min.js');
const BIN = path.join(ROOT, 'node_modules/.bin');
const ENV = {
  ...process.env,
  PATH: `${BIN}:${process.env.PATH}`,
  SKIP_WORKER_BUILD: '1',
  WRANGLER_SEND_METRICS: 'false',
  NO_COLOR: '1',
  CI: '1',
};

// Every file's requests carry client addresses of their own, so that on a
// shared server the per-address limits (creations per minute, joins per
// appointment) never couple two files: one for the API shortcuts below,
// and one per browser context.
let contexts = 0;
const clientAddress = (n) => {
  const { pid } = process;
  return `${10 + ((pid >> 16) & 63)}.${(pid >> 8) & 255}.${pid & 255}.${n % 256}`;
};
/** The client address of this file's API shortcuts. */
export const CLIENT = clientAddress(0);

/**
 * Starts a server with `scripts/test-server.mjs` (the one starter of every
 * test server) on a fresh database; resolves {base, stop, log}. Under
 * `make browser` every file shares one server (EB_BASE_URL), started by
 * tests/browser/run.mjs with this same function.
 */
export async function startServer() {
  if (process.env.EB_BASE_URL) return { base: process.env.EB_BASE_URL.replace(/\/$/, ''), stop: async () => {}, log: () => '' };
  try {
    await access(path.join(ROOT, 'build/worker/shim.mjs'));
  } catch {
    throw new Error('build/worker/shim.mjs is missing: run `sh scripts/build-worker.sh` (make browser does) first');
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'eb-browser-'));
  const logFile = path.join(dir, 'wrangler.log');
  // The leader of a process group of its own (detached), with a pipe on
  // stdin that closes when this process ends, whichever way it does.
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts/test-server.mjs'), '--log', logFile],
    { cwd: ROOT, env: ENV, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  let exited = false;
  const gone = new Promise((resolve) => child.on('exit', () => { exited = true; resolve(); }));
  const base = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /^READY (\S+)$/m.exec(out);
      if (m) resolve(m[1]);
    });
    gone.then(() => reject(new Error(`the test server did not start:\n${err}`)));
  });
  child.stdout.resume();
  child.unref();
  for (const pipe of [child.stdin, child.stdout, child.stderr]) pipe.unref?.();
  const log = () => { try { return readFileSync(logFile, 'utf8'); } catch { return ''; } };
  const stop = async () => {
    if (!exited) {
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
      await Promise.race([gone, new Promise((r) => setTimeout(r, 15000))]);
      if (!exited) try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
    }
    await rm(dir, { recursive: true, force: true });
  };
  return { base, stop, log };
}

/** How Chromium runs for the tests. */
export const CHROMIUM = {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
};

/**
 * Chromium: the one run.mjs started for every file (EB_BROWSER_WS), else a
 * new one. Closing a shared one only disconnects (and closes this file's
 * contexts).
 */
export function launch() {
  if (process.env.EB_BROWSER_WS) return chromium.connect(process.env.EB_BROWSER_WS);
  return chromium.launch(CHROMIUM);
}

/** The bytes of a finished download (local or remote browser alike). */
export async function downloaded(download) {
  const chunks = [];
  for await (const chunk of await download.createReadStream()) chunks.push(chunk);
  return Buffer.concat(chunks);
}

export const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 };
export const DESKTOP = { viewport: { width: 1280, height: 900 } };
const LOCALES = { ko: 'ko-KR', en: 'en-US' };

/**
 * A browser context that records every request (and WebSocket) its pages
 * make, every dialog and CSP violation they raise, and every other error
 * they write to the console.
 */
export async function newContext(browser, { device = PHONE, lang = 'ko', zone = 'Asia/Seoul', ...rest } = {}) {
  contexts += 1;
  const client = clientAddress(contexts);
  const ctx = await browser.newContext({
    ...device, locale: LOCALES[lang], timezoneId: zone, extraHTTPHeaders: { 'CF-Connecting-IP': client }, ...rest,
  });
  // The address its pages send from, for a test that acts as the same client.
  ctx.client = client;
  ctx.requests = [];
  ctx.dialogs = [];
  ctx.errors = [];
  ctx.consoleErrors = [];
  ctx.on('request', (r) => ctx.requests.push(r.url()));
  const newPage = ctx.newPage.bind(ctx);
  ctx.newPage = async () => awaitWords(await newPage());
  ctx.on('page', (page) => {
    awaitWords(page);
    page.on('websocket', (ws) => ctx.requests.push(ws.url()));
    page.on('dialog', (d) => { ctx.dialogs.push(d.message()); d.dismiss().catch(() => {}); });
    page.on('pageerror', (e) => ctx.errors.push(String(e)));
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) ctx.errors.push(m.text());
      else if (m.type() === 'error') ctx.consoleErrors.push(`${m.text()} (${m.location().url})`);
    });
  });
  return ctx;
}

/**
 * Makes the page's goto and reload also wait until the app's words are in
 * (`<html data-words>`): a page fetches the words of its language before it
 * renders, which the load event does not wait for. Pages that are not the
 * app's (no module script) are not waited on.
 */
function awaitWords(page) {
  if (page.awaitsWords) return page;
  page.awaitsWords = true;
  for (const nav of ['goto', 'reload']) {
    const original = page[nav].bind(page);
    page[nav] = async (...args) => {
      const response = await original(...args);
      await page.waitForFunction(
        () => !document.querySelector('script[type=module]') || Boolean(document.documentElement.dataset.words),
        null, { timeout: 10000 },
      ).catch(() => {}); // a page that never gets there fails on what its test checks next
      return response;
    };
  }
  return page;
}

/** Every request any of the contexts made went to `base`'s origin. */
export function assertOwnOrigin(base, ...contexts) {
  const own = new URL(base);
  const ok = (u) => {
    const x = new URL(u);
    if (x.protocol === 'data:' || x.protocol === 'blob:') return true;
    return x.hostname === own.hostname && x.port === own.port && ['http:', 'ws:'].includes(x.protocol);
  };
  const all = contexts.flatMap((c) => c.requests);
  assert.ok(all.length > 0, 'requests were recorded');
  assert.deepEqual(all.filter((u) => !ok(u)), [], 'every request goes to the app’s own origin');
}

/** No dialog fired and no page error or CSP violation in any context. */
export function assertQuiet(...contexts) {
  for (const c of contexts) {
    assert.deepEqual(c.dialogs, [], 'no dialog fired');
    assert.deepEqual(c.errors, [], 'no page errors or CSP violations');
  }
}

/**
 * Nothing was written to the console as an error in any context. Not part
 * of assertQuiet: a test that provokes a refusal (a 401, a 404) sees the
 * browser log the failed request.
 */
export function assertNoConsoleErrors(...contexts) {
  for (const c of contexts) assert.deepEqual(c.consoleErrors, [], 'no errors on the console');
}

/** Saves target/screenshots/{name}.png: the whole page, or with
 *  {fullPage: false} what the screen shows (a full-page capture draws
 *  sticky and fixed parts where they happen to be, and on a phone loses
 *  the touch emulation while it captures). */
export async function screenshot(page, name, { fullPage = true } = {}) {
  await mkdir(SCREENSHOTS, { recursive: true });
  // On a whole-page capture, sticky parts are shown where they sit in the
  // page (set through the CSSOM: the CSP refuses an injected stylesheet).
  const sticky = '.tabs, .colh, .corner, .detail.open';
  if (fullPage) await page.$$eval(sticky, (els) => els.forEach((e) => { e.style.position = 'static'; }));
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage });
  if (fullPage) await page.$$eval(sticky, (els) => els.forEach((e) => { e.style.position = ''; }));
}

// --- API shortcuts (for setting the scene quickly) ---------------------------

async function json(res) {
  const text = await res.text();
  assert.ok(res.ok, `${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** A date `n` days from today in Seoul, 'YYYY-MM-DD'. */
export function seoulDate(n = 1) {
  const d = new Date(Date.now() + 9 * 3600e3 + n * 86400e3);
  return d.toISOString().slice(0, 10);
}

export async function createAppointment(base, body = {}) {
  return json(await fetch(`${base}/api/appointments`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': CLIENT },
    body: JSON.stringify({
      title: '동아리 회의', timezone: 'Asia/Seoul', dates: [seoulDate(1), seoulDate(2), seoulDate(3)],
      start: '09:00', end: '18:00', slot_minutes: 30, ...body,
    }),
  }));
}

export async function join(base, id, name, password) {
  return json(await fetch(`${base}/api/appointments/${id}/participants`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': CLIENT }, body: JSON.stringify({ name, password }),
  }));
}

export async function paint(base, id, who, changes) {
  return json(await fetch(`${base}/api/appointments/${id}/participants/${who.participant.id}/availability`, {
    method: 'PATCH', headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': CLIENT, Authorization: `Bearer ${who.token}` },
    body: JSON.stringify({ changes }),
  }));
}

/**
 * A participant object with its packed `levels` shown as the ranges
 * `available` and `if_needed`, for assertions.
 */
export function withRanges(p) {
  const bytes = Buffer.from(p.levels ?? '', 'base64url');
  const ranges = (level) => {
    const out = [];
    for (let i = 0; i < bytes.length * 4; i += 1) {
      const v = (bytes[i >> 2] >> ((i & 3) * 2)) & 3;
      if (v !== level) continue;
      const last = out[out.length - 1];
      if (last && last[1] === i) last[1] = i + 1; else out.push([i, i + 1]);
    }
    return out;
  };
  return { ...p, available: ranges(1), if_needed: ranges(2) };
}

/**
 * The availability updates `page` sends, in order, as `{changes}` bodies:
 * HTTP PATCHes and `update` frames on the live socket alike (the page
 * uses the socket while it is open).
 */
export function recordUpdates(page) {
  const updates = [];
  page.on('request', (r) => {
    // The changes only: every update also names its grid (`layout`).
    if (r.method() === 'PATCH' && r.url().endsWith('/availability')) updates.push({ changes: r.postDataJSON().changes });
  });
  page.on('websocket', (ws) => ws.on('framesent', ({ payload }) => {
    let frame = null;
    try { frame = JSON.parse(payload); } catch { return; }
    if (frame?.type === 'update') updates.push({ changes: frame.changes });
  }));
  return updates;
}

/**
 * A fresh appointment (`appointment` overrides its fields) and a fresh
 * participant `name` signed in on `device` in `lang`, on the painting page
 * with the grid drawn; `patches` records its availability updates (see
 * `recordUpdates`).
 */
export async function openPainter(browser, base, name, { device, lang, appointment = {} }) {
  const appt = await createAppointment(base, appointment);
  const me = await join(base, appt.id, name);
  const ctx = await newContext(browser, { device, lang });
  await signIn(ctx, base, appt.id, me);
  const page = await ctx.newPage();
  const patches = recordUpdates(page);
  await page.goto(`${base}/a/${appt.id}`);
  await page.waitForSelector('#me:not([hidden]) #paint-grid .cell[data-s]');
  return { appt, me, ctx, page, patches };
}

/** The organiser's PATCH of an appointment (`appt` as createAppointment answers); resolves the view. */
export async function organise(base, appt, patch) {
  return json(await fetch(`${base}/api/appointments/${appt.id}`, {
    method: 'PATCH', headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': CLIENT, Authorization: `Bearer ${appt.admin_token}` },
    body: JSON.stringify(patch),
  }));
}

export async function getView(base, id) {
  return json(await fetch(`${base}/api/appointments/${id}`));
}

/** Signs a context in as a participant (what the page remembers after joining). */
export async function signIn(ctx, base, id, who) {
  await ctx.addInitScript(([key, value]) => {
    try {
      if (!localStorage.getItem(key)) localStorage.setItem(key, value);
    } catch { /* about:blank has no storage */ }
  }, [`eb:p:${id}`, JSON.stringify({ pid: who.participant.id, token: who.token, name: who.participant.name })]);
}

// --- input -------------------------------------------------------------------

/** Centre of the grid cell for slot `s` inside `gridSel`. */
export async function cellCenter(page, gridSel, s) {
  const el = page.locator(`${gridSel} .cell[data-s="${s}"]`);
  await el.scrollIntoViewIfNeeded();
  const box = await el.boundingBox();
  assert.ok(box, `cell ${s} is visible`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** The paint-grid cell at viewport point (x, y) — by layout, whatever
 *  lies on top of it — as {s, x, y, w, h} with its centre, or null. */
export function cellAt(page, x, y) {
  return page.evaluate(([x, y]) => {
    for (const el of document.querySelectorAll('#paint-grid .cell[data-s]')) {
      const r = el.getBoundingClientRect();
      if (x >= r.left && x < r.right && y >= r.top && y < r.bottom) {
        return { s: Number(el.dataset.s), x: r.x + r.width / 2, y: r.y + r.height / 2, w: r.width, h: r.height };
      }
    }
    return null;
  }, [x, y]);
}

/**
 * A genuine touch drag (CDP touch events → pointer events of type touch).
 * `hold`: ms the finger rests before it moves (a touch-and-hold drag).
 */
export async function touchDrag(page, from, to, steps = 8, { hold = 0 } = {}) {
  const cdp = await page.context().newCDPSession(page);
  const point = (x, y) => [{ x: Math.round(x), y: Math.round(y), id: 1, radiusX: 4, radiusY: 4, force: 1 }];
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: point(from.x, from.y) });
  if (hold) await new Promise((r) => setTimeout(r, hold));
  for (let i = 1; i <= steps; i++) {
    const x = from.x + ((to.x - from.x) * i) / steps;
    const y = from.y + ((to.y - from.y) * i) / steps;
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: point(x, y) });
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await cdp.detach();
  // A tap right after would count as the second half of a double tap (no click).
  await new Promise((r) => setTimeout(r, 400));
}

/** Runs axe-core in the page; returns its serious and critical violations. */
export async function axe(page) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(async () => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join('\n  ')}`);
}

/** Polls `fn` until it returns truthy or `ms` pass. */
export async function eventually(fn, ms = 5000, what = 'condition') {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) { last = e; }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${last})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Starts a fresh server and a browser before this file's tests (then runs
 * `setup`, if given, for data the tests share) and stops both after them;
 * read them as `env.server` and `env.browser`.
 */
export function useServerAndBrowser(setup) {
  const env = {};
  before(async () => {
    env.server = await startServer();
    env.browser = await launch();
    await setup?.();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.stop();
  });
  return env;
}

/**
 * Presses the language switch (`how`: 'click' or 'tap') and waits until
 * the page shows the other language: its words are fetched on first use.
 */
export async function switchLanguage(page, how = 'click') {
  const before = await page.evaluate(() => document.documentElement.lang);
  await page[how]('#lang');
  await page.waitForFunction((was) => document.documentElement.lang !== was, before, { timeout: 10000 });
}
