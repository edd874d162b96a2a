//! The organiser's edit of the appointment: title, final time, closing,
//! the schedule (answers moved onto the new grid) and the tools; or, as a
//! dry run, what that edit would do.

use std::rc::Rc;

use super::{Core, Effects, IndexWrite, Layout};
use crate::appointment::store::{self, AppointmentRow, Sql, Step};
use crate::clock::to_datetime;
use crate::domain::edit::{Edit, Edited};
use crate::domain::live::Change;
use crate::domain::requests::{self, EditRequest};
use crate::domain::{authorize, Action, Availability, Remap};
use crate::error::{ApiError, ApiResult};
use crate::protocol::Answer;

impl<S: Sql> Core<S> {
    pub(super) fn edit(
        &self,
        row: &AppointmentRow,
        token: Option<&str>,
        dry_run: Option<&str>,
        body: &[u8],
        now: i64,
        fx: &mut Effects,
    ) -> ApiResult<Answer> {
        authorize(&self.caller(row, token)?, Action::EditAppointment)?;
        let dry_run = requests::dry_run(dry_run)?;
        let request: EditRequest = requests::decode(body)?;
        let layout = self.layout(row)?;
        let current = Edited {
            title: row.title.clone(),
            final_range: row.final_range,
            closed: row.closed,
            schedule: layout.schedule.clone(),
            tools: row.tools.clone(),
        };
        let people = match request.required {
            Some(_) => store::participant_ids(&self.sql)?,
            None => Vec::new(),
        };
        let edit = request.apply(&current, &layout.grid, to_datetime(now), &people)?;
        if dry_run {
            let old_len = layout.grid.len();
            let everyone: Vec<_> = store::participants(&self.sql)?
                .iter()
                .map(|p| Availability::from_bytes(&p.availability, old_len))
                .collect();
            return Answer::ok(&edit.dry_run(&current, &layout.grid, &everyone));
        }
        let Edit { after, regrid } = edit;
        let mut row = row.clone();
        if after != current {
            let expires_at = self.expires_at(&after.schedule, now);
            let schedule = after.schedule.to_value().to_string();
            let (new_grid, remap) = regrid.map(|r| (r.grid, r.remap)).unzip();
            row.version =
                self.store_edit(&after, &schedule, remap, layout.grid.len(), now, expires_at)?;
            if let Some(grid) = new_grid {
                let schedule = after.schedule.clone();
                *self.layout.borrow_mut() = Some(Rc::new(Layout { schedule, grid }));
                *self.last_view.borrow_mut() = None;
                *self.last_private.borrow_mut() = None;
            }
            (row.title, row.final_range, row.closed, row.schedule) =
                (after.title, after.final_range, after.closed, schedule);
            row.deadline_told = after.tools.deadline_passed(now);
            row.tools = after.tools;
            row.changed_at = now;
            row.expires_at = expires_at;
            self.announce(row.version, Change::View, fx);
            // The expiry or the deadline may have come closer.
            fx.alarm_by = Some(row.next_alarm());
            fx.index = Some(IndexWrite::Soon);
        }
        Answer::ok(&self.full_view(&row, 0, now)?)
    }

    /// Writes an edit in one transaction: everyone's levels moved onto
    /// the new grid (when the schedule changed; rows whose levels stay the
    /// same are not rewritten), the appointment's row, and one version
    /// step. The new version.
    fn store_edit(
        &self,
        after: &Edited,
        schedule: &str,
        remap: Option<Remap>,
        old_len: usize,
        now: i64,
        expires_at: i64,
    ) -> ApiResult<i64> {
        let (after, schedule) = (after.clone(), schedule.to_string());
        self.sql.transaction(move |sql| {
            let version = store::bump_version(sql, now, expires_at, Step::View)?.version;
            // A grid that covers the same times slot for slot moves nothing.
            if let Some(remap) = remap.filter(|r| !r.is_identity()) {
                for p in store::participants(sql)? {
                    let moved = remap.apply(&Availability::from_bytes(&p.availability, old_len));
                    if moved.as_bytes() != p.availability.as_slice() {
                        store::set_availability(sql, &p.id, moved.as_bytes(), version)?;
                    }
                }
            }
            store::update_settings(
                sql,
                &after.title,
                after.final_range,
                after.closed,
                &schedule,
            )?;
            // A deadline already passed is told by this edit's own push.
            store::set_tools(sql, &after.tools, after.tools.deadline_passed(now))?;
            Ok::<_, ApiError>(version)
        })
    }
}
