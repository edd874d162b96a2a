//! The one protocol between the Worker and an appointment's Durable
//! Object: typed calls the Worker sends, and the typed replies it reads.
//!
//! A call is a `POST` to [`CALL_URL`] whose body is one line of JSON (the
//! [`Call`] envelope: which appointment, who asks, what they ask) followed
//! by the client's request body exactly as it came, which the object
//! decodes itself — so a body is parsed once, after the checks that rank
//! before it (404, 401, 403). The live socket is the exception: the
//! client's own upgrade request goes to [`LIVE_URL`], since its `Upgrade`
//! header must reach the object untouched.
//!
//! Every answer of an object is typed too: one line of JSON (the
//! [`Reply`]: what the answer is, with the facts HTTP needs, such as an
//! entity tag or whether the bytes are gzipped) followed by the body
//! bytes. The object never speaks HTTP; the Worker (`api`) alone turns a
//! reply into status, headers and body. The one exception is the live
//! socket's `101`, which the runtime needs as it is. The bodies the
//! Worker itself reads are typed here as well ([`Summary`],
//! [`ExpireOutcome`]).

pub mod client;

use serde::{Deserialize, Serialize};

use crate::domain::view::ErrorDetail;
use crate::domain::DomainError;
use crate::error::ApiError;

/// Where calls go.
pub const CALL_URL: &str = "https://appointment/call";
/// Where the live socket's upgrade request goes.
pub const LIVE_URL: &str = "https://appointment/live";
/// Where the Worker asks a [`crate::limiter::Limiter`] for one use.
pub const LIMITER_URL: &str = "https://limiter/take";

/// One call to an appointment's object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Call {
    /// The appointment's id (the object's name).
    pub appointment: String,
    /// The request's id, for the object's logs.
    pub request_id: String,
    /// The origin public links and QR codes carry.
    pub origin: String,
    /// The bearer token the client sent, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// The client's address (`CF-Connecting-IP`), which per-client limits
    /// count by.
    #[serde(default)]
    pub client: String,
    pub command: Command,
}

/// What the Worker asks of an appointment object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Command {
    /// Create the appointment; the body is the create request.
    Create,
    /// The view (`GET`, or `HEAD`: the same headers without the body),
    /// with the raw `min_slots` query value and the client's
    /// `If-None-Match`.
    View {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_slots: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        if_none_match: Option<String>,
        #[serde(default)]
        head: bool,
        /// Whether the client takes a gzipped body.
        #[serde(default)]
        gzip: bool,
    },
    /// What the appointment page needs: does it exist, and its title.
    Summary,
    /// Join or sign back in; the body is the join request.
    Join,
    /// Change a participant's availability; the body is the update.
    Update { participant: String },
    /// Remove a participant.
    Leave { participant: String },
    /// Change the appointment; the body is the edit request. With the raw
    /// `dry_run` query value saying so, only tell what the change would do.
    Edit {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dry_run: Option<String>,
    },
    /// Delete the appointment.
    Delete,
    /// The QR code of the public link.
    Qr,
    /// The calendar file of the final time.
    Calendar,
    /// Everyone's availability as a CSV file (`GET`, or `HEAD`: the same
    /// answer without building the body), with the client's
    /// `If-None-Match`, and the raw `lang` query value (the language of
    /// the file's words).
    Export {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        if_none_match: Option<String>,
        #[serde(default)]
        head: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lang: Option<String>,
    },
    /// The index believes the appointment expired: delete it if so.
    Expire,
}

/// What an object answers a [`Call`] with. The body that follows is
/// JSON unless the variant says otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reply", rename_all = "snake_case")]
pub enum Reply {
    /// Done; the body is the answer.
    Ok,
    /// Made; the body is the answer. `location` is the API path of what
    /// was made, when it has one of its own.
    Created {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        location: Option<String>,
    },
    /// An availability update is done; the body is the answer. The rows
    /// it wrote, for the benchmark.
    Updated { rows_written: usize },
    /// Done, with nothing to say.
    Done,
    /// The view, whose entity tag is `etag`. `current`: the client's copy
    /// is (no body). `gzip`: the body is gzipped. `length`: the body's
    /// length as `GET` has it (a `HEAD`'s body is empty).
    View {
        etag: String,
        current: bool,
        gzip: bool,
        length: usize,
    },
    /// The QR code of the public link; the body is SVG.
    Qr,
    /// The calendar file of the final time (iCalendar), named after the
    /// appointment's `title`.
    Calendar { title: String },
    /// The availability file, always gzipped, named after `title`; the
    /// rest as for [`Reply::View`].
    Csv {
        etag: String,
        title: String,
        current: bool,
        length: usize,
    },
    /// Refused: the error the client is told (no body).
    Refused {
        error: ErrorDetail,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after: Option<u32>,
    },
}

impl Reply {
    /// Whether this is a refusal with `code`.
    pub fn is_refusal(&self, code: crate::domain::ErrorCode) -> bool {
        matches!(self, Reply::Refused { error, .. } if error.code == code)
    }

    /// The refusal of `e`. An internal error's detail stays in the
    /// object's log.
    pub fn refused(e: &ApiError) -> Reply {
        let retry_after = match e {
            ApiError::Refused(DomainError::TooManyAttempts { retry_after }) => Some(*retry_after),
            _ => None,
        };
        Reply::Refused {
            error: e.detail(),
            retry_after,
        }
    }
}

/// A [`Reply`] and the body that follows it: what an object answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub reply: Reply,
    pub body: Vec<u8>,
}

impl Answer {
    /// `reply` with `value` as its JSON body.
    pub fn json(reply: Reply, value: &impl Serialize) -> Result<Answer, ApiError> {
        let body = serde_json::to_vec(value).map_err(|e| ApiError::Internal(e.to_string()))?;
        Ok(Answer { reply, body })
    }

    /// [`Reply::Ok`] with `value` as its JSON body.
    pub fn ok(value: &impl Serialize) -> Result<Answer, ApiError> {
        Answer::json(Reply::Ok, value)
    }

    /// `reply` without a body.
    pub fn bare(reply: Reply) -> Answer {
        Answer {
            reply,
            body: Vec::new(),
        }
    }

    /// Its wire form.
    pub fn to_bytes(&self) -> Vec<u8> {
        encode(&self.reply, &self.body)
    }

    /// Its wire form as the runtime carries it back from an object.
    pub fn into_response(self) -> worker::Result<worker::Response> {
        worker::Response::from_bytes(self.to_bytes())
    }

    /// Reads its wire form.
    pub fn from_bytes(bytes: &[u8]) -> Result<Answer, BadCall> {
        let (reply, body) = decode(bytes)?;
        Ok(Answer {
            reply,
            body: body.to_vec(),
        })
    }
}

/// The answer to [`Command::Summary`]: what a page and its link preview
/// show of the appointment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub title: String,
    /// The schedule as the view shows it.
    pub schedule: crate::domain::schedule::ScheduleView,
    /// The view's entity tag without a query.
    pub etag: String,
}

/// The answer to [`Command::Expire`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExpireOutcome {
    /// It had expired and is gone.
    Deleted,
    /// It has not expired; its index entry was brought up to date.
    Kept,
}

/// Asks a limiter for one use: at most `limit` in any `window_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TakeRequest {
    pub limit: i64,
    pub window_ms: i64,
}

/// The limiter's answer: the use was recorded, or the seconds to wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TakeReply {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u32>,
}

/// Why a call could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadCall(pub String);

/// The wire form of a call or a reply: the envelope, a newline, then the
/// body. The envelope is compact JSON, which never holds a raw newline.
pub fn encode(envelope: &impl Serialize, body: &[u8]) -> Vec<u8> {
    let mut out = serde_json::to_vec(envelope).unwrap_or_default();
    out.reserve(body.len() + 1);
    out.push(b'\n');
    out.extend_from_slice(body);
    out
}

/// Reads what [`encode`] wrote: the call (or reply) and the body.
pub fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<(T, &[u8]), BadCall> {
    let split = bytes
        .iter()
        .position(|&b| b == b'\n')
        .ok_or_else(|| BadCall("no envelope line".into()))?;
    let envelope = serde_json::from_slice(&bytes[..split]).map_err(|e| BadCall(e.to_string()))?;
    Ok((envelope, &bytes[split + 1..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(command: Command) -> Call {
        Call {
            appointment: "k3j9x2p7q4mwe".into(),
            request_id: "r1".into(),
            origin: "https://example.com".into(),
            token: Some("t".into()),
            client: "203.0.113.7".into(),
            command,
        }
    }

    #[test]
    fn a_call_and_its_body_come_back_as_sent() {
        let body = b"{\"changes\":\n[]}\n";
        for command in [
            Command::Create,
            Command::View {
                min_slots: Some("2".into()),
                if_none_match: Some("W/\"x\"".into()),
                head: false,
                gzip: true,
            },
            Command::Update {
                participant: "p\n1".into(),
            },
            Command::Export {
                if_none_match: Some("*".into()),
                head: true,
                lang: Some("ko".into()),
            },
            Command::Expire,
        ] {
            let sent = call(command);
            let wire = encode(&sent, body);
            let (got, got_body) = decode::<Call>(&wire).unwrap();
            assert_eq!(got, sent);
            assert_eq!(got_body, body);
        }
    }

    #[test]
    fn an_empty_body_stays_empty() {
        let wire = encode(&call(Command::Qr), b"");
        assert_eq!(decode::<Call>(&wire).unwrap().1, b"");
    }

    #[test]
    fn bytes_without_an_envelope_are_refused() {
        assert!(decode::<Call>(b"").is_err());
        assert!(decode::<Call>(b"{}").is_err());
        assert!(decode::<Call>(b"{\"op\":1}\nx").is_err());
        assert!(decode::<Reply>(b"{\"reply\":\"teapot\"}\n").is_err());
    }

    #[test]
    fn a_reply_and_its_body_come_back_as_sent() {
        let gzip = [0x1f, 0x8b, b'\n', 0, 0xff];
        for (reply, body) in [
            (Reply::Ok, &b"{\"a\":1}"[..]),
            (
                Reply::Created {
                    location: Some("/api/appointments/x".into()),
                },
                b"{}",
            ),
            (Reply::Done, b""),
            (
                Reply::View {
                    etag: "W/\"v1\"".into(),
                    current: false,
                    gzip: true,
                    length: 5,
                },
                &gzip,
            ),
            (
                Reply::Csv {
                    etag: "\"c\"".into(),
                    title: "회의\n".into(),
                    current: true,
                    length: 0,
                },
                b"",
            ),
            (
                Reply::refused(&DomainError::TooManyAttempts { retry_after: 3 }.into()),
                b"",
            ),
        ] {
            let wire = encode(&reply, body);
            let (got, got_body) = decode::<Reply>(&wire).unwrap();
            assert_eq!(got, reply);
            assert_eq!(got_body, body);
        }
    }

    #[test]
    fn an_internal_refusal_tells_nothing_internal() {
        let reply = Reply::refused(&ApiError::Internal("disk on fire".into()));
        let text = serde_json::to_string(&reply).unwrap();
        assert!(!text.contains("fire"), "{text}");
        assert!(text.contains("internal_error"), "{text}");
    }
}
