// The lines the organiser's settings put on the appointment page: the
// deadline's countdown (and "answers are closed" after it), who the
// organiser is still waiting for (with a notification when nobody is
// left, if they allowed it), that answers are private, and why the best
// times are empty when the organiser's filter leaves none. Loaded only
// for an appointment that uses one of them, or for its organiser.
import { t, addStrings } from './i18n.js';
import * as words from './strings-tools.js';
import { h, $ } from './ui.js';

addStrings(words);

/** Whether the deadline of view `v` has passed (by this device's clock). */
export const deadlinePassed = (v) => !!v.deadline && (v.deadline_passed || Date.parse(v.deadline) <= Date.now());

/** "2일 3시간" / "2 d 3 h": the time left until `ms`, to the minute. */
export function leftText(ms) {
  const m = Math.max(1, Math.ceil((ms - Date.now()) / 60000));
  const d = Math.floor(m / 1440);
  if (d) return t('left.dh', { d, h: Math.floor((m % 1440) / 60) });
  return m >= 60 ? t('left.hm', { h: Math.floor(m / 60), m: m % 60 }) : t('left.m', { m });
}

export class Notes {
  /** Lines go into `host`; hooks: painter (closed after the deadline),
   *  toast(msg), onDeadline() when it passes on this page's clock. */
  constructor(host, hooks) {
    this.hooks = hooks;
    const line = (id, cls) => h('p', { id, class: cls, hidden: true });
    host.replaceChildren(line('deadline-line', 'notice deadline-line'), line('waiting-line', 'meta waiting-line'),
      line('private-line', 'meta private-line'));
    $('#deadline-line').setAttribute('role', 'status');
    $('#waiting-line').setAttribute('role', 'status');
    this.timer = null;
    this.waited = null; // how many the page last saw waiting (for "everyone answered")
  }

  render(v, { admin, lang, me }) {
    this.v = v;
    this.renderDeadline(v, lang);
    const locked = deadlinePassed(v);
    this.hooks.painter.setLocked(locked);
    const note = $('#locked-note');
    note.hidden = !locked || !me;
    note.textContent = t('deadline.locked');
    this.renderWaiting(v, admin);
    const priv = $('#private-line');
    priv.hidden = !v.private;
    priv.textContent = v.private ? t(admin ? 'private.admin' : 'private.note') : '';
  }

  renderDeadline(v, lang) {
    const el = $('#deadline-line');
    clearTimeout(this.timer);
    el.hidden = !v.deadline;
    if (!v.deadline) return;
    const at = Date.parse(v.deadline);
    const when = new Intl.DateTimeFormat(lang, { month: 'short', day: 'numeric', weekday: 'short', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' }).format(at);
    const passed = deadlinePassed(v);
    el.dataset.state = passed ? 'closed' : 'open';
    el.textContent = passed ? t('deadline.closed') : `${t('deadline.left', { left: leftText(at) })} ${t('deadline.at', { when })}`;
    if (passed) return;
    // Next minute (or the deadline itself): the countdown moves on, and
    // at the deadline the page closes painting without waiting for the server.
    const next = Math.min(at - Date.now(), 60000 - (Date.now() % 60000) + 50);
    this.timer = setTimeout(() => {
      if (deadlinePassed(this.v)) this.hooks.onDeadline();
      else this.renderDeadline(this.v, lang);
    }, Math.max(50, next));
  }

  renderWaiting(v, admin) {
    const el = $('#waiting-line');
    const waiting = v.waiting;
    const expected = Array.isArray(v.expected) ? v.expected.length : 0;
    const n = Array.isArray(waiting) ? waiting.length : Number(waiting) || 0;
    el.hidden = !admin || (!n && !expected);
    if (el.hidden) { this.waited = null; return; }
    const text = n
      ? (Array.isArray(waiting) ? t('waiting.names', { n, names: waiting.join(', ') }) : t('waiting.count', { n }))
      : t('waiting.done');
    el.dataset.state = n ? 'waiting' : 'done';
    el.replaceChildren(h('span', { text }));
    if (n && typeof Notification !== 'undefined' && Notification.permission === 'default') {
      // Asked only when the organiser taps (a browser refuses to ask otherwise).
      el.append(' ', h('button', {
        type: 'button', class: 'btn small ghost notify',
        onclick: async () => {
          const r = await Notification.requestPermission().catch(() => 'denied');
          this.hooks.toast(t(r === 'granted' ? 'tools.notifyOn' : 'tools.notifyDenied'));
          this.renderWaiting(this.v, admin);
        },
      }, t('tools.notify')));
    }
    if (!n && this.waited > 0) this.notify(v);
    this.waited = n;
  }

  notify(v) {
    if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
    try {
      new Notification(t('waiting.done'), { body: t('waiting.doneBody', { title: v.title }), tag: `eb-done-${v.id}` });
    } catch { /* some browsers allow notifications only from a service worker */ }
  }

  /** Why the organiser's filter (who must come, how many) leaves no best
   *  time, from the view's `best_filtered`, or null. */
  whyEmpty(v) {
    const f = v.best_filtered;
    if (!f || v.best.length) return null;
    const names = new Map(v.participants.map((p) => [p.id, p.name]));
    const away = Array.isArray(f.unreachable) ? f.unreachable.map((id) => names.get(id)).filter(Boolean) : [];
    if (away.length) return t('why.required', { name: away.join(', ') });
    if (v.min_people && f.most_people < v.min_people) return t('why.min', { n: v.min_people });
    return t('why.requiredAll');
  }
}
