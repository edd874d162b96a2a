//! Creating the appointment: the tables, its row, the admin token.

use super::{internal, Core, Effects, IndexWrite};
use crate::appointment::store::{self, AppointmentRow, Sql};
use crate::clock::to_datetime;
use crate::domain::requests::{self, NewAppointment};
use crate::domain::view::Created;
use crate::error::{ApiError, ApiResult};
use crate::protocol::{Answer, Call, Reply};
use crate::secrets;

impl<S: Sql> Core<S> {
    pub(super) fn create(
        &self,
        call: &Call,
        body: &[u8],
        now: i64,
        fx: &mut Effects,
    ) -> ApiResult<Answer> {
        let request: NewAppointment = requests::decode(body)?;
        let (title, schedule) = request.parse(to_datetime(now))?;
        // Tables are made only for a valid creation: probes write nothing.
        self.ensure_schema()?;
        if store::load_appointment(&self.sql)?.is_some() {
            return Err(ApiError::IdTaken);
        }
        let (admin_token, admin_hash) = secrets::new_token().map_err(internal)?;
        let row = AppointmentRow {
            id: call.appointment.clone(),
            title: title.as_str().to_string(),
            schedule: schedule.to_value().to_string(),
            admin_hash,
            version: 1,
            final_range: None,
            closed: false,
            created_at: now,
            changed_at: now,
            expires_at: self.expires_at(&schedule, now),
            unflushed_updates: 0,
            pushed_version: 1,
            tools: Default::default(),
            deadline_told: false,
        };
        store::insert_appointment(&self.sql, &row)?;
        *self.live.borrow_mut() = super::live::Live::caught_up(row.version);
        fx.alarm_at = Some(row.expires_at);
        fx.index = Some(IndexWrite::Soon);

        let created = Created {
            id: row.id.clone(),
            url: format!("{}/a/{}", call.origin, row.id),
            admin_token,
            appointment: self.view_of(&row, &[], 0, now)?,
        };
        let location = Some(format!("/api/appointments/{}", row.id));
        Answer::json(Reply::Created { location }, &created)
    }
}
