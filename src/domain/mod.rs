//! The pure core of 언제볼까?: every rule that decides something — which
//! inputs are valid, which slots a schedule has, what an availability update
//! does, what the counts and best times are — with no Workers type in sight,
//! so all of it is unit-tested with plain `cargo test` on the host.
//!
//! Inputs come in as `serde_json::Value` or `&str` and leave as newtypes that
//! can only be built valid ("parse, don't validate"); the layers above never
//! re-check them.

pub mod availability;
pub mod final_time;
pub mod grid;
pub mod results;
pub mod schedule;
pub mod text;
mod wire;
mod zone;

#[cfg(test)]
mod properties;

pub use availability::{Availability, Change, Level, Update};
pub use final_time::{FinalTime, FinalWhen};
pub use grid::{Grid, Slot};
pub use results::{best, counts, Counts, Window};
pub use schedule::{Days, Schedule, SlotMinutes, Zone};
pub use text::{NameKeys, ParticipantName, Password, Title};
pub use zone::{Observance, Transition};

/// Why an input was refused. `Display` is a message a person can act on;
/// [`DomainError::code`] and [`DomainError::field`] let the HTTP layer and
/// the UI tell the kinds apart without parsing the message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// The appointment title is empty, too long or has control characters.
    #[error("{0}")]
    InvalidTitle(String),
    /// The time zone is missing or not an IANA name.
    #[error("{0}")]
    InvalidTimezone(String),
    /// `dates` is malformed or out of range, or neither/both of `dates`
    /// and `weekdays` were given.
    #[error("{0}")]
    InvalidDates(String),
    /// `weekdays` is malformed.
    #[error("{0}")]
    InvalidWeekdays(String),
    /// `start` or `end` is malformed, off the slot grid or out of order.
    #[error("{message}")]
    InvalidTimeWindow {
        /// `"start"` or `"end"`: the field the UI should mark.
        field: &'static str,
        /// What is wrong, for a person.
        message: String,
    },
    /// `slot_minutes` is not one of 10, 15, 30, 60.
    #[error("{0}")]
    InvalidSlotMinutes(String),
    /// The participant name is empty, too long or has control characters.
    #[error("{0}")]
    InvalidName(String),
    /// The password is too short or too long.
    #[error("{0}")]
    InvalidPassword(String),
    /// An availability update is malformed; the message names the exact
    /// change and range.
    #[error("{0}")]
    InvalidUpdate(String),
    /// The final time is malformed, out of range or spans two days.
    #[error("{0}")]
    InvalidFinal(String),
    /// The body as a whole has the wrong shape (e.g. not a JSON object).
    #[error("{0}")]
    InvalidBody(String),
}

impl DomainError {
    /// A stable snake_case code for the JSON error body.
    pub fn code(&self) -> &'static str {
        match self {
            DomainError::InvalidTitle(_) => "invalid_title",
            DomainError::InvalidTimezone(_) => "invalid_timezone",
            DomainError::InvalidDates(_) => "invalid_dates",
            DomainError::InvalidWeekdays(_) => "invalid_weekdays",
            DomainError::InvalidTimeWindow { .. } => "invalid_time_window",
            DomainError::InvalidSlotMinutes(_) => "invalid_slot_minutes",
            DomainError::InvalidName(_) => "invalid_name",
            DomainError::InvalidPassword(_) => "invalid_password",
            DomainError::InvalidUpdate(_) => "invalid_update",
            DomainError::InvalidFinal(_) => "invalid_final",
            DomainError::InvalidBody(_) => "invalid_body",
        }
    }

    /// The JSON field the problem concerns, so the UI can show the message
    /// next to it; `None` when it concerns the body as a whole.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            DomainError::InvalidTitle(_) => Some("title"),
            DomainError::InvalidTimezone(_) => Some("timezone"),
            DomainError::InvalidDates(_) => Some("dates"),
            DomainError::InvalidWeekdays(_) => Some("weekdays"),
            DomainError::InvalidTimeWindow { field, .. } => Some(field),
            DomainError::InvalidSlotMinutes(_) => Some("slot_minutes"),
            DomainError::InvalidName(_) => Some("name"),
            DomainError::InvalidPassword(_) => Some("password"),
            DomainError::InvalidUpdate(_) => Some("changes"),
            DomainError::InvalidFinal(_) => Some("final"),
            DomainError::InvalidBody(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_has_a_snake_case_code_and_its_message_as_display() {
        let errors = [
            DomainError::InvalidTitle("t".into()),
            DomainError::InvalidTimezone("t".into()),
            DomainError::InvalidDates("t".into()),
            DomainError::InvalidWeekdays("t".into()),
            DomainError::InvalidTimeWindow {
                field: "end",
                message: "t".into(),
            },
            DomainError::InvalidSlotMinutes("t".into()),
            DomainError::InvalidName("t".into()),
            DomainError::InvalidPassword("t".into()),
            DomainError::InvalidUpdate("t".into()),
            DomainError::InvalidFinal("t".into()),
            DomainError::InvalidBody("t".into()),
        ];
        for e in &errors {
            assert!(e.code().starts_with("invalid_"));
            assert!(e.code().chars().all(|c| c.is_ascii_lowercase() || c == '_'));
            assert_eq!(e.to_string(), "t");
        }
    }

    #[test]
    fn time_window_error_points_at_the_field_it_names() {
        let e = DomainError::InvalidTimeWindow {
            field: "start",
            message: "m".into(),
        };
        assert_eq!(e.field(), Some("start"));
        assert_eq!(DomainError::InvalidBody("m".into()).field(), None);
        assert_eq!(
            DomainError::InvalidUpdate("m".into()).field(),
            Some("changes")
        );
    }
}
