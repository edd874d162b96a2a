// The create page (/): the form, its checks (the same rules as the API, so
// most mistakes are caught before sending), and the share screen shown once
// the appointment exists.
import { t, initI18n, onLangChange, errorText, getLang } from './i18n.js';
import { api } from './api.js';
import { store } from './store.js';
import { Calendar, MAX_DATES } from './calendar.js';
import { browserZone, todayIn, addDays, hhmm, toMin, WEEKDAYS, dayLabels, zoneLabel } from './time.js';
import { shareBlock, adminBlock } from './share.js';
import { renderMine } from './mine.js';
import { h, $, $$ } from './ui.js';

initI18n();

const form = $('#create');
const fields = ['title', 'days', 'time', 'slot', 'tz', 'form'];
let created = null;
let capped = false;

// --- time zone ------------------------------------------------------------
const tzSelect = $('#tz');
const myZone = browserZone();
const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
if (!zones.includes(myZone)) zones.push(myZone);
if (!zones.includes('UTC')) zones.push('UTC');
zones.sort();
tzSelect.replaceChildren(...zones.map((z) => h('option', { value: z, selected: z === myZone }, z.replaceAll('_', ' '))));
const zone = () => tzSelect.value;
const bounds = () => {
  const min = todayIn(zone());
  const [y, m, d] = min.split('-').map(Number);
  let max = `${y + 1}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  if (max.endsWith('02-29')) max = addDays(max, -1);
  return { min, max };
};

// --- dates / weekdays -----------------------------------------------------
const cal = new Calendar($('#calendar'), {
  ...bounds(),
  onChange: (dates, info) => { capped = !!info.capped; renderPicked(dates); clearError('days'); },
});
const mode = () => $('input[name="mode"]:checked').value;
function renderPicked(dates = cal.value()) {
  const el = $('#picked');
  const lang = getLang();
  el.replaceChildren();
  if (!dates.length) {
    el.append(h('span', { class: 'muted', text: t('cal.none') }));
  } else {
    el.append(h('strong', { text: t('cal.count', { n: dates.length }) }), ' ',
      h('span', { class: 'muted', text: dates.slice(0, 6).map((d) => dayLabels(d, lang).medium).join(', ') + (dates.length > 6 ? ' …' : '') }),
      ' ', h('button', { type: 'button', class: 'btn small ghost', onclick: () => cal.clear() }, t('cal.clear')));
  }
  if (capped) el.append(h('span', { class: 'warn-text', text: ` ${t('cal.max', { n: MAX_DATES })}` }));
}
function renderWeekdays() {
  const lang = getLang();
  const was = new Set($$('#weekdays input:checked').map((i) => i.value));
  $('#weekdays').replaceChildren(...WEEKDAYS.map((d) => h('label', { class: 'chip-toggle' },
    h('input', { type: 'checkbox', value: d, checked: was.has(d), onchange: () => clearError('days') }),
    h('span', { text: dayLabels(d, lang).short, title: dayLabels(d, lang).long }))));
}
function syncMode() {
  const dates = mode() === 'dates';
  $('#dates-pick').hidden = !dates;
  $('#weekdays-pick').hidden = dates;
  clearError('days');
}
$$('input[name="mode"]').forEach((r) => r.addEventListener('change', syncMode));

// --- time window and slot size ---------------------------------------------
const slot = () => Number($('input[name="slot"]:checked').value);
function fillTimes() {
  const step = slot();
  const snap = (v, lo, hi) => Math.min(hi, Math.max(lo, Math.round(v / step) * step));
  const s = snap(toMin($('#start').value || '09:00'), 0, 1440 - step);
  let e = snap(toMin($('#end').value || '18:00'), step, 1440);
  if (e <= s) e = Math.min(1440, s + step);
  const opts = (from, to, sel) => {
    const out = [];
    for (let m = from; m <= to; m += step) out.push(h('option', { value: hhmm(m), selected: m === sel }, hhmm(m)));
    return out;
  };
  $('#start').replaceChildren(...opts(0, 1440 - step, s));
  $('#end').replaceChildren(...opts(step, 1440, e));
}
$$('input[name="slot"]').forEach((r) => r.addEventListener('change', () => { fillTimes(); clearError('time'); }));
$('#title').addEventListener('input', () => clearError('title'));
$('#start').addEventListener('change', () => clearError('time'));
$('#end').addEventListener('change', () => clearError('time'));

function renderZone() {
  $('#tz-now').textContent = t('tz.now', { zone: zoneLabel(zone()) });
}
tzSelect.addEventListener('change', () => {
  cal.setBounds(bounds().min, bounds().max);
  renderZone();
  clearError('tz');
});

// --- errors -----------------------------------------------------------------
const control = {
  title: () => $('#title'), days: () => (mode() === 'dates' ? cal : $('#weekdays input')),
  time: () => $('#start'), slot: () => $('#slot-group'), tz: () => tzSelect, form: () => null,
};
function setError(field, msg) {
  const el = $(`#err-${field}`);
  el.textContent = msg ?? '';
  el.hidden = !msg;
  const c = control[field]();
  if (c && field !== 'days' && field !== 'slot') c.setAttribute('aria-invalid', msg ? 'true' : 'false');
}
function clearError(field) {
  setError(field, null);
}
const cp = (s) => [...s].length;
function check(body) {
  const errs = {};
  const title = body.title;
  if (!title) errs.title = t('err.title.empty');
  else if (cp(title) > 100) errs.title = t('err.title.long', { n: cp(title) });
  else if (/\p{Cc}/u.test(title)) errs.title = t('err.title.control');
  if (body.dates && !body.dates.length) errs.days = t('err.dates.empty');
  if (body.weekdays && !body.weekdays.length) errs.days = t('err.weekdays.empty');
  if (toMin(body.end) <= toMin(body.start)) errs.time = t('err.time.order');
  return errs;
}
const fieldOf = (apiField) => ({
  title: 'title', dates: 'days', weekdays: 'days', start: 'time', end: 'time',
  slot_minutes: 'slot', timezone: 'tz',
}[apiField] ?? 'form');

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  fields.forEach(clearError);
  const body = {
    title: $('#title').value.trim(),
    timezone: zone(),
    start: $('#start').value,
    end: $('#end').value,
    slot_minutes: slot(),
  };
  if (mode() === 'dates') body.dates = cal.value();
  else body.weekdays = $$('#weekdays input:checked').map((i) => i.value);
  const errs = check(body);
  if (Object.keys(errs).length) {
    for (const [f, m] of Object.entries(errs)) setError(f, m);
    control[Object.keys(errs)[0]]()?.focus?.();
    return;
  }
  const btn = $('#submit');
  btn.disabled = true;
  btn.textContent = t('create.busy');
  try {
    const r = await api.create(body);
    const { id, url, admin_token: admin } = r.data;
    store.setAdmin(id, admin);
    store.remember(id, {
      title: r.data.appointment?.title ?? body.title,
      dates: body.dates ? [body.dates[0], body.dates[body.dates.length - 1], body.dates.length] : null,
      weekdays: body.weekdays ?? null,
      final: false,
    });
    const link = new URL(url || `/a/${id}`, location.origin).href;
    created = { id, title: r.data.appointment?.title ?? body.title, url: link, adminUrl: `${link}#admin=${encodeURIComponent(admin)}` };
    renderDone();
    $('#done-title').focus();
    scrollTo(0, 0);
  } catch (err) {
    const f = fieldOf(err.field);
    setError(f, errorText(err, { field: err.field }));
    control[f]()?.focus?.();
  } finally {
    btn.disabled = false;
    btn.textContent = t('create.submit');
  }
});

// --- share screen -----------------------------------------------------------
function renderDone() {
  if (!created) return;
  form.hidden = true;
  $('#intro').hidden = true;
  $('#mine').hidden = true;
  $('#done').hidden = false;
  document.title = `${created.title} · ${t('brand')}`;
  $('#done-title').textContent = created.title;
  $('#share-slot').replaceChildren(shareBlock({ id: created.id, url: created.url, title: created.title }));
  $('#admin-slot').replaceChildren(adminBlock({ id: created.id, adminUrl: created.adminUrl, level: 2 }));
  $('#open').href = `/a/${encodeURIComponent(created.id)}#admin=${encodeURIComponent(store.admin(created.id) ?? '')}`;
}

function renderAll() {
  document.title = t('doc.create');
  renderMine($('#mine'));
  renderPicked();
  renderWeekdays();
  renderZone();
  cal.render();
  renderDone();
}
onLangChange(renderAll);
// Coming back (also from the browser's back/forward cache): the list may have changed.
addEventListener('pageshow', (e) => { if (e.persisted && !created) renderMine($('#mine')); });
fillTimes();
syncMode();
renderAll();
