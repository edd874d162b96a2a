// The HTTP API client: one function per endpoint of /api, errors as
// ApiError, and the one rule every retry waits by (backoff).

export class ApiError extends Error {
  constructor(status, code, message, field, retryAfter) {
    super(message);
    this.status = status; // 0 when the request never got an answer
    this.code = code;
    this.field = field;
    this.retryAfter = retryAfter;
  }
  /** Worth retrying later: offline, a server error or rate limiting. */
  get transient() {
    return this.status === 0 || this.status >= 500 || this.status === 429 || this.status === 408;
  }
}

/**
 * How long to wait before retry number `attempt` (0 for the first):
 * exponential from about 1 s to 30 s, with jitter so that a room of phones
 * that lost the network together does not come back together, and never
 * sooner than the server's Retry-After (`error.retryAfter`, seconds).
 */
export function backoff(attempt, error) {
  const ceiling = Math.min(30000, 1000 * 2 ** Math.min(attempt, 5));
  const wait = ceiling * (0.5 + Math.random() / 2);
  return Math.max(wait, (Number(error?.retryAfter) || 0) * 1000);
}

// Offline: while the browser says it has no network, nothing is sent but
// one probe at a time (GET /api/health, spaced by backoff), because some
// devices say so while they are not. A probe that gets an answer ends the
// offline spell as the browser's 'online' event does: both call the
// functions given to whenBack().
let probedBack = false;
let probe = null;
let probes = 0;
const backs = [];

/** Whether the page is offline: then nothing is sent. */
export const offline = () => navigator.onLine === false && !probedBack;

/** f() when the network is back: the browser's 'online' event or a probe that got through. */
export function whenBack(f) { backs.push(f); }

function back() {
  clearTimeout(probe);
  probe = null;
  probes = 0;
  for (const f of backs) f();
}

function probeLater() {
  if (probe || !offline()) return;
  probe = setTimeout(async () => {
    let ok = false;
    try { ok = (await fetch('/api/health', { cache: 'no-store' })).ok; } catch { /* still offline */ }
    probe = null;
    if (ok && navigator.onLine === false) { probedBack = true; back(); } else probeLater();
  }, backoff(probes++));
}

addEventListener('online', () => { probedBack = false; back(); });
addEventListener('offline', () => { probedBack = false; probeLater(); });
if (offline()) probeLater();

let onReach = () => {};
/** f(reached) after every request: whether the server could be reached at all. */
export function watchReach(f) { onReach = f; }

async function call(method, path, { body, token, etag } = {}) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  if (etag) headers['If-None-Match'] = etag;
  let res;
  try {
    res = await fetch(path, {
      method, headers, cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    if (probedBack) { probedBack = false; probeLater(); }
    onReach(false);
    throw new ApiError(0, 'network', String(e?.message ?? e));
  }
  onReach(true);
  if (res.status === 304) return { status: 304, etag };
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  if (!res.ok) {
    const e = data?.error ?? {};
    throw new ApiError(res.status, e.code ?? `http_${res.status}`, e.message ?? res.statusText,
      e.field, Number(res.headers.get('Retry-After')) || 0);
  }
  return { status: res.status, data, etag: res.headers.get('ETag') };
}

const base = (id) => `/api/appointments/${encodeURIComponent(id)}`;

export const api = {
  create: (body) => call('POST', '/api/appointments', { body }),
  /** `token`: the organiser's, or the participant's own (a private appointment shows them their answers). */
  view: (id, { etag, minSlots, token } = {}) =>
    call('GET', base(id) + (minSlots > 1 ? `?min_slots=${minSlots}` : ''), { etag, token }),
  join: (id, name, password) =>
    call('POST', `${base(id)}/participants`, { body: password ? { name, password } : { name } }),
  /** `layout`: the view's grid the changes were painted on (409 schedule_changed when it is no longer). */
  paint: (id, pid, token, changes, layout) =>
    call('PATCH', `${base(id)}/participants/${encodeURIComponent(pid)}/availability`,
      { body: layout ? { changes, layout } : { changes }, token }),
  removeParticipant: (id, pid, token) =>
    call('DELETE', `${base(id)}/participants/${encodeURIComponent(pid)}`, { token }),
  update: (id, token, patch) => call('PATCH', base(id), { body: patch, token }),
  /** What `patch` would do, stored nowhere: {kept, cleared, losing, final_kept, slots}. */
  dryRun: (id, token, patch) => call('PATCH', `${base(id)}?dry_run=1`, { body: patch, token }),
  remove: (id, token) => call('DELETE', base(id), { token }),
  qrUrl: (id) => `${base(id)}/qr.svg`,
  icsUrl: (id) => `${base(id)}/calendar.ics`,
  /** The file of everyone's answers, its words in Korean for a Korean page. */
  csvUrl: (id, lang) => `${base(id)}/availability.csv${lang === 'ko' ? '?lang=ko' : ''}`,
  liveUrl: (id) => `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${base(id)}/live`,
};
