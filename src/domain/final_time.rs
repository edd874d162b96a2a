//! The time the organiser settles on: a range of slots within one day, and
//! what it means on the clock (for the calendar file).

use chrono::{DateTime, TimeDelta, Utc, Weekday};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::grid::{Grid, Slot};
use super::DomainError;

/// A final time as sent: slots `start..end` of one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FinalRange {
    /// First slot index.
    #[schema(minimum = 0)]
    pub start: u64,
    /// One past the last slot index.
    #[schema(minimum = 1)]
    pub end: u64,
}

/// A valid final time for one grid: slots `start..end`, all on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FinalTime {
    start: usize,
    end: usize,
}

/// What a final time is on the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FinalWhen {
    /// A dates appointment: one meeting between two instants.
    Once {
        /// When the first slot starts.
        start: DateTime<Utc>,
        /// When the last slot ends.
        end: DateTime<Utc>,
    },
    /// A weekdays appointment: a weekly meeting in the appointment's zone.
    Weekly {
        /// The day of the week.
        weekday: Weekday,
        /// Minutes after local midnight the first slot starts.
        start_minute: u32,
        /// Minutes after local midnight the last slot ends (up to 1440).
        end_minute: u32,
    },
}

impl FinalTime {
    /// A final time of slots `start..end` of `grid`: `start < end ≤ len`,
    /// first and last slot on the same day.
    pub fn new(start: usize, end: usize, grid: &Grid) -> Result<FinalTime, DomainError> {
        let err = |m: String| Err(DomainError::InvalidFinal(m));
        if start >= end {
            return err(format!("final: start {start} must be less than end {end}"));
        }
        if end > grid.len() {
            return err(format!(
                "final: end {end} is past the last slot (grid has {} slots)",
                grid.len()
            ));
        }
        if grid.day_of(start) != grid.day_of(end - 1) {
            return err("final: the time must be within one day".into());
        }
        Ok(FinalTime { start, end })
    }

    /// Parses `{"start": i, "end": j}` (non-negative integers; other fields
    /// ignored). The caller handles `null`, which clears the final time.
    pub fn parse(value: &Value, grid: &Grid) -> Result<FinalTime, DomainError> {
        let Value::Object(obj) = value else {
            return Err(DomainError::InvalidFinal(
                "final must be {\"start\": i, \"end\": j} or null".into(),
            ));
        };
        let bound = |name: &str| {
            obj.get(name)
                .and_then(Value::as_u64)
                .map(|n| usize::try_from(n).unwrap_or(usize::MAX))
                .ok_or_else(|| {
                    DomainError::InvalidFinal(format!(
                        "final.{name} must be a non-negative integer slot index"
                    ))
                })
        };
        FinalTime::new(bound("start")?, bound("end")?, grid)
    }

    /// First slot index.
    pub fn start(&self) -> usize {
        self.start
    }

    /// One past the last slot index.
    pub fn end(&self) -> usize {
        self.end
    }

    /// What the final time is on the clock; `None` only if `grid` is not
    /// the grid it was made for.
    pub fn when(&self, grid: &Grid) -> Option<FinalWhen> {
        let last = self.end.checked_sub(1)?;
        let step = grid.slot_minutes().get();
        match (grid.get(self.start)?, grid.get(last)?) {
            (Slot::At(start), Slot::At(last_start)) => Some(FinalWhen::Once {
                start: *start,
                end: *last_start + TimeDelta::minutes(i64::from(step)),
            }),
            (
                Slot::Weekly { weekday, minute },
                Slot::Weekly {
                    minute: last_minute,
                    ..
                },
            ) => Some(FinalWhen::Weekly {
                weekday: *weekday,
                start_minute: *minute,
                end_minute: last_minute + step,
            }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Schedule;
    use serde_json::json;

    fn grid(s: Value) -> Grid {
        Grid::new(&Schedule::parse_stored(&s).unwrap())
    }

    fn seoul() -> Grid {
        grid(
            json!({"timezone": "Asia/Seoul", "dates": ["2026-12-01", "2026-12-02"],
                    "start": "09:00", "end": "18:00"}),
        )
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn final_within_one_day_is_accepted_and_serialises_as_start_end() {
        let g = seoul();
        let f = FinalTime::parse(&json!({"start": 2, "end": 6}), &g).unwrap();
        assert_eq!((f.start(), f.end()), (2, 6));
        assert_eq!(
            serde_json::to_value(f).unwrap(),
            json!({"start": 2, "end": 6})
        );
        assert!(FinalTime::new(18, 36, &g).is_ok());
    }

    #[test]
    fn final_spanning_two_days_is_rejected() {
        let err = FinalTime::new(17, 19, &seoul()).unwrap_err();
        assert_eq!(err.code(), "invalid_final");
        assert_eq!(err.field(), Some("final"));
    }

    #[test]
    fn final_out_of_range_empty_or_mistyped_is_rejected() {
        let g = seoul();
        for v in [
            json!({"start": 30, "end": 37}),
            json!({"start": 3, "end": 3}),
            json!({"start": 4, "end": 3}),
            json!({"start": -1, "end": 3}),
            json!({"start": "1", "end": 3}),
            json!({"start": 1.0, "end": 3}),
            json!({"end": 3}),
            json!([1, 3]),
            json!(null),
        ] {
            assert_eq!(
                FinalTime::parse(&v, &g).unwrap_err().code(),
                "invalid_final",
                "{v}"
            );
        }
    }

    #[test]
    fn final_of_dates_grid_runs_from_first_slot_start_to_last_slot_end() {
        let f = FinalTime::new(2, 6, &seoul()).unwrap();
        assert_eq!(
            f.when(&seoul()),
            Some(FinalWhen::Once {
                start: utc("2026-12-01T01:00:00Z"),
                end: utc("2026-12-01T03:00:00Z"),
            })
        );
    }

    #[test]
    fn final_of_weekdays_grid_is_a_weekly_wall_time_that_may_end_at_midnight() {
        let g = grid(json!({"timezone": "Asia/Seoul", "weekdays": ["tue", "fri"],
                            "start": "22:00", "end": "24:00", "slot_minutes": 60}));
        let f = FinalTime::new(2, 4, &g).unwrap();
        assert_eq!(
            f.when(&g),
            Some(FinalWhen::Weekly {
                weekday: Weekday::Fri,
                start_minute: 22 * 60,
                end_minute: 24 * 60,
            })
        );
    }
}
