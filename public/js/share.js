// Sharing an appointment: the link with a copy button, the phone's own share
// sheet (Web Share API) where there is one, the QR code with downloads (PNG
// for chat apps and printers, SVG for designers) and print, and the
// organiser's admin link — which looks nothing like the link to share.
import { t } from './i18n.js';
import { api } from './api.js';
import { h, icon, copyText } from './ui.js';

function copyRow(id, label, value, { copyLabel, cls = '' } = {}) {
  const input = h('input', { id, type: 'text', readonly: true, value, class: `mono ${cls}`.trim(), spellcheck: 'false' });
  input.addEventListener('focus', () => input.select());
  // Too long for a phone's box, the link to share shows its end, where its id is.
  if (!cls) new ResizeObserver(() => { if (document.activeElement !== input) input.scrollLeft = input.scrollWidth; }).observe(input);
  const status = h('span', { class: 'copy-status', role: 'status' });
  const btn = h('button', {
    type: 'button', class: 'btn',
    onclick: async () => {
      const ok = await copyText(value, input);
      status.textContent = ok ? t('share.copied') : t('share.copyFail');
      setTimeout(() => { status.textContent = ''; }, 4000);
    },
  }, copyLabel ?? t('share.copy'));
  return [h('label', { for: id, text: label }), h('div', { class: 'copyrow' }, input, btn), status];
}

/** The public link, share sheet and QR code. qr: load the image now. */
/** `fileName`: the name the appointment's files are saved under (the view's `file_name`). */
export function shareBlock({ id, url, title, fileName, qr = true }) {
  const img = h('img', {
    class: 'qr-img', width: 264, height: 264, alt: t('qr.alt', { title }),
    src: qr ? api.qrUrl(id) : null,
  });
  const native = typeof navigator.share === 'function'
    ? h('button', {
      type: 'button', class: 'btn primary',
      onclick: () => navigator.share({ title, text: t('share.text', { title }), url }).catch(() => {}),
    }, t('share.native'))
    : null;
  const el = h('div', { class: 'share' },
    ...copyRow(`link-${id}`, t('share.link'), url),
    native ? h('div', { class: 'row' }, native) : null,
    h('figure', { class: 'qr' }, img, h('figcaption', { text: t('qr.caption') })),
    h('div', { class: 'row' },
      h('button', { type: 'button', class: 'btn', onclick: () => downloadPng(id, fileName) }, t('qr.png')),
      h('a', { class: 'btn', href: api.qrUrl(id), download: `${fileName}.svg` }, t('qr.svg')),
      h('button', { type: 'button', class: 'btn', onclick: () => printQr({ id, url, title }) }, t('qr.print'))));
  el.loadQr = () => { if (!img.getAttribute('src')) img.src = api.qrUrl(id); };
  return el;
}

/** Draws the QR code on a white canvas and saves it as a PNG. */
async function downloadPng(id, fileName) {
  const img = new Image();
  img.src = api.qrUrl(id);
  await img.decode();
  const size = 1024;
  const pad = 64;
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  const g = canvas.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, size, size);
  g.imageSmoothingEnabled = false;
  g.drawImage(img, pad, pad, size - 2 * pad, size - 2 * pad);
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
  const href = URL.createObjectURL(blob);
  const a = h('a', { href, download: `${fileName}.png`, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10000);
}

/** Prints a one-page flyer: the title, a large QR code and the link. */
async function printQr({ id, url, title }) {
  const img = h('img', { src: api.qrUrl(id), alt: t('qr.alt', { title }), width: 454, height: 454 });
  const sheet = h('div', { id: 'print-sheet' },
    h('h1', { text: title }), img, h('p', { text: t('qr.caption') }), h('p', { class: 'mono', text: url }));
  document.getElementById('print-sheet')?.remove();
  document.body.append(sheet);
  document.body.classList.add('print-qr');
  if (!img.complete) await new Promise((r) => { img.onload = r; img.onerror = r; });
  const done = () => {
    document.body.classList.remove('print-qr');
    sheet.remove();
  };
  addEventListener('afterprint', done, { once: true });
  print();
}

/** The organiser's secret link: its own colour, label and copy button, and
 *  the warning to keep it. `level` is the heading level where it goes. */
export function adminBlock({ id, adminUrl, level = 3 }) {
  return h('div', { class: 'admin-link warn' },
    h(`h${level}`, {}, icon('key'), ' ', t('admin.linkTitle')),
    h('p', { text: t('admin.warn') }),
    ...copyRow(`admin-${id}`, t('admin.linkLabel'), adminUrl, { copyLabel: t('admin.copy'), cls: 'admin-url' }));
}
