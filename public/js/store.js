// What the browser remembers between visits (localStorage): the language,
// the participant's token per appointment, the organiser's admin token,
// availability changes not yet saved, and the list of appointments this
// browser made or joined ("my appointments" on the home page).

const get = (key) => {
  try { return JSON.parse(localStorage.getItem(key)); } catch { return null; }
};
const put = (key, value) => {
  try {
    if (value == null) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(value));
  } catch { /* private mode or full: the page still works for this visit */ }
};

const LIST = 'eb:list';
const MAX_LISTED = 50;

export const store = {
  lang: () => get('eb:lang'),
  setLang: (v) => put('eb:lang', v),
  /** {pid, token, name} of the participant signed in on this appointment. */
  me: (id) => get(`eb:p:${id}`),
  setMe: (id, v) => put(`eb:p:${id}`, v),
  admin: (id) => get(`eb:a:${id}`),
  setAdmin: (id, v) => put(`eb:a:${id}`, v),
  /** Availability changes waiting to be saved, oldest first. */
  queue: (id, pid) => get(`eb:q:${id}:${pid}`) ?? [],
  setQueue: (id, pid, v) => put(`eb:q:${id}:${pid}`, v && v.length ? v : null),

  /** Appointments made or joined here, last opened first:
   *  [{id, title, dates: [first, last, n] | null, weekdays, final, at}]. */
  list() {
    const all = get(LIST);
    return Array.isArray(all) ? all.filter((e) => e && typeof e.id === 'string') : [];
  },
  /** Adds or refreshes an appointment in the list (moving it to the top). */
  remember(id, info) {
    const rest = this.list().filter((e) => e.id !== id);
    const old = this.list().find((e) => e.id === id);
    const entry = { id, ...info };
    const same = old && JSON.stringify({ ...old, at: 0 }) === JSON.stringify({ ...entry, at: 0 });
    if (same && this.list()[0]?.id === id) return;
    put(LIST, [{ ...entry, at: Date.now() }, ...rest].slice(0, MAX_LISTED));
  },
  /** Forgets everything about an appointment: tokens, queued changes, the list entry. */
  forget(id) {
    const me = this.me(id);
    if (me) this.setQueue(id, me.pid, null);
    put(`eb:p:${id}`, null);
    put(`eb:a:${id}`, null);
    const rest = this.list().filter((e) => e.id !== id);
    put(LIST, rest.length ? rest : null);
  },
};
