// The organiser's tools for who answers (in the organiser's card, loaded
// when it is shown): the expected names, a deadline, who must come and a
// quorum (which filter the best times), and private answers. Each is one
// PATCH of the appointment (Admin.call), and the view it answers is shown.
import { t, addStrings } from './i18n.js';
import * as words from './strings-tools.js';
import { api } from './api.js';
import { wallAt, instantAt, hhmm, toMin, zoneLabel } from './time.js';
import { h } from './ui.js';

addStrings(words);
document.head.append(h('link', { rel: 'stylesheet', href: new URL('../tools.css', import.meta.url).href }));

export const MAX_EXPECTED = 200;

/** The names in what the organiser typed: one per line or comma-separated, each once. */
export function parseNames(text) {
  const seen = new Set();
  const out = [];
  for (const raw of text.split(/[\n,，、]/)) {
    const name = raw.trim();
    const key = name.normalize('NFC').toLowerCase();
    if (name && !seen.has(key)) { seen.add(key); out.push(name); }
  }
  return out;
}

export class OrganiserTools {
  /** admin: the Admin (its id, token and call()). */
  constructor(host, admin) {
    this.admin = admin;
    const id = (k) => `tools-${k}`;
    this.expected = h('textarea', { id: id('expected'), rows: 3, 'aria-describedby': `${id('expected-hint')} ${id('expected-err')}` });
    this.expectedErr = h('p', { class: 'error', id: id('expected-err'), hidden: true });
    this.date = h('input', { type: 'date', id: id('date'), 'aria-describedby': id('zone') });
    this.time = h('input', { type: 'time', id: id('time'), step: 60, 'aria-describedby': id('zone'), 'aria-label': t('tools.deadline') });
    this.zone = h('p', { class: 'hint', id: id('zone') });
    this.deadlineErr = h('p', { class: 'error', id: id('deadline-err'), hidden: true });
    this.clear = h('button', { type: 'button', class: 'btn', onclick: () => this.saveDeadline(null) }, t('tools.deadlineClear'));
    this.min = h('input', { type: 'number', id: id('min'), min: 1, max: 1000, inputmode: 'numeric', class: 'num', 'aria-describedby': id('min-hint') });
    this.private = h('input', { type: 'checkbox', role: 'switch', id: id('private'), 'aria-describedby': id('private-hint'),
      onchange: () => this.setPrivate(this.private.checked) });
    this.people = h('ul', { class: 'required-list', id: id('required') });
    const section = (...kids) => h('div', { class: 'field' }, ...kids);
    host.replaceChildren(h('h3', { class: 'tools-title', text: t('tools.title') }),
      h('form', { class: 'field', onsubmit: (e) => { e.preventDefault(); this.saveExpected(); } },
        h('label', { for: id('expected'), text: t('tools.expected') }),
        h('p', { class: 'hint', id: id('expected-hint'), text: t('tools.expectedHint') }),
        this.expected, this.expectedErr,
        h('button', { type: 'submit', class: 'btn' }, t('tools.save'))),
      h('form', { class: 'field', onsubmit: (e) => { e.preventDefault(); this.saveDeadline(this.deadlineValue()); } },
        h('label', { for: id('date'), text: t('tools.deadline') }),
        h('div', { class: 'deadline-row' }, this.date, this.time),
        this.zone, this.deadlineErr,
        h('div', { class: 'row' }, h('button', { type: 'submit', class: 'btn' }, t('tools.deadlineSet')), this.clear)),
      section(h('h4', { text: t('tools.required') }),
        h('p', { class: 'hint', text: t('tools.requiredHint') }), this.people),
      h('form', { class: 'field', onsubmit: (e) => { e.preventDefault(); this.saveMin(); } },
        h('label', { for: id('min'), text: t('tools.minPeople') }),
        h('p', { class: 'hint', id: id('min-hint'), text: t('tools.minPeopleHint') }),
        h('div', { class: 'copyrow' }, this.min, h('button', { type: 'submit', class: 'btn' }, t('tools.save')))),
      h('div', { class: 'switch-row' },
        h('label', { class: 'switch' }, this.private, h('span', { class: 'track', 'aria-hidden': 'true' }), h('span', { text: t('tools.private') })),
        h('p', { class: 'hint', id: id('private-hint'), text: t('tools.privateHint') })));
    this.dirty = new Set();
    for (const [k, el] of [['expected', this.expected], ['deadline', this.date], ['deadline', this.time], ['min', this.min]]) {
      el.addEventListener('input', () => this.dirty.add(k));
    }
  }

  /** Shows the view's settings (leaving alone what the organiser is typing). */
  render(v) {
    this.v = v;
    if (!this.dirty.has('expected')) this.expected.value = (v.expected ?? []).join('\n');
    this.zone.textContent = t('tools.deadlineZone', { zone: zoneLabel(v.timezone) });
    if (!this.dirty.has('deadline')) {
      const w = v.deadline ? wallAt(Date.parse(v.deadline), v.timezone) : null;
      this.date.value = w?.date ?? '';
      this.time.value = w ? hhmm(w.min) : '';
    }
    this.clear.hidden = !v.deadline;
    if (!this.dirty.has('min')) this.min.value = v.min_people ?? '';
    if (!this.switching) this.private.checked = !!v.private;
    const required = this.want ?? new Set(v.required ?? []);
    // The toggle that had the focus keeps it in the new list.
    const focused = this.people.contains(document.activeElement) ? document.activeElement.dataset.id : null;
    this.people.replaceChildren(...(v.participants.length ? v.participants.map((p) => h('li', {},
      h('button', {
        type: 'button', class: 'chip required-toggle', 'aria-pressed': String(required.has(p.id)), dataset: { id: p.id },
        onclick: () => this.toggleRequired(p),
      }, h('span', { class: 'mark', 'aria-hidden': 'true', text: required.has(p.id) ? '★' : '☆' }), h('span', { class: 'name', text: p.name }))))
      : [h('li', { class: 'muted', text: t('tools.requiredNobody') })]));
    if (focused) [...this.people.querySelectorAll('button')].find((b) => b.dataset.id === focused)?.focus();
  }

  patch(body, msg) {
    return this.admin.call(() => api.update(this.admin.id, this.admin.token, body), msg);
  }

  async saveExpected() {
    const names = parseNames(this.expected.value);
    this.expectedErr.hidden = names.length <= MAX_EXPECTED;
    if (names.length > MAX_EXPECTED) {
      this.expectedErr.textContent = t('tools.expectedTooMany', { n: names.length });
      this.expected.focus();
      return;
    }
    if (await this.patch({ expected: names }, t('tools.expectedSaved'))) this.dirty.delete('expected');
  }

  /** The instant the date and time fields name, in the appointment's zone (RFC 3339), or undefined. */
  deadlineValue() {
    if (!this.date.value || !/^\d\d:\d\d/.test(this.time.value)) return undefined;
    const ms = instantAt(this.date.value, toMin(this.time.value), this.v.timezone)
      // A wall time a clock change skips: the first minute after it.
      ?? instantAt(this.date.value, toMin(this.time.value) + 60, this.v.timezone);
    return ms == null ? undefined : new Date(ms).toISOString().replace('.000Z', 'Z');
  }

  async saveDeadline(value) {
    this.deadlineErr.hidden = value !== undefined;
    if (value === undefined) {
      this.deadlineErr.textContent = t('tools.deadlineBad');
      return;
    }
    if (await this.patch({ deadline: value }, t(value ? 'tools.deadlineSaved' : 'tools.deadlineCleared'))) this.dirty.delete('deadline');
  }

  async saveMin() {
    const n = this.min.value.trim() ? Number(this.min.value) : null;
    if (await this.patch({ min_people: n }, t('tools.minSaved'))) this.dirty.delete('min');
  }

  /** Quick taps add up: each sends the whole set as the page shows it, not as the last view had it. */
  async toggleRequired(p) {
    const want = (this.want ??= new Set(this.v.required ?? []));
    const on = !want.has(p.id);
    if (on) want.add(p.id); else want.delete(p.id);
    this.pending = (this.pending ?? 0) + 1;
    this.render(this.v);
    await this.patch({ required: [...want] }, t(on ? 'tools.requiredOn' : 'tools.requiredOff', { name: p.name }));
    if (!--this.pending) this.want = null;
    this.render(this.v);
  }

  async setPrivate(on) {
    this.switching = true;
    this.private.disabled = true;
    const ok = await this.patch({ private: on }, t(on ? 'tools.privateOn' : 'tools.privateOff'));
    this.switching = false;
    this.private.disabled = false;
    if (!ok) this.private.checked = !on;
  }
}
