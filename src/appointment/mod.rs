//! The appointment Durable Object: the only writer of one appointment's
//! data. It keeps the appointment in SQLite (see [`store`]), applies each
//! change in one storage transaction, and pushes changes to open WebSockets.
//!
//! The Worker talks to it in the typed calls of [`crate::protocol`]; each
//! is handled as: decode the call → find out who calls → let the domain
//! decide → store → encode the reply. No rule lives here: the object
//! converts rows to domain values and back.

mod commands;
mod export;
mod lifecycle;
mod live;
mod store;
mod view_cache;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use chrono::Duration;
use worker::{
    durable_object, DurableObject, Env, Request, Response, State, WebSocket,
    WebSocketIncomingMessage,
};

use crate::clock::to_datetime;
use crate::domain::limits::SlidingWindow;
use crate::domain::view::ParticipantView;
use crate::domain::{Availability, Caller, Grid, Schedule};
use crate::error::{ApiError, ApiResult};
use crate::protocol::{self, Answer, Call, Command, Reply};
use crate::secrets;
use store::{AppointmentRow, ParticipantRow, WorkerSql};

/// The appointment's schedule and the grid of slots laid out from it,
/// kept between requests; a schedule edit replaces both.
pub(crate) struct Layout {
    schedule: Schedule,
    grid: Grid,
}

/// What the object knows of its tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Schema {
    /// Not known yet (opening failed; the next call tries again).
    Unknown,
    /// No appointment's tables: nothing was created here.
    Absent,
    /// An appointment's tables, at the current schema version.
    Ready,
}

impl Schema {
    /// Brings the tables to the current schema, if there are any.
    fn open(sql: &WorkerSql) -> Schema {
        match store::schema::open(sql) {
            Ok(true) => Schema::Ready,
            Ok(false) => Schema::Absent,
            Err(e) => {
                worker::console_error!("opening the appointment's storage failed: {e}");
                Schema::Unknown
            }
        }
    }
}

#[durable_object]
pub struct Appointment {
    state: State,
    env: Env,
    layout: RefCell<Option<Rc<Layout>>>,
    /// The last view served, by its entity tag (which names the version
    /// and the query), so repeated reads of an unchanged appointment cost
    /// a copy. Lost on eviction, which only costs one rebuild.
    last_view: RefCell<Option<Rc<view_cache::CachedView>>>,
    /// The last availability file, gzipped, by its entity tag.
    last_csv: RefCell<Option<Rc<export::CachedCsv>>>,
    /// The last whole view of a private appointment, by the entity tag
    /// everyone's view would have, so each reader's own view of that
    /// version is cut from it instead of being built again.
    last_private: RefCell<Option<Rc<(String, crate::domain::view::View)>>>,
    /// Whether this object holds an appointment's tables, brought to the
    /// current schema (known once the migrations ran).
    schema: Cell<Schema>,
    /// Whether an alarm is due soon to write the update count to the
    /// index. Lost on eviction, which only costs one extra alarm check.
    index_write_scheduled: Cell<bool>,
    /// Pending pushes and socket counters, shared with push timers.
    live: Rc<RefCell<live::Live>>,
}

impl DurableObject for Appointment {
    fn new(state: State, env: Env) -> Self {
        // The migrations run once, as the object starts.
        let schema = Schema::open(&WorkerSql::new(state.storage()));
        Self {
            state,
            env,
            layout: RefCell::new(None),
            last_view: RefCell::new(None),
            last_csv: RefCell::new(None),
            last_private: RefCell::new(None),
            schema: Cell::new(schema),
            index_write_scheduled: Cell::new(false),
            live: Rc::default(),
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
        match self.handle(&call, body).await {
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
    /// One call: who may do it is decided per command, in the spec's order
    /// (404, then 401, then 403, then 400).
    async fn handle(&self, call: &Call, body: &[u8]) -> ApiResult<Answer> {
        if call.command == Command::Create {
            return self.create(call, body).await;
        }
        if !self.holds_appointment()? {
            return Err(ApiError::NotFound);
        }
        let now = crate::clock::now_ms();
        if call.command == Command::Expire {
            return self.expire(now).await;
        }
        let row = self.load(now).await?;
        match &call.command {
            Command::Create | Command::Expire => Err(ApiError::NotFound),
            Command::Summary => self.summary(&row),
            Command::View {
                min_slots,
                if_none_match,
                head,
                gzip,
            } => {
                self.view(
                    &row,
                    min_slots.as_deref(),
                    if_none_match.as_deref(),
                    *head,
                    *gzip,
                    call.token.as_deref(),
                )
                .await
            }
            Command::Join => self.join(&row, call, body, now).await,
            Command::Update { participant } => {
                let token = call.token.as_deref();
                self.update_availability(&row, participant, token, body, now, &call.request_id)
                    .await
            }
            Command::Leave { participant } => {
                let token = call.token.as_deref();
                self.leave(&row, participant, token, now, &call.request_id)
                    .await
            }
            Command::Edit { dry_run } => {
                let token = call.token.as_deref();
                self.edit(&row, token, dry_run.as_deref(), body, now, &call.request_id)
                    .await
            }
            Command::Delete => self.delete(&row, call.token.as_deref()).await,
            Command::Qr => self.qr(&row, &call.origin),
            Command::Calendar => self.calendar(&row, &call.origin, now),
            Command::Export {
                if_none_match,
                head,
            } => self.export(&row, if_none_match.as_deref(), *head, call.token.as_deref()),
        }
    }

    /// The refusal the Worker is told; an internal one is logged with its
    /// detail and the request it failed.
    fn failed(&self, e: &ApiError, request_id: &str) -> Answer {
        if let ApiError::Internal(_) = e {
            worker::console_error!("request {request_id} failed in the appointment object: {e}");
        }
        Answer::bare(Reply::refused(e))
    }

    /// The object's SQLite.
    fn sql(&self) -> WorkerSql {
        WorkerSql::new(self.state.storage())
    }

    /// Makes the tables of a new appointment, unless they are there.
    fn ensure_schema(&self) -> ApiResult<()> {
        if !self.holds_appointment()? {
            store::schema::create(&self.sql())?;
            self.schema.set(Schema::Ready);
        }
        Ok(())
    }

    /// Whether this object holds an appointment's tables. Asked before
    /// anything else, so a request for an unknown id writes nothing.
    fn holds_appointment(&self) -> ApiResult<bool> {
        if self.schema.get() == Schema::Unknown {
            let opened = store::schema::open(&self.sql())?;
            self.schema.set(match opened {
                true => Schema::Ready,
                false => Schema::Absent,
            });
        }
        Ok(self.schema.get() == Schema::Ready)
    }

    /// The appointment, or 404 when there is none or it has expired (an
    /// expired one is deleted on the spot).
    async fn load(&self, now: i64) -> ApiResult<AppointmentRow> {
        let row = store::load_appointment(&self.sql())?.ok_or(ApiError::NotFound)?;
        if now >= row.expires_at {
            self.erase(&row.id).await?;
            return Err(ApiError::NotFound);
        }
        self.wake_live(&row);
        Ok(row)
    }

    /// The schedule and grid, read once per object lifetime (and replaced
    /// by a schedule edit).
    fn layout(&self, row: &AppointmentRow) -> ApiResult<Rc<Layout>> {
        if let Some(layout) = self.layout.borrow().as_ref() {
            return Ok(layout.clone());
        }
        let schedule = serde_json::from_str(&row.schedule)
            .map_err(|e| e.to_string())
            .and_then(|v| Schedule::parse_stored(&v).map_err(|e| e.to_string()))
            .map_err(|e| ApiError::Internal(format!("stored schedule: {e}")))?;
        let grid = Grid::new(&schedule);
        let layout = Rc::new(Layout { schedule, grid });
        *self.layout.borrow_mut() = Some(layout.clone());
        Ok(layout)
    }

    /// A participant row as the domain sees it: the public object and the
    /// levels on this grid.
    fn participant(&self, row: &ParticipantRow, grid: &Grid) -> (ParticipantView, Availability) {
        let availability = Availability::from_bytes(&row.availability, grid.len());
        let view = ParticipantView::new(
            &row.id,
            &row.name,
            row.password_hash.is_some(),
            &availability,
        );
        (view, availability)
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

    /// Wrong passwords allowed per participant and client address: 10 in
    /// 15 minutes unless configured otherwise.
    fn sign_in_window(&self) -> SlidingWindow {
        SlidingWindow::new(
            self.setting("SIGN_IN_MAX_FAILURES", 10),
            self.setting("SIGN_IN_WINDOW_SECONDS", 15 * 60).max(1) * 1000,
        )
    }

    /// New participants allowed per client address: 100 in 10 minutes
    /// unless configured otherwise, so a class behind one campus NAT fits.
    fn join_window(&self) -> SlidingWindow {
        SlidingWindow::new(
            self.setting("JOIN_LIMIT", 100),
            self.setting("JOIN_WINDOW_SECONDS", 10 * 60).max(1) * 1000,
        )
    }

    fn expires_at(&self, schedule: &Schedule, last_change: i64) -> i64 {
        let (dates, weekdays) = self.graces();
        schedule
            .expires_at(to_datetime(last_change), dates, weekdays)
            .timestamp_millis()
    }

    /// Who the bearer token belongs to (the domain decides what they may do).
    fn caller(&self, row: &AppointmentRow, token: Option<&str>) -> ApiResult<Caller> {
        let Some(token) = token else {
            return Ok(Caller::Anonymous);
        };
        let hash = secrets::token_hash(token);
        if secrets::same_secret(&hash, &row.admin_hash) {
            return Ok(Caller::Admin);
        }
        Ok(store::token_owner(&self.sql(), &hash)?.map_or(Caller::Anonymous, Caller::Participant))
    }
}
