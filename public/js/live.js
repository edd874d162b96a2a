// Live updates: a WebSocket on /api/appointments/{id}/live tells us that
// something changed, and the caller re-fetches the view (with If-None-Match,
// so that is cheap). After a drop it reconnects with exponential backoff;
// while no socket is open, it polls every few seconds instead. A socket can
// die without closing (a phone changing networks, a laptop waking up), so
// it is pinged now and then, and one that stops answering counts as gone.
// While it is open, a signed-in participant's changes travel over it too
// (`auth` once, then `update` frames answered by `ack` or `error`).
import { api, ApiError } from './api.js';

const POLL_MS = 4000;
const MAX_BACKOFF_MS = 30000;
const PING_MS = 25000;
const PONG_MS = 8000;
const ACK_MS = 10000;

// The HTTP status an error code of the socket stands for, so a change
// refused over the socket is handled like one refused over HTTP.
const STATUS = {
  unauthorized: 401, forbidden: 403, not_found: 404, appointment_closed: 409,
  too_many_attempts: 429, internal_error: 500,
};

/** onChange(version?) is called whenever the view may have changed;
 *  onStatus(state) with 'connecting' | 'live' | 'polling'; onAlive()
 *  whenever the server answered over the socket. Returns {stop, paint}. */
export function connectLive(id, { onChange, onStatus, onAlive }) {
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
    poll = setInterval(() => { if (!document.hidden) onChange(); }, POLL_MS);
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
  const lost = (socket, opened) => {
    if (ws !== socket) return;
    ws = null;
    live = false;
    authed = null;
    dropAll();
    quiet();
    socket.onopen = socket.onmessage = socket.onclose = null;
    try { socket.close(); } catch { /* already closed */ }
    if (stopped) return;
    if (opened) onChange();
    startPolling();
    schedule();
  };

  const open = () => {
    clearTimeout(retry);
    retry = null;
    if (stopped || ws) return;
    if (!poll) onStatus('connecting');
    let opened = false;
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
      opened = true;
      live = true;
      attempts = 0;
      stopPolling();
      onStatus('live');
      onAlive?.();
      onChange(); // catch up on anything missed while disconnected
      beat = setInterval(() => {
        if (document.hidden || silence) return;
        try { socket.send('ping'); } catch { /* closing: onclose follows */ }
        silence = setTimeout(() => lost(socket, true), PONG_MS);
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
        settle(msg.seq, (w) => w.reject(new ApiError(STATUS[err.code] ?? 400, err.code, err.message, err.field, 0)));
      } else if (type === 'hello' || type === 'update' || type === 'view' || type === 'deleted') {
        onChange(msg.version);
      }
    };
    socket.onclose = () => lost(socket, opened);
  };

  const schedule = () => {
    if (retry || stopped) return;
    const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** attempts) * (0.75 + Math.random() / 2);
    attempts++;
    retry = setTimeout(open, delay);
  };

  addEventListener('online', () => { attempts = 0; open(); });
  // A phone that lost its network has lost the socket too, whatever the
  // socket says yet: changes in flight go back to the queue.
  addEventListener('offline', () => { if (ws) lost(ws, false); });
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) {
      onChange();
      if (!ws) { attempts = 0; open(); }
    }
  });
  open();

  return {
    /** Sends a change of `pid` over the socket: a promise like api.paint's,
     *  or null when the socket is not open (send it over HTTP then). */
    paint(pid, token, changes) {
      if (!ws || !live || ws.readyState !== WebSocket.OPEN || !navigator.onLine) return null;
      const socket = ws;
      try {
        if (authed !== token) {
          socket.send(JSON.stringify({ type: 'auth', token }));
          authed = token;
        }
        const n = ++seq;
        socket.send(JSON.stringify({ type: 'update', seq: n, participant: pid, changes }));
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
