// Draws public/og.png, the 1200×630 picture a chat app shows next to a
// pasted link (og:image), with Debian's Chromium: the logo, the name and a
// small heatmap. Run it again after changing the design below:
//   PATH=$PWD/node_modules/.bin:$PATH node scripts/og-image.mjs
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const logo = await readFile(path.join(ROOT, 'public/favicon.svg'), 'utf8');

// Availability of a small group over four days: how many (of 5) can come.
const counts = [
  [0, 1, 2, 2, 1, 0],
  [1, 3, 4, 5, 3, 1],
  [0, 2, 3, 3, 2, 0],
  [1, 1, 2, 4, 2, 1],
];
const shades = ['#ffffff', '#def3e5', '#b5e3c4', '#82cc9c', '#4fb477', '#1e7d45'];
const cells = counts.map((col, c) => col.map((n, r) => `<div class="cell" style="grid-column:${c + 1};grid-row:${r + 1};background:${shades[n]}"></div>`).join('')).join('');

const html = `<!doctype html><html lang="ko"><head><meta charset="utf-8"><style>
  html, body { margin: 0; width: 1200px; height: 630px; }
  body {
    display: flex; align-items: center; gap: 64px; padding: 0 88px; box-sizing: border-box;
    background: #f3f5f8; color: #16202c; font-family: "NanumGothic", "Noto Sans KR", sans-serif; word-break: keep-all;
  }
  .text { flex: 1; }
  .logo { width: 120px; height: 120px; display: block; margin-bottom: 36px; }
  .logo svg { width: 120px; height: 120px; display: block; }
  h1 { font-size: 104px; line-height: 1.05; margin: 0 0 28px; font-weight: 800; letter-spacing: -2px; }
  p { font-size: 40px; line-height: 1.35; margin: 0; color: #3d4757; font-weight: 700; }
  .grid {
    display: grid; grid-template-columns: repeat(4, 78px); grid-template-rows: repeat(6, 56px); gap: 6px;
    padding: 22px; background: #fff; border: 3px solid #d6dce4; border-radius: 28px;
  }
  .cell { border-radius: 8px; border: 2px solid #d6dce4; }
</style></head><body>
  <div class="text"><div class="logo">${logo}</div><h1>언제볼까?</h1><p>링크 하나로<br>모두가 되는 시간을 찾아요</p></div>
  <div class="grid">${cells}</div>
</body></html>`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--force-color-profile=srgb'],
});
const page = await browser.newPage({ viewport: { width: 1200, height: 630 }, deviceScaleFactor: 1 });
await page.setContent(html);
await page.evaluate(() => document.fonts.ready);
const out = path.join(ROOT, 'public/og.png');
await page.screenshot({ path: out, type: 'png' });
await browser.close();
console.log(`wrote ${out}`);
