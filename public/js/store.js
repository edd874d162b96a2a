// What the browser remembers between visits (localStorage): the language,
// the participant's token per appointment, the organiser's admin token, and
// availability changes not yet saved.

const get = (key) => {
  try { return JSON.parse(localStorage.getItem(key)); } catch { return null; }
};
const put = (key, value) => {
  try {
    if (value == null) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(value));
  } catch { /* private mode or full: the page still works for this visit */ }
};

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
  forget(id) {
    const me = this.me(id);
    if (me) this.setQueue(id, me.pid, null);
    put(`eb:p:${id}`, null);
    put(`eb:a:${id}`, null);
  },
};
