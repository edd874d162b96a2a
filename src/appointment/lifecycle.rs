//! An appointment's life outside its requests: its entry in the D1 index
//! (written in the background after a change of its people or settings,
//! by the alarm at most once a minute for availability updates, and by
//! the alarm again whenever a write failed: no request waits on D1), the
//! alarm that deletes it when it expires, the same alarm telling the live
//! sockets when the organiser's deadline passes, and the deletion itself.

use wasm_bindgen::JsCast;
use worker::worker_sys::DurableObjectState;
use worker::{D1Database, State};

use crate::clock::to_datetime;
use crate::domain::live::LiveMessage;
use crate::error::{ApiError, ApiResult};
use crate::protocol::{Answer, ExpireOutcome};

use super::store::{self, AppointmentRow, Sql, Step};
use super::Appointment;
use crate::domain::live::Change;

impl AppointmentRow {
    /// When the alarm must come next at the latest: at expiry, or at the
    /// deadline when the sockets have yet to hear it pass.
    pub(super) fn next_alarm(&self) -> i64 {
        self.tools.alarm_due(self.expires_at, self.deadline_told)
    }
}

impl Appointment {
    /// Deletes everything this object holds, and its index entry.
    pub(super) async fn erase(&self, id: &str) -> ApiResult<()> {
        self.state.storage().delete_all().await?;
        self.schema.set(super::Schema::Absent);
        *self.layout.borrow_mut() = None;
        *self.last_view.borrow_mut() = None;
        *self.last_private.borrow_mut() = None;
        *self.live.borrow_mut() = super::live::Live::default();
        super::live::send_all(&self.state, &LiveMessage::Deleted);
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

    /// The D1 database of the index: the binding `INDEX_DB` names, `DB`
    /// unless configured otherwise (a test names a missing one to see
    /// the service work while the index fails).
    fn index_db(&self) -> worker::Result<D1Database> {
        let name = self
            .env
            .var("INDEX_DB")
            .map(|v| v.to_string())
            .unwrap_or_else(|_| "DB".into());
        self.env.d1(&name)
    }

    /// Makes sure an alarm comes soon to write the update count to the
    /// index: at most one D1 write a minute per appointment. A failure to
    /// set it is logged with `request_id`, never answered: the change it
    /// follows is stored, and the next change tries again.
    pub(super) async fn schedule_index_write(&self, now: i64, request_id: &str) {
        if self.index_write_scheduled.get() {
            return;
        }
        // How often, at most, this appointment writes its update count to D1.
        let due = now + self.setting("STATS_FLUSH_SECONDS", 60).max(1) * 1000;
        match self.alarm_by(due).await {
            Ok(()) => self.index_write_scheduled.set(true),
            Err(e) => worker::console_error!(
                "request {request_id}: setting the index alarm of appointment object failed: {e}"
            ),
        }
    }

    /// Writes the index entry after a change of the appointment's people
    /// or settings, in the background: the answer does not wait on D1. A
    /// failure is logged with `request_id` and retried by the alarm.
    pub(super) fn write_index_soon(&self, now: i64, request_id: &str) {
        let raw: &wasm_bindgen::JsValue = self.state.as_raw().as_ref();
        let state = State::from(raw.clone().unchecked_into::<DurableObjectState>());
        let write = self.index_write(now);
        let retry_at = self.index_retry_at(now);
        let request_id = request_id.to_string();
        self.state.wait_until(async move {
            if write.await {
                return;
            }
            worker::console_error!("request {request_id}: the index write is retried by the alarm");
            let storage = state.storage();
            let due = storage.get_alarm().await;
            if due.is_ok_and(|at| at.is_none_or(|at| at > retry_at)) {
                if let Err(e) = storage.set_alarm(to_datetime(retry_at)).await {
                    worker::console_error!(
                        "request {request_id}: setting the index alarm failed: {e}"
                    );
                }
            }
        });
    }

    /// When a failed index write is tried again.
    fn index_retry_at(&self, now: i64) -> i64 {
        now + self.setting("STATS_FLUSH_SECONDS", 60).max(1) * 1000
    }

    /// Makes sure an alarm comes by `at` (an edit may bring the expiry
    /// closer); one due sooner stays.
    pub(super) async fn alarm_by(&self, at: i64) -> ApiResult<()> {
        let storage = self.state.storage();
        if storage.get_alarm().await?.is_none_or(|due| due > at) {
            storage.set_alarm(to_datetime(at)).await?;
        }
        Ok(())
    }

    /// The alarm: tell the sockets when the deadline has passed, write the
    /// index entry, then sleep until the deadline or the appointment
    /// expires — and delete it when it has.
    pub(super) async fn on_alarm(&self) -> ApiResult<()> {
        self.index_write_scheduled.set(false);
        if !self.holds_appointment()? {
            return Ok(());
        }
        let Some(row) = store::load_appointment(&self.sql())? else {
            return Ok(());
        };
        let now = crate::clock::now_ms();
        if now >= row.expires_at {
            // Off only to test that the cron sweep alone suffices.
            if self.setting("EXPIRY_ALARMS", 1) != 0 {
                self.erase(&row.id).await?;
            }
            return Ok(());
        }
        let row = self.tell_deadline(row, now)?;
        // A failed write comes back soon; else the next alarm is the
        // deadline or expiry.
        let next = if self.index_write(now).await {
            row.next_alarm()
        } else {
            row.next_alarm().min(self.index_retry_at(now))
        };
        self.state.storage().set_alarm(to_datetime(next)).await?;
        Ok(())
    }

    /// Once the deadline has passed, one version step tells every open
    /// socket to fetch the view (which then says so); the appointment as
    /// it is after.
    fn tell_deadline(&self, mut row: AppointmentRow, now: i64) -> ApiResult<AppointmentRow> {
        if row.deadline_told || !row.tools.deadline_passed(now) {
            return Ok(row);
        }
        self.wake_live(&row);
        let sql = self.sql();
        let expires_at = row.expires_at;
        let version = sql.transaction(move |sql| {
            let version = store::bump_version(sql, now, expires_at, Step::View)?.version;
            store::mark_deadline_told(sql)?;
            Ok::<_, ApiError>(version)
        })?;
        // Told before the next await, so pushes go out in version order.
        self.announce(version, Change::View);
        row.version = version;
        row.deadline_told = true;
        Ok(row)
    }

    /// The write that brings the index entry up to date, counting the
    /// updates since the last one, as a future that owns what it needs
    /// (so it may run after the answer): whether it succeeded. A failure
    /// is logged.
    fn index_write(&self, now: i64) -> impl std::future::Future<Output = bool> + 'static {
        let sql = self.sql();
        let prepared = self
            .index_entry()
            .map(|entry| entry.map(|e| (e, self.index_db())));
        async move {
            let ((e, unflushed), db) = match prepared {
                Ok(Some((entry, Ok(db)))) => (entry, db),
                Ok(None) => return true,
                Ok(Some((_, Err(err)))) => {
                    worker::console_error!("index write: no index database: {err}");
                    return false;
                }
                Err(err) => {
                    worker::console_error!("index write: {err}");
                    return false;
                }
            };
            let record = crate::index::Entry {
                id: &e.id,
                title: &e.title,
                timezone: &e.timezone,
                created_at: e.created_at,
                expires_at: e.expires_at,
                participants: e.participants,
                last_change_at: e.last_change_at,
            };
            match crate::index::record(&db, &record, now, unflushed).await {
                // Updates made while D1 answered stay counted for next time.
                Ok(()) => {
                    if let Err(err) = store::mark_counted(&sql, unflushed) {
                        worker::console_error!("index write of {}: marking failed: {err}", e.id);
                    }
                    true
                }
                Err(err) => {
                    worker::console_error!("index write of {} failed: {err}", e.id);
                    false
                }
            }
        }
    }

    /// The index entry as the appointment is now, and the updates not yet
    /// counted; `None` when it holds no appointment.
    fn index_entry(&self) -> ApiResult<Option<(OwnedEntry, i64)>> {
        let sql = self.sql();
        let Some(row) = store::load_appointment(&sql)? else {
            return Ok(None);
        };
        let layout = self.layout(&row)?;
        let entry = OwnedEntry {
            timezone: layout.schedule.zone().name().to_string(),
            participants: store::participant_count(&sql)?,
            created_at: row.created_at,
            expires_at: row.expires_at,
            last_change_at: row.changed_at,
            id: row.id,
            title: row.title,
        };
        Ok(Some((entry, row.unflushed_updates)))
    }

    /// Asked by the cron sweep: delete this appointment if it has expired,
    /// else correct its index entry (a weekdays appointment's expiry moves
    /// with every change). 404 when it holds nothing.
    pub(super) async fn expire(&self, now: i64) -> ApiResult<Answer> {
        let row = store::load_appointment(&self.sql())?.ok_or(ApiError::NotFound)?;
        let outcome = if now >= row.expires_at {
            self.erase(&row.id).await?;
            ExpireOutcome::Deleted
        } else {
            self.index_write(now).await;
            ExpireOutcome::Kept
        };
        Answer::ok(&outcome)
    }
}

/// [`crate::index::Entry`] with owned text, for a write that runs after
/// the answer.
struct OwnedEntry {
    id: String,
    title: String,
    timezone: String,
    created_at: i64,
    expires_at: i64,
    participants: usize,
    last_change_at: i64,
}
