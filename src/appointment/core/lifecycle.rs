//! The appointment's life outside its requests, as decisions: when it
//! expires (and is deleted), the alarm telling the live sockets that the
//! organiser's deadline passed, and its entry in the D1 index. The shell
//! sets the alarms and writes to D1.

use super::{Core, Effects, IndexWrite};
use crate::appointment::store::{self, AppointmentRow, Sql, Step};
use crate::domain::live::Change;
use crate::error::{ApiError, ApiResult};
use crate::protocol::{Answer, ExpireOutcome};

impl AppointmentRow {
    /// When the alarm must come next at the latest: at expiry, or at the
    /// deadline when the sockets have yet to hear it pass.
    pub(crate) fn next_alarm(&self) -> i64 {
        self.tools.alarm_due(self.expires_at, self.deadline_told)
    }
}

/// The index entry as the appointment is now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexEntry {
    pub id: String,
    pub title: String,
    pub timezone: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub participants: usize,
    pub last_change_at: i64,
    /// Availability updates not yet counted in the index.
    pub unflushed: i64,
}

impl<S: Sql> Core<S> {
    /// Asked by the cron sweep: delete this appointment if it has expired,
    /// else correct its index entry (a weekdays appointment's expiry moves
    /// with every change).
    pub(super) fn expire(&self, now: i64, fx: &mut Effects) -> ApiResult<Answer> {
        let row = store::load_appointment(&self.sql)?.ok_or(ApiError::NotFound)?;
        let outcome = if now >= row.expires_at {
            self.erase(&row.id, fx);
            ExpireOutcome::Deleted
        } else {
            fx.index = Some(IndexWrite::Now);
            ExpireOutcome::Kept
        };
        Answer::ok(&outcome)
    }

    /// The alarm at `now`: deletes an expired appointment (unless expiry
    /// alarms are off), else tells the sockets when the deadline has
    /// passed. When the next alarm is due, should the index write that
    /// follows succeed; `None` when nothing is left to wake for.
    pub fn alarm(&self, now: i64, fx: &mut Effects) -> ApiResult<Option<i64>> {
        if !self.holds_appointment()? {
            return Ok(None);
        }
        let Some(row) = store::load_appointment(&self.sql)? else {
            return Ok(None);
        };
        if now >= row.expires_at {
            if self.settings.expiry_alarms {
                self.erase(&row.id, fx);
            }
            return Ok(None);
        }
        let row = self.tell_deadline(row, now, fx)?;
        Ok(Some(row.next_alarm()))
    }

    /// Once the deadline has passed, one version step tells every open
    /// socket to fetch the view (which then says so); the appointment as
    /// it is after.
    fn tell_deadline(
        &self,
        mut row: AppointmentRow,
        now: i64,
        fx: &mut Effects,
    ) -> ApiResult<AppointmentRow> {
        if row.deadline_told || !row.tools.deadline_passed(now) {
            return Ok(row);
        }
        self.wake_live(&row);
        let expires_at = row.expires_at;
        let version = self.sql.transaction(move |sql| {
            let version = store::bump_version(sql, now, expires_at, Step::View)?.version;
            store::mark_deadline_told(sql)?;
            Ok::<_, ApiError>(version)
        })?;
        self.announce(version, Change::View, fx);
        row.version = version;
        row.deadline_told = true;
        Ok(row)
    }

    /// The index entry as the appointment is now; `None` when it holds
    /// no appointment.
    pub fn index_entry(&self) -> ApiResult<Option<IndexEntry>> {
        if !self.holds_appointment()? {
            return Ok(None);
        }
        let Some(row) = store::load_appointment(&self.sql)? else {
            return Ok(None);
        };
        let layout = self.layout(&row)?;
        Ok(Some(IndexEntry {
            timezone: layout.schedule.zone().name().to_string(),
            participants: store::participant_count(&self.sql)?,
            created_at: row.created_at,
            expires_at: row.expires_at,
            last_change_at: row.changed_at,
            unflushed: row.unflushed_updates,
            id: row.id,
            title: row.title,
        }))
    }

    /// Notes that `n` updates were counted in the index.
    pub fn counted(&self, n: i64) -> ApiResult<()> {
        Ok(store::mark_counted(&self.sql, n)?)
    }
}
