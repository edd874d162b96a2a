// The organiser's tools (with the admin token from the #admin= link): fix
// or clear the final time, rename, close to new people, edit the dates and
// times (the create page's form, loaded when opened), remove one or several
// participants, delete the appointment. The tools for who answers
// (expected names, deadline, who must come, quorum, private answers) load
// with the card (organiser.js).
import { t, errorText } from './i18n.js';
import { api } from './api.js';
import { store } from './store.js';
import { adminBlock } from './share.js';
import { h, $, confirmDialog } from './ui.js';

export class Admin {
  /** hooks: onView(view) after a change, onGone(), toast(msg), refresh(), onLost() */
  constructor(section, id, hooks) {
    this.el = section;
    this.id = id;
    this.hooks = hooks;
    this.token = store.admin(id);
    const form = $('#rename', section);
    form.addEventListener('submit', (e) => { e.preventDefault(); this.rename($('#new-title', section).value); });
    $('#delete', section).addEventListener('click', () => this.destroy());
    const closed = $('#closed', section);
    closed.addEventListener('change', () => this.setClosed(closed.checked));
    this.editBtn = $('#edit-schedule', section);
    this.editForm = $('#schedule-edit', section);
    this.editBtn.addEventListener('click', () => (this.editForm.hidden ? this.openSchedule() : this.closeSchedule()));
    this.editForm.addEventListener('submit', (e) => { e.preventDefault(); this.saveSchedule(); });
    $('#csv').addEventListener('click', (e) => this.privateCsv(e));
  }

  /** A private appointment's file of answers is the organiser's: asked for with the token, then saved. */
  async privateCsv(e) {
    if (!this.view?.private || !this.token) return;
    e.preventDefault();
    const { download: name, href } = e.currentTarget;
    try {
      const res = await fetch(href, { headers: { Authorization: `Bearer ${this.token}` }, cache: 'no-store' });
      if (!res.ok) throw new Error(String(res.status));
      const url = URL.createObjectURL(await res.blob());
      const a = h('a', { href: url, download: name });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    } catch {
      this.hooks.toast(t('err.network'));
    }
  }

  get active() {
    return !!this.token;
  }

  render(view, lang) {
    this.view = view;
    this.el.hidden = !this.token;
    if (!this.token) return;
    const input = $('#new-title', this.el);
    if (document.activeElement !== input && !this.dirty) input.value = view.title;
    input.oninput = () => { this.dirty = true; };
    const closed = $('#closed', this.el);
    if (!this.switching) closed.checked = !!view.closed;
    if (this.form) {
      if (this.lang !== lang) this.form.render();
      this.renderNote();
    }
    this.renderTools(view, lang);
    if (this.lang !== lang) {
      this.lang = lang;
      $('#admin-link-slot', this.el).replaceChildren(adminBlock({
        id: this.id, adminUrl: `${location.origin}/a/${encodeURIComponent(this.id)}#admin=${encodeURIComponent(this.token)}`,
      }));
    }
  }

  /** The tools for who answers (built again in a new language). */
  async renderTools(view, lang) {
    this.toolsMod ??= import('./organiser.js');
    const m = await this.toolsMod.catch(() => { this.toolsMod = null; });
    if (!m || this.view !== view) return;
    if (this.toolsLang !== lang) {
      this.toolsLang = lang;
      this.tools = new m.OrganiserTools($('#organiser-tools', this.el), this);
    }
    this.tools.render(view);
  }

  /** Runs a change; `onBadInput(err)` may take a 400 itself (return true). */
  async call(fn, okMsg, onBadInput) {
    try {
      const r = await fn();
      if (r.data?.id) this.hooks.onView(r.data);
      else this.hooks.refresh();
      if (okMsg) this.hooks.toast(okMsg);
      return true;
    } catch (err) {
      if (err.status === 400 && onBadInput?.(err)) return false;
      if (err.status === 401 || err.status === 403) {
        store.setAdmin(this.id, null);
        this.token = null;
        this.hooks.toast(t('admin.lost'));
        this.hooks.refresh(true);
      } else if (err.status === 404) {
        this.hooks.onGone();
      } else {
        this.hooks.toast(errorText(err));
      }
      return false;
    }
  }

  /** Fixes the final time; the focus, whose button goes away, moves to the final time shown. */
  async fix(range) {
    const ok = await this.call(() => api.update(this.id, this.token, { final: range }), t('final.done'));
    if (ok) keepFocus($('#final-h'));
    return ok;
  }

  unfix() {
    return this.call(() => api.update(this.id, this.token, { final: null }), t('final.cleared'));
  }

  async setClosed(closed) {
    const sw = $('#closed', this.el);
    this.switching = true;
    sw.disabled = true;
    const ok = await this.call(() => api.update(this.id, this.token, { closed }), t(closed ? 'admin.closedOn' : 'admin.closedOff'));
    this.switching = false;
    sw.disabled = false;
    if (!ok) sw.checked = !closed;
  }

  async rename(title) {
    const err = $('#err-rename', this.el);
    const v = title.trim();
    err.hidden = true;
    if (!v || [...v].length > 100 || /\p{Cc}/u.test(v)) {
      err.textContent = !v ? t('err.title.empty') : /\p{Cc}/u.test(v) ? t('err.title.control') : t('err.title.long', { n: [...v].length });
      err.hidden = false;
      return;
    }
    if (await this.call(() => api.update(this.id, this.token, { title: v }), t('admin.renamed'))) this.dirty = false;
  }

  /** Opens "edit dates and times": the schedule form, filled with the current schedule. */
  async openSchedule() {
    this.editBtn.disabled = true;
    try {
      [this.sched, this.remap] = await Promise.all([import('./schedule-form.js'), import('./reschedule.js')]);
    } catch {
      this.hooks.toast(t('err.network'));
      return;
    } finally {
      this.editBtn.disabled = false;
    }
    const fields = h('div');
    this.note = h('p', { class: 'resched-note', id: 'resched-note', 'aria-live': 'polite' });
    // data-i18n: the language switch translates them (i18n.js applyStatic).
    this.editForm.replaceChildren(
      h('p', { class: 'hint', 'data-i18n': 'resched.hint', text: t('resched.hint') }),
      fields, this.note,
      h('p', { class: 'error', id: 'err-form', hidden: true }),
      h('div', { class: 'row' },
        h('button', { type: 'submit', class: 'btn primary', 'data-i18n': 'resched.save' }, t('resched.save')),
        h('button', { type: 'button', class: 'btn', 'data-i18n': 'confirm.cancel', onclick: () => this.closeSchedule() }, t('confirm.cancel'))));
    this.check = new this.remap.KeptCheck(async (body) => (await api.dryRun(this.id, this.token, body)).data, () => this.renderNote());
    this.form = new this.sched.ScheduleForm(fields, { initial: this.view, earliest: 1, onChange: () => this.renderNote() });
    this.editForm.hidden = false;
    this.editBtn.setAttribute('aria-expanded', 'true');
    this.renderNote();
    this.editForm.querySelector('input[name="mode"]:checked')?.focus();
  }

  closeSchedule() {
    this.editForm.hidden = true;
    this.editForm.replaceChildren();
    this.form = null;
    clearTimeout(this.check?.timer);
    this.check = null;
    this.editBtn.setAttribute('aria-expanded', 'false');
  }

  /** What the server says the edit keeps, in words: "N people's answers will be kept …". */
  keptText(answer) {
    if (!answer) return t('resched.cantCheck');
    const parts = [t('resched.kept', { n: answer.kept }), t('resched.lost')];
    if (this.view.final && !answer.final_kept) parts.push(t('resched.final'));
    return parts.join(' ');
  }

  /** Says what the edit keeps, once the server has answered for the form as it is now. */
  renderNote() {
    if (!this.form) return;
    const schedule = this.form.value();
    const body = this.remap.changedFields(this.view, schedule);
    if (!Object.keys(body).length || Object.keys(this.form.check(schedule)).length) {
      this.note.textContent = '';
      return;
    }
    this.check.want(body, this.view.version);
    this.note.textContent = this.check.settled ? this.keptText(this.check.answer) : t('resched.checking');
  }

  async saveSchedule() {
    const form = this.form;
    form.clearErrors();
    $('#err-form', this.editForm).hidden = true;
    const schedule = form.value();
    const errs = form.check(schedule);
    if (Object.keys(errs).length) {
      for (const [f, m] of Object.entries(errs)) form.setError(f, m);
      form.focus(Object.keys(errs)[0]);
      return;
    }
    const body = this.remap.changedFields(this.view, schedule);
    if (!Object.keys(body).length) {
      this.hooks.toast(t('resched.same'));
      return;
    }
    // Answers that will be cleared make it a danger, said on the button
    // too; so does an edit whose effect could not be checked.
    const answer = await this.check.settle(body, this.view.version);
    if (this.form !== form) return;
    const losing = answer?.losing ?? 0;
    const danger = !answer || losing > 0 || (!!this.view.final && !answer.final_kept);
    const ok = await confirmDialog({
      title: t('resched.confirmTitle'),
      text: losing ? `${t('resched.losing', { n: losing })} ${this.keptText(answer)}` : this.keptText(answer),
      confirm: t(danger ? 'resched.saveLose' : 'resched.save'), cancel: t('confirm.cancel'), danger,
    });
    if (!ok) return;
    const done = await this.call(() => api.update(this.id, this.token, body), t('resched.done'), (err) => {
      if (this.form !== form) return false;
      const field = this.sched.fieldOf(err.field);
      const msg = errorText(err, { field: err.field });
      if (form.setError(field, msg)) {
        form.focus(field);
      } else {
        const el = $('#err-form', this.editForm);
        el.textContent = msg;
        el.hidden = false;
      }
      return true;
    });
    if (done) {
      this.closeSchedule();
      keepFocus(this.editBtn); // the form that had the focus is gone
    }
  }

  async remove(p) {
    const ok = await confirmDialog({
      title: t('admin.removeTitle', { name: p.name }), text: t('admin.removeText', { name: p.name }),
      confirm: t('admin.removeYes'), cancel: t('confirm.cancel'),
    });
    if (ok) await this.call(() => api.removeParticipant(this.id, p.id, this.token), t('admin.removed', { name: p.name }));
  }

  /** Removes several participants after one confirmation; true when done. */
  async removeMany(ps) {
    if (!ps.length) return false;
    const ok = await confirmDialog({
      title: t('admin.removeManyTitle', { n: ps.length }),
      text: t('admin.removeManyText', { names: ps.map((p) => p.name).join(', ') }),
      confirm: t('admin.removeYes'), cancel: t('confirm.cancel'),
    });
    if (!ok) return false;
    const done = await this.call(async () => {
      for (const p of ps) {
        try {
          await api.removeParticipant(this.id, p.id, this.token);
        } catch (err) {
          // Someone already gone (removed from another tab) is not a failure;
          // a deleted appointment shows up on the refresh that follows.
          if (err.status !== 404) throw err;
        }
      }
      return {};
    }, t('admin.removedMany', { n: ps.length }));
    // Some may be gone even when one failed: show what is left.
    if (!done) this.hooks.refresh();
    return done;
  }

  async destroy() {
    const ok = await confirmDialog({
      title: t('admin.deleteTitle'), text: t('admin.deleteText'),
      confirm: t('admin.deleteYes'), cancel: t('confirm.cancel'),
    });
    if (!ok) return;
    try {
      await api.remove(this.id, this.token);
      store.forget(this.id);
      this.hooks.onGone(true);
    } catch (err) {
      if (err.status === 404) this.hooks.onGone(true);
      else this.hooks.toast(errorText(err));
    }
  }
}

/** Moves the focus to `el` when it was lost with the element that had it (now on <body>). */
function keepFocus(el) {
  const a = document.activeElement;
  if (!a || a === document.body || !a.isConnected || a.closest('[hidden]')) el?.focus();
}
