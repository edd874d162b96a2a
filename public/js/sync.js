// Keeps the page's copy of the view current. The view is fetched when the
// page opens, on a `view` message, after a gap (a hello newer than the
// copy, a push whose `since` is not its version), while polling without a
// socket, and when the minimum length of the best times changes: never
// once per push. Pushes and the painter's own saves are applied to the
// copy (push.js). A failed fetch is retried after a backoff; offline, it
// waits for the network. The page (app.js) draws what the copy says.
import { api, ApiError, backoff, offline, whenBack } from './api.js';
import { store } from './store.js';
import { connectLive } from './live.js';
import { applyPush, withParticipant } from './push.js';

/** For appointment `id`, with the page's `state` (its copy is
 *  `state.view`): hooks.apply(view) takes a newer copy, hooks.gone(deleted)
 *  and hooks.failed() say the view cannot be had, hooks.render() redraws
 *  after the painter's own save, hooks.renderLive() and hooks.reached(ok)
 *  tell the live indicator. Returns {refresh, applyOwn, startLive}. */
export function syncView(id, state, hooks) {
  const fetching = { attempt: 0, timer: null };
  async function refresh() {
    if (state.gone || fetching.timer) return;
    if (state.loading) { state.again = true; return; }
    if (state.view && offline()) return; // the 'online' event fetches
    state.loading = true;
    try {
      // Sent with a token: a private appointment shows the organiser
      // everything, and a participant their own answers.
      const token = store.admin(id) ?? state.me?.token;
      const r = await api.view(id, { etag: state.etag, minSlots: state.minSlots, token });
      fetching.attempt = 0;
      if (r.status === 200) { hooks.apply(r.data); state.etag = r.etag; }
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (err.status === 404) hooks.gone(false);
      else if (!state.view) hooks.failed();
      else if (err.transient) {
        fetching.timer = setTimeout(() => { fetching.timer = null; refresh(); }, backoff(fetching.attempt++, err));
      }
    } finally {
      state.loading = false;
      if (state.again) { state.again = false; refresh(); }
    }
  }
  whenBack(() => { clearTimeout(fetching.timer); fetching.timer = null; fetching.attempt = 0; refresh(); });

  /** An `update` push (push.js); a push that does not follow the copy is a gap: fetch. */
  function onUpdate(push) {
    const started = performance.now();
    // The push carries the best times of any length; a longer minimum is
    // the server's to filter: fetched at most every few seconds.
    const next = applyPush(state.view, push, { keepBest: state.minSlots > 1 });
    if (!next) { refresh(); return; }
    if (state.minSlots > 1) bestLater();
    // Who is awaited, and why no best time is left, come with the view only.
    const v = state.view;
    if ((v.waiting != null && (push.removed?.length || push.participants?.some((p) => !v.participants.some((q) => q.id === p.id))))
      || (!next.best.length && (v.required?.length || v.min_people))) bestLater(0);
    hooks.apply(next);
    // What applying a push costs on this device: a user timing (only the
    // latest is kept; a PerformanceObserver sees each).
    performance.clearMeasures('live:apply');
    performance.measure('live:apply', { start: started });
  }

  /** Refetches the view with the chosen minimum length, at most once in
   *  BEST_MS while pushes come in. */
  const BEST_MS = 5000;
  let bestTimer = null;
  function bestLater(ms = BEST_MS) {
    bestTimer ??= setTimeout(() => { bestTimer = null; refresh(); }, ms);
  }

  /** The painter's own participant as the server saved it (an `ack` or the
   *  update's answer); the group's numbers come with the push. */
  function applyOwn(p) {
    const next = withParticipant(state.view, p);
    if (!next) return;
    state.view = next;
    hooks.render();
  }

  /** Opens the live socket (live.js), once the first view is in. */
  function startLive() {
    state.live = connectLive(id, {
      // A hello at a version already shown needs no fetch.
      onHello: (version) => { if (!(version <= state.view?.version)) refresh(); },
      onUpdate,
      onView: () => refresh(),
      onPoll: () => refresh(),
      onStatus: (s) => { state.socket = s; hooks.renderLive(); },
      onAlive: () => hooks.reached(true),
      adminToken: () => store.admin(id),
    });
  }

  return { refresh, applyOwn, startLive };
}
