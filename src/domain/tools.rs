//! The organiser's tools: the names they expect (and who of them has not
//! answered yet), a deadline for answers, who must come and how many,
//! and whether the answers are private. Set by an edit, stored with the
//! appointment, applied when a view or a push is built.

use std::collections::HashSet;

use chrono::DateTime;

use super::results::Needs;
use super::{DomainError, ParticipantName};

/// The most names an organiser may expect.
pub const EXPECTED_MAX: usize = 200;

/// The largest `min_people`: no appointment has more participants.
pub const MIN_PEOPLE_MAX: i64 = super::limits::MAX_PARTICIPANTS as i64;

/// The organiser's settings, as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tools {
    /// Names as given (trimmed), no two with the same canonical key.
    pub expected: Vec<String>,
    /// Milliseconds since the Unix epoch.
    pub deadline: Option<i64>,
    /// Participant ids, no two the same.
    pub required: Vec<String>,
    pub min_people: Option<u32>,
    pub private: bool,
}

impl Tools {
    /// Whether the deadline has passed at `now` (ms).
    pub fn deadline_passed(&self, now: i64) -> bool {
        self.deadline.is_some_and(|d| now >= d)
    }

    /// Refuses new names and availability updates once the deadline has
    /// passed.
    pub fn check_open(&self, now: i64) -> Result<(), DomainError> {
        match self.deadline_passed(now) {
            true => Err(DomainError::DeadlinePassed),
            false => Ok(()),
        }
    }

    /// The expected names no participant's name matches by canonical key
    /// (`keys` holds the participants' keys).
    pub fn waiting(&self, keys: &HashSet<String>) -> Vec<String> {
        self.expected
            .iter()
            .filter(|name| !keys.contains(&ParticipantName::key_of(name)))
            .cloned()
            .collect()
    }

    /// When the appointment's alarm must come next at the latest: at
    /// `expires_at`, or at the deadline when the live sockets have yet to
    /// hear it pass (`deadline_told`).
    pub fn alarm_due(&self, expires_at: i64, deadline_told: bool) -> i64 {
        match self.deadline {
            Some(d) if !deadline_told => expires_at.min(d),
            _ => expires_at,
        }
    }

    /// What the best windows must meet.
    pub fn needs(&self) -> Needs<'_> {
        Needs {
            required: &self.required,
            min_people: self.min_people.map_or(0, |n| n as usize),
        }
    }
}

/// The expected names: each a valid participant name, at most
/// [`EXPECTED_MAX`], the first of each canonical key kept.
pub(super) fn expected(names: &[String]) -> Result<Vec<String>, DomainError> {
    if names.len() > EXPECTED_MAX {
        return Err(DomainError::InvalidExpected(format!(
            "expected holds at most {EXPECTED_MAX} names; {} were sent",
            names.len()
        )));
    }
    let mut keys = HashSet::new();
    let mut kept = Vec::new();
    for (i, raw) in names.iter().enumerate() {
        let name = ParticipantName::parse(raw)
            .map_err(|e| DomainError::InvalidExpected(format!("expected[{i}]: {e}")))?;
        if keys.insert(name.key()) {
            kept.push(name.as_str().to_string());
        }
    }
    Ok(kept)
}

/// The shape of a deadline, as the OpenAPI document states it (the
/// service checks the same shape, then the calendar).
pub const DEADLINE_PATTERN: &str = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$";

/// Whether `at` has the shape of [`DEADLINE_PATTERN`].
fn deadline_shape(at: &str) -> bool {
    let b = at.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let head = b.len() >= 20
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && matches!(b[10], b'T' | b't')
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19);
    if !head {
        return false;
    }
    let mut rest = &b[19..];
    if rest.first() == Some(&b'.') {
        let n = rest[1..].iter().take_while(|d| d.is_ascii_digit()).count();
        if n == 0 {
            return false;
        }
        rest = &rest[1 + n..];
    }
    match rest {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => [h1, h2, m1, m2].iter().all(|d| d.is_ascii_digit()),
        _ => false,
    }
}

/// An RFC 3339 instant, in milliseconds since the Unix epoch.
pub(super) fn deadline(at: &str) -> Result<i64, DomainError> {
    let bad = |detail: String| {
        DomainError::InvalidDeadline(format!(
            "deadline must be an RFC 3339 instant such as 2026-12-01T18:00:00+09:00, \
             or null{detail}"
        ))
    };
    if !deadline_shape(at) {
        return Err(bad(String::new()));
    }
    DateTime::parse_from_rfc3339(at)
        .map(|t| t.timestamp_millis())
        .map_err(|e| bad(format!(" ({e})")))
}

/// The required ids, each of a participant, each once.
pub(super) fn required(
    ids: &[String],
    participants: &[String],
) -> Result<Vec<String>, DomainError> {
    let mut kept: Vec<String> = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        if !participants.contains(id) {
            return Err(DomainError::InvalidRequired(format!(
                "required[{i}]: no participant of this appointment has the id {id:?}"
            )));
        }
        if !kept.contains(id) {
            kept.push(id.clone());
        }
    }
    Ok(kept)
}

#[cfg(test)]
mod tests;
