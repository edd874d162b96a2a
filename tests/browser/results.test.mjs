// Taking the results out of the page: "Share as image" draws the title,
// dates, zone, heatmap and best times into a real PNG (decoded here, byte by
// byte, and by the browser), handed to the share sheet where the browser can
// share files and downloaded where it cannot; "Download CSV" links to the
// spreadsheet export under the appointment's title.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { inflateSync } from 'node:zlib';
import path from 'node:path';
import {
  useServerAndBrowser, newContext, PHONE, DESKTOP, createAppointment, join, paint, screenshot, SCREENSHOTS,
  seoulDate, assertOwnOrigin, assertQuiet, downloaded, switchLanguage,
} from './harness.mjs';

let appt;
const env = useServerAndBrowser(async () => {
  appt = await createAppointment(env.server.base, { title: '동아리 정기 모임 · Club meeting' });
  const answers = { 민지: [[0, 8], [20, 26]], 서준: [[2, 10]], Alex: [[4, 9], [40, 44]], 하윤: [[3, 7]] };
  for (const [name, slots] of Object.entries(answers)) {
    const p = await join(env.server.base, appt.id, name);
    await paint(env.server.base, appt.id, p, [{ level: 'available', slots }, { level: 'if_needed', slots: [[30, 32]] }]);
  }
});

/** A PNG's chunks, each CRC checked; its IHDR; and its pixels inflated: throws on anything malformed. */
function decodePng(bytes) {
  assert.deepEqual([...bytes.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'PNG signature');
  const chunks = [];
  for (let at = 8; at < bytes.length;) {
    const len = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    const data = bytes.subarray(at + 8, at + 8 + len);
    assert.equal(bytes.readUInt32BE(at + 8 + len), crc32(bytes.subarray(at + 4, at + 8 + len)), `${type} CRC`);
    chunks.push({ type, data });
    at += 12 + len;
  }
  assert.equal(chunks[0].type, 'IHDR');
  assert.equal(chunks[chunks.length - 1].type, 'IEND');
  const ihdr = chunks[0].data;
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const depth = ihdr[8];
  const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[ihdr[9]];
  const raw = inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)));
  assert.equal(raw.length, height * (1 + Math.ceil((width * channels * depth) / 8)), 'every row of pixels is there');
  return { width, height };
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

test('share as image: a 1080 px wide PNG with the title in Korean, downloaded where files cannot be shared', async () => {
  const { base } = env.server;
  const ctx = await newContext(env.browser, { device: PHONE, lang: 'ko' });
  const page = await ctx.newPage();
  await page.goto(`${base}/a/${appt.id}`);
  await page.tap('#tab-group');
  await page.waitForSelector('#heat-grid .cell[data-s]');
  assert.equal(await page.getAttribute('#csv', 'href'), `/api/appointments/${appt.id}/availability.csv?lang=ko`);
  assert.equal(await page.getAttribute('#csv', 'download'), '동아리 정기 모임 · Club meeting.csv');
  await page.locator('.results-actions').scrollIntoViewIfNeeded();
  await screenshot(page, 'results-actions-phone-ko', { fullPage: false });

  assert.equal(await page.evaluate(() => !!navigator.canShare?.({ files: [new File(['x'], 'x.png', { type: 'image/png' })] })), false,
    'this browser cannot share files');
  const download = page.waitForEvent('download');
  await page.tap('#share-image');
  const file = await download;
  assert.equal(file.suggestedFilename(), '동아리 정기 모임 · Club meeting.png');
  const saved = path.join(SCREENSHOTS, 'result-image-ko.png');
  await file.saveAs(saved);
  const bytes = await readFile(saved);
  const png = decodePng(bytes);
  assert.equal(png.width, 1080);
  assert.ok(png.height > 1000 && png.height < 3000, `height ${png.height}`);
  const btn = await page.$eval('#share-image', (b) => ({ width: b.dataset.width, height: b.dataset.height, bytes: b.dataset.bytes }));
  assert.deepEqual(btn, { width: '1080', height: String(png.height), bytes: String(bytes.length) }, 'the button tells what it made');
  assert.match(await page.textContent('#toast'), /이미지를 저장했어요/);

  // The browser decodes it too; the title line has ink, and the best time's rank badge is the accent blue.
  const seen = await page.evaluate(async (b64) => {
    const blob = new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], { type: 'image/png' });
    const bmp = await createImageBitmap(blob);
    const c = new OffscreenCanvas(bmp.width, bmp.height);
    const g = c.getContext('2d');
    g.drawImage(bmp, 0, 0);
    const band = g.getImageData(56, 106, 900, 60).data;
    let ink = 0;
    for (let i = 0; i < band.length; i += 4) if (band[i] < 100 && band[i + 1] < 100 && band[i + 2] < 100) ink++;
    return { width: bmp.width, height: bmp.height, ink, corner: [...g.getImageData(2, 2, 1, 1).data] };
  }, bytes.toString('base64'));
  assert.equal(seen.width, 1080);
  assert.equal(seen.height, png.height);
  assert.deepEqual(seen.corner, [255, 255, 255, 255], 'a white background');
  assert.ok(seen.ink > 2000, `the title is drawn (${seen.ink} dark pixels)`);
  assertOwnOrigin(base, ctx);
  assertQuiet(ctx);
  await ctx.close();
});

test('share as image: where the browser can share files, the PNG goes to the share sheet and nothing is downloaded', async () => {
  const { base } = env.server;
  const ctx = await newContext(env.browser, { device: DESKTOP, lang: 'en' });
  // The operating system's share sheet, as a phone's browser offers it.
  await ctx.addInitScript(() => {
    navigator.canShare = (data) => Array.isArray(data?.files) && data.files.length > 0;
    navigator.share = async (data) => {
      const f = data.files[0];
      window.shared = { name: f.name, type: f.type, size: f.size, head: [...new Uint8Array(await f.slice(0, 8).arrayBuffer())], title: data.title };
    };
  });
  const page = await ctx.newPage();
  let downloads = 0;
  page.on('download', () => { downloads++; });
  await page.goto(`${base}/a/${appt.id}`);
  await page.waitForSelector('#heat-grid .cell[data-s]');
  await page.click('#share-image');
  const shared = await page.waitForFunction(() => window.shared).then((h) => h.jsonValue());
  assert.equal(shared.name, '동아리 정기 모임 · Club meeting.png');
  assert.equal(shared.type, 'image/png');
  assert.equal(shared.title, '동아리 정기 모임 · Club meeting');
  assert.deepEqual(shared.head, [137, 80, 78, 71, 13, 10, 26, 10]);
  assert.equal(String(shared.size), await page.getAttribute('#share-image', 'data-bytes'));
  assert.equal(await page.getAttribute('#share-image', 'data-width'), '1080');
  assert.equal(downloads, 0);
  assertQuiet(ctx);
  await ctx.close();
});

test('share as image: the largest grid, a month of 10-minute slots around the clock, still makes a 1080 px PNG', async () => {
  const { base } = env.server;
  const big = await createAppointment(base, {
    title: 'A month, all day', dates: Array.from({ length: 31 }, (_, i) => seoulDate(i + 1)), start: '00:00', end: '24:00', slot_minutes: 10,
  });
  const p = await join(base, big.id, 'Night owl');
  await paint(base, big.id, p, [{ level: 'available', slots: [[0, 4464]] }]);
  const ctx = await newContext(env.browser, { device: DESKTOP, lang: 'en' });
  const page = await ctx.newPage();
  await page.goto(`${base}/a/${big.id}`);
  await page.waitForSelector('#heat-grid .cell[data-s]');
  const download = page.waitForEvent('download');
  await page.click('#share-image');
  const file = await download;
  const saved = path.join(SCREENSHOTS, 'result-image-month-en.png');
  await file.saveAs(saved);
  const png = decodePng(await readFile(saved));
  assert.equal(png.width, 1080);
  assert.ok(png.height < 2400, `height ${png.height}`);
  assertQuiet(ctx);
  await ctx.close();
});

/** A phone in `lang` on the appointment's "everyone" tab. */
async function groupTab(lang) {
  const ctx = await newContext(env.browser, { device: PHONE, lang });
  const page = await ctx.newPage();
  await page.goto(`${env.server.base}/a/${appt.id}`);
  await page.tap('#tab-group');
  await page.waitForSelector('#heat-grid .cell[data-s]');
  return { ctx, page };
}

test('download CSV: the link saves the spreadsheet under the title, Korean names readable (UTF-8 with a BOM)', async () => {
  const { ctx, page } = await groupTab('en');
  assert.equal(await page.textContent('#csv'), 'Download CSV');
  const download = page.waitForEvent('download');
  await page.locator('#csv').scrollIntoViewIfNeeded();
  await page.tap('#csv');
  const file = await download;
  assert.equal(file.suggestedFilename(), '동아리 정기 모임 · Club meeting.csv');
  const saved = path.join(SCREENSHOTS, 'result-ko.csv');
  await file.saveAs(saved);
  const bytes = await readFile(saved);
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a BOM, so spreadsheet apps read UTF-8');
  const lines = bytes.toString('utf8').slice(1).trim().split(/\r?\n/);
  for (const name of ['민지', '서준', 'Alex', '하윤']) assert.ok(lines[0].includes(name), `${name} heads a column: ${lines[0]}`);
  assert.equal(lines.length, 1 + 3 * 18, 'a header and one row per slot');
  assertQuiet(ctx);
  await ctx.close();
});

test('download CSV on a Korean page: the file asked for is lang=ko, its header and levels in the page\'s words; in English the API\'s', async () => {
  const { ctx, page } = await groupTab('ko');
  assert.equal(await page.textContent('#csv'), 'CSV로 받기');
  const csv = page.locator('#csv');
  await csv.scrollIntoViewIfNeeded();
  const [download] = await Promise.all([page.waitForEvent('download'), csv.tap()]);
  assert.equal(download.suggestedFilename(), '동아리 정기 모임 · Club meeting.csv');
  const lines = (await downloaded(download)).toString('utf8').slice(1).trim().split(/\r?\n/);
  assert.match(lines[0], /^시작 \(Asia\/Seoul\),/, `the header in Korean: ${lines[0]}`);
  assert.ok(lines[0].endsWith(',가능,필요하면 가능'), lines[0]);
  assert.ok(lines.some((l) => /,가능,/.test(l)) && lines.some((l) => l.includes(',필요하면 가능,')), 'the levels in Korean');
  assert.ok(!lines.some((l) => /available|if_needed/.test(l)), 'no English word left');
  assert.equal(new URL(download.url()).search, '?lang=ko', 'the page asked for the Korean file');

  // The same page in English links the API's file again.
  await switchLanguage(page, 'tap');
  assert.equal(await page.getAttribute('#csv', 'href'), `/api/appointments/${appt.id}/availability.csv`);
  const [english] = await Promise.all([page.waitForEvent('download'), csv.tap()]);
  assert.equal(new URL(english.url()).search, '');
  const header = (await downloaded(english)).toString('utf8').slice(1).split(/\r?\n/)[0];
  assert.ok(header.startsWith('start (Asia/Seoul),') && header.endsWith(',available,if_needed'), header);
  assertQuiet(ctx);
  await ctx.close();
});
