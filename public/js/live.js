// Live updates: a WebSocket on /api/appointments/{id}/live tells us that
// something changed, and the caller re-fetches the view (with If-None-Match,
// so that is cheap). After a drop it reconnects with exponential backoff;
// while no socket is open, it polls every few seconds instead. A socket can
// die without closing (a phone changing networks, a laptop waking up), so
// it is pinged now and then, and one that stops answering counts as gone.
import { api } from './api.js';

const POLL_MS = 4000;
const MAX_BACKOFF_MS = 30000;
const PING_MS = 25000;
const PONG_MS = 8000;

/** onChange() is called whenever the view may have changed; onStatus(state)
 *  with 'connecting' | 'live' | 'polling'; onAlive() whenever the server
 *  answered over the socket. Returns {stop}. */
export function connectLive(id, { onChange, onStatus, onAlive }) {
  let ws = null;
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
      if (msg?.type === 'update' || msg?.type === 'view' || msg?.type === 'deleted') onChange(msg.version);
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
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) {
      onChange();
      if (!ws) { attempts = 0; open(); }
    }
  });
  open();

  return {
    stop() {
      stopped = true;
      clearTimeout(retry);
      stopPolling();
      quiet();
      if (ws) ws.close(1000);
    },
  };
}
