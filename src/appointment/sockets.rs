//! The live sockets, the runtime's side: accepting them, sending what the
//! core built, the push timer, and frames handed to the core. Pings are
//! answered `"pong"` by the runtime without waking the object.

use std::rc::Rc;
use std::time::Duration;

use wasm_bindgen::JsCast;
use worker::worker_sys::DurableObjectState;
use worker::{Date, Delay, Response, State, WebSocket};

use super::core::live::{Attachment, FrameOutcome};
use super::core::{Core, Effects};
use super::store::WorkerSql;
use super::Appointment;
use crate::clock::now_ms;
use crate::domain::live::{Due, LiveMessage};
use crate::error::{ApiError, ApiResult};

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
fn send_text<'a>(sockets: impl Iterator<Item = &'a WebSocket>, text: &str) {
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
        send_text(sockets.iter(), &text);
    }
}

fn attachment(ws: &WebSocket) -> Attachment {
    ws.deserialize_attachment()
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// Sends what is pending now, or sets the timer that will.
pub(super) fn settle(state: &State, core: &Rc<Core<WorkerSql>>) {
    let now = Date::now().as_millis() as f64;
    match core.push_due(now) {
        None | Some(Due::Waiting) => {}
        Some(Due::Now) => {
            let sockets = state.get_websockets();
            let pushes = core.push(now, sockets.len(), || {
                sockets.iter().map(attachment).collect()
            });
            for (text, members) in pushes {
                send_text(members.iter().map(|&i| &sockets[i]), &text);
            }
            settle_best(state, core, now);
        }
        Some(Due::After(ms)) => {
            let timer_state = own_state(state);
            let core = core.clone();
            state.wait_until(async move {
                Delay::from(Duration::from_millis(ms.ceil() as u64)).await;
                core.push_timer_fired();
                settle(&timer_state, &core);
            });
        }
    }
}

/// Sets the timer that sends held-back best windows on their own, when
/// some are owed and no timer is set.
fn settle_best(state: &State, core: &Rc<Core<WorkerSql>>, now: f64) {
    let Some(ms) = core.best_due(now) else {
        return;
    };
    let timer_state = own_state(state);
    let core = core.clone();
    state.wait_until(async move {
        Delay::from(Duration::from_millis(ms.ceil() as u64)).await;
        let sockets = timer_state.get_websockets();
        let now = Date::now().as_millis() as f64;
        let pushes = core.push_best(now, sockets.len(), || {
            sockets.iter().map(attachment).collect()
        });
        for (text, members) in pushes {
            send_text(members.iter().map(|&i| &sockets[i]), &text);
        }
    });
}

/// A handle on the object's state that a timer can keep.
fn own_state(state: &State) -> State {
    let raw: &wasm_bindgen::JsValue = state.as_raw().as_ref();
    State::from(raw.clone().unchecked_into::<DurableObjectState>())
}

impl Appointment {
    /// Accepts a live socket for an appointment that exists, and says
    /// hello with the current version.
    pub(super) async fn open_live(&self, upgrade: Option<&str>) -> ApiResult<Response> {
        let upgrade = upgrade.is_some_and(|u| u.eq_ignore_ascii_case("websocket"));
        let mut fx = Effects::default();
        let hello = self.core.hello(upgrade, now_ms(), &mut fx);
        self.apply(fx, "live").await?;
        let (attachment, hello) = hello?;
        self.answer_pings();
        let pair = worker::WebSocketPair::new()?;
        self.state.accept_web_socket(&pair.server);
        pair.server.serialize_attachment(&attachment)?;
        send(&pair.server, &hello);
        Ok(Response::from_websocket(pair.client)?)
    }

    /// Has the runtime answer `"ping"` with `"pong"` itself, so a page's
    /// heartbeat never wakes a hibernating object. (A runtime without it
    /// leaves pings to the core.)
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

    /// One text frame from a socket: the core decides, this sends.
    pub(super) async fn on_frame(&self, ws: &WebSocket, text: &str) {
        let mut attachment = attachment(ws);
        let mut fx = Effects::default();
        let outcome = self.core.frame(&mut attachment, text, now_ms(), &mut fx);
        if let Err(e) = self.apply(fx, "socket").await {
            worker::console_error!("live socket frame: {e}");
        }
        match outcome {
            FrameOutcome::Ignore => {}
            FrameOutcome::Pong => {
                let _ = ws.send_with_str("pong");
            }
            FrameOutcome::Close { code, reason } => {
                let _ = ws.serialize_attachment(&attachment);
                let _ = ws.close(Some(code), Some(reason));
            }
            FrameOutcome::Reply { message, store } => {
                let message = match store {
                    true => match ws.serialize_attachment(&attachment) {
                        Ok(()) => message,
                        Err(e) => LiveMessage::error(None, ApiError::from(e).detail()),
                    },
                    false => message,
                };
                send(ws, &message);
            }
        }
    }

    /// A socket that closed or failed is forgotten.
    pub(super) fn on_close(&self, ws: &WebSocket) {
        if let Ok(Some(attachment)) = ws.deserialize_attachment::<Attachment>() {
            self.core.socket_closed(&attachment);
        }
    }
}
