// The page's copy of the view, moved on by what the server says: an
// `update` push (changed participants, removed ids, and the group's
// counts and best times, which the server computes: the page never does)
// and the painter's own saved participant. Pure functions of plain data.

/** The view after `push`, or null when the push does not follow `view`
 *  (another `since`, or no counts): a gap, and the page fetches the view.
 *  `best` is left as it was when the push leaves it out (unchanged) or
 *  when `keepBest` (the page shows a minimum length the push is not for). */
export function applyPush(view, push, { keepBest = false } = {}) {
  if (!view || push.since !== view.version || !push.counts) return null;
  const removed = new Set(push.removed ?? []);
  const people = view.participants.filter((p) => !removed.has(p.id));
  const at = new Map(people.map((p, i) => [p.id, i]));
  for (const p of push.participants ?? []) {
    if (at.has(p.id)) people[at.get(p.id)] = p;
    else at.set(p.id, people.push(p) - 1);
  }
  const best = !keepBest && push.best ? push.best : view.best;
  return { ...view, participants: people, counts: push.counts, best, version: push.version };
}

/** The view with participant `p` as saved (an `ack` or the update's
 *  answer), or null when `p` is not in it (a newcomer comes with the push). */
export function withParticipant(view, p) {
  const i = p && view ? view.participants.findIndex((q) => q.id === p.id) : -1;
  if (i < 0) return null;
  const participants = view.participants.slice();
  participants[i] = p;
  return { ...view, participants };
}
