// The ranked best times from the API (`best`), with the minimum-length
// filter (`?min_slots=n`) and, for the organiser, "fix this time".
import { t } from './i18n.js';
import { rangeText, rangeParts, hhmm } from './time.js';
import { h, headcount } from './ui.js';

/** Minimum lengths offered (minutes), as multiples of the slot size. */
export function lengthChoices(step) {
  return [step, 30, 60, 90, 120, 180, 240].filter((m, i, a) => m >= step && m % step === 0 && a.indexOf(m) === i);
}

export function duration(min) {
  const hrs = Math.floor(min / 60);
  const m = min % 60;
  if (!hrs) return t('dur.m', { m });
  return m ? t('dur.hm', { h: hrs, m }) : t('dur.h', { h: hrs });
}

/**
 * Renders the list into `ol`. onPick(entry) shows it on the heatmap;
 * onFix(entry) is given only to the organiser.
 */
const SHOWN = 3; // entries shown before "show more", so the grid stays in reach on a phone

export function renderBest(ol, view, L, { onPick, onFix, chosen, expanded, onExpand, why }) {
  const names = new Map(view.participants.map((p) => [p.id, p.name]));
  const total = headcount(view);
  if (!view.best.length) {
    // `why`: the organiser's filter (who must come, how many) that left nothing.
    ol.replaceChildren(h('li', { class: 'muted empty', text: why || t(total ? 'best.none' : 'best.nobody') }));
    return;
  }
  const open = expanded || view.best.length <= SHOWN + 1 || (chosen ?? 0) >= SHOWN;
  const items = view.best.map((b, i) => {
    const isFinal = view.final && view.final.start === b.start && view.final.end === b.end;
    const pick = h('button', {
      type: 'button', class: 'best-pick', 'aria-pressed': String(chosen === i),
      onclick: () => onPick(b, i),
    },
    h('span', { class: 'rank', 'aria-hidden': 'true', text: String(i + 1) }),
    h('span', { class: 'best-body' },
      h('span', { class: 'when-line' },
        h('strong', { class: 'when' }, rangeParts(L, b.start, b.end).day, ' ',
          h('span', { class: 'nowrap', text: rangeParts(L, b.start, b.end).time })),
        h('span', { class: 'dur', text: duration((b.end - b.start) * view.slot_minutes) })),
      h('span', { class: 'score' },
        // How many can come (available or if needed), and how many of them only if needed.
        h('span', { class: 'pill ok', text: t('best.available', { c: count(b.available) + count(b.if_needed) }) }),
        count(b.if_needed) ? h('span', { class: 'pill maybe', text: t('best.ifn', { m: count(b.if_needed) }) }) : null),
      // Everyone counted is named, those who come only if needed marked so
      // (a private appointment's best times carry numbers only).
      Array.isArray(b.available) ? h('span', { class: 'who-line', text: whoLine(b, names) }) : null,
      missingLine(b, names, L)));
    const li = h('li', { class: isFinal ? 'best final-pick' : 'best' }, pick);
    if (onFix && !isFinal) {
      li.append(h('button', {
        type: 'button', class: 'btn small fix', 'aria-label': `${t('best.fix')}: ${rangeText(L, b.start, b.end)}`,
        onclick: () => onFix(b),
      }, t('best.fixShort')));
    } else if (isFinal) {
      li.append(h('span', { class: 'pill final', text: t('best.isFinal') }));
    }
    if (!open && i >= SHOWN) li.hidden = true;
    return li;
  });
  if (view.best.length > SHOWN + 1) {
    items.push(h('li', { class: 'more' }, h('button', {
      type: 'button', class: 'btn small ghost', 'aria-expanded': String(open), onclick: () => onExpand(!open),
    }, open ? t('best.less') : t('best.more', { n: view.best.length - SHOWN }))));
  }
  ol.replaceChildren(...items);
}

const count = (x) => (Array.isArray(x) ? x.length : Number(x) || 0);

/** "All but 민지: ask 민지 about Tue 15:00", for the few who cannot come (when they can be named). */
function missingLine(b, names, L) {
  const who = (b.missing ?? []).map((id) => names.get(id)).filter(Boolean);
  if (!who.length || who.length !== b.missing.length) return null;
  const list = who.join(', ');
  const when = `${L.cols[L.colOf[b.start]].short} ${hhmm(L.wall[b.start].min)}`;
  return h('span', { class: 'missing-line', text: t('best.missing', { names: list, when }) });
}

function whoLine(b, names) {
  const name = (id) => names.get(id) ?? '?';
  return [...b.available.map(name), ...b.if_needed.map((id) => t('best.ifnName', { name: name(id) }))].join(', ');
}
