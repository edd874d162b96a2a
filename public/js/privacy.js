// The privacy page (/privacy): both languages are in the page; the one the
// person reads shows, and the language switch swaps them.
import { initI18n, getLang, onLangChange } from './i18n.js';

initI18n();
const show = () => {
  const lang = getLang();
  for (const a of document.querySelectorAll('article[data-lang]')) a.hidden = a.dataset.lang !== lang;
  document.title = document.querySelector(`article[data-lang="${lang}"] h1`).textContent + ' · 언제볼까?';
};
onLangChange(show);
show();
