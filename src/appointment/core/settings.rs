//! The object's settings, read from the environment once, when the object
//! starts: the spec's values unless the environment changes them (tests
//! shorten the windows and graces).

use chrono::Duration;

use crate::domain::limits::SlidingWindow;

const DAY: i64 = 24 * 60 * 60;

/// Everything the core and the shell take from the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Grace after the last date of a dates appointment before it expires.
    pub dates_grace: Duration,
    /// Grace after the last change of a weekdays appointment.
    pub weekdays_grace: Duration,
    /// Wrong passwords allowed per participant and client address.
    pub sign_in: SlidingWindow,
    /// New participants allowed per client address.
    pub joins: SlidingWindow,
    /// How often, at most, the update count is written to the index (ms);
    /// also when a failed index write is tried again.
    pub index_every_ms: i64,
    /// Whether the alarm deletes an expired appointment (off only to test
    /// that the cron sweep alone suffices).
    pub expiry_alarms: bool,
    /// The binding of the index's D1 database.
    pub index_db: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings::read(|_| None)
    }
}

impl Settings {
    /// The settings from `var`, which looks a variable up by name.
    pub fn read(var: impl Fn(&str) -> Option<String>) -> Settings {
        let int = |name: &str, default: i64| {
            var(name)
                .and_then(|v| v.trim().parse::<i64>().ok())
                .unwrap_or(default)
        };
        Settings {
            dates_grace: Duration::seconds(int("EXPIRY_DATES_GRACE_SECONDS", 30 * DAY)),
            weekdays_grace: Duration::seconds(int("EXPIRY_WEEKDAYS_GRACE_SECONDS", 90 * DAY)),
            // 10 in 15 minutes: guessing stays hopeless.
            sign_in: SlidingWindow::new(
                int("SIGN_IN_MAX_FAILURES", 10),
                int("SIGN_IN_WINDOW_SECONDS", 15 * 60).max(1) * 1000,
            ),
            // 100 in 10 minutes, so a class behind one campus NAT fits.
            joins: SlidingWindow::new(
                int("JOIN_LIMIT", 100),
                int("JOIN_WINDOW_SECONDS", 10 * 60).max(1) * 1000,
            ),
            index_every_ms: int("STATS_FLUSH_SECONDS", 60).max(1) * 1000,
            expiry_alarms: int("EXPIRY_ALARMS", 1) != 0,
            index_db: var("INDEX_DB").unwrap_or_else(|| "DB".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_the_specs_unless_the_environment_says_otherwise() {
        let spec = Settings::default();
        assert_eq!(spec.dates_grace, Duration::days(30));
        assert_eq!(spec.sign_in, SlidingWindow::new(10, 900_000));
        assert_eq!(spec.joins, SlidingWindow::new(100, 600_000));
        assert_eq!(spec.index_db, "DB");
        let set = Settings::read(|name| match name {
            "JOIN_LIMIT" => Some(" 3 ".into()),
            "EXPIRY_ALARMS" => Some("0".into()),
            "SIGN_IN_WINDOW_SECONDS" => Some("nonsense".into()),
            _ => None,
        });
        assert_eq!(set.joins.limit, 3);
        assert!(!set.expiry_alarms);
        assert_eq!(set.sign_in.window_ms, 900_000);
    }
}
