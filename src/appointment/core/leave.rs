//! Removing a participant, and deleting the whole appointment.

use super::{Core, Effects, IndexWrite};
use crate::appointment::store::{self, AppointmentRow, Sql, Step};
use crate::domain::live::Change;
use crate::domain::{authorize, Action};
use crate::error::{ApiError, ApiResult};
use crate::protocol::{Answer, Reply};

impl<S: Sql> Core<S> {
    pub(super) fn leave(
        &self,
        row: &AppointmentRow,
        pid: &str,
        token: Option<&str>,
        now: i64,
        fx: &mut Effects,
    ) -> ApiResult<Answer> {
        store::participant(&self.sql, pid)?.ok_or(ApiError::NotFound)?;
        authorize(
            &self.caller(row, token)?,
            Action::Remove { participant: pid },
        )?;
        let layout = self.layout(row)?;
        let expires_at = self.expires_at(&layout.schedule, now);
        let pid2 = pid.to_string();
        let version = self.sql.transaction(move |sql| {
            let version = store::bump_version(sql, now, expires_at, Step::People)?.version;
            store::delete_participant(sql, &pid2)?;
            Ok::<_, ApiError>(version)
        })?;
        self.announce(version, Change::Removed(pid.to_string()), fx);
        fx.index = Some(IndexWrite::Soon);
        Ok(Answer::bare(Reply::Done))
    }

    pub(super) fn delete(
        &self,
        row: &AppointmentRow,
        token: Option<&str>,
        fx: &mut Effects,
    ) -> ApiResult<Answer> {
        authorize(&self.caller(row, token)?, Action::DeleteAppointment)?;
        self.erase(&row.id, fx);
        Ok(Answer::bare(Reply::Done))
    }
}
