// "Import from calendar": the participant picks an .ics file; its busy times
// are worked out here in the browser (js/ics.js) and shown on their grid as
// a preview, with the choice to mark every other time available or only to
// clear the busy ones. Confirming sends it as one ordinary availability
// update (the painter's queue, so it also waits out a lost connection);
// cancelling leaves everything as it was. Loaded only when the button is used.
import { t, addStrings } from './i18n.js';
import * as words from './strings-import.js';
import { browserZone } from './time.js';
import { busySlots, CalendarFileError, WEEKS, BUSY_WEEKS } from './ics.js';
import { changesBetween } from './paint.js';
import { h } from './ui.js';

addStrings(words);

const MAX_BYTES = 20 * 1024 * 1024;

export class CalendarImport {
  /** panel: where the preview's controls go; painter: the page's Painter; done(msg) when it ends. */
  constructor(panel, { painter, done }) {
    this.panel = panel;
    this.painter = painter;
    this.done = done;
    this.found = null;
  }

  get open() {
    return !!this.found;
  }

  /** Reads `file` against `view`; shows the preview, or says why it cannot. */
  async start(file, view) {
    this.cancel(false);
    if (file.size > MAX_BYTES) {
      this.done(t('import.tooBig'));
      return;
    }
    let found;
    try {
      found = busySlots(await file.text(), view, { home: browserZone() });
    } catch (err) {
      if (!(err instanceof CalendarFileError)) throw err;
      this.done(t('import.unreadable'));
      return;
    }
    this.found = found;
    this.view = view;
    this.name = file.name;
    this.mode = 'fill';
    this.render();
    this.update();
    this.panel.hidden = false;
    // The grid in view (under the sticky tabs), with the controls stuck below it.
    const top = this.painter.root.getBoundingClientRect().top + scrollY - 64;
    if (Math.abs(scrollY - top) > 8) scrollTo({ top, behavior: 'instant' });
    this.panel.querySelector('h3').focus({ preventScroll: true });
  }

  /** Every slot's level once applied: busy → none; the rest available ('fill') or as it is ('clear'). */
  target() {
    const now = this.painter.levels;
    const busy = this.found.busy;
    return Uint8Array.from(now, (lv, i) => (busy[i] ? 0 : this.mode === 'fill' ? 1 : lv));
  }

  update() {
    this.painter.setPreview({ busy: this.found.busy, levels: this.target() });
  }

  /** Redraws the controls in the current language. */
  translate() {
    if (this.found) this.render();
  }

  render() {
    const { busy, events, free } = this.found;
    const n = busy.reduce((a, b) => a + b, 0);
    const choice = (value, key) => h('label', { class: 'choice' },
      h('input', {
        type: 'radio', name: 'import-mode', value, checked: this.mode === value,
        onchange: () => { this.mode = value; this.update(); },
      }),
      h('span', { text: t(key) }));
    this.panel.replaceChildren(...[
      h('h3', { id: 'import-h', tabindex: '-1' }, t('import.title'), ' ', h('span', { class: 'import-file', text: `· ${this.name}` })),
      h('p', { class: 'import-found' },
        h('i', { class: 'sw busy', 'aria-hidden': 'true' }), ' ',
        events ? t('import.found', { events, n }) : t('import.none')),
      free ? h('p', { class: 'hint', text: t('import.free', { n: free }) }) : null,
      h('p', { class: 'hint', text: t('import.private') }),
      this.view.weekdays ? h('p', { class: 'hint', text: t('import.weekly', { weeks: WEEKS, min: BUSY_WEEKS }) }) : null,
      h('fieldset', { class: 'choices' },
        h('legend', { class: 'sr', text: t('import.how') }),
        choice('fill', 'import.fill'), choice('clear', 'import.clear')),
      h('div', { class: 'row' },
        h('button', { type: 'button', class: 'btn primary', 'data-act': 'apply', onclick: () => this.apply() }, t('import.apply')),
        h('button', { type: 'button', class: 'btn', 'data-act': 'cancel', onclick: () => this.cancel() }, t('confirm.cancel'))),
    ].filter(Boolean));
  }

  /** Sends the preview as one update (nothing, when nothing would change). */
  apply() {
    if (!this.found) return;
    const changes = changesBetween(this.painter.levels, this.target());
    this.close();
    if (changes.length) this.painter.enqueue(changes);
    this.done(t(changes.length ? 'import.applied' : 'import.nothing'));
  }

  /** Ends the preview without changing anything. */
  cancel(tell = true) {
    if (!this.found) return;
    this.close();
    if (tell) this.done(t('import.cancelled'));
  }

  close() {
    this.found = null;
    this.panel.hidden = true;
    this.panel.replaceChildren();
    this.painter.setPreview(null);
  }
}
