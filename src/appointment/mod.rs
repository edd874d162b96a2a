//! The appointment Durable Object: the only writer of one appointment's
//! data. It keeps the appointment in SQLite (see [`store`]), applies each
//! change in one storage transaction, and pushes changes to open WebSockets.
//!
//! The Worker talks to it with internal requests to `/{op}[/{participant}]`
//! (see [`Op`]), carrying the appointment id and public origin in headers;
//! the Worker has already checked body size, content type and id shape.

mod ops;
mod store;
mod tx;
mod view;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;
use worker::{
    durable_object, DurableObject, Env, Request, Response, State, WebSocket,
    WebSocketIncomingMessage,
};

use crate::domain::{Grid, Schedule};
use crate::error::{ApiError, ApiResult};
use crate::secrets;
pub use ops::parse_new_appointment;
use store::Meta;

/// Header carrying the appointment id from the Worker to the object.
pub const ID_HEADER: &str = "x-appointment-id";
/// Header carrying the request's id, which the object puts on its answer.
pub const REQUEST_ID_HEADER: &str = "x-request-id";
/// Header carrying the origin that public links and QR codes use.
pub const ORIGIN_HEADER: &str = "x-public-origin";

/// What the Worker asks of an appointment object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    Create,
    View,
    Join,
    Availability(String),
    Leave(String),
    Edit,
    Delete,
    Qr,
    Ics,
    Exists,
    Live,
    /// The index says this appointment has expired: delete it if so.
    Sweep,
}

impl Op {
    /// The internal path of this operation.
    pub fn path(&self) -> String {
        match self {
            Op::Create => "/create".into(),
            Op::View => "/view".into(),
            Op::Join => "/join".into(),
            Op::Availability(p) => format!("/availability/{p}"),
            Op::Leave(p) => format!("/leave/{p}"),
            Op::Edit => "/edit".into(),
            Op::Delete => "/delete".into(),
            Op::Qr => "/qr".into(),
            Op::Ics => "/ics".into(),
            Op::Exists => "/exists".into(),
            Op::Live => "/live".into(),
            Op::Sweep => "/sweep".into(),
        }
    }

    fn parse(path: &str) -> Option<Op> {
        let mut parts = path.trim_start_matches('/').splitn(2, '/');
        let op = parts.next()?;
        let arg = parts.next().map(str::to_string);
        Some(match (op, arg) {
            ("create", None) => Op::Create,
            ("view", None) => Op::View,
            ("join", None) => Op::Join,
            ("availability", Some(p)) => Op::Availability(p),
            ("leave", Some(p)) => Op::Leave(p),
            ("edit", None) => Op::Edit,
            ("delete", None) => Op::Delete,
            ("qr", None) => Op::Qr,
            ("ics", None) => Op::Ics,
            ("exists", None) => Op::Exists,
            ("live", None) => Op::Live,
            ("sweep", None) => Op::Sweep,
            _ => return None,
        })
    }
}

/// What does not change once an appointment exists: its schedule and grid.
struct Fixed {
    schedule: Schedule,
    grid: Grid,
}

#[durable_object]
pub struct Appointment {
    state: State,
    env: Env,
    fixed: RefCell<Option<Rc<Fixed>>>,
    schema_ready: Cell<bool>,
    /// Whether an alarm is due within a minute to count updates in the
    /// index. Lost on eviction, which only costs one extra alarm check.
    flush_scheduled: Cell<bool>,
}

impl DurableObject for Appointment {
    fn new(state: State, env: Env) -> Self {
        Self {
            state,
            env,
            fixed: RefCell::new(None),
            schema_ready: Cell::new(false),
            flush_scheduled: Cell::new(false),
        }
    }

    async fn fetch(&self, req: Request) -> worker::Result<Response> {
        let request_id = req.headers().get(REQUEST_ID_HEADER).ok().flatten();
        let mut response = match self.dispatch(req).await {
            Ok(response) => response,
            Err(e) => e.to_response(),
        };
        if let Some(id) = request_id {
            if response.status_code() != 101 {
                let _ = response.headers_mut().set(REQUEST_ID_HEADER, &id);
            }
        }
        Ok(response)
    }

    async fn alarm(&self) -> worker::Result<Response> {
        if let Err(e) = self.on_alarm().await {
            worker::console_error!("alarm failed: {}", e.message());
        }
        Response::empty()
    }

    async fn websocket_message(
        &self,
        ws: WebSocket,
        message: WebSocketIncomingMessage,
    ) -> worker::Result<()> {
        // Clients only listen; a "ping" gets a "pong" so they can check the line.
        if let WebSocketIncomingMessage::String(s) = message {
            if s == "ping" {
                let _ = ws.send_with_str("pong");
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
        // 1005 and 1006 cannot be sent back; 1000 always can.
        let _ = ws.close(Some(1000), Some("closing"));
        Ok(())
    }

    async fn websocket_error(&self, ws: WebSocket, _error: worker::Error) -> worker::Result<()> {
        let _ = ws.close(Some(1011), Some("error"));
        Ok(())
    }
}

/// Milliseconds since the Unix epoch, from the runtime's clock.
pub fn now_ms() -> i64 {
    worker::Date::now().as_millis() as i64
}

fn to_datetime(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// How the caller proved who they are.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Caller {
    Admin,
    Participant(String),
}

impl Appointment {
    /// Creates the tables (when the appointment is created, or to bring an
    /// older object's schema up to date).
    pub(super) fn ensure_schema(&self) -> ApiResult<()> {
        if !self.schema_ready.get() {
            store::create_schema(&self.state.storage().sql())?;
            self.schema_ready.set(true);
        }
        Ok(())
    }

    /// Whether this object holds an appointment's tables. Asked before
    /// anything else, so a request for an unknown id writes nothing.
    fn holds_appointment(&self) -> ApiResult<bool> {
        if self.schema_ready.get() {
            return Ok(true);
        }
        if store::has_schema(&self.state.storage().sql())? {
            self.ensure_schema()?;
            return Ok(true);
        }
        Ok(false)
    }

    async fn dispatch(&self, mut req: Request) -> ApiResult<Response> {
        let url = req.url()?;
        // The live endpoint arrives as the client's own request, so that its
        // `Upgrade` header reaches us untouched.
        let op = if url.path().ends_with("/live") {
            Op::Live
        } else {
            Op::parse(url.path()).ok_or(ApiError::NotFound)?
        };
        let headers = req.headers().clone();
        let header = |name: &str| headers.get(name).ok().flatten();
        let auth = header("authorization");
        let origin = header(ORIGIN_HEADER).unwrap_or_default();
        let if_none_match = header("if-none-match");
        let upgrade = header("upgrade");
        let body = match op {
            Op::Create | Op::Join | Op::Availability(_) | Op::Edit => Some(req.bytes().await?),
            _ => None,
        };
        let body = body.as_deref();
        if op == Op::Create {
            let id = header(ID_HEADER).ok_or(ApiError::NotFound)?;
            return self.create(&id, &origin, body.unwrap_or_default()).await;
        }
        if !self.holds_appointment()? {
            return Err(ApiError::NotFound);
        }
        let now = now_ms();
        if op == Op::Sweep {
            return self.sweep(now).await;
        }
        let meta = self.load(now).await?;
        match op {
            Op::Create | Op::Sweep => Err(ApiError::NotFound),
            Op::Exists => {
                let headers = worker::Headers::new();
                headers.set("etag", &ops::etag(&meta, 0))?;
                Ok(Response::empty()?.with_status(200).with_headers(headers))
            }
            Op::View => self.view(&meta, url.query(), if_none_match.as_deref()),
            Op::Join => self.join(&meta, body.unwrap_or_default(), now).await,
            Op::Availability(pid) => {
                self.update_availability(
                    &meta,
                    &pid,
                    auth.as_deref(),
                    body.unwrap_or_default(),
                    now,
                )
                .await
            }
            Op::Leave(pid) => self.leave(&meta, &pid, auth.as_deref(), now).await,
            Op::Edit => {
                self.edit(&meta, auth.as_deref(), body.unwrap_or_default(), now)
                    .await
            }
            Op::Delete => self.delete(&meta, auth.as_deref()).await,
            Op::Qr => self.qr(&meta, &origin),
            Op::Ics => self.ics(&meta, &origin, now),
            Op::Live => self.live(upgrade.as_deref()),
        }
    }

    /// The appointment, or 404 when there is none or it has expired (an
    /// expired one is deleted on the spot).
    async fn load(&self, now: i64) -> ApiResult<Meta> {
        let meta = store::load_meta(&self.state.storage().sql())?.ok_or(ApiError::NotFound)?;
        if now >= meta.expires_at {
            self.erase(&meta.id).await?;
            return Err(ApiError::NotFound);
        }
        Ok(meta)
    }

    /// The schedule and grid, parsed once per object lifetime.
    fn fixed(&self, meta: &Meta) -> ApiResult<Rc<Fixed>> {
        if let Some(f) = self.fixed.borrow().as_ref() {
            return Ok(f.clone());
        }
        let value: Value = serde_json::from_str(&meta.schedule)
            .map_err(|e| ApiError::Internal(format!("stored schedule: {e}")))?;
        let schedule = Schedule::parse_stored(&value)
            .map_err(|e| ApiError::Internal(format!("stored schedule: {e}")))?;
        let grid = Grid::new(&schedule);
        let fixed = Rc::new(Fixed { schedule, grid });
        *self.fixed.borrow_mut() = Some(fixed.clone());
        Ok(fixed)
    }

    /// A whole-number setting from the environment, else `default`.
    fn setting(&self, name: &str, default: i64) -> i64 {
        self.env
            .var(name)
            .ok()
            .and_then(|v| v.to_string().trim().parse::<i64>().ok())
            .unwrap_or(default)
    }

    /// Grace periods after which appointments expire: the spec's 30 and 90
    /// days unless the environment changes them (tests shorten them).
    fn graces(&self) -> (Duration, Duration) {
        const DAY: i64 = 24 * 60 * 60;
        (
            Duration::seconds(self.setting("EXPIRY_DATES_GRACE_SECONDS", 30 * DAY)),
            Duration::seconds(self.setting("EXPIRY_WEEKDAYS_GRACE_SECONDS", 90 * DAY)),
        )
    }

    /// Wrong passwords allowed per participant, and the window (ms) they
    /// are counted in: 10 in 15 minutes unless configured otherwise.
    fn sign_in_limits(&self) -> (usize, i64) {
        let max = self.setting("SIGN_IN_MAX_FAILURES", 10).max(1) as usize;
        let window = self.setting("SIGN_IN_WINDOW_SECONDS", 15 * 60).max(1) * 1000;
        (max, window)
    }

    /// Whether an expired appointment is deleted by its own alarm (always,
    /// unless turned off to test that the index sweep alone suffices).
    fn expiry_alarms(&self) -> bool {
        self.setting("EXPIRY_ALARMS", 1) != 0
    }

    fn expires_at(&self, schedule: &Schedule, last_change: i64) -> i64 {
        let (dates, weekdays) = self.graces();
        schedule
            .expires_at(to_datetime(last_change), dates, weekdays)
            .timestamp_millis()
    }

    /// Who the bearer token belongs to: 401 without a valid one.
    fn caller(&self, meta: &Meta, auth: Option<&str>) -> ApiResult<Caller> {
        let token = secrets::bearer(auth).ok_or(ApiError::UNAUTHORIZED)?;
        let hash = secrets::token_hash(token);
        if secrets::same_secret(&hash, &meta.admin_hash) {
            return Ok(Caller::Admin);
        }
        store::token_owner(&self.state.storage().sql(), &hash)?
            .map(Caller::Participant)
            .ok_or(ApiError::UNAUTHORIZED)
    }

    /// Sends a message to every open live connection.
    fn broadcast(&self, message: &Value) {
        let text = message.to_string();
        for ws in self.state.get_websockets() {
            let _ = ws.send_with_str(&text);
        }
    }

    fn live(&self, upgrade: Option<&str>) -> ApiResult<Response> {
        if !upgrade.is_some_and(|u| u.eq_ignore_ascii_case("websocket")) {
            return Err(ApiError::UpgradeRequired);
        }
        let pair = worker::WebSocketPair::new()?;
        self.state.accept_web_socket(&pair.server);
        Ok(Response::from_websocket(pair.client)?)
    }

    /// Deletes everything this object holds, and its index entry.
    async fn erase(&self, id: &str) -> ApiResult<()> {
        self.state.storage().delete_all().await?;
        self.schema_ready.set(false);
        *self.fixed.borrow_mut() = None;
        self.broadcast(&serde_json::json!({ "type": "deleted" }));
        for ws in self.state.get_websockets() {
            let _ = ws.close(Some(1000), Some("appointment deleted"));
        }
        if let Ok(db) = self.env.d1("DB") {
            if let Err(e) = crate::index::remove(&db, id).await {
                worker::console_error!("index remove failed: {e}");
            }
        }
        Ok(())
    }

    /// Makes sure an alarm comes within a minute to count updates in the
    /// index: at most one D1 write a minute per appointment, off the hot path.
    async fn schedule_flush(&self, now: i64) -> ApiResult<()> {
        if self.flush_scheduled.get() {
            return Ok(());
        }
        let storage = self.state.storage();
        // How often, at most, this appointment writes its update count to D1.
        let due = now + self.setting("STATS_FLUSH_SECONDS", 60).max(1) * 1000;
        if storage.get_alarm().await?.is_none_or(|at| at > due) {
            storage.set_alarm(to_datetime(due)).await?;
        }
        self.flush_scheduled.set(true);
        Ok(())
    }

    /// The alarm: count recent updates in the index, then sleep until the
    /// appointment expires — and delete it when it has.
    async fn on_alarm(&self) -> ApiResult<()> {
        self.flush_scheduled.set(false);
        if !self.holds_appointment()? {
            return Ok(());
        }
        let Some(meta) = store::load_meta(&self.state.storage().sql())? else {
            return Ok(());
        };
        let now = now_ms();
        if now >= meta.expires_at {
            if self.expiry_alarms() {
                self.erase(&meta.id).await?;
            }
            return Ok(());
        }
        self.reindex(now).await;
        self.state
            .storage()
            .set_alarm(to_datetime(meta.expires_at))
            .await?;
        Ok(())
    }

    /// Brings the index entry up to date, counting the updates since the
    /// last time. A failure is logged and retried at the next alarm.
    pub(super) async fn reindex(&self, now: i64) {
        let sql = self.state.storage().sql();
        let Ok(Some(meta)) = store::load_meta(&sql) else {
            return;
        };
        if self.flush(&meta, now).await {
            // Updates made while D1 answered stay counted for next time.
            if let Err(e) = store::mark_flushed(&sql, meta.unflushed_updates) {
                worker::console_error!("marking updates counted failed: {}", e.message());
            }
        }
    }

    /// Writes this appointment's index entry and its uncounted updates to
    /// D1; whether that worked.
    async fn flush(&self, meta: &Meta, now: i64) -> bool {
        let sql = self.state.storage().sql();
        let (Ok(fixed), Ok(participants)) = (self.fixed(meta), store::participant_count(&sql))
        else {
            return false;
        };
        let entry = crate::index::Entry {
            id: &meta.id,
            title: &meta.title,
            timezone: fixed.schedule.zone().name(),
            created_at: meta.created_at,
            expires_at: meta.expires_at,
            participants,
            last_change_at: meta.changed_at,
        };
        let result = match self.env.d1("DB") {
            Ok(db) => crate::index::record(&db, &entry, now, meta.unflushed_updates).await,
            Err(e) => Err(e),
        };
        match result {
            Ok(()) => true,
            Err(e) => {
                worker::console_error!("index write failed: {e}");
                false
            }
        }
    }

    /// Asked by the index sweep: delete this appointment if it has expired,
    /// else correct its index entry (a weekdays appointment's expiry moves
    /// with every change). 404 when it holds nothing.
    async fn sweep(&self, now: i64) -> ApiResult<Response> {
        let Some(meta) = store::load_meta(&self.state.storage().sql())? else {
            return Err(ApiError::NotFound);
        };
        if now >= meta.expires_at {
            self.erase(&meta.id).await?;
            return Ok(Response::empty()?.with_status(204));
        }
        self.reindex(now).await;
        Ok(Response::empty()?.with_status(200))
    }
}
