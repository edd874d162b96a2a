// Words on screen, in Korean (default) and English (when the browser
// prefers it, or when chosen; the choice is remembered). Static text in the
// HTML carries data-i18n="key" (textContent), data-i18n-aria (aria-label)
// and data-i18n-ph (placeholder). Only the language shown is loaded (the
// words of both weigh as much as three of the page's scripts): the other
// is fetched when the person switches.
import { store } from './store.js';

const LOADERS = { ko: () => import('./strings-ko.js'), en: () => import('./strings-en.js') };
const dicts = {};
// Words of parts loaded later (addStrings), kept for a language loaded after them.
const extras = [];
const listeners = [];

async function load(l) {
  if (!dicts[l]) {
    const words = { ...(await LOADERS[l]()).default };
    for (const more of extras) Object.assign(words, more[l]);
    dicts[l] = words;
  }
  return dicts[l];
}

/** The UI language: the remembered choice, else the browser's preference. */
function detect() {
  const saved = store.lang();
  if (saved in LOADERS) return saved;
  for (const l of navigator.languages ?? [navigator.language]) {
    const base = String(l).toLowerCase().slice(0, 2);
    if (base === 'ko' || base === 'en') return base;
  }
  return 'ko';
}

let lang = detect();
await load(lang);
// Says the page's words are in: a page renders only after this.
document.documentElement.dataset.words = lang;

export const getLang = () => lang;
export const has = (key) => key in dicts[lang];

/** The text for `key`, with {name} placeholders filled in (as plain text). */
export function t(key, params = {}) {
  const d = dicts[lang];
  let s = (params.n === 1 && d[`${key}.one`]) || d[key] || key;
  for (const [k, v] of Object.entries(params)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}

export function onLangChange(f) {
  listeners.push(f);
}

export function applyStatic(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-aria]')) el.setAttribute('aria-label', t(el.dataset.i18nAria));
  for (const el of root.querySelectorAll('[data-i18n-ph]')) el.setAttribute('placeholder', t(el.dataset.i18nPh));
  const btn = document.getElementById('lang');
  if (btn) {
    btn.textContent = t('lang.other');
    btn.lang = lang === 'ko' ? 'en' : 'ko';
  }
}

export async function setLang(l) {
  await load(l);
  lang = l;
  store.setLang(l);
  document.documentElement.lang = l;
  applyStatic();
  for (const f of listeners) f();
}

/** Detects the language, translates the static page, wires the switch. */
export function initI18n() {
  document.documentElement.lang = lang;
  applyStatic();
  document.getElementById('lang')?.addEventListener('click', () => setLang(lang === 'ko' ? 'en' : 'ko'));
}

/** Adds the words of a part loaded later ({ko, en}, keys not used elsewhere). */
export function addStrings(more) {
  extras.push(more);
  for (const l of Object.keys(dicts)) Object.assign(dicts[l], more[l]);
}

/** A wait in words: "30초", "15분" / "30 seconds", "15 minutes". */
export function waitText(seconds) {
  const s = Math.max(1, Math.round(seconds));
  return s < 60 ? t('wait.s', { n: s }) : t('wait.m', { n: Math.ceil(s / 60) });
}

/** An API error (ApiError) in words the user can act on, in their language. */
export function errorText(err, { field } = {}) {
  if (err.status === 0) return t('err.network');
  if (err.status === 429) return t('err.rate', { wait: waitText(err.retryAfter || 30) });
  if (err.status === 413) return t('err.tooBig');
  if (has(`err.code.${err.code}`)) return t(`err.code.${err.code}`);
  const f = err.field ?? field;
  if (err.status === 400 && f && has(`err.field.${f}`)) return t(`err.field.${f}`);
  if (err.status >= 500) return t('err.server');
  if (err.status === 404) return t('err.notFound');
  if (err.status === 401 || err.status === 403) return t('err.auth');
  if (lang === 'en' && err.message) return err.message;
  return t('err.generic', { msg: err.message || err.code });
}
