// Joining an appointment: a name and an optional password. A returning
// visitor signs back in with the same name (and password, if they set one).
import { t, errorText } from './i18n.js';
import { api } from './api.js';
import { store } from './store.js';
import { $ } from './ui.js';

const key = (s) => s.trim().normalize('NFC').toLowerCase();
const cp = (s) => [...s].length;

/** Wires the join form; onJoined(me) after 201 (new) or 200 (signed back in). */
export function setupJoin(form, { id, view, onJoined }) {
  const name = $('#name', form);
  const pw = $('#password', form);
  const btn = $('button[type="submit"]', form);
  const set = (field, msg) => {
    const el = $(`#err-${field}`, form);
    el.textContent = msg ?? '';
    el.hidden = !msg;
    const input = field === 'name' ? name : field === 'password' ? pw : null;
    input?.setAttribute('aria-invalid', msg ? 'true' : 'false');
  };
  const clear = () => ['name', 'password', 'join'].forEach((f) => set(f, null));

  const existing = () => view()?.participants.find((p) => key(p.name) === key(name.value));
  const note = () => {
    const el = $('#name-note', form);
    const p = name.value.trim() && existing();
    el.hidden = !p;
    if (p) el.textContent = t(p.protected ? 'join.existingProtected' : 'join.existing', { name: p.name });
    // A protected name needs its password: the label must not call it optional.
    const needed = !!p?.protected;
    $('#password-label', form).textContent = t(needed ? 'join.passwordNeeded' : 'join.password');
    pw.required = needed;
    // In a private appointment a name without a password opens on this device only.
    $('#pw-hint', form).textContent = t(view()?.private ? 'join.pwHintPrivate' : 'join.pwHint');
  };
  name.addEventListener('input', () => { set('name', null); note(); });
  pw.addEventListener('input', () => set('password', null));
  form.note = note;

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear();
    const n = name.value.trim();
    const p = pw.value;
    if (!n) return fail('name', t('err.name.empty'));
    if (cp(n) > 50) return fail('name', t('err.name.long', { n: cp(n) }));
    if (/\p{Cc}/u.test(n)) return fail('name', t('err.name.control'));
    if (p && (cp(p) < 4 || cp(p) > 128)) return fail('password', t('err.password.length'));
    btn.disabled = true;
    try {
      const r = await api.join(id, n, p || undefined);
      const me = { pid: r.data.participant.id, token: r.data.token, name: r.data.participant.name };
      store.setMe(id, me);
      form.reset();
      note();
      onJoined(me, r.status === 201);
    } catch (err) {
      if (err.status === 401) fail('password', t(p ? 'join.wrongPassword' : 'join.needPassword'));
      else if (err.status === 429 && p) fail('password', errorText(err));
      else if (err.field === 'name' || err.code === 'name_private') fail('name', errorText(err, { field: 'name' }));
      else if (err.field === 'password') fail('password', errorText(err, { field: 'password' }));
      else fail('join', errorText(err));
    } finally {
      btn.disabled = false;
    }
  });

  function fail(field, msg) {
    set(field, msg);
    (field === 'password' ? pw : name).focus();
  }
}
