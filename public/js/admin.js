// The organiser's tools (with the admin token from the #admin= link): fix
// or clear the final time, rename, close to new people, remove one or
// several participants, delete the appointment.
import { t, errorText } from './i18n.js';
import { api } from './api.js';
import { store } from './store.js';
import { adminBlock } from './share.js';
import { $, confirmDialog } from './ui.js';

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
  }

  get active() {
    return !!this.token;
  }

  render(view, lang) {
    this.el.hidden = !this.token;
    if (!this.token) return;
    const input = $('#new-title', this.el);
    if (document.activeElement !== input && !this.dirty) input.value = view.title;
    input.oninput = () => { this.dirty = true; };
    const closed = $('#closed', this.el);
    if (!this.switching) closed.checked = !!view.closed;
    if (this.lang !== lang) {
      this.lang = lang;
      $('#admin-link-slot', this.el).replaceChildren(adminBlock({
        id: this.id, adminUrl: `${location.origin}/a/${encodeURIComponent(this.id)}#admin=${encodeURIComponent(this.token)}`,
      }));
    }
  }

  async call(fn, okMsg) {
    try {
      const r = await fn();
      if (r.data?.id) this.hooks.onView(r.data);
      else this.hooks.refresh();
      if (okMsg) this.hooks.toast(okMsg);
      return true;
    } catch (err) {
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

  fix(range) {
    return this.call(() => api.update(this.id, this.token, { final: range }), t('final.done'));
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
