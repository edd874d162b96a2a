//! The rules of the live socket: what a client may send, and how much
//! ([`frames`]); how changes are gathered into coalesced pushes, each
//! carrying every participant changed since the last one and the newest
//! version (here); and when they go out: at most one message per socket
//! per [`PUSH_INTERVAL_MS`], the first change after a quiet spell at once
//! ([`pacing`]).

mod frames;
mod pacing;

pub use frames::*;
pub use pacing::*;

use serde_json::Value;

use super::results::Counts;
use super::view::{sees_everyone, BestWindow, ErrorDetail, ParticipantView};
use super::Caller;

/// What the server sends over a live socket.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveMessage {
    /// On connect: the current version.
    Hello { version: i64 },
    /// Participants changed (joined or painted) or left since the last
    /// push. `since` is the version of the socket's previous message: a
    /// client at `since` applies this and is at `version`; any other
    /// fetches the view. `counts` and `best` are the whole group's, as the
    /// view has them (default minimum length), so a client never computes
    /// them. `best` is left out when it is the same as at `since`, and
    /// while changes keep coming it is sent at most once a
    /// [`BEST_INTERVAL_MS`] (a push with no change, `since` equal to
    /// `version`, brings what was held back); both are left out when they
    /// could not be read (the client fetches).
    Update {
        since: i64,
        version: i64,
        participants: Vec<ParticipantView>,
        removed: Vec<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        counts: Option<Counts>,
        #[serde(skip_serializing_if = "Option::is_none")]
        best: Option<Vec<BestWindow>>,
    },
    /// Something other than availability changed: fetch the view.
    View { version: i64 },
    /// The appointment is gone.
    Deleted,
    /// The socket now paints for this participant, or (sent the admin
    /// token) belongs to the organiser: `participant` is then `null` and
    /// `admin` is `true`, and pushes carry everything.
    Auth {
        participant: Option<String>,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        admin: bool,
    },
    /// An update sent over the socket was applied (or changed nothing).
    Ack {
        #[serde(skip_serializing_if = "Option::is_none")]
        seq: Option<Value>,
        version: i64,
        participant: ParticipantView,
    },
    /// A frame was refused; nothing changed. `status` is the HTTP status
    /// of the error's code, so a page handles a refusal over the socket
    /// as it does one over HTTP, from one table (`ErrorCode::status`).
    Error {
        #[serde(skip_serializing_if = "Option::is_none")]
        seq: Option<Value>,
        status: u16,
        error: ErrorDetail,
    },
}

impl LiveMessage {
    /// The refusal of the frame `seq` (if it had one) with `error`.
    pub fn error(seq: Option<Value>, error: ErrorDetail) -> LiveMessage {
        LiveMessage::Error {
            seq,
            status: error.code.status(),
            error,
        }
    }

    /// The message as the socket of `caller` may hear it: everything,
    /// unless the appointment is private and the socket is not the
    /// organiser's; then a push carries no one's object, id or names but
    /// the socket's own participant's, and best windows as numbers.
    pub fn seen_by(&self, private: bool, caller: &Caller) -> LiveMessage {
        if sees_everyone(private, caller) {
            return self.clone();
        }
        let me = match caller {
            Caller::Participant(id) => Some(id.as_str()),
            _ => None,
        };
        match self {
            LiveMessage::Update {
                since,
                version,
                participants,
                removed,
                counts,
                best,
            } => LiveMessage::Update {
                since: *since,
                version: *version,
                participants: participants
                    .iter()
                    .filter(|p| Some(p.id.as_str()) == me)
                    .cloned()
                    .collect(),
                removed: removed
                    .iter()
                    .filter(|id| Some(id.as_str()) == me)
                    .cloned()
                    .collect(),
                counts: counts.clone(),
                best: best
                    .as_ref()
                    .map(|b| b.iter().map(BestWindow::counted).collect()),
            },
            other => other.clone(),
        }
    }
}

/// A change, as the live sockets hear of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A participant joined or painted: their object as it is now.
    Participant(ParticipantView),
    /// A participant was removed.
    Removed(String),
    /// Title, final time, closed or schedule changed.
    View,
}

/// The changes not yet pushed, merged: one entry per participant, the
/// newest version.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pending {
    version: i64,
    participants: Vec<ParticipantView>,
    removed: Vec<String>,
    view: bool,
}

impl Pending {
    /// Adds a change made at `version`.
    pub fn add(&mut self, version: i64, change: Change) {
        self.version = self.version.max(version);
        match change {
            Change::Participant(p) => {
                self.removed.retain(|id| *id != p.id);
                match self.participants.iter_mut().find(|q| q.id == p.id) {
                    Some(q) => *q = p,
                    None => self.participants.push(p),
                }
            }
            Change::Removed(id) => {
                self.participants.retain(|p| p.id != id);
                if !self.removed.contains(&id) {
                    self.removed.push(id);
                }
            }
            Change::View => self.view = true,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.version == 0
    }

    /// The message that tells everything pending to sockets whose last
    /// message was at version `since`, and nothing pending after it. A
    /// change of the view makes clients fetch it all, which covers the
    /// participants too. The group's counts and best windows are the
    /// caller's to add.
    pub fn take(&mut self, since: i64) -> Option<LiveMessage> {
        if self.is_empty() {
            return None;
        }
        let pending = std::mem::take(self);
        Some(if pending.view {
            LiveMessage::View {
                version: pending.version,
            }
        } else {
            LiveMessage::Update {
                since,
                version: pending.version,
                participants: pending.participants,
                removed: pending.removed,
                counts: None,
                best: None,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Availability, DomainError};

    fn person(id: &str, slots: usize) -> ParticipantView {
        let mut a = Availability::empty(8);
        if slots > 0 {
            let update = crate::domain::Update::new(
                serde_json::from_value(serde_json::json!({
                    "changes": [{"level": "available", "slots": [[0, slots]]}]
                }))
                .unwrap(),
                8,
            )
            .unwrap();
            a.apply(&update);
        }
        ParticipantView::new(id, id, false, &a)
    }

    #[test]
    fn pending_changes_merge_into_one_message_with_the_newest_version() {
        let mut p = Pending::default();
        assert!(p.take(1).is_none());
        p.add(2, Change::Participant(person("a", 1)));
        p.add(3, Change::Participant(person("b", 1)));
        p.add(4, Change::Participant(person("a", 3)));
        p.add(5, Change::Removed("b".into()));
        let Some(LiveMessage::Update {
            since,
            version,
            participants,
            removed,
            ..
        }) = p.take(1)
        else {
            panic!("an update");
        };
        assert_eq!((since, version), (1, 5));
        assert_eq!(participants, vec![person("a", 3)]);
        assert_eq!(removed, vec!["b".to_string()]);
        assert!(p.take(5).is_none(), "nothing pending after a push");

        p.add(6, Change::Participant(person("a", 2)));
        p.add(7, Change::View);
        assert!(matches!(p.take(5), Some(LiveMessage::View { version: 7 })));
    }

    #[test]
    fn messages_have_the_spec_shape() {
        let m = LiveMessage::Update {
            since: 2,
            version: 3,
            participants: vec![person("p1", 0)],
            removed: vec![],
            counts: None,
            best: None,
        };
        let v = serde_json::to_value(&m).unwrap();
        assert_eq!(v["type"], "update");
        assert_eq!(v["since"], 2);
        assert!(v.get("counts").is_none(), "left out, not null");
        assert_eq!(v["participants"][0]["levels"], "AAA");
        assert_eq!(v["removed"], serde_json::json!([]));
        assert_eq!(
            serde_json::to_value(LiveMessage::Hello { version: 1 }).unwrap(),
            serde_json::json!({"type": "hello", "version": 1})
        );
        let e = LiveMessage::error(Some(1.into()), (&DomainError::Forbidden).into());
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["error"]["code"], "forbidden");
        assert_eq!(v["status"], 403);
        assert_eq!(v["seq"], 1);
    }
}
