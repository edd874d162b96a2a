//! The runtime's clock, in the two forms the service uses.

use chrono::{DateTime, Utc};

/// Milliseconds since the Unix epoch, from the runtime's clock.
pub fn now_ms() -> i64 {
    worker::Date::now().as_millis() as i64
}

/// `ms` since the Unix epoch as a UTC instant (the epoch if out of range).
pub fn to_datetime(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}
