//! The appointment's live sockets: `hello` on connect, coalesced pushes
//! of every change, and availability updates sent over the socket.
//!
//! A change is announced right after its transaction commits (no await in
//! between, so pushes leave in version order). The domain's [`Pacer`] says
//! whether it goes out now or with a timer at most 50 ms later; all
//! sockets share the pushes. What was pushed last is kept in storage as a
//! version, so changes a hibernating object had not pushed yet are found
//! again when it wakes (see [`Appointment::recover_pushes`]).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;
use worker::worker_sys::DurableObjectState;
use worker::{Date, Delay, Response, State, WebSocket};

use super::store::{self, AppointmentRow};
use super::Appointment;
use crate::domain::live::{
    read_frame, Change, Due, Frame, FrameCounter, LiveMessage, Pacer, Pending, MAX_FRAME_BYTES,
    POLICY_CLOSE,
};
use crate::domain::view::Updated;
use crate::domain::DomainError;
use crate::error::{ApiError, ApiResult};
use crate::secrets;

/// What the object keeps in memory about its sockets. Losing it (the
/// object hibernates or is evicted) loses nothing: pending changes are
/// found again from storage, and counters start afresh.
#[derive(Default)]
pub(super) struct Live {
    pending: Pending,
    pacer: Pacer,
    /// Whether changes storage says were not pushed have been looked for
    /// since this object woke.
    recovered: bool,
    /// Frames per socket, by the socket's id.
    frames: HashMap<String, FrameCounter>,
    /// Sockets that connected while changes were pending, by their
    /// attachment's id, with the version their hello carried: a push of
    /// no newer version skips them, so versions only grow on every socket.
    greeted: Vec<(String, i64)>,
}

impl Live {
    /// State for an object that knows everything was pushed (it was just
    /// created).
    pub(super) fn caught_up() -> Live {
        Live {
            recovered: true,
            ..Live::default()
        }
    }
}

/// What a socket remembers across hibernation: its id, whom it paints
/// for once it sent `auth`, and whether it broke a limit.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Attachment {
    id: String,
    token_hash: Option<Vec<u8>>,
    participant: Option<String>,
    /// Set on the frame that broke a limit: frames still in flight when
    /// the close went out are refused unread, so every change applied
    /// from this socket was acknowledged on it.
    #[serde(default)]
    closed: bool,
}

fn send(ws: &WebSocket, message: &LiveMessage) {
    if let Ok(text) = serde_json::to_string(message) {
        let _ = ws.send_with_str(text);
    }
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// A server socket, seen only for `send` with a value made once: a
    /// push to hundreds of sockets converts its text to a JavaScript
    /// string only once.
    #[wasm_bindgen(js_name = WebSocket)]
    type RawSocket;
    #[wasm_bindgen(method, catch, js_name = send)]
    fn send_value(
        this: &RawSocket,
        data: &wasm_bindgen::JsValue,
    ) -> Result<(), wasm_bindgen::JsValue>;
}

/// Sends `text` to each of `sockets`.
fn send_text(sockets: &[WebSocket], text: &str) {
    let text = wasm_bindgen::JsValue::from_str(text);
    for ws in sockets {
        let raw: &wasm_bindgen::JsValue = ws.as_ref().as_ref();
        let _ = raw.unchecked_ref::<RawSocket>().send_value(&text);
    }
}

/// Sends `message` to every open socket.
pub(super) fn send_all(state: &State, message: &LiveMessage) {
    let sockets = state.get_websockets();
    if sockets.is_empty() {
        return;
    }
    if let Ok(text) = serde_json::to_string(message) {
        send_text(&sockets, &text);
    }
}

/// Pushes everything pending in one message, and notes in storage that
/// the sockets heard of it.
fn push(state: &State, live: &RefCell<Live>) {
    let sockets = state.get_websockets();
    let (message, greeted) = {
        let mut live = live.borrow_mut();
        live.pacer
            .pushed(Date::now().as_millis() as f64, sockets.len());
        (live.pending.take(), std::mem::take(&mut live.greeted))
    };
    let Some(message) = message else {
        return;
    };
    let (version, had_removals) = match &message {
        LiveMessage::Update {
            version, removed, ..
        } => (*version, !removed.is_empty()),
        LiveMessage::View { version } => (*version, false),
        _ => return,
    };
    let sockets = without_greeted(sockets, &greeted, version);
    if sockets.is_empty() {
        return;
    }
    let Ok(text) = serde_json::to_string(&message) else {
        return;
    };
    send_text(&sockets, &text);
    if let Err(e) = store::set_pushed(&state.storage().sql(), version, had_removals) {
        worker::console_error!("live push: noting version {version} failed: {e}");
    }
}

/// `sockets` but those whose hello already carried `version`.
fn without_greeted(
    mut sockets: Vec<WebSocket>,
    greeted: &[(String, i64)],
    version: i64,
) -> Vec<WebSocket> {
    let heard: Vec<&str> = greeted
        .iter()
        .filter(|(_, hello)| *hello >= version)
        .map(|(id, _)| id.as_str())
        .collect();
    if !heard.is_empty() {
        sockets.retain(|ws| {
            ws.deserialize_attachment::<Attachment>()
                .ok()
                .flatten()
                .is_none_or(|a| !heard.contains(&a.id.as_str()))
        });
    }
    sockets
}

/// Sends what is pending now, or sets the timer that will.
fn settle(state: &State, live: &Rc<RefCell<Live>>) {
    let due = {
        let mut l = live.borrow_mut();
        if l.pending.is_empty() {
            return;
        }
        l.pacer.due(Date::now().as_millis() as f64)
    };
    match due {
        Due::Now => push(state, live),
        Due::After(ms) => {
            let raw: &wasm_bindgen::JsValue = state.as_raw().as_ref();
            let timer_state = State::from(raw.clone().unchecked_into::<DurableObjectState>());
            let live = live.clone();
            state.wait_until(async move {
                Delay::from(Duration::from_millis(ms.ceil() as u64)).await;
                live.borrow_mut().pacer.timer_fired();
                settle(&timer_state, &live);
            });
        }
        Due::Waiting => {}
    }
}

impl Appointment {
    /// Tells the sockets of a change committed at `version`: now, or with
    /// the next push if one went out less than 50 ms ago.
    pub(super) fn announce(&self, version: i64, change: Change) {
        self.live.borrow_mut().pending.add(version, change);
        settle(&self.state, &self.live);
    }

    /// After the object woke: pushes the changes storage says the
    /// sockets have not heard of (a hibernating object forgot them).
    pub(super) fn recover_pushes(&self, row: &AppointmentRow) -> ApiResult<()> {
        if std::mem::replace(&mut self.live.borrow_mut().recovered, true) {
            return Ok(());
        }
        if row.pushed_version >= row.version {
            return Ok(());
        }
        if row.view_version > row.pushed_version {
            self.announce(row.version, Change::View);
            return Ok(());
        }
        let layout = self.layout(row)?;
        let (changed, removed) =
            store::changed_since(&self.state.storage().sql(), row.pushed_version)?;
        let mut live = self.live.borrow_mut();
        for p in &changed {
            let (view, _) = self.participant(p, &layout.grid);
            live.pending.add(row.version, Change::Participant(view));
        }
        for id in removed {
            live.pending.add(row.version, Change::Removed(id));
        }
        if live.pending.is_empty() {
            live.pending.add(row.version, Change::View);
        }
        drop(live);
        settle(&self.state, &self.live);
        Ok(())
    }

    /// Accepts a live socket for an appointment that exists, and says
    /// hello with the current version.
    pub(super) async fn open_live(&self, upgrade: Option<&str>) -> ApiResult<Response> {
        if !self.holds_appointment()? {
            return Err(ApiError::NotFound);
        }
        let row = self.load(crate::clock::now_ms()).await?;
        if !upgrade.is_some_and(|u| u.eq_ignore_ascii_case("websocket")) {
            return Err(ApiError::UpgradeRequired);
        }
        let pair = worker::WebSocketPair::new()?;
        self.state.accept_web_socket(&pair.server);
        let attachment = Attachment {
            id: secrets::new_participant_id().map_err(ApiError::Internal)?,
            ..Attachment::default()
        };
        pair.server.serialize_attachment(&attachment)?;
        let greeted = attachment.id;
        send(
            &pair.server,
            &LiveMessage::Hello {
                version: row.version,
            },
        );
        let mut live = self.live.borrow_mut();
        if !live.pending.is_empty() {
            live.greeted.push((greeted, row.version));
        } else if row.pushed_version < row.version {
            // Whoever watched heard of everything; the newcomer reads the view.
            store::set_pushed(&self.state.storage().sql(), row.version, true)?;
        }
        drop(live);
        Ok(Response::from_websocket(pair.client)?)
    }

    /// One text frame from a socket.
    pub(super) async fn on_frame(&self, ws: &WebSocket, text: &str) {
        let mut attachment: Attachment = ws
            .deserialize_attachment()
            .ok()
            .flatten()
            .unwrap_or_default();
        if attachment.closed {
            return;
        }
        let now = Date::now().as_millis() as f64;
        let within = self
            .live
            .borrow_mut()
            .frames
            .entry(attachment.id.clone())
            .or_default()
            .admit(now);
        if text.len() > MAX_FRAME_BYTES || !within {
            let reason = if within {
                "frame too large"
            } else {
                "too many frames"
            };
            // Marked before the close, and the counter kept, so no later
            // frame of this socket starts a fresh count.
            attachment.closed = true;
            let _ = ws.serialize_attachment(&attachment);
            let _ = ws.close(Some(POLICY_CLOSE), Some(reason));
            return;
        }
        let reply = match read_frame(text) {
            Ok(Frame::Ping) => {
                let _ = ws.send_with_str("pong");
                return;
            }
            Err(bad) => LiveMessage::Error {
                seq: bad.seq,
                error: (&bad.error).into(),
            },
            Ok(Frame::Auth { token }) => match self.authenticate(&token).await {
                Ok(participant) => {
                    attachment.token_hash = Some(secrets::token_hash(&token));
                    attachment.participant = Some(participant.clone());
                    match ws.serialize_attachment(&attachment) {
                        Ok(()) => LiveMessage::Auth { participant },
                        Err(e) => self.socket_error(None, &ApiError::from(e)),
                    }
                }
                Err(e) => self.socket_error(None, &e),
            },
            Ok(Frame::Update { seq, participant }) => {
                let pid = participant.or_else(|| attachment.participant.clone());
                match self
                    .socket_update(pid, attachment.token_hash.as_deref(), text)
                    .await
                {
                    Ok((updated, _)) => LiveMessage::Ack {
                        seq,
                        version: updated.version,
                        participant: updated.participant,
                    },
                    Err(e) => self.socket_error(seq, &e),
                }
            }
        };
        send(ws, &reply);
    }

    /// A socket that closed or failed is forgotten.
    pub(super) fn on_close(&self, ws: &WebSocket) {
        if let Ok(Some(attachment)) = ws.deserialize_attachment::<Attachment>() {
            self.live.borrow_mut().frames.remove(&attachment.id);
        }
    }

    /// The participant a token belongs to.
    async fn authenticate(&self, token: &str) -> ApiResult<String> {
        self.load(crate::clock::now_ms()).await?;
        store::token_owner(&self.state.storage().sql(), &secrets::token_hash(token))?
            .ok_or_else(|| DomainError::Unauthorized.into())
    }

    /// An update sent over a socket: exactly the HTTP update.
    async fn socket_update(
        &self,
        pid: Option<String>,
        token_hash: Option<&[u8]>,
        text: &str,
    ) -> ApiResult<(Updated, usize)> {
        let now = crate::clock::now_ms();
        let row = self.load(now).await?;
        let pid = pid.ok_or(DomainError::Unauthorized)?;
        self.paint(&row, &pid, token_hash, text.as_bytes(), now)
            .await
    }

    /// The error frame for `e`; an internal one is logged.
    fn socket_error(&self, seq: Option<serde_json::Value>, e: &ApiError) -> LiveMessage {
        if let ApiError::Internal(_) = e {
            worker::console_error!("live socket frame failed: {e}");
        }
        LiveMessage::Error {
            seq,
            error: e.detail(),
        }
    }
}
