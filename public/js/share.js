// Sharing an appointment: the link with a copy button, the phone's own share
// sheet (Web Share API) where there is one, the QR code with download and
// print, and the organiser's admin link — which looks nothing like the link
// to share.
import { t } from './i18n.js';
import { api } from './api.js';
import { h, icon, copyText } from './ui.js';

function copyRow(id, label, value, { copyLabel, cls = '' } = {}) {
  const input = h('input', { id, type: 'text', readonly: true, value, class: `mono ${cls}`.trim(), spellcheck: 'false' });
  input.addEventListener('focus', () => input.select());
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
export function shareBlock({ id, url, title, qr = true }) {
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
      h('a', { class: 'btn', href: api.qrUrl(id), download: `eonjebolkka-${id}.svg` }, t('qr.download')),
      h('button', { type: 'button', class: 'btn', onclick: () => printQr({ id, url, title }) }, t('qr.print'))));
  el.loadQr = () => { if (!img.getAttribute('src')) img.src = api.qrUrl(id); };
  return el;
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
