// "Share as image": the results drawn on a canvas — title, dates, time zone,
// the heatmap and the best times — as a PNG, handed to the phone's share
// sheet (Web Share API with files, which reaches chat apps) or, where files
// cannot be shared, downloaded. Fonts are the page's own (system fonts), so
// Korean renders wherever the page does. Loaded only when the button is used.
import { t, getLang, addStrings } from './i18n.js';
import { buildLayout, scheduleText, rangeParts, zoneLabel, hhmm } from './time.js';
import { duration } from './best.js';
import { shade } from './heatmap.js';
import { h, headcount } from './ui.js';

addStrings({ ko: { 'picture.more': '외 {n}명' }, en: { 'picture.more': '+{n} more' } });

export const WIDTH = 1080;
const PAD = 56;
const LABEL_W = 78;
// Always the light palette (style.css's --h0…--h5): the picture is read in
// chat apps of either kind.
const SHADES = ['#ffffff', '#a0e4bc', '#53c682', '#3ea368', '#2a7f4e', '#186137'];
const INK = '#16202c';
const MUTED = '#525e6e';
const LINE = '#c9d0da';
const ACCENT = '#2456d3';
const STRIPE = 'rgba(214, 150, 10, 0.75)';

/** Splits `text` into lines no wider than `max` (by words, or by characters where a word is too long). */
function wrap(g, text, max) {
  const lines = [];
  let line = '';
  for (const word of text.split(/(\s+)/)) {
    if (g.measureText(line + word).width <= max) { line += word; continue; }
    if (line.trim()) lines.push(line.trim());
    line = '';
    for (const ch of word.trimStart()) {
      if (g.measureText(line + ch).width > max && line) { lines.push(line); line = ''; }
      line += ch;
    }
  }
  if (line.trim()) lines.push(line.trim());
  return lines;
}

/** As many of `names` as fit on one line of `max` px, then "+n more": never a name cut off after a comma. */
function fitNames(g, names, max) {
  for (let k = names.length; k > 0; k--) {
    const line = names.slice(0, k).join(', ') + (k < names.length ? ` ${t('picture.more', { n: names.length - k })}` : '');
    if (g.measureText(line).width <= max) return line;
  }
  return names.length ? t('picture.more', { n: names.length }) : '';
}

/**
 * Draws the results of `view` (in its own zone) on a canvas WIDTH pixels
 * wide; `url` goes at the foot. Returns the canvas.
 */
export function draw(view, url) {
  const lang = getLang();
  const L = buildLayout(view, view.timezone, lang);
  const family = getComputedStyle(document.body).fontFamily || 'sans-serif';
  const font = (size, weight = 400) => `${weight} ${size}px ${family}`;
  const canvas = document.createElement('canvas');
  const g = canvas.getContext('2d');
  const inner = WIDTH - 2 * PAD;

  // What goes where, measured first: the canvas is as tall as its content.
  g.font = font(54, 800);
  const title = wrap(g, view.title, inner).slice(0, 3);
  const { days, time } = scheduleText(view, L, lang, t);
  g.font = font(30, 600);
  const when = wrap(g, `${days} · ${time}`, inner);
  const zone = view.weekdays ? t('zone.weekly', { zone: zoneLabel(view.timezone) }) : t('zone.shown', { zone: zoneLabel(view.timezone) });
  const names = new Map(view.participants.map((p) => [p.id, p.name]));
  const best = view.best.slice(0, 3).map((b, i) => {
    const { day, time: span } = rangeParts(L, b.start, b.end);
    // A private appointment's best times are numbers, and name no one.
    const ids = (x) => (Array.isArray(x) ? x : []);
    const n = (x) => (Array.isArray(x) ? x.length : Number(x) || 0);
    const c = n(b.available) + n(b.if_needed);
    const score = t('best.available', { c }) + (n(b.if_needed) ? ` (${t('best.ifn', { m: n(b.if_needed) })})` : '');
    g.font = font(26);
    const people = [...ids(b.available).map((id) => names.get(id) ?? '?'),
      ...ids(b.if_needed).map((id) => t('best.ifnName', { name: names.get(id) ?? '?' }))];
    return { rank: i + 1, head: `${day} ${span} · ${duration((b.end - b.start) * view.slot_minutes)}`, score, who: fitNames(g, people, inner - 56) };
  });
  const colW = Math.floor((inner - LABEL_W) / L.nc);
  const rowH = Math.max(5, Math.min(34, Math.floor(900 / L.nr)));
  const headH = L.weekly ? 40 : 64;
  const gridW = colW * L.nc;
  const gridH = rowH * L.nr;

  let y = PAD;
  const height = PAD + 34 + 16 + title.length * 66 + 8 + when.length * 42 + 38 + 32
    + headH + gridH + 24 + 40 + 28
    + (view.final ? 60 : 0)
    + 52 + (best.length ? best.length * 112 : 44) + 24 + 40 + PAD;
  canvas.width = WIDTH;
  canvas.height = height;
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, WIDTH, height);
  g.textBaseline = 'top';

  const text = (s, x, yy, size, weight, color, align = 'left') => {
    g.font = font(size, weight);
    g.fillStyle = color;
    g.textAlign = align;
    g.fillText(s, x, yy);
    g.textAlign = 'left';
  };

  text(t('brand'), PAD, y, 28, 800, ACCENT);
  y += 34 + 16;
  for (const line of title) { text(line, PAD, y, 54, 800, INK); y += 66; }
  y += 8;
  for (const line of when) { text(line, PAD, y, 30, 600, INK); y += 42; }
  text(zone, PAD, y, 26, 400, MUTED);
  y += 38 + 32;

  // The heatmap: a column a day, a row a slot, shaded by how many can come.
  const x0 = PAD + LABEL_W;
  for (let c = 0; c < L.nc; c++) {
    const col = L.cols[c];
    const cx = x0 + c * colW + colW / 2;
    const color = col.weekend ? '#b42318' : INK;
    if (colW >= 60) {
      text(col.short, cx, y, 24, 700, color, 'center');
      if (col.md) text(col.md, cx, y + 30, 20, 400, MUTED, 'center');
    } else if (col.md) {
      // A month of narrow columns: the day of the month, weekends in red.
      text(col.md.split('/')[1], cx, y + 12, 18, 700, color, 'center');
    } else {
      text(col.short, cx, y, 18, 700, color, 'center');
    }
  }
  y += headH;
  const total = headcount(view);
  for (let s = 0; s < L.n; s++) {
    const x = x0 + L.colOf[s] * colW;
    const yy = y + L.rowOf[s] * rowH;
    const a = view.counts.available[s];
    const f = view.counts.if_needed[s];
    g.fillStyle = SHADES[shade(a, total)];
    g.fillRect(x, yy, colW, rowH);
    if (f) {
      g.save();
      g.beginPath();
      g.rect(x, yy, colW, rowH);
      g.clip();
      g.strokeStyle = STRIPE;
      g.lineWidth = 3;
      for (let k = -rowH; k < colW; k += 10) { g.moveTo(x + k, yy + rowH); g.lineTo(x + k + rowH, yy); }
      g.stroke();
      g.restore();
    }
    if ((a || f) && rowH >= 24 && colW >= 44) {
      text(f ? `${a}+${f}` : String(a), x + colW / 2, yy + (rowH - 20) / 2, 19, 700, shade(a, total) >= 4 ? '#ffffff' : INK, 'center');
    }
  }
  // The final time, outlined on the grid as on the page.
  if (view.final) {
    const rows = [];
    for (let s = view.final.start; s < view.final.end; s++) rows.push(L.rowOf[s]);
    const fx = x0 + L.colOf[view.final.start] * colW;
    g.strokeStyle = ACCENT;
    g.lineWidth = 6;
    g.strokeRect(fx + 3, y + Math.min(...rows) * rowH + 3, colW - 6, (Math.max(...rows) - Math.min(...rows) + 1) * rowH - 6);
  }
  g.strokeStyle = LINE;
  g.lineWidth = 1;
  g.beginPath();
  for (let c = 0; c <= L.nc; c++) { g.moveTo(x0 + c * colW + 0.5, y); g.lineTo(x0 + c * colW + 0.5, y + gridH); }
  for (let r = 0; r <= L.nr; r++) {
    if (r < L.nr && L.rows[r].min % 60 !== 0 && r !== 0) continue;
    g.moveTo(x0, y + r * rowH + 0.5);
    g.lineTo(x0 + gridW, y + r * rowH + 0.5);
  }
  g.stroke();
  // Hour labels, as many as fit.
  const every = Math.max(1, Math.ceil(22 / rowH));
  let last = -every;
  for (let r = 0; r < L.nr; r++) {
    if ((L.rows[r].min % 60 !== 0 && r !== 0) || r - last < every) continue;
    last = r;
    text(hhmm(L.rows[r].min), x0 - 10, y + r * rowH - (r ? 9 : 0), 18, 400, MUTED, 'right');
  }
  y += gridH + 24;

  // Legend: 0 … all.
  let lx = PAD;
  text(t('legend.zero'), lx, y + 6, 22, 400, MUTED);
  g.font = font(22);
  lx += g.measureText(t('legend.zero')).width + 10;
  for (const i of [0, 1, 2, 3, 4, 5]) {
    g.fillStyle = SHADES[i];
    g.fillRect(lx, y + 4, 28, 28);
    g.strokeStyle = LINE;
    g.strokeRect(lx + 0.5, y + 4.5, 27, 27);
    lx += 32;
  }
  text(t('legend.all', { n: total }), lx + 6, y + 6, 22, 400, MUTED);
  y += 40 + 28;

  if (view.final) {
    const { day, time: span } = rangeParts(L, view.final.start, view.final.end);
    text(`${t('final.title')}: ${day} ${span}`, PAD, y, 32, 800, ACCENT);
    y += 60;
  }

  text(t('best.title'), PAD, y, 36, 800, INK);
  y += 52;
  if (!best.length) {
    text(t(total ? 'best.none' : 'best.nobody'), PAD, y, 26, 400, MUTED);
    y += 44;
  }
  for (const b of best) {
    g.fillStyle = b.rank === 1 ? ACCENT : '#e5ecfc';
    g.beginPath();
    g.arc(PAD + 20, y + 20, 20, 0, 2 * Math.PI);
    g.fill();
    text(String(b.rank), PAD + 20, y + 6, 24, 800, b.rank === 1 ? '#ffffff' : INK, 'center');
    text(b.head, PAD + 56, y, 30, 700, INK);
    text(b.score, PAD + 56, y + 40, 24, 700, '#12532d');
    text(b.who, PAD + 56, y + 72, 22, 400, MUTED);
    y += 112;
  }
  y += 24;
  text(url, PAD, y, 24, 400, MUTED);
  return canvas;
}

/**
 * Makes the picture and shares it, or downloads it where the browser cannot
 * share files. Resolves {how: 'shared' | 'downloaded' | 'cancelled', width,
 * height, bytes}.
 */
export async function shareImage(view, url) {
  await document.fonts?.ready;
  const canvas = draw(view, url);
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
  const name = `${view.file_name}.png`;
  const info = { width: canvas.width, height: canvas.height, bytes: blob.size };
  const file = new File([blob], name, { type: 'image/png' });
  if (navigator.canShare?.({ files: [file] })) {
    try {
      await navigator.share({ files: [file], title: view.title, text: t('share.text', { title: view.title }) });
      return { how: 'shared', ...info };
    } catch (err) {
      if (err?.name === 'AbortError') return { how: 'cancelled', ...info };
      // Sharing failed (no app took it, say): the picture is still saved.
    }
  }
  const href = URL.createObjectURL(blob);
  const a = h('a', { href, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10000);
  return { how: 'downloaded', ...info };
}
