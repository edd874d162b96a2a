//! What an organiser's edit does: the title, final time and closed flag
//! it sets, and a schedule change, which is checked like a new
//! appointment's and moves everyone's answers and the final time onto the
//! new grid (see [`super::remap`]).

use chrono::{DateTime, Utc};

use super::remap::{self, Remap};
use super::requests::{empty_grid_error, EditRequest, FinalRange, ScheduleFields};
use super::{DomainError, FinalTime, Grid, Schedule, Title, Tools};

/// What an edit can change: the title, final time, closed flag,
/// schedule and the organiser's tools, as they are before or after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edited {
    pub title: String,
    pub final_range: Option<(usize, usize)>,
    pub closed: bool,
    pub schedule: Schedule,
    pub tools: Tools,
}

/// An accepted edit: the appointment after it, and, when the schedule
/// changed, the new grid and how everyone's levels move onto it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub after: Edited,
    pub regrid: Option<Regrid>,
}

/// A changed schedule's grid, and the mapping of levels onto it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Regrid {
    pub grid: Grid,
    pub remap: Remap,
}

impl EditRequest {
    /// The schedule fields the edit sends.
    fn schedule(&self) -> ScheduleFields {
        ScheduleFields {
            timezone: self.timezone.clone(),
            dates: self.dates.clone(),
            weekdays: self.weekdays.clone(),
            start: self.start.clone(),
            end: self.end.clone(),
            slot_minutes: self.slot_minutes,
        }
    }

    /// Applies the edit to the appointment as it is (`current`, laid out
    /// on `grid`) as of `now`. An edit that names nothing to change is
    /// refused; one that changes nothing is not. A new schedule is checked
    /// like a new appointment's; a final time sent with it names slots of
    /// the new grid, and one not sent is kept where the new grid has its
    /// time exactly, else cleared. `required` may name only the ids of
    /// `participants`.
    pub fn apply(
        &self,
        current: &Edited,
        grid: &Grid,
        now: DateTime<Utc>,
        participants: &[String],
    ) -> Result<Edit, DomainError> {
        let fields = self.schedule();
        if self.title.is_none()
            && self.final_range.is_none()
            && self.closed.is_none()
            && fields == ScheduleFields::default()
            && !self.names_tools()
        {
            return Err(DomainError::InvalidBody(
                "nothing to change: send title, final, closed, a schedule field \
                 (dates or weekdays, start, end, slot_minutes, timezone), or one of \
                 expected, deadline, required, min_people, private"
                    .into(),
            ));
        }
        let tools = self.tools(&current.tools, participants)?;
        let title = match &self.title {
            Some(Some(t)) => Title::parse(t)?.as_str().to_string(),
            _ => current.title.clone(),
        };
        let schedule = if fields == ScheduleFields::default() {
            current.schedule.clone()
        } else {
            current.schedule.edit(&fields, now)?
        };
        let regrid = (schedule != current.schedule)
            .then(|| {
                let new = Grid::new(&schedule);
                if new.is_empty() {
                    return Err(empty_grid_error());
                }
                let remap = Remap::new(grid, &new);
                Ok(Regrid { grid: new, remap })
            })
            .transpose()?;
        let new_grid = regrid.as_ref().map_or(grid, |r| &r.grid);
        let final_range = match self.final_range {
            Some(None) => None,
            Some(Some(FinalRange { start, end })) => {
                let bound = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
                let f = FinalTime::new(bound(start), bound(end), new_grid)?;
                Some((f.start(), f.end()))
            }
            None => match (&regrid, current.final_range) {
                (Some(r), Some((start, end))) => remap::final_range(grid, &r.grid, start, end)
                    .and_then(|(s, e)| FinalTime::new(s, e, &r.grid).ok())
                    .map(|f| (f.start(), f.end())),
                (_, kept) => kept,
            },
        };
        let closed = self.closed.flatten().unwrap_or(current.closed);
        Ok(Edit {
            after: Edited {
                title,
                final_range,
                closed,
                schedule,
                tools,
            },
            regrid,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::requests::decode;
    use serde_json::{json, Value};

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-20T03:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    /// A two-day Seoul appointment, 09:00–12:00 in hours, final 10–12 on
    /// the second day (slots 4..6).
    fn current() -> (Edited, Grid) {
        let schedule = Schedule::parse_stored(&json!({"timezone": "Asia/Seoul",
            "dates": ["2026-12-01", "2026-12-02"], "start": "09:00", "end": "12:00",
            "slot_minutes": 60}))
        .unwrap();
        let grid = Grid::new(&schedule);
        let edited = Edited {
            title: "회의".into(),
            final_range: Some((4, 6)),
            closed: false,
            schedule,
            tools: Tools::default(),
        };
        (edited, grid)
    }

    fn apply(body: Value) -> Result<Edit, DomainError> {
        let (current, grid) = current();
        let request: EditRequest = decode(body.to_string().as_bytes())?;
        request.apply(&current, &grid, now(), &[])
    }

    fn code(body: Value) -> String {
        apply(body).unwrap_err().code().to_string()
    }

    #[test]
    fn an_edit_that_names_nothing_is_refused_and_one_that_changes_nothing_is_not() {
        assert_eq!(code(json!({})), "invalid_body");
        assert_eq!(code(json!({"start": null, "other": 1})), "invalid_body");
        let same = apply(json!({"start": "09:00", "timezone": "Asia/Seoul"})).unwrap();
        assert_eq!(same.after, current().0);
        assert_eq!(same.regrid, None);
        let renamed = apply(json!({"title": "다른 회의"})).unwrap();
        assert_eq!(renamed.after.schedule, current().0.schedule);
        assert_eq!(renamed.regrid, None);
    }

    #[test]
    fn fields_not_sent_keep_their_value() {
        let edit = apply(json!({"slot_minutes": 30})).unwrap();
        let fields = edit.after.schedule.fields();
        assert_eq!(fields.dates, current().0.schedule.fields().dates);
        assert_eq!(
            (fields.start.as_deref(), fields.end.as_deref()),
            (Some("09:00"), Some("12:00"))
        );
        let regrid = edit.regrid.unwrap();
        assert_eq!(regrid.grid.len(), 12);
        // The final hour 10:00–12:00 of the second day, in half hours.
        assert_eq!(edit.after.final_range, Some((8, 12)));
    }

    #[test]
    fn a_new_schedule_is_checked_like_a_new_appointment() {
        assert_eq!(
            code(json!({"dates": ["2026-12-01"], "weekdays": ["mon"]})),
            "invalid_dates"
        );
        assert_eq!(code(json!({"dates": []})), "invalid_dates");
        assert_eq!(code(json!({"dates": ["2026-11-01"]})), "invalid_dates");
        assert_eq!(code(json!({"dates": ["2027-11-21"]})), "invalid_dates");
        assert_eq!(code(json!({"weekdays": ["someday"]})), "invalid_weekdays");
        assert_eq!(code(json!({"timezone": "Mars/Base"})), "invalid_timezone");
        assert_eq!(code(json!({"start": "12:00"})), "invalid_time_window");
        assert_eq!(code(json!({"end": "25:00"})), "invalid_time_window");
        assert_eq!(code(json!({"slot_minutes": 20})), "invalid_slot_minutes");
        // 09:30 is off the hour grid the slots stay on.
        let err = apply(json!({"start": "09:30"})).unwrap_err();
        assert_eq!(err.field(), Some("start"));
        // Every wall time of this window is skipped by New York's spring forward.
        let err = apply(
            json!({"timezone": "America/New_York", "dates": ["2027-03-14"],
                               "start": "02:00", "end": "03:00"}),
        )
        .unwrap_err();
        assert_eq!(err.code(), "invalid_time_window", "{err}");
    }

    #[test]
    fn dates_the_appointment_already_has_may_stay_after_they_have_passed() {
        let (mut current, _) = current();
        current.schedule = Schedule::parse_stored(&json!({"timezone": "Asia/Seoul",
            "dates": ["2026-11-01", "2026-11-25"], "start": "09:00", "end": "12:00"}))
        .unwrap();
        let grid = Grid::new(&current.schedule);
        let edit = |body: Value| {
            let request: EditRequest = decode(body.to_string().as_bytes()).unwrap();
            request.apply(&current, &grid, now(), &[])
        };
        assert!(edit(json!({"end": "13:00"})).is_ok());
        assert!(edit(json!({"dates": ["2026-11-01", "2026-11-26"]})).is_ok());
        let err = edit(json!({"dates": ["2026-11-02", "2026-11-26"]})).unwrap_err();
        assert_eq!(err.code(), "invalid_dates", "{err}");
    }

    #[test]
    fn a_final_time_sent_with_a_schedule_names_slots_of_the_new_grid() {
        let edit = apply(json!({"slot_minutes": 30, "final": {"start": 0, "end": 6}})).unwrap();
        assert_eq!(edit.after.final_range, Some((0, 6)));
        // Slots 5..7 are one day on the old grid but two on the new one.
        assert_eq!(
            code(json!({"slot_minutes": 30, "final": {"start": 5, "end": 7}})),
            "invalid_final"
        );
        assert_eq!(
            code(json!({"dates": ["2026-12-01"], "final": {"start": 4, "end": 6}})),
            "invalid_final"
        );
        let cleared = apply(json!({"dates": ["2026-12-03"], "final": null})).unwrap();
        assert_eq!(cleared.after.final_range, None);
    }

    #[test]
    fn a_final_time_not_sent_moves_with_its_time_or_is_cleared() {
        let moved = apply(json!({"dates": ["2026-12-02", "2026-12-03"]})).unwrap();
        assert_eq!(moved.after.final_range, Some((1, 3)));
        let gone = apply(json!({"dates": ["2026-12-01", "2026-12-03"]})).unwrap();
        assert_eq!(gone.after.final_range, None);
        let cut = apply(json!({"end": "11:00"})).unwrap();
        assert_eq!(cut.after.final_range, None);
        let kept = apply(json!({"start": "10:00"})).unwrap();
        assert_eq!(kept.after.final_range, Some((2, 4)));
    }

    #[test]
    fn switching_to_weekdays_starts_everyone_empty_and_clears_the_final_time() {
        let edit = apply(json!({"weekdays": ["tue", "wed"]})).unwrap();
        let fields = edit.after.schedule.fields();
        assert_eq!(fields.dates, None);
        assert_eq!(fields.weekdays, Some(vec!["tue".into(), "wed".into()]));
        assert_eq!(edit.after.final_range, None);
        let regrid = edit.regrid.unwrap();
        let moved = regrid
            .remap
            .apply(&crate::domain::Availability::from_fn(6, |_| {
                crate::domain::Level::Available
            }));
        assert_eq!(moved.answered(), 0);
    }
}
