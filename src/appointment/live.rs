//! The appointment's live sockets: `hello` on connect, coalesced pushes
//! of every change, and availability updates sent over the socket.
//!
//! A change is announced right after its transaction commits (no await in
//! between, so pushes leave in version order). The domain's [`Pacer`] says
//! whether it goes out now or with a timer at most 200 ms later; all
//! sockets share the pushes. Each push names the version of the previous
//! message on the socket (`since`) and carries the group's counts and best
//! windows, so a page applies it without fetching the view.
//!
//! The transaction of every version step notes it as pushed: the push
//! leaves right after it, or with a timer that keeps the object awake,
//! and a hibernating object has nothing pending. A socket that somehow
//! missed a version sees a `since` that is not its own and fetches.
//! Pings are answered `"pong"` by the runtime without waking the object.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;
use worker::worker_sys::DurableObjectState;
use worker::{Date, Delay, Response, State, WebSocket};

use super::store::{self, AppointmentRow};
use super::{Appointment, Layout};
use crate::domain::live::{
    read_frame, Change, Due, Frame, FrameCounter, LiveMessage, Pacer, Pending, MAX_FRAME_BYTES,
    POLICY_CLOSE,
};
use crate::domain::results::{best_for, counts, Counts, Window};
use crate::domain::view::{BestWindow, Updated};
use crate::domain::{Availability, Caller, DomainError};
use crate::error::{ApiError, ApiResult};
use crate::secrets;

/// What the object keeps in memory about its sockets. Losing it (the
/// object hibernates) loses nothing: nothing is pending then, the version
/// last pushed is in storage, and counters start afresh.
#[derive(Default)]
pub(super) struct Live {
    pending: Pending,
    pacer: Pacer,
    /// The version of the last push (or of the appointment when nothing
    /// was pushed since it was created or woke): the `since` of the next.
    /// 0 until read from storage.
    last_version: i64,
    /// The grid the pending participants were painted on, for the
    /// group's counts and best windows.
    layout: Option<Rc<Layout>>,
    /// The best windows the last push carried (or would have): a push
    /// leaves them out for the sockets that heard it when they are the
    /// same. `None` when the last push said nothing of them.
    last_best: Option<Vec<Window>>,
    /// Frames per socket, by the socket's id.
    frames: HashMap<String, FrameCounter>,
    /// Sockets that connected while changes were pending, by their
    /// attachment's id, with the version their hello carried: a push of
    /// no newer version skips them, and a newer one names their hello as
    /// its `since`, so versions only grow on every socket.
    greeted: Vec<(String, i64)>,
}

impl Live {
    /// State for an object whose sockets heard of `version` (it was just
    /// created).
    pub(super) fn caught_up(version: i64) -> Live {
        Live {
            last_version: version,
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
    /// Whether the socket sent the admin token: it hears everything of a
    /// private appointment.
    #[serde(default)]
    admin: bool,
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

/// Pushes everything pending in one message, with the group's counts and
/// best windows (these left out when the sockets' last push had them).
fn push(state: &State, live: &RefCell<Live>) {
    let sockets = state.get_websockets();
    let (message, greeted, layout, previous_best) = {
        let mut live = live.borrow_mut();
        live.pacer
            .pushed(Date::now().as_millis() as f64, sockets.len());
        let since = live.last_version;
        let message = live.pending.take(since);
        match &message {
            Some(LiveMessage::Update { version, .. } | LiveMessage::View { version }) => {
                live.last_version = *version;
            }
            _ => return,
        }
        let greeted = std::mem::take(&mut live.greeted);
        (message, greeted, live.layout.clone(), live.last_best.take())
    };
    let Some(mut message) = message else {
        return;
    };
    if sockets.is_empty() {
        return;
    }
    let mut all_best = None;
    // Unknown (storage failed) counts as private: nothing leaks.
    let mut private = true;
    if let (LiveMessage::Update { counts, best, .. }, Some(layout)) = (&mut message, layout) {
        match group_results(state, &layout) {
            Ok((c, b, p)) => {
                *counts = Some(c);
                *best = (previous_best.as_ref() != Some(&b)).then(|| shown(&b));
                all_best = Some(b);
                private = p;
            }
            // Without them clients fetch the view: slower, still right.
            Err(e) => worker::console_error!("live push: reading the group failed: {e}"),
        }
    }
    live.borrow_mut().last_best = all_best.clone();
    let all_best = all_best.as_deref().map(shown);
    let version = match &message {
        LiveMessage::Update { version, .. } | LiveMessage::View { version } => *version,
        _ => return,
    };
    for (since, group) in by_since(sockets, &greeted, version) {
        if let LiveMessage::Update { since: s, best, .. } = &mut message {
            // Sockets greeted since the last push have not heard its best.
            if let Some(since) = since {
                *s = since;
                best.clone_from(&all_best);
            }
        }
        if !private || !matches!(message, LiveMessage::Update { .. }) {
            if let Ok(text) = serde_json::to_string(&message) {
                send_text(&group, &text);
            }
            continue;
        }
        for (reader, sockets) in by_reader(group) {
            if let Ok(text) = serde_json::to_string(&message.seen_by(true, &reader)) {
                send_text(&sockets, &text);
            }
        }
    }
}

/// Best windows as a push carries them.
fn shown(windows: &[Window]) -> Vec<BestWindow> {
    windows.iter().map(BestWindow::from).collect()
}

/// Sockets grouped by who they proved to be: the organiser, a
/// participant, or no one.
fn by_reader(sockets: Vec<WebSocket>) -> Vec<(Caller, Vec<WebSocket>)> {
    let mut groups: Vec<(Caller, Vec<WebSocket>)> = Vec::new();
    for ws in sockets {
        let attachment = ws.deserialize_attachment::<Attachment>().ok().flatten();
        let reader = match attachment {
            Some(a) if a.admin => Caller::Admin,
            Some(Attachment {
                participant: Some(p),
                ..
            }) => Caller::Participant(p),
            _ => Caller::Anonymous,
        };
        match groups.iter_mut().find(|(r, _)| *r == reader) {
            Some((_, group)) => group.push(ws),
            None => groups.push((reader, vec![ws])),
        }
    }
    groups
}

/// The group's counts and best windows (default minimum length, the
/// organiser's needs), by the same code as the view's, and whether the
/// appointment is private.
fn group_results(state: &State, layout: &Layout) -> ApiResult<(Counts, Vec<Window>, bool)> {
    let len = layout.grid.len();
    let sql = store::WorkerSql::new(state.storage());
    let tools = store::load_appointment(&sql)?
        .map(|row| row.tools)
        .ok_or_else(|| ApiError::Internal("the appointment row is missing".into()))?;
    let rows = store::participants(&sql)?;
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

/// The sockets a push of `version` goes to, grouped by the `since` they
/// need: `None` for those whose last message was the last push, the
/// hello's version for those greeted since (whose hello was newer), and
/// none at all for those whose hello already carried `version`.
fn by_since(
    sockets: Vec<WebSocket>,
    greeted: &[(String, i64)],
    version: i64,
) -> Vec<(Option<i64>, Vec<WebSocket>)> {
    if greeted.is_empty() {
        return vec![(None, sockets)];
    }
    let mut groups: Vec<(Option<i64>, Vec<WebSocket>)> = vec![(None, Vec::new())];
    for ws in sockets {
        let id = ws
            .deserialize_attachment::<Attachment>()
            .ok()
            .flatten()
            .map(|a| a.id);
        let hello = greeted
            .iter()
            .find(|(g, _)| Some(g) == id.as_ref())
            .map(|(_, h)| *h);
        match hello {
            Some(h) if h >= version => {}
            Some(h) => match groups.iter_mut().find(|(s, _)| *s == Some(h)) {
                Some((_, group)) => group.push(ws),
                None => groups.push((Some(h), vec![ws])),
            },
            None => groups[0].1.push(ws),
        }
    }
    groups
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
        {
            let mut live = self.live.borrow_mut();
            live.pending.add(version, change);
            live.layout = self.layout.borrow().clone();
        }
        settle(&self.state, &self.live);
    }

    /// After the object woke: the version its sockets last heard of is
    /// the one storage noted.
    pub(super) fn wake_live(&self, row: &AppointmentRow) {
        let mut live = self.live.borrow_mut();
        if live.last_version == 0 {
            live.last_version = row.pushed_version;
        }
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
        self.answer_pings();
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
        }
        drop(live);
        Ok(Response::from_websocket(pair.client)?)
    }

    /// Has the runtime answer `"ping"` with `"pong"` itself, so a page's
    /// heartbeat never wakes a hibernating object. (A runtime without it
    /// leaves pings to [`Self::on_frame`].)
    fn answer_pings(&self) {
        let raw: &wasm_bindgen::JsValue = self.state.as_raw().as_ref();
        let state = raw.unchecked_ref::<DurableObjectState>();
        if let Ok(None) = state.get_websocket_auto_response() {
            match worker::worker_sys::WebSocketRequestResponsePair::new("ping", "pong") {
                Ok(pair) => {
                    if let Err(e) = state.set_websocket_auto_response(&pair) {
                        worker::console_error!("live: setting the ping answer failed: {e:?}");
                    }
                }
                Err(e) => worker::console_error!("live: the ping answer failed: {e:?}"),
            }
        }
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
            Err(bad) => LiveMessage::error(bad.seq, (&bad.error).into()),
            Ok(Frame::Auth { token }) => match self.authenticate(&token).await {
                Ok(caller) => {
                    attachment.token_hash = Some(secrets::token_hash(&token));
                    let admin = caller == Caller::Admin;
                    let participant = match caller {
                        Caller::Participant(p) => Some(p),
                        _ => None,
                    };
                    attachment.participant.clone_from(&participant);
                    attachment.admin = admin;
                    match ws.serialize_attachment(&attachment) {
                        Ok(()) => LiveMessage::Auth { participant, admin },
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

    /// Whom a token belongs to: a participant, or the organiser.
    async fn authenticate(&self, token: &str) -> ApiResult<Caller> {
        let row = self.load(crate::clock::now_ms()).await?;
        match self.caller(&row, Some(token))? {
            Caller::Anonymous => Err(DomainError::Unauthorized.into()),
            caller => Ok(caller),
        }
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
        self.paint(&row, &pid, token_hash, text.as_bytes(), now, "socket")
            .await
    }

    /// The error frame for `e`; an internal one is logged.
    fn socket_error(&self, seq: Option<serde_json::Value>, e: &ApiError) -> LiveMessage {
        if let ApiError::Internal(_) = e {
            worker::console_error!("live socket frame failed: {e}");
        }
        LiveMessage::error(seq, e.detail())
    }
}
