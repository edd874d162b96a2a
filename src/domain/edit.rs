//! What an organiser's edit does: the title, final time and closed flag
//! it sets, and a schedule change, which is checked like a new
//! appointment's and moves everyone's answers and the final time onto the
//! new grid (see [`super::remap`]). The edit request reads into an
//! [`Edit`] (`EditRequest::apply`, with the request types), and an edit
//! says what it would do before it is stored ([`Edit::dry_run`]).

use super::remap::Remap;
use super::view::DryRun;
use super::{Availability, Grid, Schedule, Tools};

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

impl Edit {
    /// What this edit does to everyone's answers (`everyone`, laid out on
    /// `grid`, the grid before it) and to the final time of `before`: the
    /// organiser's preview, which stores nothing.
    pub fn dry_run<'a>(
        &self,
        before: &Edited,
        grid: &Grid,
        everyone: impl IntoIterator<Item = &'a Availability>,
    ) -> DryRun {
        let new_grid = self.regrid.as_ref().map_or(grid, |r| &r.grid);
        let minutes = |g: &Grid| u64::from(g.slot_minutes().get());
        let (mut kept, mut cleared, mut losing) = (0, 0, 0);
        for old in everyone {
            let answered_before = old.answered();
            let answered_after = match &self.regrid {
                Some(r) => r.remap.apply(old).answered(),
                None => answered_before,
            };
            kept += usize::from(answered_after > 0);
            cleared += usize::from(answered_before > 0 && answered_after == 0);
            // Answered minutes: fewer after means answers are cleared.
            let before_minutes = answered_before as u64 * minutes(grid);
            losing += usize::from((answered_after as u64) * minutes(new_grid) < before_minutes);
        }
        DryRun {
            kept,
            cleared,
            losing,
            final_kept: before.final_range.is_some() && self.after.final_range.is_some(),
            slots: new_grid.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::requests::{decode, EditRequest};
    use crate::domain::DomainError;
    use chrono::{DateTime, Utc};
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
        assert_eq!((&*fields.start, &*fields.end), ("09:00", "12:00"));
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

    #[test]
    fn a_dry_run_counts_who_keeps_and_who_loses_answers() {
        use crate::domain::Level::{Available, IfNeeded, None as Empty};
        let (current, grid) = current();
        let day_one = Availability::from_fn(6, |i| if i < 3 { Available } else { Empty });
        let day_two = Availability::from_fn(6, |i| if i >= 3 { IfNeeded } else { Empty });
        let nobody = Availability::empty(6);
        let everyone = [day_one, day_two, nobody];
        let run = |body: Value| {
            let request: EditRequest = decode(body.to_string().as_bytes()).unwrap();
            let edit = request.apply(&current, &grid, now(), &[]).unwrap();
            edit.dry_run(&current, &grid, &everyone)
        };
        let split = run(json!({"slot_minutes": 30}));
        assert_eq!(
            split,
            DryRun {
                kept: 2,
                cleared: 0,
                losing: 0,
                final_kept: true,
                slots: 12
            }
        );
        let shifted = run(json!({"dates": ["2026-12-02", "2026-12-03"]}));
        assert_eq!((shifted.kept, shifted.cleared, shifted.losing), (1, 1, 1));
        assert!(shifted.final_kept, "the final time's day stays");
        let cut = run(json!({"end": "11:00"}));
        assert_eq!((cut.kept, cut.cleared, cut.losing), (2, 0, 2));
        assert!(!cut.final_kept);
        assert_eq!(cut.slots, 4);
        let renamed = run(json!({"title": "다른 회의"}));
        assert_eq!((renamed.kept, renamed.cleared, renamed.slots), (2, 0, 6));
    }
}
