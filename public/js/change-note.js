// What an organiser's schedule change did, told to the people on the page:
// which of the dates, hours, slot size and time zone changed, and — for a
// participant — how many of their answered times were cleared, so they go
// and check. Loaded only when a fetched view shows such a change.
import { t, addStrings } from './i18n.js';
import { levelsOf } from './time.js';
import { h } from './ui.js';

addStrings({
  ko: {
    'change.dates': '날짜', 'change.weekdays': '요일', 'change.hours': '시간', 'change.slot': '칸 크기', 'change.zone': '시간대',
    'change.what': '주최자가 일정을 바꿨어요 ({what}).',
    'change.lost': '내 답 중 {n}칸이 지워졌어요. 확인해 주세요.',
    'change.kept': '내 답은 새 시간으로 옮겨졌어요.',
    'change.close': '알림 닫기',
  },
  en: {
    'change.dates': 'dates', 'change.weekdays': 'weekdays', 'change.hours': 'hours', 'change.slot': 'slot size', 'change.zone': 'time zone',
    'change.what': 'The organiser changed the {what}.',
    'change.lost': 'Your answers on {n} times were cleared: please check.',
    'change.lost.one': 'Your answer on 1 time was cleared: please check.',
    'change.kept': 'Your answers moved to the new times.',
    'change.close': 'Close this notice',
  },
});

const answered = (view, pid) => {
  const p = pid && view.participants.find((x) => x.id === pid);
  return p ? levelsOf(p, view.slots.length).reduce((k, v) => k + (v !== 0), 0) * view.slot_minutes : 0;
};

/**
 * How `next` differs from `prev` in its schedule: {fields} (keys of the
 * words above) and, for participant `pid`, {lost} — how many of their
 * answered times (in the old slots) are gone — and {had} — whether they
 * had answered at all. Null when the schedule is the same.
 */
export function scheduleChange(prev, next, pid) {
  const same = (k) => JSON.stringify(prev[k]) === JSON.stringify(next[k]);
  const fields = [];
  if (!same('dates') || !same('weekdays')) fields.push(next.weekdays ? 'change.weekdays' : 'change.dates');
  if (!same('start') || !same('end')) fields.push('change.hours');
  if (!same('slot_minutes')) fields.push('change.slot');
  if (!same('timezone')) fields.push('change.zone');
  if (!fields.length && prev.slots.length === next.slots.length) return null;
  const before = answered(prev, pid);
  const lost = Math.ceil(Math.max(0, before - answered(next, pid)) / prev.slot_minutes);
  return { fields, lost, had: before > 0 };
}

/** Shows the change in `box` (a notice that stays until closed); false when there is none. */
export function showChange(box, prev, next, pid) {
  const c = scheduleChange(prev, next, pid);
  if (!c) return false;
  const what = c.fields.map((k) => t(k)).join(', ');
  let text = c.fields.length ? t('change.what', { what }) : '';
  if (c.lost) text += ` ${t('change.lost', { n: c.lost })}`;
  else if (c.had) text += ` ${t('change.kept')}`;
  box.replaceChildren(h('span', { text: text.trim() }),
    h('button', { type: 'button', class: 'btn small ghost', 'aria-label': t('change.close'), onclick: () => { box.hidden = true; } }, '✕'));
  box.dataset.lost = String(c.lost);
  box.hidden = false;
  return true;
}
