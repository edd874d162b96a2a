//! The appointment object's storage: the only SQL it speaks. Functions
//! here convert rows to plain values and back, rows read by column name
//! through serde; no rules live here. They run on any [`Sql`]: the
//! runtime's SQLite in production, a host SQLite in tests.

mod limits;
mod meta;
mod participants;
pub mod schema;
mod sql;
mod versions;
mod worker_sql;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod host_sql;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod schema_fixtures;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod upgrade_tests;

use std::fmt;

use crate::error::ApiError;

#[cfg(all(test, not(target_arch = "wasm32")))]
pub use host_sql::HostSql;
pub use limits::{joins, record_join, record_wrong_password, wrong_passwords};
pub use meta::{
    insert_appointment, load_appointment, mark_counted, set_tools, update_settings, AppointmentRow,
};
pub use participants::{
    delete_participant, insert_participant, insert_token, name_keys, participant,
    participant_and_token_owner, participant_by_name, participant_count, participant_ids,
    participants, set_availability, token_owner, ParticipantRow,
};
pub use sql::Sql;
pub use versions::{bump_version, mark_deadline_told, Step};
pub use worker_sql::WorkerSql;

/// A storage failure: always our fault, never the client's. Its detail is
/// logged at the edge, where it becomes a 500.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError(pub String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "storage: {}", self.0)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError::Internal(e.to_string())
    }
}
