//! The slots of an appointment, in the order everyone names them by index:
//! by day, then by time. For dates each slot is a real UTC instant (so DST
//! days have fewer or the same number of slots, never a slot twice); for
//! weekdays each slot is a local wall time that recurs every week.

use chrono::{DateTime, NaiveTime, TimeDelta, Utc, Weekday};

use super::schedule::{Days, Schedule, SlotMinutes};
use super::wire::MINUTES_PER_DAY;

/// The most slots any grid can have: 31 days of 144 ten-minute slots.
pub const MAX_SLOTS: usize = 31 * 144;

/// When one slot starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// A slot of a dates appointment: the UTC instant it starts.
    At(DateTime<Utc>),
    /// A slot of a weekdays appointment: a weekday and the minutes after
    /// local midnight it starts at.
    Weekly {
        /// The day of the week.
        weekday: Weekday,
        /// Minutes after local midnight.
        minute: u32,
    },
}

/// One slot with where it came from, kept so that callers can ask for the
/// day and wall time without recomputing time zone rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cell {
    slot: Slot,
    day: u16,
    minute: u16,
}

/// All slots of a schedule, built once per schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grid {
    cells: Vec<Cell>,
    slot_minutes: SlotMinutes,
}

impl Grid {
    /// Lays out the slots of `schedule`. For dates, a wall time that does
    /// not exist in the zone (DST gap) is left out, and one that occurs twice
    /// (DST fold) is kept once, at its first occurrence.
    pub fn new(schedule: &Schedule) -> Grid {
        let step = schedule.slot_minutes().get();
        let minutes: Vec<u32> = (schedule.start_minute()..schedule.end_minute())
            .step_by(step as usize)
            .collect();
        let mut cells = Vec::new();
        match schedule.days() {
            Days::Dates(dates) => {
                let zone = schedule.zone();
                for (day, date) in dates.iter().enumerate() {
                    for &minute in &minutes {
                        let wall =
                            date.and_time(NaiveTime::MIN) + TimeDelta::minutes(i64::from(minute));
                        if let Some(at) = zone.earliest_instant(wall) {
                            cells.push(Cell::new(Slot::At(at), day, minute));
                        }
                    }
                }
            }
            Days::Weekdays(weekdays) => {
                for (day, &weekday) in weekdays.iter().enumerate() {
                    for &minute in &minutes {
                        cells.push(Cell::new(Slot::Weekly { weekday, minute }, day, minute));
                    }
                }
            }
        }
        debug_assert!(cells.len() <= MAX_SLOTS);
        Grid {
            cells,
            slot_minutes: schedule.slot_minutes(),
        }
    }

    /// The number of slots.
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    /// True when there are no slots (only possible if every wall time of
    /// every date fell into a DST gap).
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// The index, in the schedule's list of days, of the day slot `i` is on.
    ///
    /// # Panics
    /// If `i >= self.len()`, like slice indexing.
    pub fn day_of(&self, i: usize) -> usize {
        usize::from(self.cells[i].day)
    }

    /// The local wall time slot `i` starts at, in minutes after midnight.
    ///
    /// # Panics
    /// If `i >= self.len()`.
    pub fn minute_of(&self, i: usize) -> u32 {
        u32::from(self.cells[i].minute)
    }

    /// When slot `i` starts.
    ///
    /// # Panics
    /// If `i >= self.len()`.
    pub fn slot(&self, i: usize) -> &Slot {
        &self.cells[i].slot
    }

    /// When slot `i` starts, or `None` past the end.
    pub fn get(&self, i: usize) -> Option<&Slot> {
        self.cells.get(i).map(|c| &c.slot)
    }

    /// The slot size.
    pub fn slot_minutes(&self) -> SlotMinutes {
        self.slot_minutes
    }

    /// Every slot, in index order.
    pub fn slots(&self) -> impl Iterator<Item = &Slot> {
        self.cells.iter().map(|cell| &cell.slot)
    }
}

impl Cell {
    fn new(slot: Slot, day: usize, minute: u32) -> Cell {
        // Days ≤ 31 and minutes < 1440, so both fit in u16.
        debug_assert!(day < usize::from(u16::MAX) && minute < MINUTES_PER_DAY);
        Cell {
            slot,
            day: day as u16,
            minute: minute as u16,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn grid(body: Value) -> Grid {
        Grid::new(&Schedule::parse_stored(&body).unwrap())
    }

    fn slots_json(g: &Grid) -> Vec<Value> {
        g.slots()
            .map(|s| serde_json::to_value(crate::domain::view::SlotView::from(s)).unwrap())
            .collect()
    }

    fn instants(g: &Grid) -> Vec<String> {
        slots_json(g)
            .iter()
            .map(|v| v["start"].as_str().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn dates_grid_runs_by_day_then_time_in_utc() {
        let g = grid(
            json!({"timezone": "Asia/Seoul", "dates": ["2026-12-02", "2026-12-01"],
                            "start": "09:00", "end": "18:00"}),
        );
        assert_eq!(g.len(), 36);
        let starts = instants(&g);
        assert_eq!(starts[0], "2026-12-01T00:00:00Z");
        assert_eq!(starts[17], "2026-12-01T08:30:00Z");
        assert_eq!(starts[18], "2026-12-02T00:00:00Z");
        assert_eq!((g.day_of(17), g.day_of(18)), (0, 1));
        assert_eq!((g.minute_of(0), g.minute_of(35)), (540, 1050));
        assert_eq!(g.slot_minutes().get(), 30);
    }

    #[test]
    fn spring_forward_in_new_york_leaves_out_the_missing_hour() {
        let g = grid(
            json!({"timezone": "America/New_York", "dates": ["2026-03-08"],
                            "start": "00:00", "end": "06:00"}),
        );
        assert_eq!(g.len(), 10);
        assert_eq!(
            instants(&g),
            [
                "2026-03-08T05:00:00Z", // 00:00 EST
                "2026-03-08T05:30:00Z",
                "2026-03-08T06:00:00Z",
                "2026-03-08T06:30:00Z", // 01:30 EST; 02:00 and 02:30 never happen
                "2026-03-08T07:00:00Z", // 03:00 EDT
                "2026-03-08T07:30:00Z",
                "2026-03-08T08:00:00Z",
                "2026-03-08T08:30:00Z",
                "2026-03-08T09:00:00Z",
                "2026-03-08T09:30:00Z",
            ]
        );
        assert_eq!(g.minute_of(4), 180);
    }

    #[test]
    fn fall_back_in_new_york_keeps_the_repeated_hour_once() {
        let g = grid(
            json!({"timezone": "America/New_York", "dates": ["2026-11-01"],
                            "start": "00:00", "end": "04:00"}),
        );
        assert_eq!(g.len(), 8);
        assert_eq!(
            instants(&g),
            [
                "2026-11-01T04:00:00Z", // 00:00 EDT
                "2026-11-01T04:30:00Z",
                "2026-11-01T05:00:00Z", // 01:00 EDT, not 01:00 EST
                "2026-11-01T05:30:00Z",
                "2026-11-01T07:00:00Z", // 02:00 EST
                "2026-11-01T07:30:00Z",
                "2026-11-01T08:00:00Z",
                "2026-11-01T08:30:00Z",
            ]
        );
    }

    #[test]
    fn berlin_dst_days_lose_one_hourly_slot_and_keep_the_repeated_one_once() {
        let g = grid(json!({"timezone": "Europe/Berlin",
                            "dates": ["2026-03-29", "2026-10-25"],
                            "start": "01:00", "end": "04:00", "slot_minutes": 60}));
        assert_eq!(
            instants(&g),
            [
                "2026-03-29T00:00:00Z", // 01:00 CET; 02:00 does not exist
                "2026-03-29T01:00:00Z", // 03:00 CEST
                "2026-10-24T23:00:00Z", // 01:00 CEST
                "2026-10-25T00:00:00Z", // 02:00 CEST (first of two)
                "2026-10-25T02:00:00Z", // 03:00 CET
            ]
        );
        assert_eq!((g.day_of(1), g.day_of(2)), (0, 1));
    }

    #[test]
    fn whole_berlin_spring_forward_day_has_23_hourly_slots() {
        let g = grid(
            json!({"timezone": "Europe/Berlin", "dates": ["2026-03-28", "2026-03-29"],
                            "start": "00:00", "end": "24:00", "slot_minutes": 60}),
        );
        assert_eq!(g.len(), 24 + 23);
        assert_eq!((g.day_of(23), g.day_of(24), g.day_of(46)), (0, 1, 1));
    }

    #[test]
    fn weekdays_grid_is_wall_times_monday_first() {
        let g = grid(
            json!({"timezone": "America/New_York", "weekdays": ["wed", "mon"],
                            "start": "09:00", "end": "10:00", "slot_minutes": 15}),
        );
        assert_eq!(g.len(), 8);
        assert_eq!(
            g.slot(5),
            &Slot::Weekly {
                weekday: Weekday::Wed,
                minute: 9 * 60 + 15
            }
        );
        let json = slots_json(&g);
        assert_eq!(json[0], json!({"day": "mon", "time": "09:00"}));
        assert_eq!(json[7], json!({"day": "wed", "time": "09:45"}));
        assert_eq!(g.day_of(4), 1);
    }

    #[test]
    fn largest_schedule_has_4464_slots() {
        let dates: Vec<String> = (1..=31).map(|d| format!("2026-12-{d:02}")).collect();
        let g = grid(json!({"timezone": "UTC", "dates": dates, "start": "00:00",
                            "end": "24:00", "slot_minutes": 10}));
        assert_eq!(g.len(), MAX_SLOTS);
        assert_eq!(instants(&g)[MAX_SLOTS - 1], "2026-12-31T23:50:00Z");
        assert_eq!(g.day_of(MAX_SLOTS - 1), 30);
        let weekly = grid(
            json!({"timezone": "UTC", "weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                                 "start": "00:00", "end": "24:00", "slot_minutes": 10}),
        );
        assert_eq!(weekly.len(), 7 * 144);
        assert_eq!(
            slots_json(&weekly)[7 * 144 - 1],
            json!({"day": "sun", "time": "23:50"})
        );
    }

    #[test]
    fn get_past_the_end_is_none() {
        let g =
            grid(json!({"timezone": "UTC", "weekdays": ["mon"], "start": "09:00", "end": "10:00"}));
        assert!(g.get(1).is_some());
        assert_eq!(g.get(2), None);
    }
}
