// Live updates: a WebSocket on /api/appointments/{id}/live tells us that
// something changed, and the caller re-fetches the view (with If-None-Match,
// so that is cheap). After a drop it reconnects with exponential backoff;
// while no socket is open, it polls every few seconds instead.
import { api } from './api.js';

const POLL_MS = 4000;
const MAX_BACKOFF_MS = 30000;

/** onChange() is called whenever the view may have changed; onStatus(state)
 *  with 'connecting' | 'live' | 'polling'. Returns {stop}. */
export function connectLive(id, { onChange, onStatus }) {
  let ws = null;
  let attempts = 0;
  let retry = null;
  let poll = null;
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

  const open = () => {
    clearTimeout(retry);
    retry = null;
    if (stopped || ws) return;
    if (!poll) onStatus('connecting');
    let opened = false;
    try {
      ws = new WebSocket(api.liveUrl(id));
    } catch {
      ws = null;
      startPolling();
      schedule();
      return;
    }
    ws.onopen = () => {
      opened = true;
      attempts = 0;
      stopPolling();
      onStatus('live');
      onChange(); // catch up on anything missed while disconnected
    };
    ws.onmessage = (e) => {
      let msg = null;
      try { msg = JSON.parse(e.data); } catch { /* ignore */ }
      if (msg?.type === 'update') onChange(msg.version);
    };
    ws.onclose = () => {
      ws = null;
      if (stopped) return;
      if (opened) onChange();
      startPolling();
      schedule();
    };
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
      if (ws) ws.close(1000);
    },
  };
}
