// The page for an unknown or expired appointment: only needs its words translated.
import { initI18n, t, onLangChange } from './i18n.js';

initI18n();
const title = () => { document.title = `${t('gone.title')} · ${t('brand')}`; };
onLangChange(title);
title();
