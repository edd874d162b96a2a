//! The live pushes, as decisions: pending changes and their pacing, and
//! the pushes built for each group of sockets (a socket's own frames are
//! in [`super::frames`]). The shell sends them and sets the timer.
//!
//! A change is announced right after its transaction commits (the shell
//! settles it before its next await, so pushes leave in version order).
//! Each push names the version of the previous message on the socket
//! (`since`) and carries the group's counts and best windows, so a page
//! applies it without fetching the view. The transaction of every version
//! step notes it as pushed, so a hibernating object has nothing pending;
//! a socket that somehow missed a version sees a `since` that is not its
//! own and fetches.

use std::collections::HashMap;
use std::rc::Rc;

pub use super::frames::{Attachment, FrameOutcome};
use super::{log_error, Core, Effects, Layout};
use crate::appointment::store::{self, AppointmentRow, Sql};
use crate::domain::live::{Change, Due, FrameCounter, LiveMessage, Pacer, Pending};
use crate::domain::results::{best_for, counts, Counts, Window};
use crate::domain::view::BestWindow;
use crate::domain::{Availability, Caller};
use crate::error::{ApiError, ApiResult};

/// What the object keeps in memory about its sockets. Losing it (the
/// object hibernates) loses nothing: nothing is pending then, the version
/// last pushed is in storage, and counters start afresh.
#[derive(Default)]
pub struct Live {
    pub(super) pending: Pending,
    pacer: Pacer,
    /// The version of the last push (or of the appointment when nothing
    /// was pushed since it was created or woke): the `since` of the next.
    /// 0 until read from storage.
    last_version: i64,
    /// The grid the pending participants were painted on.
    layout: Option<Rc<Layout>>,
    /// The best windows the last push carried (or would have): a push
    /// leaves them out for the sockets that heard it when they are the
    /// same. `None` when the last push said nothing of them.
    last_best: Option<Vec<Window>>,
    /// Frames per socket, by the socket's id.
    pub(super) frames: HashMap<String, FrameCounter>,
    /// Sockets that connected while changes were pending, by their
    /// attachment's id, with the version their hello carried: a push of
    /// no newer version skips them, and a newer one names their hello as
    /// its `since`, so versions only grow on every socket.
    pub(super) greeted: Vec<(String, i64)>,
}

impl Live {
    /// State for an object whose sockets heard of `version` (it was just
    /// created).
    pub fn caught_up(version: i64) -> Live {
        Live {
            last_version: version,
            ..Live::default()
        }
    }
}

/// One push: its text and the sockets (by index) it goes to.
pub type Push = (String, Vec<usize>);

impl<S: Sql> Core<S> {
    /// Notes a change committed at `version` for the sockets.
    pub(super) fn announce(&self, version: i64, change: Change, fx: &mut Effects) {
        let mut live = self.live.borrow_mut();
        live.pending.add(version, change);
        live.layout = self.layout.borrow().clone();
        fx.pushes = true;
    }

    /// After the object woke: the version its sockets last heard of is
    /// the one storage noted.
    pub(super) fn wake_live(&self, row: &AppointmentRow) {
        let mut live = self.live.borrow_mut();
        if live.last_version == 0 {
            live.last_version = row.pushed_version;
        }
    }

    /// When what is pending goes out, as of `now` (ms); `None` when
    /// nothing is.
    pub fn push_due(&self, now: f64) -> Option<Due> {
        let mut live = self.live.borrow_mut();
        (!live.pending.is_empty()).then(|| live.pacer.due(now))
    }

    /// The push timer fired.
    pub fn push_timer_fired(&self) {
        self.live.borrow_mut().pacer.timer_fired();
    }

    /// Everything pending, as the messages to send at `now` to the
    /// `count` open sockets, whose attachments `sockets` gives when they
    /// are needed (a push to sockets greeted since the last one, or of a
    /// private appointment): one message per group of sockets that need
    /// the same `since` and may read the same answers.
    pub fn push(
        &self,
        now: f64,
        count: usize,
        sockets: impl FnOnce() -> Vec<Attachment>,
    ) -> Vec<Push> {
        let (message, greeted, layout, previous_best) = {
            let mut live = self.live.borrow_mut();
            let since = live.last_version;
            let message = live.pending.take(since);
            match &message {
                Some(LiveMessage::Update { version, .. } | LiveMessage::View { version }) => {
                    live.last_version = *version;
                    live.pacer.pushed(now, count, version - since);
                }
                _ => {
                    live.pacer.pushed(now, count, 0);
                    return Vec::new();
                }
            }
            let greeted = std::mem::take(&mut live.greeted);
            let Some(message) = message else {
                return Vec::new();
            };
            (message, greeted, live.layout.clone(), live.last_best.take())
        };
        if count == 0 {
            return Vec::new();
        }
        let mut message = message;
        let mut all_best = None;
        // Unknown (storage failed) counts as private: nothing leaks.
        let mut private = true;
        if let (LiveMessage::Update { counts, best, .. }, Some(layout)) = (&mut message, layout) {
            match self.group_results(&layout) {
                Ok((c, b, p)) => {
                    *counts = Some(c);
                    let changed = previous_best.as_ref() != Some(&b);
                    let mut live = self.live.borrow_mut();
                    if !changed {
                        live.pacer.best_current();
                    }
                    match changed && !live.pacer.send_best(now) {
                        // Held back: the sockets still have the previous ones.
                        true => all_best = previous_best,
                        false => {
                            *best = changed.then(|| shown(&b));
                            all_best = Some(b);
                        }
                    }
                    private = p;
                }
                // Without them clients fetch the view: slower, still right.
                Err(e) => log_error(&format!("live push: reading the group failed: {e}")),
            }
        }
        self.live.borrow_mut().last_best = all_best.clone();
        let all_best = all_best.as_deref().map(shown);
        let version = match &message {
            LiveMessage::Update { version, .. } | LiveMessage::View { version } => *version,
            _ => return Vec::new(),
        };
        grouped(
            message, count, sockets, &greeted, version, all_best, private,
        )
    }

    /// When held-back best windows go out on their own, as of `now`:
    /// `None` when none are owed or a timer will send them.
    pub fn best_due(&self, now: f64) -> Option<f64> {
        match self.live.borrow_mut().pacer.best_owed(now) {
            Due::After(ms) => Some(ms),
            Due::Now | Due::Waiting => None,
        }
    }

    /// The held-back best windows, with the counts, as a push of no
    /// change (`since` is `version`) to the `count` open sockets; nothing
    /// when a push of changes is on its way (it carries them: a second
    /// has passed) or they changed back.
    pub fn push_best(
        &self,
        now: f64,
        count: usize,
        sockets: impl FnOnce() -> Vec<Attachment>,
    ) -> Vec<Push> {
        let (version, layout, previous) = {
            let mut live = self.live.borrow_mut();
            live.pacer.best_timer_fired();
            if !live.pending.is_empty() || count == 0 {
                return Vec::new();
            }
            (
                live.last_version,
                live.layout.clone(),
                live.last_best.clone(),
            )
        };
        let Some(layout) = layout else {
            return Vec::new();
        };
        let (counts, best, private) = match self.group_results(&layout) {
            Ok(results) => results,
            Err(e) => {
                log_error(&format!("live push: reading the group failed: {e}"));
                return Vec::new();
            }
        };
        {
            let mut live = self.live.borrow_mut();
            if previous.as_ref() == Some(&best) {
                live.pacer.best_current();
                return Vec::new();
            }
            live.pacer.best_sent(now);
            live.last_best = Some(best.clone());
        }
        let best = shown(&best);
        let message = LiveMessage::Update {
            since: version,
            version,
            participants: Vec::new(),
            removed: Vec::new(),
            counts: Some(counts),
            best: Some(best.clone()),
        };
        grouped(message, count, sockets, &[], version, Some(best), private)
    }

    /// The group's counts and best windows (default minimum length, the
    /// organiser's needs), by the same code as the view's, and whether the
    /// appointment is private.
    fn group_results(&self, layout: &Layout) -> ApiResult<(Counts, Vec<Window>, bool)> {
        let len = layout.grid.len();
        let tools = store::load_appointment(&self.sql)?
            .map(|row| row.tools)
            .ok_or_else(|| ApiError::Internal("the appointment row is missing".into()))?;
        let rows = store::participants(&self.sql)?;
        let levels: Vec<Availability> = rows
            .iter()
            .map(|p| Availability::from_bytes(&p.availability, len))
            .collect();
        let all: Vec<&Availability> = levels.iter().collect();
        let named: Vec<(&str, &Availability)> = rows
            .iter()
            .map(|p| p.id.as_str())
            .zip(levels.iter())
            .collect();
        let best = best_for(&layout.grid, &named, 0, tools.needs()).windows;
        Ok((counts(&all, len), best, tools.private))
    }
}

/// `message` of `version` as each of the `count` sockets should see it,
/// grouped: with the `since` it needs (sockets greeted since the last
/// push get the best windows too, which they have not heard), and a
/// private appointment's as each reader may see it. The sockets'
/// attachments are read only when greeted sockets or privacy ask for it.
fn grouped(
    mut message: LiveMessage,
    count: usize,
    sockets: impl FnOnce() -> Vec<Attachment>,
    greeted: &[(String, i64)],
    version: i64,
    all_best: Option<Vec<BestWindow>>,
    private: bool,
) -> Vec<Push> {
    let private = private && matches!(message, LiveMessage::Update { .. });
    let attachments = match greeted.is_empty() && !private {
        true => Vec::new(),
        false => sockets(),
    };
    let groups = match greeted.is_empty() {
        true => vec![(None, (0..count).collect())],
        false => by_since(&attachments, greeted, version),
    };
    let mut pushes = Vec::new();
    for (since, group) in groups {
        if let LiveMessage::Update { since: s, best, .. } = &mut message {
            // Sockets greeted since the last push have not heard its best.
            if let Some(since) = since {
                *s = since;
                best.clone_from(&all_best);
            }
        }
        if !private {
            if let Ok(text) = serde_json::to_string(&message) {
                pushes.push((text, group));
            }
            continue;
        }
        for (reader, members) in by_reader(&attachments, group) {
            if let Ok(text) = serde_json::to_string(&message.seen_by(true, &reader)) {
                pushes.push((text, members));
            }
        }
    }
    pushes
}

/// Best windows as a push carries them.
fn shown(windows: &[Window]) -> Vec<BestWindow> {
    windows.iter().map(BestWindow::from).collect()
}

/// The sockets of `group` grouped by who they proved to be.
fn by_reader(sockets: &[Attachment], group: Vec<usize>) -> Vec<(Caller, Vec<usize>)> {
    let mut groups: Vec<(Caller, Vec<usize>)> = Vec::new();
    for i in group {
        let reader = sockets[i].reader();
        match groups.iter_mut().find(|(r, _)| *r == reader) {
            Some((_, members)) => members.push(i),
            None => groups.push((reader, vec![i])),
        }
    }
    groups
}

/// The sockets a push of `version` goes to, grouped by the `since` they
/// need: `None` for those whose last message was the last push, the
/// hello's version for those greeted since (whose hello was newer), and
/// none at all for those whose hello already carried `version`.
fn by_since(
    sockets: &[Attachment],
    greeted: &[(String, i64)],
    version: i64,
) -> Vec<(Option<i64>, Vec<usize>)> {
    if greeted.is_empty() {
        return vec![(None, (0..sockets.len()).collect())];
    }
    let mut groups: Vec<(Option<i64>, Vec<usize>)> = vec![(None, Vec::new())];
    for (i, socket) in sockets.iter().enumerate() {
        let hello = greeted
            .iter()
            .find(|(g, _)| *g == socket.id)
            .map(|(_, h)| *h);
        match hello {
            Some(h) if h >= version => {}
            Some(h) => match groups.iter_mut().find(|(s, _)| *s == Some(h)) {
                Some((_, group)) => group.push(i),
                None => groups.push((Some(h), vec![i])),
            },
            None => groups[0].1.push(i),
        }
    }
    groups
}
