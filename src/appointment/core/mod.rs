//! The appointment's core: everything the object decides, on any [`Sql`].
//! It decodes a call, finds out who calls, lets the domain decide, stores
//! the change in one transaction and builds the typed reply, the live
//! pushes and the work it wants the shell to do ([`Effects`]: alarms, the
//! index entry, deleting the storage). It never touches the runtime, so
//! `cargo test` runs it on a host SQLite.
//!
//! One idea per file: [`create`], [`join`] (and signing back in),
//! [`paint`], [`leave`] (and deleting), [`edit`], [`read`] (view, summary,
//! QR code, calendar), [`export`], [`lifecycle`] (expiry, the deadline,
//! the index entry), [`live`] (pushes built) and [`frames`] (a socket's
//! hello and frames).

mod create;
mod edit;
mod export;
mod frames;
mod join;
mod leave;
mod lifecycle;
pub mod live;
mod paint;
mod read;
pub mod settings;
mod view_cache;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use super::store::{self, AppointmentRow, ParticipantRow, Sql};
use crate::clock::to_datetime;
use crate::domain::view::ParticipantView;
use crate::domain::{Availability, Caller, Grid, Schedule};
use crate::error::{ApiError, ApiResult};
use crate::protocol::{Answer, Call, Command};
use crate::secrets;
pub use settings::Settings;

/// The appointment's schedule and the grid of slots laid out from it,
/// kept between requests; a schedule edit replaces both.
pub(crate) struct Layout {
    schedule: Schedule,
    grid: Grid,
}

/// What the core knows of its tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Schema {
    /// Not known yet (opening failed; the next call tries again).
    Unknown,
    /// No appointment's tables: nothing was created here.
    Absent,
    /// An appointment's tables, at the current schema version.
    Ready,
}

/// How the index entry is to be brought up to date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexWrite {
    /// Before the answer goes out.
    Now,
    /// In the background, after the answer (a change of people or settings).
    Soon,
    /// By the alarm within [`Settings::index_every_ms`] (an availability
    /// update, counted for the statistics).
    Counted,
}

/// The runtime work a call leaves for the shell, in the order it is done:
/// pushes, deletion, alarms, the index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Effects {
    /// Changes were announced: send what is due, or set the push timer.
    pub pushes: bool,
    /// The appointment with this id was deleted: delete the storage, tell
    /// and close the sockets, remove the index entry.
    pub erased: Option<String>,
    /// Set the alarm to this instant (ms).
    pub alarm_at: Option<i64>,
    /// Make sure an alarm comes by this instant (ms); one due sooner stays.
    pub alarm_by: Option<i64>,
    pub index: Option<IndexWrite>,
}

/// One appointment's core, over its database `S`.
pub struct Core<S: Sql> {
    sql: S,
    settings: Settings,
    schema: Cell<Schema>,
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
    /// Pending pushes and socket counters.
    live: RefCell<live::Live>,
}

/// Logs a failure the client is not told about.
pub(crate) fn log_error(message: &str) {
    #[cfg(target_arch = "wasm32")]
    worker::console_error!("{message}");
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("{message}");
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(e.to_string())
}

impl<S: Sql> Core<S> {
    /// The core of the appointment stored in `sql`; its migrations run now.
    pub fn open(sql: S, settings: Settings) -> Core<S> {
        let core = Core {
            sql,
            settings,
            schema: Cell::new(Schema::Unknown),
            layout: RefCell::new(None),
            last_view: RefCell::new(None),
            last_csv: RefCell::new(None),
            last_private: RefCell::new(None),
            live: RefCell::default(),
        };
        if let Err(e) = core.holds_appointment() {
            log_error(&format!("opening the appointment's storage failed: {e}"));
        }
        core
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// One call at `now` (ms): the answer, and the work left for the
    /// shell. Who may do it is decided per command, in the spec's order
    /// (404, then 401, then 403, then 400).
    pub async fn handle(&self, call: &Call, body: &[u8], now: i64) -> (ApiResult<Answer>, Effects) {
        let mut fx = Effects::default();
        let answer = self.dispatch(call, body, now, &mut fx).await;
        (answer, fx)
    }

    async fn dispatch(
        &self,
        call: &Call,
        body: &[u8],
        now: i64,
        fx: &mut Effects,
    ) -> ApiResult<Answer> {
        if call.command == Command::Create {
            return self.create(call, body, now, fx);
        }
        if !self.holds_appointment()? {
            return Err(ApiError::NotFound);
        }
        if call.command == Command::Expire {
            return self.expire(now, fx);
        }
        let row = self.load(now, fx)?;
        let token = call.token.as_deref();
        match &call.command {
            Command::Create | Command::Expire => Err(ApiError::NotFound),
            Command::Summary => self.summary(&row),
            Command::View {
                min_slots,
                if_none_match,
                head,
                gzip,
            } => {
                let query = read::ViewQuery {
                    min_slots: min_slots.as_deref(),
                    if_none_match: if_none_match.as_deref(),
                    head: *head,
                    gzip: *gzip,
                };
                self.view(&row, &query, token, now).await
            }
            Command::Join => self.join(&row, call, body, now, fx).await,
            Command::Update { participant } => {
                self.update_availability(&row, participant, token, body, now, fx)
            }
            Command::Leave { participant } => self.leave(&row, participant, token, now, fx),
            Command::Edit { dry_run } => self.edit(&row, token, dry_run.as_deref(), body, now, fx),
            Command::Delete => self.delete(&row, token, fx),
            Command::Qr => self.qr(&row, &call.origin),
            Command::Calendar => self.calendar(&row, &call.origin, now),
            Command::Export {
                if_none_match,
                head,
                lang,
            } => self.export(
                &row,
                if_none_match.as_deref(),
                *head,
                lang.as_deref(),
                token,
            ),
        }
    }

    /// Whether this object holds an appointment's tables (brought to the
    /// current schema). Asked before anything else, so a request for an
    /// unknown id writes nothing.
    fn holds_appointment(&self) -> ApiResult<bool> {
        if self.schema.get() == Schema::Unknown {
            let opened = store::schema::open(&self.sql)?;
            self.schema.set(match opened {
                true => Schema::Ready,
                false => Schema::Absent,
            });
        }
        Ok(self.schema.get() == Schema::Ready)
    }

    /// Makes the tables of a new appointment, unless they are there.
    fn ensure_schema(&self) -> ApiResult<()> {
        if !self.holds_appointment()? {
            store::schema::create(&self.sql)?;
            self.schema.set(Schema::Ready);
        }
        Ok(())
    }

    /// The appointment, or 404 when there is none or it has expired (an
    /// expired one is deleted on the spot).
    fn load(&self, now: i64, fx: &mut Effects) -> ApiResult<AppointmentRow> {
        let row = store::load_appointment(&self.sql)?.ok_or(ApiError::NotFound)?;
        if now >= row.expires_at {
            self.erase(&row.id, fx);
            return Err(ApiError::NotFound);
        }
        self.wake_live(&row);
        Ok(row)
    }

    /// Forgets everything this object holds; the shell deletes the storage.
    fn erase(&self, id: &str, fx: &mut Effects) {
        self.schema.set(Schema::Absent);
        *self.layout.borrow_mut() = None;
        *self.last_view.borrow_mut() = None;
        *self.last_csv.borrow_mut() = None;
        *self.last_private.borrow_mut() = None;
        *self.live.borrow_mut() = live::Live::default();
        fx.erased = Some(id.to_string());
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

    /// When an appointment with this schedule, last changed at
    /// `last_change`, expires.
    fn expires_at(&self, schedule: &Schedule, last_change: i64) -> i64 {
        let s = &self.settings;
        schedule
            .expires_at(to_datetime(last_change), s.dates_grace, s.weekdays_grace)
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
        Ok(store::token_owner(&self.sql, &hash)?.map_or(Caller::Anonymous, Caller::Participant))
    }
}
