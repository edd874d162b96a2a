// What an edit of the schedule keeps is the server's to say: the page sends
// the edit as a dry run (`PATCH …?dry_run=1`), which the server answers by
// the same rules as the real edit, storing nothing. This file only decides
// what to send and when to ask.

/** The fields of `schedule` that differ from the view's: the body of the PATCH. */
export function changedFields(view, schedule) {
  const body = {};
  const same = (x, y) => JSON.stringify(x) === JSON.stringify(y);
  if (schedule.dates && !same(view.dates, [...schedule.dates].sort())) body.dates = [...schedule.dates].sort();
  if (schedule.weekdays && !same(view.weekdays, schedule.weekdays)) body.weekdays = schedule.weekdays;
  for (const k of ['start', 'end', 'slot_minutes', 'timezone']) if (schedule[k] !== view[k]) body[k] = schedule[k];
  return body;
}

/**
 * Asks the server what an edit would keep while the organiser edits the
 * form: after a pause in the changes (`delay` ms), one request at a time,
 * and only the newest edit's answer counts. `ask(body)` sends the dry run;
 * `onNote(check)` is told when `check.answer` ({kept, cleared, losing,
 * final_kept, slots}) or `check.error` (offline, refused) is in for the
 * newest edit.
 */
export class KeptCheck {
  constructor(ask, onNote, delay = 300) {
    Object.assign(this, { ask, onNote, delay, key: null, answer: null, error: null, inFlight: null, again: false });
  }

  /** The edit is now `body` on the appointment at `version`: ask again after a pause. */
  want(body, version) {
    const key = JSON.stringify([body, version]);
    if (key === this.key) return;
    Object.assign(this, { key, body, answer: null, error: null });
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.run(), this.delay);
  }

  /** Whether the newest edit's answer (or failure) is in. */
  get settled() {
    return !!(this.answer || this.error);
  }

  run() {
    clearTimeout(this.timer);
    if (this.inFlight) {
      this.again = true;
      return this.inFlight;
    }
    const key = this.key;
    this.inFlight = this.ask(this.body).then(
      (answer) => { if (key === this.key) this.answer = answer; },
      (error) => { if (key === this.key) this.error = error; },
    ).finally(() => {
      this.inFlight = null;
      if (key === this.key) this.onNote(this);
      else if (this.again) this.run();
      this.again = false;
    });
    return this.inFlight;
  }

  /** The answer for `body` at `version`, asked now unless it is in (a failure is asked again); null when it cannot be had. */
  async settle(body, version) {
    this.want(body, version);
    this.error = null;
    while (!this.settled) await (this.inFlight || this.run());
    return this.answer;
  }
}
