// "My appointments" on the home page: the ones this browser made or joined
// (store.list()), each with what this browser may do there — organise,
// or paint as a participant — and a way to take it off the list.
import { t, getLang } from './i18n.js';
import { store } from './store.js';
import { dayLabels } from './time.js';
import { h, icon, copyText, confirmDialog } from './ui.js';

function when(e, lang) {
  if (e.weekdays) return t('meta.weekly', { days: e.weekdays.map((d) => dayLabels(d, lang).short).join(', ') });
  if (!e.dates) return '';
  const [a, b, n] = e.dates;
  return a === b ? dayLabels(a, lang).medium : `${dayLabels(a, lang).medium} – ${dayLabels(b, lang).medium} · ${t('meta.days', { n })}`;
}

/** Renders the list into `section` (hidden while it is empty). */
export function renderMine(section) {
  const lang = getLang();
  const list = section.querySelector('#mine-list');
  const entries = store.list().filter((e) => store.admin(e.id) || store.me(e.id));
  section.hidden = !entries.length;
  list.replaceChildren(...entries.map((e) => {
    const admin = store.admin(e.id);
    const me = store.me(e.id);
    const href = `/a/${encodeURIComponent(e.id)}`;
    const title = e.title || e.id;
    const roles = h('span', { class: 'mine-roles' },
      admin ? h('span', { class: 'pill admin' }, icon('key'), ' ', t('mine.admin')) : null,
      me ? h('span', { class: 'pill ok', text: t('mine.joined', { name: me.name }) }) : null,
      e.final ? h('span', { class: 'pill final', text: t('best.isFinal') }) : null);
    const status = h('span', { class: 'copy-status', role: 'status' });
    const actions = h('span', { class: 'mine-actions' },
      admin ? h('button', {
        type: 'button', class: 'btn small',
        onclick: async () => {
          const ok = await copyText(`${location.origin}${href}#admin=${encodeURIComponent(admin)}`);
          status.textContent = ok ? t('share.copied') : t('share.copyFail');
          setTimeout(() => { status.textContent = ''; }, 4000);
        },
      }, t('admin.copy')) : null,
      h('button', {
        type: 'button', class: 'btn small ghost', 'aria-label': t('mine.remove', { title }),
        onclick: async () => {
          // Taking it off the list also signs this device out there: ask first.
          const ok = await confirmDialog({
            title: t('mine.removeTitle', { title }),
            text: admin ? t('mine.removeAdmin') : t('mine.removeMe', { name: me?.name ?? '' }),
            confirm: t('mine.removeYes'), cancel: t('confirm.cancel'),
          });
          if (!ok) return;
          store.forget(e.id);
          renderMine(section);
          (section.hidden ? document.getElementById('title') : section.querySelector('#mine-h'))?.focus();
        },
      }, '✕'));
    return h('li', { class: admin ? 'mine-item is-admin' : 'mine-item' },
      h('div', { class: 'mine-main' },
        h('a', { href, class: 'mine-title', text: title }),
        h('span', { class: 'mine-when', text: when(e, lang) }),
        roles),
      actions, status);
  }));
}
