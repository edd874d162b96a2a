//! The rules of the live socket: what a client may send (and how much),
//! and how changes are gathered into coalesced pushes — at most one
//! message per socket per [`PUSH_INTERVAL_MS`], carrying every participant
//! changed since the last one and the newest version, the first change
//! after a quiet spell going out at once.

use serde::Deserialize;
use serde_json::Value;

use super::results::Counts;
use super::view::{sees_everyone, BestWindow, ErrorDetail, ParticipantView};
use super::{Caller, DomainError};

/// The shortest time between two pushes to the same sockets.
pub const PUSH_INTERVAL_MS: f64 = 50.0;

/// Each open socket stretches the time between pushes by this much (up
/// to [`MAX_PUSH_INTERVAL_MS`]) while changes come as fast as
/// [`BUSY_CHANGES_PER_SECOND`]: a push costs the object about the same
/// for each socket however many changes it carries, so a busy crowd gets
/// fewer, fuller pushes: 100 sockets one every 100 ms, 200 every 200 ms.
pub const PUSH_MS_PER_SOCKET: f64 = 1.0;

/// The longest time between two pushes while changes are pending.
pub const MAX_PUSH_INTERVAL_MS: f64 = 200.0;

/// How fast changes come (a second) when the object has no time to spare
/// for pushes: a crowd sending flat out, measured on the bench's machine
/// (`make bench`, the fair). Slower changes leave it idle most of the
/// time, so the time between pushes shrinks with them: a crowd painting at
/// a person's pace (200 sockets, about 40 changes a second) gets a push
/// every 50 ms, and sees a change sooner.
pub const BUSY_CHANGES_PER_SECOND: f64 = 250.0;

/// The shortest time between two pushes that carry new best windows
/// while changes keep coming. The best windows are most of a push's
/// bytes (every window names who can come), and in a crowd painting at
/// once they change with nearly every push; the heatmap and the counts
/// stay current with every push, the ranked windows at most this late.
/// When they were held back, a push of them alone follows (see
/// [`Pacer::best_owed`]), so the last word is always current.
pub const BEST_INTERVAL_MS: f64 = 1000.0;

/// From this many open sockets on, changed best windows are held back
/// for [`BEST_INTERVAL_MS`]; fewer sockets get them with every push.
pub const BEST_HOLD_SOCKETS: usize = 50;

/// The time between two pushes to `sockets` open sockets while changes
/// come at `rate` a second.
pub fn push_interval(sockets: usize, rate: f64) -> f64 {
    let crowd = (sockets as f64 * PUSH_MS_PER_SOCKET).clamp(PUSH_INTERVAL_MS, MAX_PUSH_INTERVAL_MS);
    (crowd * rate / BUSY_CHANGES_PER_SECOND).clamp(PUSH_INTERVAL_MS, crowd)
}

/// The largest frame a client may send; a larger one closes the socket.
pub const MAX_FRAME_BYTES: usize = 64 * 1024;

/// Frames a socket may send in one [`FRAME_WINDOW_MS`]; more is a flood
/// and closes the socket. A person painting sends a few a second.
pub const FRAMES_PER_WINDOW: u32 = 120;

/// The window of [`FRAMES_PER_WINDOW`].
pub const FRAME_WINDOW_MS: f64 = 10_000.0;

/// The close code for a socket that broke the rules (RFC 6455 policy).
pub const POLICY_CLOSE: u16 = 1008;

/// A frame a client sent, as read before anything is checked against
/// storage. An update's `changes` are decoded like the HTTP body, after
/// the sender is known to be allowed (the order of the HTTP checks).
#[derive(Debug, Clone, PartialEq)]
pub enum Frame {
    /// `"ping"`: answered `"pong"`.
    Ping,
    /// `{"type":"auth","token":t}`: who this socket paints for.
    Auth { token: String },
    /// `{"type":"update","seq":k,"changes":[…]}`, optionally naming the
    /// participant it is for.
    Update {
        seq: Option<Value>,
        participant: Option<String>,
    },
}

/// A frame that could not be read, and the `seq` to answer it with.
#[derive(Debug, Clone, PartialEq)]
pub struct BadFrame {
    pub seq: Option<Value>,
    pub error: DomainError,
}

/// The fields every frame may carry.
#[derive(Deserialize)]
struct Envelope {
    #[serde(rename = "type")]
    kind: Option<Value>,
    seq: Option<Value>,
    token: Option<Value>,
    participant: Option<Value>,
}

/// Reads one text frame.
pub fn read_frame(text: &str) -> Result<Frame, BadFrame> {
    if text == "ping" {
        return Ok(Frame::Ping);
    }
    let bad = |seq: Option<Value>, error| Err(BadFrame { seq, error });
    let envelope: Envelope = match serde_json::from_str::<Value>(text) {
        Err(e) => return bad(None, DomainError::InvalidJson(e.to_string())),
        Ok(v) if !v.is_object() => {
            return bad(
                None,
                DomainError::InvalidBody("a frame is a JSON object with a \"type\"".into()),
            )
        }
        Ok(v) => match serde_json::from_value(v) {
            Ok(envelope) => envelope,
            Err(e) => return bad(None, DomainError::InvalidBody(e.to_string())),
        },
    };
    let seq = envelope.seq;
    match envelope.kind.as_ref().and_then(Value::as_str) {
        Some("auth") => match envelope.token {
            Some(Value::String(token)) => Ok(Frame::Auth { token }),
            _ => bad(
                seq,
                DomainError::InvalidBody("token: the participant's token, as a string".into()),
            ),
        },
        Some("update") => match envelope.participant {
            None | Some(Value::Null) => Ok(Frame::Update {
                seq,
                participant: None,
            }),
            Some(Value::String(pid)) => Ok(Frame::Update {
                seq,
                participant: Some(pid),
            }),
            Some(_) => bad(
                seq,
                DomainError::InvalidBody("participant: a participant id, as a string".into()),
            ),
        },
        _ => bad(
            seq,
            DomainError::InvalidBody(
                "type: one of \"auth\" or \"update\" (or send \"ping\")".into(),
            ),
        ),
    }
}

/// Counts a socket's frames in fixed windows; a socket over the limit is
/// flooding.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct FrameCounter {
    window_start: f64,
    count: u32,
}

impl FrameCounter {
    /// Counts one frame at `now` (ms); whether it is within the limit.
    pub fn admit(&mut self, now: f64) -> bool {
        if now - self.window_start >= FRAME_WINDOW_MS {
            self.window_start = now;
            self.count = 0;
        }
        self.count += 1;
        self.count <= FRAMES_PER_WINDOW
    }
}

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

/// When pending changes go out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Due {
    /// Now: nothing was pushed for a while.
    Now,
    /// After this many milliseconds; a timer must be set.
    After(f64),
    /// A timer is already set and will take it along.
    Waiting,
}

/// Spaces pushes at least [`PUSH_INTERVAL_MS`] apart (more with many
/// sockets and changes coming fast, see [`push_interval`]).
/// Also spaces the pushes of changed best windows at least
/// [`BEST_INTERVAL_MS`] apart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pacer {
    last_push: Option<f64>,
    timer: bool,
    interval: f64,
    /// When best windows last went out.
    last_best: Option<f64>,
    /// Whether changed best windows were held back and not sent since.
    best_owed: bool,
    /// Whether a timer will send the held-back best windows.
    best_timer: bool,
    /// The sockets the last push went to.
    sockets: usize,
}

impl Default for Pacer {
    fn default() -> Self {
        Pacer {
            last_push: None,
            timer: false,
            interval: PUSH_INTERVAL_MS,
            last_best: None,
            best_owed: false,
            best_timer: false,
            sockets: 0,
        }
    }
}

impl Pacer {
    /// When changes pending at `now` (ms) go out; `After` means the caller
    /// now sets the timer. A timer that is late (the object was busy)
    /// does not hold a push back.
    pub fn due(&mut self, now: f64) -> Due {
        match self.last_push {
            Some(last) if now - last < self.interval => {
                if self.timer {
                    Due::Waiting
                } else {
                    self.timer = true;
                    Due::After(self.interval - (now - last))
                }
            }
            _ => Due::Now,
        }
    }

    /// A push of `changes` version steps went out at `now` to this many
    /// sockets. How fast changes come is read off the time since the last
    /// push (none for a while: slowly).
    pub fn pushed(&mut self, now: f64, sockets: usize, changes: i64) {
        let rate = match self.last_push {
            Some(last) if now > last => changes.max(0) as f64 * 1000.0 / (now - last),
            _ => 0.0,
        };
        self.last_push = Some(now);
        self.interval = push_interval(sockets, rate);
        self.sockets = sockets;
    }

    /// The timer fired.
    pub fn timer_fired(&mut self) {
        self.timer = false;
    }

    /// Whether a push at `now` whose best windows changed carries them
    /// (always, to fewer than [`BEST_HOLD_SOCKETS`]); when not, they are
    /// owed.
    pub fn send_best(&mut self, now: f64) -> bool {
        match self.last_best {
            Some(last) if now - last < BEST_INTERVAL_MS && self.sockets >= BEST_HOLD_SOCKETS => {
                self.best_owed = true;
                false
            }
            _ => {
                self.best_sent(now);
                true
            }
        }
    }

    /// Best windows went out at `now`.
    pub fn best_sent(&mut self, now: f64) {
        self.last_best = Some(now);
        self.best_owed = false;
    }

    /// The sockets have the current best windows: nothing is owed.
    pub fn best_current(&mut self) {
        self.best_owed = false;
    }

    /// When held-back best windows go out on their own: `Waiting` when
    /// none are owed or a timer is set; else after this many
    /// milliseconds, and the caller sets the timer.
    pub fn best_owed(&mut self, now: f64) -> Due {
        if !self.best_owed || self.best_timer {
            return Due::Waiting;
        }
        self.best_timer = true;
        let since = self.last_best.map_or(BEST_INTERVAL_MS, |last| now - last);
        Due::After((BEST_INTERVAL_MS - since).max(0.0))
    }

    /// The timer of the held-back best windows fired.
    pub fn best_timer_fired(&mut self) {
        self.best_timer = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Availability, ErrorCode};

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
    fn frames_are_read_with_their_seq_even_when_refused() {
        assert_eq!(read_frame("ping"), Ok(Frame::Ping));
        assert_eq!(
            read_frame(r#"{"type":"auth","token":"t"}"#),
            Ok(Frame::Auth { token: "t".into() })
        );
        assert_eq!(
            read_frame(r#"{"type":"update","seq":3,"changes":[]}"#),
            Ok(Frame::Update {
                seq: Some(3.into()),
                participant: None
            })
        );
        let bad = read_frame("{nope").unwrap_err();
        assert_eq!(bad.error.code(), ErrorCode::InvalidJson);
        let bad = read_frame(r#"{"type":"dance","seq":"x"}"#).unwrap_err();
        assert_eq!(bad.error.code(), ErrorCode::InvalidBody);
        assert_eq!(bad.seq, Some("x".into()));
        let bad = read_frame(r#"{"type":"auth","token":7}"#).unwrap_err();
        assert_eq!(bad.error.code(), ErrorCode::InvalidBody);
        assert_eq!(
            read_frame("[1]").unwrap_err().error.code(),
            ErrorCode::InvalidBody
        );
    }

    #[test]
    fn a_flood_is_told_from_a_painter() {
        let mut c = FrameCounter::default();
        for i in 0..FRAMES_PER_WINDOW {
            assert!(c.admit(1_000.0 + f64::from(i)));
        }
        assert!(!c.admit(2_000.0));
        assert!(c.admit(1_000.0 + FRAME_WINDOW_MS), "a new window starts");
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
    fn the_first_change_after_a_quiet_spell_goes_out_at_once() {
        let mut pacer = Pacer::default();
        assert_eq!(pacer.due(0.0), Due::Now);
        pacer.pushed(0.0, 10, 1);
        assert_eq!(pacer.due(10.0), Due::After(40.0));
        assert_eq!(pacer.due(20.0), Due::Waiting);
        // A busy object's late timer does not hold the next change back.
        assert_eq!(pacer.due(60.0), Due::Now);
        pacer.pushed(60.0, 10, 1);
        pacer.timer_fired();
        assert_eq!(pacer.due(70.0), Due::After(40.0));
        pacer.timer_fired();
        pacer.pushed(110.0, 10, 1);
        assert_eq!(pacer.due(300.0), Due::Now);
    }

    #[test]
    fn changed_best_windows_go_out_at_most_once_a_second_and_are_never_lost() {
        let mut pacer = Pacer::default();
        pacer.pushed(0.0, 10, 1);
        assert!(
            pacer.send_best(0.0) && pacer.send_best(10.0),
            "a few sockets: every push"
        );
        pacer.pushed(0.0, BEST_HOLD_SOCKETS, 1);
        let mut pacer = Pacer {
            last_best: None,
            ..pacer
        };
        assert_eq!(pacer.best_owed(0.0), Due::Waiting, "nothing owed yet");
        assert!(pacer.send_best(0.0), "the first change sends them");
        assert!(!pacer.send_best(100.0), "too soon: held back");
        assert!(!pacer.send_best(900.0));
        assert_eq!(pacer.best_owed(900.0), Due::After(100.0));
        assert_eq!(pacer.best_owed(950.0), Due::Waiting, "one timer");
        pacer.best_timer_fired();
        pacer.best_sent(1000.0);
        assert_eq!(pacer.best_owed(1000.0), Due::Waiting, "paid");
        assert!(
            pacer.send_best(2000.0),
            "a second later they go with the push"
        );
        assert_eq!(pacer.best_owed(2000.0), Due::Waiting);
        assert!(!pacer.send_best(2500.0));
        pacer.best_current();
        assert_eq!(
            pacer.best_owed(2600.0),
            Due::Waiting,
            "changed back: none owed"
        );
    }

    #[test]
    fn a_busy_crowd_of_sockets_gets_fewer_fuller_pushes() {
        let busy = BUSY_CHANGES_PER_SECOND;
        assert_eq!(push_interval(0, busy), PUSH_INTERVAL_MS);
        assert_eq!(push_interval(50, busy), PUSH_INTERVAL_MS);
        assert_eq!(push_interval(100, busy), 100.0);
        assert_eq!(push_interval(200, busy), 200.0);
        assert_eq!(push_interval(200, 10.0 * busy), 200.0);
        assert_eq!(push_interval(10_000, busy), MAX_PUSH_INTERVAL_MS);
        // Half as busy: half the wait; a person's pace: the shortest.
        assert_eq!(push_interval(200, busy / 2.0), 100.0);
        assert_eq!(push_interval(200, 40.0), PUSH_INTERVAL_MS);
        assert_eq!(push_interval(200, 0.0), PUSH_INTERVAL_MS);
        let mut pacer = Pacer::default();
        // The first change after a quiet spell: nothing says it is busy.
        pacer.pushed(0.0, 200, 1);
        assert_eq!(pacer.due(10.0), Due::After(40.0));
        pacer.timer_fired();
        // 13 changes in 50 ms: 260 a second.
        pacer.pushed(50.0, 200, 13);
        assert_eq!(pacer.due(100.0), Due::After(150.0));
        pacer.timer_fired();
        // 2 in 200 ms: 10 a second.
        pacer.pushed(250.0, 200, 2);
        assert_eq!(pacer.due(260.0), Due::After(40.0));
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
