//! The pure core of 언제볼까?: every rule that decides something — which
//! inputs are valid, which slots a schedule has, what an availability update
//! does, what the counts and best times are — with no Workers type in sight,
//! so all of it is unit-tested with plain `cargo test` on the host.
//!
//! Requests come in as the typed bodies of [`requests`] and leave as
//! newtypes that can only be built valid ("parse, don't validate"); the
//! layers above never re-check them. [`requests`] stands on the rest of
//! the domain, and nothing in the domain uses it. Who may do what is [`access`], how
//! much anyone may take is [`limits`], and what the API answers is
//! [`view`]; what an organiser's edit does is [`edit`], and how answers
//! move when the schedule changes is [`remap`].
//! Every refusal is a [`DomainError`] with its [`ErrorCode`].

pub mod access;
pub mod availability;
pub mod edit;
pub mod error;
pub mod final_time;
pub mod grid;
mod json;
pub mod limits;
pub mod live;
pub mod remap;
pub mod requests;
pub mod results;
pub mod schedule;
pub mod text;
pub mod tools;
pub mod view;
mod wire;
mod zone;

#[cfg(test)]
mod properties;

pub use access::{authorize, Action, Caller};
pub use availability::{Availability, Change, Level, Update};
pub use error::{DomainError, ErrorCode};
pub use final_time::{FinalTime, FinalWhen};
pub use grid::{Grid, Slot};
pub use remap::Remap;
pub use results::{best, best_for, counts, Counts, Needs, Window};
pub use schedule::{Days, Schedule, SlotMinutes, Zone};
pub use text::{file_stem, name_key, ParticipantName, Password, Title};
pub use tools::Tools;
pub use zone::{Observance, Transition};
