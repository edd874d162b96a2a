//! An appointment's life outside its requests: the alarm that writes its
//! entry in the D1 index (at most once a minute, off the hot path) and
//! deletes it when it expires, and the deletion itself.

use crate::clock::to_datetime;
use crate::domain::live::LiveMessage;
use crate::error::{ApiError, ApiResult};
use crate::protocol::ExpireOutcome;

use super::store::{self, AppointmentRow};
use super::Appointment;

impl Appointment {
    /// Deletes everything this object holds, and its index entry.
    pub(super) async fn erase(&self, id: &str) -> ApiResult<()> {
        self.state.storage().delete_all().await?;
        self.schema_ready.set(false);
        *self.layout.borrow_mut() = None;
        *self.last_view.borrow_mut() = None;
        *self.live.borrow_mut() = super::live::Live::caught_up();
        super::live::send_all(&self.state, &LiveMessage::Deleted);
        for ws in self.state.get_websockets() {
            let _ = ws.close(Some(1000), Some("appointment deleted"));
        }
        if let Ok(db) = self.env.d1("DB") {
            if let Err(e) = crate::index::remove(&db, id).await {
                worker::console_error!("index remove of appointment {id} failed: {e}");
            }
        }
        Ok(())
    }

    /// Makes sure an alarm comes soon to write the update count to the
    /// index: at most one D1 write a minute per appointment.
    pub(super) async fn schedule_index_write(&self, now: i64) -> ApiResult<()> {
        if self.index_write_scheduled.get() {
            return Ok(());
        }
        let storage = self.state.storage();
        // How often, at most, this appointment writes its update count to D1.
        let due = now + self.setting("STATS_FLUSH_SECONDS", 60).max(1) * 1000;
        if storage.get_alarm().await?.is_none_or(|at| at > due) {
            storage.set_alarm(to_datetime(due)).await?;
        }
        self.index_write_scheduled.set(true);
        Ok(())
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

    /// The alarm: write the index entry, then sleep until the appointment
    /// expires — and delete it when it has.
    pub(super) async fn on_alarm(&self) -> ApiResult<()> {
        self.index_write_scheduled.set(false);
        if !self.holds_appointment()? {
            return Ok(());
        }
        let Some(row) = store::load_appointment(&self.state.storage().sql())? else {
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
        self.write_index(now).await;
        self.state
            .storage()
            .set_alarm(to_datetime(row.expires_at))
            .await?;
        Ok(())
    }

    /// Brings the index entry up to date, counting the updates since the
    /// last write. A failure is logged and retried at the next alarm.
    pub(super) async fn write_index(&self, now: i64) {
        let sql = self.state.storage().sql();
        let row = match store::load_appointment(&sql) {
            Ok(Some(row)) => row,
            Ok(None) => return,
            Err(e) => {
                worker::console_error!("index write: reading the appointment failed: {e}");
                return;
            }
        };
        match self.record_in_index(&row, now).await {
            // Updates made while D1 answered stay counted for next time.
            Ok(()) => {
                if let Err(e) = store::mark_counted(&sql, row.unflushed_updates) {
                    worker::console_error!("index write of {}: marking failed: {e}", row.id);
                }
            }
            Err(e) => worker::console_error!("index write of {} failed: {e}", row.id),
        }
    }

    async fn record_in_index(&self, row: &AppointmentRow, now: i64) -> ApiResult<()> {
        let layout = self.layout(row)?;
        let participants = store::participant_count(&self.state.storage().sql())?;
        let entry = crate::index::Entry {
            id: &row.id,
            title: &row.title,
            timezone: layout.schedule.zone().name(),
            created_at: row.created_at,
            expires_at: row.expires_at,
            participants,
            last_change_at: row.changed_at,
        };
        let db = self.env.d1("DB")?;
        crate::index::record(&db, &entry, now, row.unflushed_updates).await?;
        Ok(())
    }

    /// Asked by the cron sweep: delete this appointment if it has expired,
    /// else correct its index entry (a weekdays appointment's expiry moves
    /// with every change). 404 when it holds nothing.
    pub(super) async fn expire(&self, now: i64) -> ApiResult<worker::Response> {
        let row =
            store::load_appointment(&self.state.storage().sql())?.ok_or(ApiError::NotFound)?;
        let outcome = if now >= row.expires_at {
            self.erase(&row.id).await?;
            ExpireOutcome::Deleted
        } else {
            self.write_index(now).await;
            ExpireOutcome::Kept
        };
        crate::error::json_response(&outcome, 200)
    }
}
