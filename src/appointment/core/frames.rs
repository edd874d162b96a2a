//! A live socket's own traffic, as decisions: `hello` when it opens,
//! and what each frame from it does (sign in, paint, ping), within the
//! limits of frame size and rate. The shell accepts, sends and closes.

use serde::{Deserialize, Serialize};

use super::{internal, log_error, Core, Effects};
use crate::appointment::store::Sql;
use crate::domain::live::{read_frame, Frame, LiveMessage, MAX_FRAME_BYTES, POLICY_CLOSE};
use crate::domain::{Caller, DomainError};
use crate::error::{ApiError, ApiResult};
use crate::secrets;

/// What a socket remembers across hibernation: its id, whom it paints
/// for once it sent `auth`, and whether it broke a limit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub id: String,
    pub token_hash: Option<Vec<u8>>,
    pub participant: Option<String>,
    /// Whether the socket sent the admin token: it hears everything of a
    /// private appointment.
    #[serde(default)]
    pub admin: bool,
    /// Set on the frame that broke a limit: frames still in flight when
    /// the close went out are refused unread, so every change applied
    /// from this socket was acknowledged on it.
    #[serde(default)]
    pub closed: bool,
}

impl Attachment {
    /// Who the socket proved to be.
    pub fn reader(&self) -> Caller {
        match (&self.participant, self.admin) {
            (_, true) => Caller::Admin,
            (Some(p), false) => Caller::Participant(p.clone()),
            (None, false) => Caller::Anonymous,
        }
    }
}

/// What to do with a frame from a socket.
#[derive(Debug, Clone)]
pub enum FrameOutcome {
    /// Ignore it (the socket is closing).
    Ignore,
    /// Answer `"pong"`.
    Pong,
    /// Send this message; `store` says whether the attachment changed and
    /// must be stored first.
    Reply { message: LiveMessage, store: bool },
    /// Store the attachment and close the socket with this code and reason.
    Close { code: u16, reason: &'static str },
}

impl<S: Sql> Core<S> {
    /// A new socket for the appointment at `now`, when the request asked
    /// to upgrade: its attachment and its hello.
    pub fn hello(
        &self,
        upgrade: bool,
        now: i64,
        fx: &mut Effects,
    ) -> ApiResult<(Attachment, LiveMessage)> {
        if !self.holds_appointment()? {
            return Err(ApiError::NotFound);
        }
        let row = self.load(now, fx)?;
        if !upgrade {
            return Err(ApiError::UpgradeRequired);
        }
        let attachment = Attachment {
            id: secrets::new_participant_id().map_err(internal)?,
            ..Attachment::default()
        };
        let mut live = self.live.borrow_mut();
        if !live.pending.is_empty() {
            live.greeted.push((attachment.id.clone(), row.version));
        }
        let hello = LiveMessage::Hello {
            version: row.version,
        };
        Ok((attachment, hello))
    }

    /// One text frame from a socket with this attachment, at `now`.
    pub fn frame(
        &self,
        attachment: &mut Attachment,
        text: &str,
        now: i64,
        fx: &mut Effects,
    ) -> FrameOutcome {
        if attachment.closed {
            return FrameOutcome::Ignore;
        }
        let within = self
            .live
            .borrow_mut()
            .frames
            .entry(attachment.id.clone())
            .or_default()
            .admit(now as f64);
        if text.len() > MAX_FRAME_BYTES || !within {
            let reason = if within {
                "frame too large"
            } else {
                "too many frames"
            };
            // Marked before the close, and the counter kept, so no later
            // frame of this socket starts a fresh count.
            attachment.closed = true;
            return FrameOutcome::Close {
                code: POLICY_CLOSE,
                reason,
            };
        }
        let (message, store) = match read_frame(text) {
            Ok(Frame::Ping) => return FrameOutcome::Pong,
            Err(bad) => (LiveMessage::error(bad.seq, (&bad.error).into()), false),
            Ok(Frame::Auth { token }) => match self.authenticate(&token, now, fx) {
                Ok(caller) => {
                    attachment.token_hash = Some(secrets::token_hash(&token));
                    attachment.admin = caller == Caller::Admin;
                    attachment.participant = match caller {
                        Caller::Participant(p) => Some(p),
                        _ => None,
                    };
                    let message = LiveMessage::Auth {
                        participant: attachment.participant.clone(),
                        admin: attachment.admin,
                    };
                    (message, true)
                }
                Err(e) => (socket_error(None, &e), false),
            },
            Ok(Frame::Update { seq, participant }) => {
                let pid = participant.or_else(|| attachment.participant.clone());
                let token_hash = attachment.token_hash.as_deref();
                match self.socket_update(pid, token_hash, text, now, fx) {
                    Ok(updated) => (
                        LiveMessage::Ack {
                            seq,
                            version: updated.version,
                            participant: updated.participant,
                        },
                        false,
                    ),
                    Err(e) => (socket_error(seq, &e), false),
                }
            }
        };
        FrameOutcome::Reply { message, store }
    }

    /// A socket that closed or failed is forgotten.
    pub fn socket_closed(&self, attachment: &Attachment) {
        self.live.borrow_mut().frames.remove(&attachment.id);
    }

    /// Whom a token belongs to: a participant, or the organiser.
    fn authenticate(&self, token: &str, now: i64, fx: &mut Effects) -> ApiResult<Caller> {
        let row = self.load(now, fx)?;
        match self.caller(&row, Some(token))? {
            Caller::Anonymous => Err(DomainError::Unauthorized.into()),
            caller => Ok(caller),
        }
    }

    /// An update sent over a socket: exactly the HTTP update.
    fn socket_update(
        &self,
        pid: Option<String>,
        token_hash: Option<&[u8]>,
        text: &str,
        now: i64,
        fx: &mut Effects,
    ) -> ApiResult<crate::domain::view::Updated> {
        if !self.holds_appointment()? {
            return Err(ApiError::NotFound);
        }
        let row = self.load(now, fx)?;
        let pid = pid.ok_or(DomainError::Unauthorized)?;
        let (updated, _) = self.paint(&row, &pid, token_hash, text.as_bytes(), now, fx)?;
        Ok(updated)
    }
}

/// The error frame for `e`; an internal one is logged.
fn socket_error(seq: Option<serde_json::Value>, e: &ApiError) -> LiveMessage {
    if let ApiError::Internal(_) = e {
        log_error(&format!("live socket frame failed: {e}"));
    }
    LiveMessage::error(seq, e.detail())
}
