// The appointment page (/a/{id}): draws the page's copy of the view, which
// sync.js keeps current (live pushes applied to it, a fetch only when it
// must), and ties together joining, painting (by hand, or from a
// calendar file), the heatmap, best times, sharing (link, QR code, picture,
// CSV) and the organiser's tools. The calendar import and the picture load
// their code only when first used.
import { t, initI18n, onLangChange, getLang } from './i18n.js';
import { api, watchReach, offline, whenBack } from './api.js';
import { store } from './store.js';
import { buildLayout, browserZone, rangeText, zoneLabel, scheduleText } from './time.js';
import { Painter, gridKey } from './paint.js';
import { Heatmap } from './heatmap.js';
import { renderBest, lengthChoices, duration } from './best.js';
import { syncView } from './sync.js';
import { setupJoin } from './join.js';
import { shareBlock } from './share.js';
import { h, icon, $, $$, confirmDialog, headcount } from './ui.js';
import { setupAnswerTools } from './answer-tools.js';

initI18n();

const id = decodeURIComponent(location.pathname.split('/')[2] ?? '');
/** Takes the admin token out of an organiser link (#admin=…) and the address bar. */
function takeAdminToken() {
  const token = new URLSearchParams(location.hash.slice(1)).get('admin');
  if (!token) return false;
  store.setAdmin(id, token);
  history.replaceState(null, '', location.pathname + location.search);
  return true;
}
takeAdminToken();

const state = {
  view: null, etag: null, minSlots: 1, me: store.me(id), L: null,
  zone: 'mine', chosen: null, tab: null, loading: false, again: false, gone: false, live: null,
  // The connection as the live indicator tells it: the socket's state, and
  // whether the last request reached the server at all.
  socket: null, reached: true,
  // Which grid the page shows (paint.js gridKey), and the calendar import, once used.
  grid: null, importer: null,
};

const painter = new Painter($('#paint-grid'), $('#save-status'), {
  onSaved: (data) => applyOwn(data?.participant),
  onLost: () => { signOut(); toast(t('me.lost')); refresh(); },
  onState: () => renderLive(),
  // The notice reads on its own here (in the status line it follows "Could not save:").
  onRegrid: () => { toast(painter.detail.charAt(0).toUpperCase() + painter.detail.slice(1)); refresh(); },
  send: (appt, pid, token, changes, layout) =>
    state.live?.paint(pid, token, changes, layout) ?? api.paint(appt, pid, token, changes, layout),
});
const heat = new Heatmap($('#heat-grid'), {
  detail: $('#detail'), legend: $('#legend'), people: $('#people'), peopleActions: $('#people-actions'),
  note: $('#filter-note'),
  onFix: (range) => admin.fix(range),
  onRemove: (p) => admin.remove(p),
  onRemoveMany: async (ps) => { if (await admin.removeMany(ps)) { heat.picked.clear(); heat.renderPeople(); } },
});
// The organiser's tools (admin.js) load only on a page with the organiser's token.
const admin = {
  tools: null,
  get token() { return store.admin(id); },
  get active() { return this.tools ? this.tools.active : !!this.token; },
  load() {
    this.loading ??= import('./admin.js').then((m) => {
      this.tools = new m.Admin($('#admin'), id, {
        onView: (v) => { state.etag = null; apply(v); refresh(); },
        onGone: (deleted) => gone(deleted),
        toast,
        refresh: () => { render(); refresh(); },
      });
      render();
      return this.tools;
    });
    return this.loading;
  },
  render(v, lang) { if (this.tools) this.tools.render(v, lang); else if (this.token) this.load().catch(() => { this.loading = null; }); },
  fix: (range) => admin.load().then((a) => a.fix(range)),
  unfix: () => admin.load().then((a) => a.unfix()),
  remove: (p) => admin.load().then((a) => a.remove(p)),
  removeMany: (ps) => admin.load().then((a) => a.removeMany(ps)),
};
setupJoin($('#join'), {
  id, view: () => state.view,
  onJoined: (me, isNew) => {
    state.me = me;
    painter.setSession(id, me);
    toast(t(isNew ? 'join.welcome' : 'join.back', { name: me.name }));
    render();
    refresh();
    // The form that had focus is gone: the grid takes it (it keeps it
    // when it is rebuilt for its new width).
    $('#paint-grid .cell[tabindex="0"]')?.focus({ preventScroll: true });
  },
});
painter.setSession(id, state.me);
setupAnswerTools(painter, { toast: (msg) => toast(msg), view: () => state.view, layout: () => state.L });

// --- keeping the copy current (sync.js) ---------------------------------------
const { refresh, applyOwn, startLive } = syncView(id, state, { apply, gone, failed, render, renderLive, reached });

function apply(view) {
  if (state.view && view.version < state.view.version) return;
  const first = !state.view;
  if (!first) noticeChange(state.view, view);
  state.view = view;
  if (state.me && !view.participants.some((p) => p.id === state.me.pid)) {
    signOut();
    noticeRemoved(view);
  }
  if (first) {
    $('#loading').hidden = true;
    $('#appt').hidden = false;
    layout();
    selectTab(store.admin(id) && !state.me ? 'group' : 'me');
    startLive();
  } else if (gridKey(view) !== state.grid) {
    // The organiser changed the dates or times: new slots, new layout.
    state.importer?.cancel(false);
    state.chosen = null;
    heat.select([]);
    layout();
  }
  state.grid = gridKey(view);
  render();
  remember();
}

/**
 * Tells someone the organiser removed why they are signed out, and whether
 * they can join again (not while it is closed to new people), where the
 * join form is: the closed note's "sign back in with your name" no longer
 * applies to them.
 */
function noticeRemoved(view) {
  state.removed = true;
  renderRemoved(view);
  toast(t('me.removed'));
}

function renderRemoved(v) {
  const el = $('#removed-note');
  el.hidden = !state.removed || !!state.me;
  if (el.hidden) return;
  el.textContent = `${t('me.removed')} ${t(v.closed ? 'me.removedClosed' : 'me.removedOpen')}`;
  $('#closed-note').hidden = true;
}

/**
 * Tells the people on the page what an organiser's schedule change did to
 * their answers (change-note.js compares the views; loaded only then). The
 * organiser's own browser was asked before saving.
 */
function noticeChange(prev, next) {
  if (gridKey(prev) === gridKey(next) || store.admin(id)) return;
  const pid = state.me?.pid;
  import('./change-note.js').then((m) => m.showChange($('#change-note'), prev, next, pid)).catch(() => {});
}

/** Keeps this appointment in the home page's "my appointments" list while
 *  this browser is its organiser or one of its participants. */
function remember() {
  const v = state.view;
  if (!store.admin(id) && !state.me) return;
  store.remember(id, {
    title: v.title,
    dates: v.dates ? [v.dates[0], v.dates[v.dates.length - 1], v.dates.length] : null,
    weekdays: v.weekdays ?? null,
    final: !!v.final,
  });
}

function layout() {
  const v = state.view;
  const lang = getLang();
  const zone = state.zone === 'mine' ? browserZone() : v.timezone;
  state.L = buildLayout(v, zone, lang) ?? buildLayout(v, v.timezone, lang);
  painter.setLayout(state.L);
  heat.setLayout(state.L);
}

function reached(ok) {
  if (state.reached === ok) return;
  state.reached = ok;
  renderLive();
}
watchReach(reached);
whenBack(() => renderLive());
addEventListener('offline', () => renderLive());

/** The live indicator: connecting, live, polling, or offline (with the
 *  number of changes waiting to be saved), in the current language. */
function renderLive() {
  const el = $('#live');
  if (state.gone || !state.socket) return;
  const away = offline() || !state.reached;
  const s = away ? 'offline' : state.socket;
  const waiting = painter.queue.length;
  el.dataset.state = s;
  el.replaceChildren(h('span', { class: 'dot', 'aria-hidden': 'true' }),
    h('span', { text: away && waiting ? t('live.offlineWaiting', { n: waiting }) : t(`live.${s}`) }));
  el.title = t(`live.${s}.title`);
}

// --- rendering ----------------------------------------------------------------
function render() {
  const v = state.view;
  if (!v) return;
  const L = state.L;
  const lang = getLang();
  document.title = `${v.title} · ${t('brand')}`;
  $('#title').textContent = v.title;
  $('#meta').replaceChildren(...metaText(v, L, lang));
  $('#admin-badge').hidden = !admin.active;
  renderZone();
  renderFinal();
  renderNotes(v, lang);

  const me = state.me;
  $('#join').hidden = !!me;
  $('#me').hidden = !me;
  if (me) $('#whoami').textContent = t('me.as', { name: v.participants.find((p) => p.id === me.pid)?.name ?? me.name });
  else $('#join').note?.();
  $('#closed-note').hidden = !v.closed;
  renderRemoved(v);
  painter.setView(v);
  if (state.importer?.open) state.importer.update();
  heat.setView(v, admin.active);
  $('#people-title').textContent = t('people.title', { n: headcount(v) });
  renderMinSlots();
  const zoneNote = $('#best-zone');
  zoneNote.hidden = !otherZone();
  zoneNote.textContent = t('best.zone', { zone: L.zone });
  renderBest($('#best-list'), v, L, {
    why: state.notes?.whyEmpty(v),
    chosen: state.chosen,
    expanded: state.bestOpen,
    onExpand: (open) => { state.bestOpen = open; render(); },
    onPick: (b, i) => { state.chosen = state.chosen === i ? null : i; if (state.chosen == null) heat.select([]); else heat.showRange(b.start, b.end); render(); },
    onFix: admin.active ? (b) => admin.fix({ start: b.start, end: b.end }) : null,
  });
  admin.render(v, lang);
  // A private appointment's file of everyone's answers is the organiser's.
  $('#csv').hidden = !!v.private && !admin.active;
  $('#csv').href = api.csvUrl(id, lang);
  $('#csv').download = `${v.file_name}.csv`;
  if (state.shareLang !== lang) {
    state.shareLang = lang;
    const block = shareBlock({ id, url: `${location.origin}/a/${encodeURIComponent(id)}`, title: v.title, fileName: v.file_name, qr: false });
    $('#share').replaceChildren(block);
    if ($('#share-box').open) block.loadQr();
  }
}

/** The organiser's settings on the page (notes.js: loaded when used, or
 *  for the organiser), and the day the appointment is deleted. */
function renderNotes(v, lang) {
  if (!state.notes && (v.deadline || v.private || v.waiting != null || v.best_filtered || admin.active)) {
    state.notesLoading ??= import('./notes.js').then((m) => {
      state.notes = new m.Notes($('#notes'), { painter, toast, onDeadline: () => { render(); refresh(); } });
      render();
    }).catch(() => { state.notesLoading = null; });
  }
  state.notes?.render(v, { admin: admin.active, lang, me: !!state.me });
  const exp = $('#expiry-line');
  exp.hidden = false;
  exp.textContent = t('expiry', { date: new Intl.DateTimeFormat(lang, { dateStyle: 'long' }).format(Date.parse(v.expires_at)) });
}

/** Whether someone could read a time in the wrong zone: the viewer's zone is
 *  not the appointment's, so the zone is named wherever a time is shown. */
function otherZone() {
  return !state.view.weekdays && browserZone() !== state.view.timezone;
}

/** The dates and daily hours, in the zone the grid shows. */
function metaText(v, L, lang) {
  const { days, time } = scheduleText(v, L, lang, t);
  const zone = otherZone() ? ` (${L.zone})` : '';
  // "09:00–22:00" never breaks at its dash.
  return [`${days} · `, h('span', { class: 'nowrap', text: time }), `${zone} · ${t('meta.slot', { d: duration(v.slot_minutes) })}`];
}

function renderZone() {
  const v = state.view;
  const el = $('#zone-line');
  const mine = browserZone();
  if (v.weekdays) {
    el.replaceChildren(t('zone.weekly', { zone: zoneLabel(v.timezone) }));
    return;
  }
  el.replaceChildren(h('span', { text: t('zone.shown', { zone: zoneLabel(state.L.zone) }) }));
  if (mine !== v.timezone) {
    const other = state.L.zone === v.timezone ? mine : v.timezone;
    el.append(' ', h('button', {
      type: 'button', class: 'btn small ghost',
      onclick: () => { state.zone = state.zone === 'mine' ? 'appt' : 'mine'; layout(); render(); },
    }, t(other === mine ? 'zone.toMine' : 'zone.toAppt', { zone: other })));
  }
}

function renderFinal() {
  const v = state.view;
  const box = $('#final');
  box.hidden = !v.final;
  if (!v.final) return;
  $('#final-when').textContent = rangeText(state.L, v.final.start, v.final.end);
  $('#final-zone').textContent = state.L.weekly ? t('final.weekly') : t('final.zone', { zone: state.L.zone });
  $('#ics').href = api.icsUrl(id);
  $('#ics').download = `${v.file_name}.ics`;
  $('#unfix').hidden = !admin.active;
}

function renderMinSlots() {
  const sel = $('#min-slots');
  const step = state.view.slot_minutes;
  const opts = lengthChoices(step).map((m) => h('option', { value: String(m / step), selected: m / step === state.minSlots },
    m === step ? t('best.any') : t('best.atLeast', { d: duration(m) })));
  sel.replaceChildren(...opts);
}

function selectTab(name) {
  state.tab = name;
  for (const tab of $$('[role="tab"]')) {
    const on = tab.dataset.tab === name;
    tab.setAttribute('aria-selected', String(on));
    tab.tabIndex = on ? 0 : -1;
    $(`#${tab.getAttribute('aria-controls')}`).classList.toggle('is-active', on);
  }
}

function signOut() {
  state.importer?.cancel(false);
  state.me = null;
  store.setMe(id, null);
  painter.setSession(id, null);
  render();
}

// Notices show at the top, out of the grid's way, and let every touch
// through (style.css: .toast has pointer-events: none).
let toastTimer;
function toast(msg) {
  const el = $('#toast');
  el.textContent = msg;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.hidden = true; }, 4500);
}

function gone(deleted) {
  // Deleting it here also makes the live socket report it gone, and a view
  // request then answers 404: that must not turn "deleted" into "not found".
  if (state.deleted) deleted = true;
  // A page that showed the appointment before it could expire lost it to
  // the organiser: say so, not "the link is wrong".
  const v = state.view;
  const byOrganiser = !deleted && !!v && !(Date.parse(v.expires_at) <= Date.now());
  state.gone = true;
  state.deleted = deleted;
  state.live?.stop();
  $('#loading').hidden = true;
  $('#appt').hidden = true;
  $('#gone').hidden = false;
  const title = t(deleted ? 'gone.deleted' : byOrganiser ? 'gone.byOrganiser' : 'gone.title');
  $('#gone-title').textContent = title;
  $('#gone-text').textContent = t(deleted || byOrganiser ? 'gone.deletedText' : 'gone.text');
  document.title = `${title} · ${t('brand')}`;
  const el = $('#live');
  el.replaceChildren();
  delete el.dataset.state;
  if (!deleted) store.forget(id); // expired: nothing left to go back to
}

function failed() {
  $('#loading').replaceChildren(h('span', { text: t('load.failed') }), ' ',
    h('button', { type: 'button', class: 'btn small', onclick: () => { $('#loading').textContent = t('loading'); refresh(); } }, t('load.retry')));
}

// --- controls -------------------------------------------------------------------
for (const tab of $$('[role="tab"]')) {
  tab.addEventListener('click', () => selectTab(tab.dataset.tab));
  tab.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    const other = $$('[role="tab"]').find((x) => x !== tab);
    selectTab(other.dataset.tab);
    other.focus();
  });
}
$('#min-slots').addEventListener('change', (e) => {
  state.minSlots = Number(e.target.value);
  state.etag = null;
  state.chosen = null;
  refresh();
});
$$('input[name="brush"]').forEach((r) => r.addEventListener('change', () => painter.setBrush(Number(r.value))));
$('#not-me').addEventListener('click', async () => {
  if (painter.queue.length) {
    const ok = await confirmDialog({
      title: t('me.leaveTitle'), text: t('me.leaveText'), confirm: t('me.leaveYes'), cancel: t('confirm.cancel'),
    });
    if (!ok) return;
  }
  signOut();
  $('#name').focus();
});
$('#unfix').addEventListener('click', () => admin.unfix());

// Import from calendar: the file never leaves the browser.
$('#import-ics').addEventListener('click', () => $('#ics-file').click());
$('#ics-file').addEventListener('change', async (e) => {
  const file = e.target.files?.[0];
  e.target.value = '';
  if (!file || !state.view) return;
  let mod;
  try {
    mod = await import('./calendar-import.js');
  } catch {
    toast(t('import.loadFailed'));
    return;
  }
  state.importer ??= new mod.CalendarImport($('#import-panel'), {
    painter,
    done: (msg) => { toast(msg); $('#import-ics').focus({ preventScroll: true }); },
  });
  await state.importer.start(file, state.view);
});

// Share the results as a picture (the phone's share sheet, else a download).
$('#share-image').addEventListener('click', async (e) => {
  const btn = e.currentTarget;
  if (!state.view || btn.disabled) return;
  btn.disabled = true;
  btn.textContent = t('results.imageBusy');
  try {
    const { shareImage } = await import('./picture.js');
    const r = await shareImage(state.view, `${location.origin}/a/${encodeURIComponent(id)}`);
    Object.assign(btn.dataset, { width: r.width, height: r.height, bytes: r.bytes });
    if (r.how === 'downloaded') toast(t('results.imageSaved'));
  } catch {
    toast(t('results.imageFailed'));
  } finally {
    btn.disabled = false;
    btn.textContent = t('results.image');
  }
});
$('#admin-badge button').prepend(icon('key'), ' ');
$('#admin-badge button').addEventListener('click', () => {
  $('#admin').scrollIntoView({ block: 'start' });
  $('#admin-h').focus();
});
$('#share-box').addEventListener('toggle', () => { if ($('#share-box').open) $('#share .share')?.loadQr?.(); });
// Let the QR block be printed even when the details element is closed.
addEventListener('beforeprint', () => { $('#share-box').open = true; $('#share .share')?.loadQr?.(); });

addEventListener('hashchange', () => {
  if (!takeAdminToken()) return;
  if (admin.tools) admin.tools.token = store.admin(id);
  render();
});

onLangChange(() => {
  if (state.gone) { gone(state.deleted); return; }
  if (!state.view) return;
  layout();
  render();
  painter.renderStatus();
  state.importer?.translate();
  renderLive();
});

if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) gone(false);
else refresh();
