// Live updates: a WebSocket on /api/appointments/{id}/live. The page
// applies what arrives (app.js): an `update` push whose `since` is the
// page's version changes its copy of the view, with no fetch; a `view`
// message, a gap, or a hello newer than its copy make it fetch the view.
// After a drop it reconnects with backoff (api.js); while no socket is
// open it polls the view every few seconds instead; while the browser is
// offline it sends nothing, and reconnects when the network is back. A
// socket can die without closing (a phone changing networks, a laptop
// waking up), so it is pinged now and then (the server's runtime answers
// without waking the appointment), and one that stops answering counts as
// gone. While it is open, a signed-in participant's changes travel over
// it too (`auth` once, then `update` frames answered by `ack` or `error`).
import { api, ApiError, backoff, offline, whenBack } from './api.js';

const POLL_MS = 4000;
const PING_MS = 25000;
const PONG_MS = 8000;
const ACK_MS = 10000;


/** onHello(version) when a socket opens; onUpdate(push) for each `update`
 *  push; onView() when the view must be fetched (a `view` or `deleted`
 *  message) and onPoll() when it may have changed while no socket is open;
 *  onStatus(state) with 'connecting' | 'live' | 'polling'; onAlive()
 *  whenever the server answered over the socket; adminToken() the
 *  organiser's token, if this page has it. Returns {stop, paint}. */
export function connectLive(id, { onHello, onUpdate, onView, onPoll, onStatus, onAlive, adminToken }) {
  let ws = null;
  let live = false; // ws is open
  let authed = null; // the token this socket paints with
  let seq = 0;
  const waiting = new Map(); // seq → {resolve, reject, timer}

  const settle = (n, f) => {
    const w = waiting.get(n);
    if (!w) return;
    waiting.delete(n);
    clearTimeout(w.timer);
    f(w);
  };
  /** Changes in flight fail as if the network had (they are retried). */
  const dropAll = () => {
    for (const n of [...waiting.keys()]) {
      settle(n, (w) => w.reject(new ApiError(0, 'network', 'the live connection closed')));
    }
  };
  let attempts = 0;
  let retry = null;
  let poll = null;
  let beat = null;
  let silence = null;
  let stopped = false;

  const startPolling = () => {
    if (poll || stopped) return;
    onStatus('polling');
    poll = setInterval(() => { if (!document.hidden && !offline()) onPoll(); }, POLL_MS);
  };
  const stopPolling = () => {
    clearInterval(poll);
    poll = null;
  };
  const quiet = () => {
    clearInterval(beat);
    clearTimeout(silence);
    beat = null;
    silence = null;
  };

  /** The socket is gone (closed, or silent): poll and try again later. */
  const lost = (socket) => {
    if (ws !== socket) return;
    ws = null;
    live = false;
    authed = null;
    dropAll();
    quiet();
    socket.onopen = socket.onmessage = socket.onclose = null;
    try { socket.close(); } catch { /* already closed */ }
    if (stopped) return;
    startPolling();
    schedule();
  };

  const open = () => {
    clearTimeout(retry);
    retry = null;
    if (stopped || ws || offline()) return;
    if (!poll) onStatus('connecting');
    let socket;
    try {
      socket = new WebSocket(api.liveUrl(id));
    } catch {
      startPolling();
      schedule();
      return;
    }
    ws = socket;
    socket.onopen = () => {
      live = true;
      attempts = 0;
      stopPolling();
      onStatus('live');
      onAlive?.();
      // The organiser's socket says so: in a private appointment only
      // theirs hears names.
      const admin = adminToken?.();
      if (admin) {
        try { socket.send(JSON.stringify({ type: 'auth', token: admin })); authed = admin; } catch { /* closing */ }
      }
      beat = setInterval(() => {
        if (document.hidden || silence) return;
        try { socket.send('ping'); } catch { /* closing: onclose follows */ }
        silence = setTimeout(() => lost(socket), PONG_MS);
      }, PING_MS);
    };
    socket.onmessage = (e) => {
      clearTimeout(silence);
      silence = null;
      onAlive?.();
      let msg = null;
      try { msg = JSON.parse(e.data); } catch { /* "pong" */ }
      const type = msg?.type;
      if (type === 'ack') {
        settle(msg.seq, (w) => w.resolve({ status: 200, data: { participant: msg.participant, version: msg.version } }));
      } else if (type === 'error') {
        const err = msg.error ?? {};
        if (msg.seq === undefined) return; // a refused auth: the update after it says why
        // The frame carries the HTTP status of its code: a change refused
        // over the socket is handled like one refused over HTTP.
        settle(msg.seq, (w) => w.reject(new ApiError(msg.status ?? 400, err.code, err.message, err.field, 0)));
      } else if (type === 'hello') {
        onHello(msg.version); // catches up on anything missed while disconnected
      } else if (type === 'update') {
        onUpdate(msg);
      } else if (type === 'view' || type === 'deleted') {
        onView();
      }
    };
    socket.onclose = () => lost(socket);
  };

  /** The next attempt to connect, after a backoff; none while offline
   *  (the 'online' event brings it). */
  const schedule = () => {
    if (retry || stopped || offline()) return;
    retry = setTimeout(open, backoff(attempts++));
  };

  whenBack(() => { attempts = 0; open(); });
  // A phone that lost its network has lost the socket too, whatever the
  // socket says yet: changes in flight go back to the queue.
  addEventListener('offline', () => { if (ws) lost(ws); });
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && !ws && !offline()) {
      onPoll();
      attempts = 0;
      open();
    }
  });
  open();

  return {
    /** Sends a change of `pid` over the socket: a promise like api.paint's,
     *  or null when the socket is not open (send it over HTTP then). */
    paint(pid, token, changes, layout) {
      if (!ws || !live || ws.readyState !== WebSocket.OPEN || offline()) return null;
      const socket = ws;
      try {
        if (authed !== token) {
          socket.send(JSON.stringify({ type: 'auth', token }));
          authed = token;
        }
        const n = ++seq;
        socket.send(JSON.stringify({ type: 'update', seq: n, participant: pid, changes, ...(layout ? { layout } : {}) }));
        return new Promise((resolve, reject) => {
          const timer = setTimeout(() => settle(n, (w) => w.reject(new ApiError(0, 'timeout', 'no answer over the live connection'))), ACK_MS);
          waiting.set(n, { resolve, reject, timer });
        });
      } catch {
        return null;
      }
    },
    stop() {
      stopped = true;
      dropAll();
      clearTimeout(retry);
      stopPolling();
      quiet();
      if (ws) ws.close(1000);
    },
  };
}
