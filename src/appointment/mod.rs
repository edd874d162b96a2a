//! The appointment Durable Object: the only writer of one appointment's
//! data, as a thin shell around its [`core`].
//!
//! The core decides everything (decode the call, find the caller, let the
//! domain decide, one transaction, the typed reply, the pushes) over the
//! storage trait of [`store`], and runs in `cargo test` on a host SQLite.
//! This shell does only the runtime's parts: the fetch and socket framing,
//! the storage handle, setting alarms and timers, sending on the sockets
//! ([`sockets`]) and writing the D1 index ([`index_writer`]), as the
//! [`core::Effects`] of each call ask.
//!
//! The Worker talks to it in the typed calls of [`crate::protocol`]; it
//! answers typed replies and builds no HTTP status or header (only the
//! live socket's upgrade).

mod core;
mod index_writer;
mod sockets;
mod store;

use std::cell::Cell;
use std::rc::Rc;

use worker::{
    durable_object, DurableObject, Env, Request, Response, State, WebSocket,
    WebSocketIncomingMessage,
};

use self::core::{Core, Effects, IndexWrite, Settings};
use crate::clock::{now_ms, to_datetime};
use crate::error::{ApiError, ApiResult};
use crate::protocol::{self, Answer, Call, Reply};
use store::WorkerSql;

#[durable_object]
pub struct Appointment {
    state: State,
    env: Env,
    core: Rc<Core<WorkerSql>>,
    /// Whether an alarm is due soon to write the update count to the
    /// index. Lost on eviction, which only costs one extra alarm check.
    index_write_scheduled: Cell<bool>,
}

impl DurableObject for Appointment {
    fn new(state: State, env: Env) -> Self {
        // Settings are read once, and the migrations run once, here.
        let settings = Settings::read(|name| env.var(name).ok().map(|v| v.to_string()));
        let core = Rc::new(Core::open(WorkerSql::new(state.storage()), settings));
        Self {
            state,
            env,
            core,
            index_write_scheduled: Cell::new(false),
        }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        if req.path() == "/live" {
            let upgrade = req.headers().get("upgrade").ok().flatten();
            return match self.open_live(upgrade.as_deref()).await {
                Ok(upgraded) => Ok(upgraded),
                Err(e) => self.failed(&e, "live").into_response(),
            };
        }
        let bytes = req.bytes().await.unwrap_or_default();
        let (call, body) = match protocol::decode::<Call>(&bytes) {
            Ok(decoded) => decoded,
            Err(bad) => {
                let e = ApiError::Internal(format!("unreadable call: {}", bad.0));
                return self.failed(&e, "-").into_response();
            }
        };
        let (answer, fx) = self.core.handle(&call, body, now_ms()).await;
        match self.apply(fx, &call.request_id).await.and(answer) {
            Ok(answer) => answer,
            Err(e) => self.failed(&e, &call.request_id),
        }
        .into_response()
    }

    async fn alarm(&self) -> worker::Result<Response> {
        if let Err(e) = self.on_alarm().await {
            worker::console_error!("alarm of appointment object failed: {e}");
        }
        Answer::bare(Reply::Done).into_response()
    }

    async fn websocket_message(
        &self,
        ws: WebSocket,
        message: WebSocketIncomingMessage,
    ) -> worker::Result<()> {
        match message {
            WebSocketIncomingMessage::String(text) => self.on_frame(&ws, &text).await,
            // Frames are JSON text; bytes are read as such (and refused
            // as JSON when they are not).
            WebSocketIncomingMessage::Binary(bytes) => {
                self.on_frame(&ws, &String::from_utf8_lossy(&bytes)).await
            }
        }
        Ok(())
    }

    async fn websocket_close(
        &self,
        ws: WebSocket,
        _code: usize,
        _reason: String,
        _was_clean: bool,
    ) -> worker::Result<()> {
        self.on_close(&ws);
        // 1005 and 1006 cannot be sent back; 1000 always can.
        let _ = ws.close(Some(1000), Some("closing"));
        Ok(())
    }

    async fn websocket_error(&self, ws: WebSocket, _error: worker::Error) -> worker::Result<()> {
        self.on_close(&ws);
        let _ = ws.close(Some(1011), Some("error"));
        Ok(())
    }
}

impl Appointment {
    /// The refusal the Worker is told; an internal one is logged with its
    /// detail and the request it failed.
    fn failed(&self, e: &ApiError, request_id: &str) -> Answer {
        if let ApiError::Internal(_) = e {
            worker::console_error!("request {request_id} failed in the appointment object: {e}");
        }
        Answer::bare(Reply::refused(e))
    }

    /// Does the work a call of the core left, in order: pushes first
    /// (before any await, so they leave in version order), then deleting
    /// the storage, the alarms and the index. A failure to delete or to
    /// set the creation's alarm fails the call; others are logged with
    /// `request_id` (the change they follow is stored).
    async fn apply(&self, fx: Effects, request_id: &str) -> ApiResult<()> {
        if fx.pushes {
            sockets::settle(&self.state, &self.core);
        }
        if let Some(id) = &fx.erased {
            self.erase(id).await?;
        }
        let storage = self.state.storage();
        if let Some(at) = fx.alarm_at {
            storage.set_alarm(to_datetime(at)).await?;
        }
        if let Some(at) = fx.alarm_by {
            if let Err(e) = self.alarm_by(at).await {
                // The edit stands; the next alarm or the cron sweep catches up.
                worker::console_error!("request {request_id}: setting the alarm failed: {e}");
            }
        }
        match fx.index {
            Some(IndexWrite::Now) => {
                self.index_write(now_ms()).await;
            }
            Some(IndexWrite::Soon) => self.write_index_soon(now_ms(), request_id),
            Some(IndexWrite::Counted) => self.schedule_index_write(now_ms(), request_id).await,
            None => {}
        }
        Ok(())
    }

    /// Deletes everything this object holds (the core has forgotten it),
    /// tells and closes the sockets, and removes the index entry.
    async fn erase(&self, id: &str) -> ApiResult<()> {
        self.state.storage().delete_all().await?;
        sockets::send_all(&self.state, &crate::domain::live::LiveMessage::Deleted);
        for ws in self.state.get_websockets() {
            let _ = ws.close(Some(1000), Some("appointment deleted"));
        }
        if let Ok(db) = self.index_db() {
            if let Err(e) = crate::index::remove(&db, id).await {
                worker::console_error!("index remove of appointment {id} failed: {e}");
            }
        }
        Ok(())
    }

    /// Makes sure an alarm comes by `at`; one due sooner stays.
    async fn alarm_by(&self, at: i64) -> ApiResult<()> {
        let storage = self.state.storage();
        if storage.get_alarm().await?.is_none_or(|due| due > at) {
            storage.set_alarm(to_datetime(at)).await?;
        }
        Ok(())
    }

    /// The alarm: the core tells the sockets when the deadline has passed
    /// or deletes an expired appointment; then the index entry is written
    /// and the next alarm set (sooner when the write failed).
    async fn on_alarm(&self) -> ApiResult<()> {
        self.index_write_scheduled.set(false);
        let now = now_ms();
        let mut fx = Effects::default();
        let next = self.core.alarm(now, &mut fx);
        self.apply(fx, "alarm").await?;
        let Some(next) = next? else {
            return Ok(());
        };
        let next = match self.index_write(now).await {
            true => next,
            false => next.min(self.index_retry_at(now)),
        };
        self.state.storage().set_alarm(to_datetime(next)).await?;
        Ok(())
    }
}
