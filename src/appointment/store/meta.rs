//! The appointment's own row (`meta`): what it is, its version, its
//! settings and the organiser's tools.

use serde::Deserialize;

use super::sql::{blob, Sql, StoreResult, Value};
use super::StoreError;
use crate::domain::Tools;

/// The appointment's own row.
#[derive(Debug, Clone)]
pub struct AppointmentRow {
    pub id: String,
    pub title: String,
    /// The normalised schedule as JSON (see `Schedule::to_value`).
    pub schedule: String,
    pub admin_hash: Vec<u8>,
    pub version: i64,
    pub final_range: Option<(usize, usize)>,
    /// Whether new participants are refused.
    pub closed: bool,
    /// Milliseconds since the Unix epoch.
    pub created_at: i64,
    pub changed_at: i64,
    pub expires_at: i64,
    /// Availability updates not yet counted in the D1 index's statistics.
    pub unflushed_updates: i64,
    /// The version the live sockets were last told of.
    pub pushed_version: i64,
    /// The organiser's tools.
    pub tools: Tools,
    /// Whether the sockets were told that the deadline passed.
    pub deadline_told: bool,
}

/// `meta` as stored, read by column name.
#[derive(Deserialize)]
struct Stored {
    id: String,
    title: String,
    schedule: String,
    #[serde(deserialize_with = "blob")]
    admin_hash: Vec<u8>,
    version: i64,
    final_start: Option<i64>,
    final_end: Option<i64>,
    created_at: i64,
    changed_at: i64,
    expires_at: i64,
    unflushed_updates: i64,
    closed: i64,
    pushed_version: i64,
    expected: String,
    deadline: Option<i64>,
    deadline_told: i64,
    required: String,
    min_people: Option<i64>,
    private: i64,
}

/// A JSON array of strings stored as text.
fn list(text: &str) -> StoreResult<Vec<String>> {
    serde_json::from_str(text).map_err(|e| StoreError(format!("stored list: {e}")))
}

impl TryFrom<Stored> for AppointmentRow {
    type Error = StoreError;

    fn try_from(s: Stored) -> StoreResult<AppointmentRow> {
        let final_range = match (s.final_start, s.final_end) {
            (Some(start), Some(end)) => Some((start as usize, end as usize)),
            _ => None,
        };
        Ok(AppointmentRow {
            id: s.id,
            title: s.title,
            schedule: s.schedule,
            admin_hash: s.admin_hash,
            version: s.version,
            final_range,
            closed: s.closed != 0,
            created_at: s.created_at,
            changed_at: s.changed_at,
            expires_at: s.expires_at,
            unflushed_updates: s.unflushed_updates,
            pushed_version: s.pushed_version,
            tools: Tools {
                expected: list(&s.expected)?,
                deadline: s.deadline,
                required: list(&s.required)?,
                min_people: s.min_people.map(|n| n.clamp(0, u32::MAX as i64) as u32),
                private: s.private != 0,
            },
            deadline_told: s.deadline_told != 0,
        })
    }
}

/// The appointment, or `None` when this object holds none.
pub fn load_appointment(sql: &impl Sql) -> StoreResult<Option<AppointmentRow>> {
    sql.first::<Stored>(
        "SELECT id, title, schedule, admin_hash, version, final_start, final_end,
                created_at, changed_at, expires_at, unflushed_updates, closed,
                pushed_version, expected, deadline, deadline_told, required,
                min_people, private
         FROM meta WHERE one = 1",
        vec![],
    )?
    .map(AppointmentRow::try_from)
    .transpose()
}

/// Writes the appointment's row (on creation).
pub fn insert_appointment(sql: &impl Sql, m: &AppointmentRow) -> StoreResult<()> {
    sql.exec(
        "INSERT INTO meta (one, id, title, schedule, admin_hash, version, final_start,
                           final_end, created_at, changed_at, expires_at, pushed_version)
         VALUES (1, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?, ?)",
        vec![
            m.id.as_str().into(),
            m.title.as_str().into(),
            m.schedule.as_str().into(),
            m.admin_hash.clone().into(),
            m.version.into(),
            m.created_at.into(),
            m.changed_at.into(),
            m.expires_at.into(),
            m.pushed_version.into(),
        ],
    )?;
    Ok(())
}

/// Sets the title, the final time, whether the appointment is closed and
/// its schedule (normal-form JSON); the caller bumps the version.
pub fn update_settings(
    sql: &impl Sql,
    title: &str,
    final_range: Option<(usize, usize)>,
    closed: bool,
    schedule: &str,
) -> StoreResult<()> {
    let (s, e) = match final_range {
        Some((s, e)) => (Value::Int(s as i64), Value::Int(e as i64)),
        None => (Value::Null, Value::Null),
    };
    sql.exec(
        "UPDATE meta SET title = ?, final_start = ?, final_end = ?, closed = ?, schedule = ?
         WHERE one = 1",
        vec![title.into(), s, e, closed.into(), schedule.into()],
    )?;
    Ok(())
}

/// Sets the organiser's tools; `deadline_told` says whether the sockets
/// already heard that this deadline passed. The caller bumps the version.
pub fn set_tools(sql: &impl Sql, tools: &Tools, deadline_told: bool) -> StoreResult<()> {
    let json = |l: &[String]| serde_json::to_string(l).unwrap_or_else(|_| "[]".into());
    sql.exec(
        "UPDATE meta SET expected = ?, deadline = ?, deadline_told = ?, required = ?,
                         min_people = ?, private = ?
         WHERE one = 1",
        vec![
            json(&tools.expected).into(),
            tools.deadline.into(),
            deadline_told.into(),
            json(&tools.required).into(),
            tools.min_people.map(i64::from).into(),
            tools.private.into(),
        ],
    )?;
    Ok(())
}

/// Marks `n` updates as counted in the index.
pub fn mark_counted(sql: &impl Sql, n: i64) -> StoreResult<()> {
    sql.exec(
        "UPDATE meta SET unflushed_updates = max(0, unflushed_updates - ?) WHERE one = 1",
        vec![n.into()],
    )?;
    Ok(())
}
