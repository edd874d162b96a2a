// The create page (/): the form, its checks (the same rules as the API, so
// most mistakes are caught before sending), and the share screen shown once
// the appointment exists.
import { t, initI18n, onLangChange, errorText } from './i18n.js';
import { api } from './api.js';
import { store } from './store.js';
import { ScheduleForm, fieldOf } from './schedule-form.js';
import { shareBlock, adminBlock } from './share.js';
import { renderMine } from './mine.js';
import { $ } from './ui.js';

initI18n();

const form = $('#create');
const schedule = new ScheduleForm($('#schedule'));
let created = null;

// --- errors -----------------------------------------------------------------
function setError(field, msg) {
  if (schedule.setError(field, msg)) return;
  const el = $(`#err-${field}`);
  el.textContent = msg ?? '';
  el.hidden = !msg;
  if (field === 'title') $('#title').setAttribute('aria-invalid', msg ? 'true' : 'false');
}
function focusField(field) {
  if (field === 'title') $('#title').focus();
  else schedule.focus(field);
}
const cp = (s) => [...s].length;
function check(body) {
  const errs = {};
  const title = body.title;
  if (!title) errs.title = t('err.title.empty');
  else if (cp(title) > 100) errs.title = t('err.title.long', { n: cp(title) });
  else if (/\p{Cc}/u.test(title)) errs.title = t('err.title.control');
  return { ...errs, ...schedule.check(body) };
}
$('#title').addEventListener('input', () => setError('title', null));

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  for (const f of ['title', 'form']) setError(f, null);
  schedule.clearErrors();
  const body = { title: $('#title').value.trim(), ...schedule.value() };
  const errs = check(body);
  if (Object.keys(errs).length) {
    for (const [f, m] of Object.entries(errs)) setError(f, m);
    focusField(Object.keys(errs)[0]);
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
    created = { id, title: r.data.appointment?.title ?? body.title, fileName: r.data.appointment?.file_name, url: link, adminUrl: `${link}#admin=${encodeURIComponent(admin)}` };
    renderDone();
    $('#done-title').focus();
    scrollTo(0, 0);
  } catch (err) {
    const f = fieldOf(err.field);
    setError(f, errorText(err, { field: err.field }));
    focusField(f);
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
  $('#share-slot').replaceChildren(shareBlock({ id: created.id, url: created.url, title: created.title, fileName: created.fileName }));
  $('#admin-slot').replaceChildren(adminBlock({ id: created.id, adminUrl: created.adminUrl, level: 2 }));
  $('#open').href = `/a/${encodeURIComponent(created.id)}#admin=${encodeURIComponent(store.admin(created.id) ?? '')}`;
}

function renderAll() {
  document.title = t('doc.create');
  renderMine($('#mine'));
  schedule.render();
  renderDone();
}
onLangChange(renderAll);
// Coming back (also from the browser's back/forward cache): the list may have changed.
addEventListener('pageshow', (e) => { if (e.persisted && !created) renderMine($('#mine')); });
renderAll();
