//! What a client may send over the live socket, and how much: frames are
//! read before anything is checked against storage, and a socket that
//! sends too many is flooding.

use serde::Deserialize;
use serde_json::Value;

use crate::domain::DomainError;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ErrorCode;

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
}
