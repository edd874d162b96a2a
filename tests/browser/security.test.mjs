// User text is only ever text: a name or a title full of markup shows as
// typed, runs nothing and loads nothing. Every page keeps to its own origin
// and carries the CSP; an unknown appointment gets a real 404 page. Assets
// are cached for good under versioned URLs; pages carry link previews.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useServerAndBrowser, newContext, PHONE, DESKTOP, createAppointment, join, paint,
  assertOwnOrigin, assertQuiet, eventually, switchLanguage } from './harness.mjs';

const env = useServerAndBrowser();

const EVIL = '<img src=x onerror=alert(1)>';
const EVIL_TITLE = '<script>alert(2)</script><b>bold</b>';

test('a name and a title made of markup are shown as text, and no dialog fires', async () => {
  const { base } = env.server;
  const appt = await createAppointment(base, { title: EVIL_TITLE });
  const other = await join(base, appt.id, '친구');
  await paint(base, appt.id, other, [{ level: 'available', slots: [[0, 2]] }]);

  const ctx = await newContext(env.browser, { device: PHONE, lang: 'ko' });
  const page = await ctx.newPage();
  await page.goto(`${base}/a/${appt.id}`);
  await page.waitForSelector('#join:not([hidden])');
  assert.equal(await page.textContent('#title'), EVIL_TITLE);
  assert.equal(await page.title(), `${EVIL_TITLE} · 언제볼까?`);
  await page.fill('#name', EVIL);
  await page.tap('#join button[type="submit"]');
  await page.waitForSelector('#me:not([hidden])');
  assert.match(await page.textContent('#whoami'), /<img src=x onerror=alert\(1\)>/);
  await page.tap('.cell[data-s="0"]'); // paint one cell so the name is in a best time
  await page.waitForSelector('#save-status[data-state="saved"]');

  await page.tap('#tab-group');
  await eventually(async () => (await page.locator('#people .chip .name').allTextContents()).includes(EVIL), 5000, 'name chip');
  await eventually(async () => (await page.textContent('#best-list')).includes(EVIL), 5000, 'name in best times');
  await page.tap('#heat-grid .cell[data-s="0"]');
  assert.match(await page.textContent('#detail'), /<img src=x onerror=alert\(1\)>/);

  // The organiser's view (remove buttons carry the name in their label) as well.
  const org = await newContext(env.browser, { device: DESKTOP, lang: 'en' });
  const op = await org.newPage();
  await op.goto(`${base}/a/${appt.id}#admin=${appt.admin_token}`);
  await op.waitForSelector('#admin:not([hidden])');
  await op.waitForSelector(`#people button[aria-label="Remove ${EVIL}"]`);
  assert.equal(await op.inputValue('#new-title'), EVIL_TITLE);

  for (const p of [page, op]) {
    assert.equal(await p.locator('img[src="x"], script:not([src]), #main b').count(), 0, 'no markup was made from user text');
  }
  assert.ok(!ctx.requests.some((u) => new URL(u).pathname.endsWith('/x')), 'no image was requested from user text');
  assertOwnOrigin(base, ctx, org);
  assertQuiet(ctx, org);
  await ctx.close();
  await org.close();
});

/** The URLs of the stylesheet and the entry script a page links to. */
async function assetsOf(base, path) {
  const html = await (await fetch(`${base}${path}`)).text();
  return [...html.matchAll(/(?:href|src)="(\/v\/[^"]+\.(?:css|js))"/g)].map((m) => m[1]);
}

test('pages carry the security headers and an unknown appointment is a 404 page', async () => {
  const { base } = env.server;
  const appt = await createAppointment(base);
  const assets = await assetsOf(base, `/a/${appt.id}`);
  assert.ok(assets.some((a) => a.endsWith('/style.css')) && assets.some((a) => a.endsWith('/js/app.js')), `${assets}`);
  for (const path of ['/', `/a/${appt.id}`, ...assets.filter((a) => /style\.css|app\.js/.test(a))]) {
    const r = await fetch(`${base}${path}`);
    assert.equal(r.status, 200, path);
    const csp = r.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'self'/, `${path} has the CSP`);
    assert.match(csp, /script-src 'self'/, path);
    assert.doesNotMatch(csp, /unsafe-inline/, path);
  }
  const ctx = await newContext(env.browser, { device: PHONE, lang: 'en' });
  const page = await ctx.newPage();
  const res = await page.goto(`${base}/a/no-such-appointment`);
  assert.equal(res.status(), 404);
  assert.match(await page.textContent('h1'), /Appointment not found/);
  await switchLanguage(page, 'click');
  assert.match(await page.textContent('h1'), /약속을 찾을 수 없어요/);
  assertOwnOrigin(base, ctx);
  assertQuiet(ctx);
  await ctx.close();
});

test('no page asks any origin but the app’s own, whatever the user does', async () => {
  const { base } = env.server;
  const ctx = await newContext(env.browser, { device: PHONE, lang: 'ko' });
  const page = await ctx.newPage();
  await page.goto(`${base}/`);
  await page.fill('#title', '점심');
  await page.click('input[name="mode"][value="weekdays"]');
  await page.click('#weekdays label:nth-child(1)');
  await page.click('#weekdays label:nth-child(3)');
  await page.click('#submit');
  await page.waitForSelector('#done:not([hidden])');
  await page.click('#open');
  await page.waitForSelector('#appt:not([hidden])');
  await page.click('#share-box summary');
  await page.waitForFunction(() => document.querySelector('#share img.qr-img')?.naturalWidth > 0);
  await switchLanguage(page, 'click');
  await page.click('#tab-me');
  await page.fill('#name', 'Solo');
  await page.click('#join button[type="submit"]');
  await page.waitForSelector('#me:not([hidden])');
  await page.waitForSelector('#live[data-state="live"]');
  assertOwnOrigin(base, ctx);
  assert.ok(ctx.requests.some((u) => u.startsWith('ws://')), 'the live socket was recorded too');
  assertQuiet(ctx);
  await ctx.close();
});

test('scripts and styles are cached for good under versioned URLs, while the pages are always checked', async () => {
  const { base } = env.server;
  const appt = await createAppointment(base);
  for (const page of ['/', `/a/${appt.id}`]) {
    const r = await fetch(`${base}${page}`);
    assert.match(r.headers.get('cache-control') ?? '', /no-cache|max-age=0/, `${page} is revalidated`);
    const assets = await assetsOf(base, page);
    assert.ok(assets.length >= 3, `${page} names its assets (${assets})`);
    for (const a of assets) {
      const res = await fetch(`${base}${a}`);
      assert.equal(res.status, 200, a);
      assert.match(res.headers.get('cache-control') ?? '', /max-age=31536000.*immutable|immutable.*max-age=31536000/, `${a} is immutable`);
    }
  }
  // Modules import each other relatively, so they stay under the same version.
  const app = await (await fetch(`${base}${(await assetsOf(base, `/a/${appt.id}`)).find((a) => a.endsWith('/app.js'))}`)).text();
  assert.match(app, /from '\.\/i18n\.js'/);
});

test('a link preview: the pages carry Open Graph tags and the preview image is served from here', async () => {
  const { base } = env.server;
  const appt = await createAppointment(base);
  for (const page of ['/', `/a/${appt.id}`]) {
    const html = await (await fetch(`${base}${page}`)).text();
    for (const tag of ['og:title', 'og:description', 'og:type', 'twitter:card']) {
      assert.match(html, new RegExp(`<meta (property|name)="${tag}" content="[^"]+">`), `${page} has ${tag}`);
    }
  }
  const img = await fetch(`${base}/og.png`);
  assert.equal(img.status, 200);
  assert.equal(img.headers.get('content-type'), 'image/png');
  const bytes = Buffer.from(await img.arrayBuffer());
  assert.deepEqual([bytes.readUInt32BE(16), bytes.readUInt32BE(20)], [1200, 630], '1200×630');
  assert.ok(bytes.length < 80 * 1024, `small: ${bytes.length} bytes`);
});

// The page route puts the appointment into its preview with src/preview.rs
// (unit-tested there); this checks the page a chat app's crawler gets.
test('a link preview names the appointment, escaped', async () => {
  const { base } = env.server;
  const title = '</title><script>alert(1)</script>"\'&';
  const appt = await createAppointment(base, { title });
  const html = await (await fetch(`${base}/a/${appt.id}`)).text();
  assert.ok(html.includes('<title>&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;"\'&amp; · 언제볼까?</title>'), 'escaped title');
  assert.match(html, /<meta property="og:title" content="&lt;\/title&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;&quot;&#39;&amp;">/);
  assert.match(html, new RegExp(`<meta property="og:image" content="${base}/og.png">`));
  assert.match(html, new RegExp(`<meta property="og:url" content="${base}/a/${appt.id}">`));
  assert.doesNotMatch(html, /<script>alert/);
});
