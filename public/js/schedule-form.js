// The schedule fields of an appointment — dates (a month calendar) or
// weekdays, the daily time window, the slot size and the time zone — with
// the API's own checks. The create page and the organiser's "edit dates and
// times" both use them; the organiser's copy starts from the current
// schedule.
import { t, getLang, applyStatic } from './i18n.js';
import { Calendar, MAX_DATES } from './calendar.js';
import { browserZone, todayIn, addDays, hhmm, toMin, WEEKDAYS, dayLabels, zoneLabel } from './time.js';
import { h, $, $$ } from './ui.js';

const SLOTS = [10, 15, 30, 60];

/** The form field (error slot) an API error's `field` belongs to. */
export const fieldOf = (apiField) => ({
  title: 'title', dates: 'days', weekdays: 'days', start: 'time', end: 'time',
  slot_minutes: 'slot', timezone: 'tz',
}[apiField] ?? 'form');

/** The zones the browser knows, with `extra` ones (the current zone, UTC) added. */
function zoneList(...extra) {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  for (const z of extra) if (z && !zones.includes(z)) zones.push(z);
  return zones.sort();
}

export class ScheduleForm {
  /**
   * Builds the fields into `root`. `initial`: a schedule to start from
   * ({dates | weekdays, start, end, slot_minutes, timezone}, as in the
   * view); `earliest`: how many days before today a date may be (the API
   * takes yesterday); onChange() after every change.
   */
  constructor(root, { initial = null, earliest = 0, onChange = () => {} } = {}) {
    this.root = root;
    this.earliest = earliest;
    this.onChange = onChange;
    this.capped = false;
    const zone = initial?.timezone ?? browserZone();
    const radio = (name, value, key, checked) => h('label', {},
      h('input', { type: 'radio', name, value, checked }), h('span', { 'data-i18n': key }));
    const weekly = Array.isArray(initial?.weekdays);
    const slot = initial?.slot_minutes ?? 30;
    this.tz = h('select', { id: 'tz', 'aria-describedby': 'tz-now err-tz' },
      zoneList(zone, browserZone(), 'UTC').map((z) => h('option', { value: z, selected: z === zone }, z.replaceAll('_', ' '))));
    this.start = h('select', { id: 'start', 'aria-describedby': 'err-time' });
    this.end = h('select', { id: 'end', 'aria-describedby': 'err-time' });
    const calendar = h('div', { id: 'calendar', class: 'cal' });
    root.replaceChildren(
      h('fieldset', { class: 'field' },
        h('legend', { 'data-i18n': 'f.when' }),
        h('div', { class: 'seg', role: 'radiogroup', 'data-i18n-aria': 'f.when' },
          radio('mode', 'dates', 'mode.dates', !weekly), radio('mode', 'weekdays', 'mode.weekdays', weekly)),
        h('div', { id: 'dates-pick' },
          h('p', { class: 'hint', 'data-i18n': 'cal.hint' }), calendar,
          h('p', { id: 'picked', class: 'picked', 'aria-live': 'polite' })),
        h('div', { id: 'weekdays-pick', hidden: true },
          h('p', { class: 'hint', 'data-i18n': 'wd.hint' }),
          h('div', { id: 'weekdays', class: 'weekdays', role: 'group', 'data-i18n-aria': 'mode.weekdays' })),
        h('p', { class: 'error', id: 'err-days', hidden: true })),
      h('fieldset', { class: 'field' },
        h('legend', { 'data-i18n': 'f.time' }),
        h('div', { class: 'times' },
          h('label', {}, h('span', { 'data-i18n': 'f.start' }), ' ', this.start),
          h('span', { 'aria-hidden': 'true' }, '–'),
          h('label', {}, h('span', { 'data-i18n': 'f.end' }), ' ', this.end)),
        h('p', { class: 'error', id: 'err-time', hidden: true })),
      h('fieldset', { class: 'field' },
        h('legend', { 'data-i18n': 'f.slot' }),
        h('div', { class: 'seg', id: 'slot-group', role: 'radiogroup', 'data-i18n-aria': 'f.slot' },
          SLOTS.map((m) => radio('slot', String(m), `slot.${m}`, m === slot))),
        h('p', { class: 'error', id: 'err-slot', hidden: true })),
      h('div', { class: 'field' },
        h('label', { for: 'tz', 'data-i18n': 'f.tz' }), this.tz,
        h('p', { class: 'hint', id: 'tz-now' }),
        h('p', { class: 'error', id: 'err-tz', hidden: true })));
    applyStatic(root);

    this.cal = new Calendar(calendar, {
      ...this.bounds(),
      onChange: (dates, info) => { this.capped = !!info.capped; this.renderPicked(dates); this.changed('days'); },
    });
    if (initial?.dates) this.cal.select(initial.dates);
    this.renderWeekdays(initial?.weekdays ?? []);
    this.fillTimes(initial?.start ?? '09:00', initial?.end ?? '18:00');

    $$('input[name="mode"]', root).forEach((r) => r.addEventListener('change', () => { this.syncMode(); this.changed('days'); }));
    $$('input[name="slot"]', root).forEach((r) => r.addEventListener('change', () => { this.fillTimes(); this.changed('time'); }));
    this.start.addEventListener('change', () => this.changed('time'));
    this.end.addEventListener('change', () => this.changed('time'));
    this.tz.addEventListener('change', () => {
      const { min, max, today } = this.bounds();
      this.cal.setBounds(min, max, today);
      this.renderZone();
      this.changed('tz');
    });
    this.syncMode();
    this.render();
  }

  mode() {
    return $('input[name="mode"]:checked', this.root).value;
  }

  zone() {
    return this.tz.value;
  }

  slot() {
    return Number($('input[name="slot"]:checked', this.root).value);
  }

  /** The dates the calendar offers — from today (or `earliest` days before) to a year ahead, in the zone — and today. */
  bounds() {
    const today = todayIn(this.zone());
    const [y, m, d] = today.split('-').map(Number);
    let max = `${y + 1}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
    if (max.endsWith('02-29')) max = addDays(max, -1);
    return { min: addDays(today, -this.earliest), max, today };
  }

  /** The schedule as the API takes it. */
  value() {
    const body = { timezone: this.zone(), start: this.start.value, end: this.end.value, slot_minutes: this.slot() };
    if (this.mode() === 'dates') body.dates = this.cal.value();
    else body.weekdays = $$('#weekdays input:checked', this.root).map((i) => i.value);
    return body;
  }

  /** Mistakes the API would refuse, by field: {days, time}. */
  check(body = this.value()) {
    const errs = {};
    if (body.dates && !body.dates.length) errs.days = t('err.dates.empty');
    if (body.weekdays && !body.weekdays.length) errs.days = t('err.weekdays.empty');
    if (toMin(body.end) <= toMin(body.start)) errs.time = t('err.time.order');
    return errs;
  }

  setError(field, msg) {
    const el = $(`#err-${field}`, this.root);
    if (!el) return false;
    el.textContent = msg ?? '';
    el.hidden = !msg;
    const c = this.control(field);
    if (c && field !== 'days' && field !== 'slot') c.setAttribute('aria-invalid', msg ? 'true' : 'false');
    return true;
  }

  clearErrors() {
    for (const f of ['days', 'time', 'slot', 'tz']) this.setError(f, null);
  }

  /** The control to focus for a field's mistake. */
  control(field) {
    return {
      days: this.mode() === 'dates' ? this.cal : $('#weekdays input', this.root),
      time: this.start, slot: $('#slot-group', this.root), tz: this.tz,
    }[field] ?? null;
  }

  focus(field) {
    this.control(field)?.focus?.();
  }

  changed(field) {
    this.setError(field, null);
    this.onChange();
  }

  syncMode() {
    const dates = this.mode() === 'dates';
    $('#dates-pick', this.root).hidden = !dates;
    $('#weekdays-pick', this.root).hidden = dates;
  }

  /** The start and end choices on the slot grid, keeping the times chosen (snapped to it). */
  fillTimes(start = this.start.value || '09:00', end = this.end.value || '18:00') {
    const step = this.slot();
    const snap = (v, lo, hi) => Math.min(hi, Math.max(lo, Math.round(v / step) * step));
    const s = snap(toMin(start), 0, 1440 - step);
    let e = snap(toMin(end), step, 1440);
    if (e <= s) e = Math.min(1440, s + step);
    const opts = (from, to, sel) => {
      const out = [];
      for (let m = from; m <= to; m += step) out.push(h('option', { value: hhmm(m), selected: m === sel }, hhmm(m)));
      return out;
    };
    this.start.replaceChildren(...opts(0, 1440 - step, s));
    this.end.replaceChildren(...opts(step, 1440, e));
  }

  renderPicked(dates = this.cal.value()) {
    const el = $('#picked', this.root);
    const lang = getLang();
    el.replaceChildren();
    if (!dates.length) {
      el.append(h('span', { class: 'muted', text: t('cal.none') }));
    } else {
      el.append(h('strong', { text: t('cal.count', { n: dates.length }) }), ' ',
        h('span', { class: 'muted', text: dates.slice(0, 6).map((d) => dayLabels(d, lang).medium).join(', ') + (dates.length > 6 ? ' …' : '') }),
        ' ', h('button', { type: 'button', class: 'btn small ghost', onclick: () => this.cal.clear() }, t('cal.clear')));
    }
    if (this.capped) el.append(h('span', { class: 'warn-text', text: ` ${t('cal.max', { n: MAX_DATES })}` }));
  }

  renderWeekdays(checked = $$('#weekdays input:checked', this.root).map((i) => i.value)) {
    const lang = getLang();
    const on = new Set(checked);
    $('#weekdays', this.root).replaceChildren(...WEEKDAYS.map((d) => h('label', { class: 'chip-toggle' },
      h('input', { type: 'checkbox', value: d, checked: on.has(d), onchange: () => this.changed('days') }),
      h('span', { text: dayLabels(d, lang).short, title: dayLabels(d, lang).long }))));
  }

  renderZone() {
    $('#tz-now', this.root).textContent = t('tz.now', { zone: zoneLabel(this.zone()) });
  }

  /** Redraws every word in the current language. */
  render() {
    this.renderPicked();
    this.renderWeekdays();
    this.renderZone();
    this.cal.render();
  }
}
