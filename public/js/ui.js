// Small DOM helpers. User text only ever reaches the page as text nodes
// (`textContent` / `append(string)`), never as markup.

/** Builds an element: h('button', {class: 'btn', onclick: f}, 'Label'). */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v == null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c != null && c !== false) el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

const ICONS = {
  lock: 'M4 7V5a4 4 0 0 1 8 0v2h1v8H3V7h1zm2 0h4V5a2 2 0 0 0-4 0v2z',
  key: 'M10.5 1a4.5 4.5 0 0 0-4.3 5.8L1 12v3h3v-1.5h1.5V12H7l1.2-1.2A4.5 4.5 0 1 0 10.5 1zm1 2.5a1 1 0 1 1 0 2 1 1 0 0 1 0-2z',
};

/** A small inline SVG icon (decorative: hidden from screen readers). */
export function icon(name) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('class', `icon icon-${name}`);
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', ICONS[name]);
  path.setAttribute('fill', 'currentColor');
  svg.append(path);
  return svg;
}

// How long a finger rests on a cell or a date before it starts a drag
// (grid.js, calendar.js): about the platform's long press, so a thumb that
// rests a moment before it swipes still scrolls; SLOP: px it may wander
// meanwhile (further, and it is scrolling).
export const HOLD_MS = 480;
export const SLOP = 10;

const most = new WeakMap();
/** How many answered. A private view lists only its reader: then at least the most at one time. */
export function headcount(v) {
  if (!v.private) return v.participants.length;
  const { available: a, if_needed: f } = v.counts;
  if (!most.has(a)) most.set(a, Math.max(0, ...a.map((x, i) => x + f[i])));
  return Math.max(v.participants.length, most.get(a));
}

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

/** Asks a yes/no question in a modal <dialog>; resolves true on confirm. */
export function confirmDialog({ title, text, confirm, cancel, danger = true }) {
  return new Promise((resolve) => {
    const yes = h('button', { type: 'button', class: danger ? 'btn danger' : 'btn primary', text: confirm });
    const no = h('button', { type: 'button', class: 'btn', text: cancel });
    const dlg = h('dialog', { class: 'dialog', 'aria-labelledby': 'dlg-title' },
      h('h2', { id: 'dlg-title', text: title }),
      h('p', { text }),
      h('div', { class: 'row end' }, no, yes));
    const done = (v) => { dlg.close(); dlg.remove(); resolve(v); };
    yes.addEventListener('click', () => done(true));
    no.addEventListener('click', () => done(false));
    dlg.addEventListener('cancel', (e) => { e.preventDefault(); done(false); });
    document.body.append(dlg);
    dlg.showModal();
    no.focus();
  });
}

/** Copies text to the clipboard; falls back to selecting an input. */
export async function copyText(text, input) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    if (!input) return false;
    input.focus();
    input.select();
    try { return document.execCommand('copy'); } catch { return false; }
  }
}
