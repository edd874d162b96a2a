//! Version steps and the live sockets' bookkeeping: every change steps
//! the appointment's version, and the same statement notes it as pushed
//! (`meta.pushed_version`): its push leaves right after the commit, or
//! with a timer that keeps the object awake, so pushes are never
//! recovered from storage.

use serde::Deserialize;

use super::sql::{Sql, StoreResult};
use super::StoreError;

/// What recording a change wrote: the new version, and how many rows.
#[derive(Debug, Clone, Copy)]
pub struct Bumped {
    pub version: i64,
    pub rows_written: usize,
}

/// What kind of change a version step records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// An availability update (counted for the statistics).
    Update,
    /// A participant joined or left.
    People,
    /// Title, final time, closed or schedule: the view as a whole.
    View,
}

/// Records a change: the version grows by one, and an availability update
/// is counted for the statistics. The new version comes from the row itself,
/// so it is right even when other requests ran since the caller read it.
pub fn bump_version(sql: &impl Sql, now: i64, expires_at: i64, step: Step) -> StoreResult<Bumped> {
    #[derive(Deserialize)]
    struct Version {
        version: i64,
    }
    let (rows, rows_written) = sql.run::<Version>(
        "UPDATE meta SET version = version + 1, pushed_version = version + 1,
                         changed_at = ?, expires_at = ?,
                         unflushed_updates = unflushed_updates + ?,
                         view_version = CASE WHEN ? THEN version + 1 ELSE view_version END
         WHERE one = 1
         RETURNING version",
        vec![
            now.into(),
            expires_at.into(),
            (step == Step::Update).into(),
            (step == Step::View).into(),
        ],
    )?;
    let version = rows
        .first()
        .map(|v| v.version)
        .ok_or_else(|| StoreError("the appointment row is missing".into()))?;
    Ok(Bumped {
        version,
        rows_written,
    })
}

/// Notes that the sockets heard the deadline pass.
pub fn mark_deadline_told(sql: &impl Sql) -> StoreResult<()> {
    sql.exec("UPDATE meta SET deadline_told = 1 WHERE one = 1", vec![])?;
    Ok(())
}
