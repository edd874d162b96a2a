//! The appointment object's SQLite schema and the only SQL it speaks.
//!
//! Three tables: `meta` (one row: the appointment itself and its version),
//! `participants` (one row each, availability packed in a BLOB, so an update
//! of any size rewrites one row) and `tokens` (hashes of issued tokens).
//! Functions here convert rows to plain values and back; no rules live here.

use worker::{SqlCursor, SqlStorage, SqlStorageValue as V};

use crate::error::{ApiError, ApiResult};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (
  one INTEGER PRIMARY KEY CHECK (one = 1),
  id TEXT NOT NULL,
  title TEXT NOT NULL,
  schedule TEXT NOT NULL,
  admin_hash BLOB NOT NULL,
  version INTEGER NOT NULL,
  final_start INTEGER,
  final_end INTEGER,
  created_at INTEGER NOT NULL,
  changed_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  unflushed_updates INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS participants (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  name_key TEXT NOT NULL UNIQUE,
  password_hash TEXT,
  availability BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
  hash BLOB PRIMARY KEY,
  participant_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS tokens_by_participant ON tokens(participant_id);
CREATE TABLE IF NOT EXISTS failed_sign_ins (
  participant_id TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS failed_sign_ins_by_participant ON failed_sign_ins(participant_id, at);
";

/// The appointment's own row.
#[derive(Debug, Clone)]
pub struct Meta {
    pub id: String,
    pub title: String,
    /// The normalised schedule as JSON (see `Schedule::to_value`).
    pub schedule: String,
    pub admin_hash: Vec<u8>,
    pub version: i64,
    pub final_range: Option<(usize, usize)>,
    /// Milliseconds since the Unix epoch.
    pub created_at: i64,
    pub changed_at: i64,
    pub expires_at: i64,
    /// Availability updates not yet counted in the D1 index's statistics.
    pub unflushed_updates: i64,
}

/// A participant's row.
#[derive(Debug, Clone)]
pub struct ParticipantRow {
    pub id: String,
    pub name: String,
    pub password_hash: Option<String>,
    pub availability: Vec<u8>,
}

/// Creates the tables if they are not there yet.
pub fn create_schema(sql: &SqlStorage) -> ApiResult<()> {
    sql.exec(SCHEMA, None)?;
    Ok(())
}

/// Whether the tables exist (without creating them).
pub fn has_schema(sql: &SqlStorage) -> ApiResult<bool> {
    let cursor = sql.exec(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'",
        None,
    )?;
    let r = rows(cursor)?;
    Ok(r.first().map(|r| int(&r[0])).transpose()?.unwrap_or(0) > 0)
}

fn rows(cursor: SqlCursor) -> ApiResult<Vec<Vec<V>>> {
    cursor
        .raw()
        .collect::<Result<Vec<_>, _>>()
        .map_err(ApiError::from)
}

fn text(v: &V) -> ApiResult<String> {
    match v {
        V::String(s) => Ok(s.clone()),
        other => Err(ApiError::Internal(format!(
            "expected text, found {other:?}"
        ))),
    }
}

fn int(v: &V) -> ApiResult<i64> {
    match v {
        V::Integer(i) => Ok(*i),
        V::Float(f) if f.fract() == 0.0 => Ok(*f as i64),
        other => Err(ApiError::Internal(format!(
            "expected integer, found {other:?}"
        ))),
    }
}

fn blob(v: &V) -> ApiResult<Vec<u8>> {
    match v {
        V::Blob(b) => Ok(b.clone()),
        V::Null => Ok(Vec::new()),
        other => Err(ApiError::Internal(format!(
            "expected blob, found {other:?}"
        ))),
    }
}

fn opt_int(v: &V) -> ApiResult<Option<i64>> {
    match v {
        V::Null => Ok(None),
        other => int(other).map(Some),
    }
}

/// The appointment, or `None` when this object holds none.
pub fn load_meta(sql: &SqlStorage) -> ApiResult<Option<Meta>> {
    let cursor = sql.exec(
        "SELECT id, title, schedule, admin_hash, version, final_start, final_end,
                created_at, changed_at, expires_at, unflushed_updates FROM meta WHERE one = 1",
        None,
    )?;
    let Some(r) = rows(cursor)?.into_iter().next() else {
        return Ok(None);
    };
    let final_range = match (opt_int(&r[5])?, opt_int(&r[6])?) {
        (Some(s), Some(e)) => Some((s as usize, e as usize)),
        _ => None,
    };
    Ok(Some(Meta {
        id: text(&r[0])?,
        title: text(&r[1])?,
        schedule: text(&r[2])?,
        admin_hash: blob(&r[3])?,
        version: int(&r[4])?,
        final_range,
        created_at: int(&r[7])?,
        changed_at: int(&r[8])?,
        expires_at: int(&r[9])?,
        unflushed_updates: int(&r[10])?,
    }))
}

/// Writes the appointment's row (on creation).
pub fn insert_meta(sql: &SqlStorage, m: &Meta) -> ApiResult<()> {
    sql.exec(
        "INSERT INTO meta (one, id, title, schedule, admin_hash, version, final_start,
                           final_end, created_at, changed_at, expires_at)
         VALUES (1, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?)",
        vec![
            m.id.as_str().into(),
            m.title.as_str().into(),
            m.schedule.as_str().into(),
            m.admin_hash.clone().into(),
            m.version.into(),
            m.created_at.into(),
            m.changed_at.into(),
            m.expires_at.into(),
        ],
    )?;
    Ok(())
}

/// What recording a change wrote: the new version, and how many rows.
#[derive(Debug, Clone, Copy)]
pub struct Bumped {
    pub version: i64,
    pub rows_written: usize,
}

/// Records a change: the version grows by one, and an availability update
/// is counted for the statistics. The new version comes from the row itself,
/// so it is right even when other requests ran since the caller read it.
pub fn bump_version(
    sql: &SqlStorage,
    now: i64,
    expires_at: i64,
    is_update: bool,
) -> ApiResult<Bumped> {
    let c = sql.exec(
        "UPDATE meta SET version = version + 1, changed_at = ?, expires_at = ?,
                         unflushed_updates = unflushed_updates + ? WHERE one = 1
         RETURNING version",
        vec![now.into(), expires_at.into(), i64::from(is_update).into()],
    )?;
    let version = c
        .raw()
        .next()
        .transpose()?
        .and_then(|r| r.first().map(int))
        .transpose()?
        .ok_or_else(|| ApiError::Internal("the appointment row is missing".into()))?;
    Ok(Bumped {
        version,
        rows_written: c.rows_written(),
    })
}

/// Marks `n` updates as counted in the index.
pub fn mark_flushed(sql: &SqlStorage, n: i64) -> ApiResult<()> {
    sql.exec(
        "UPDATE meta SET unflushed_updates = max(0, unflushed_updates - ?) WHERE one = 1",
        vec![n.into()],
    )?;
    Ok(())
}

/// Failed sign-ins of a participant since `since`: how many, and when the
/// oldest of them was.
pub fn failed_sign_ins(
    sql: &SqlStorage,
    participant_id: &str,
    since: i64,
) -> ApiResult<(usize, Option<i64>)> {
    let cursor = sql.exec(
        "SELECT count(*), min(at) FROM failed_sign_ins WHERE participant_id = ? AND at > ?",
        vec![participant_id.into(), since.into()],
    )?;
    let r = rows(cursor)?;
    let Some(r) = r.first() else {
        return Ok((0, None));
    };
    Ok((int(&r[0])? as usize, opt_int(&r[1])?))
}

/// Records a failed sign-in and forgets those older than `forget_before`.
pub fn record_failed_sign_in(
    sql: &SqlStorage,
    participant_id: &str,
    now: i64,
    forget_before: i64,
) -> ApiResult<()> {
    sql.exec(
        "DELETE FROM failed_sign_ins WHERE at <= ?",
        vec![forget_before.into()],
    )?;
    sql.exec(
        "INSERT INTO failed_sign_ins (participant_id, at) VALUES (?, ?)",
        vec![participant_id.into(), now.into()],
    )?;
    Ok(())
}

/// Sets the title and the final time (the caller bumps the version).
pub fn update_meta(
    sql: &SqlStorage,
    title: &str,
    final_range: Option<(usize, usize)>,
) -> ApiResult<()> {
    let (s, e) = match final_range {
        Some((s, e)) => (V::Integer(s as i64), V::Integer(e as i64)),
        None => (V::Null, V::Null),
    };
    sql.exec(
        "UPDATE meta SET title = ?, final_start = ?, final_end = ? WHERE one = 1",
        vec![title.into(), s, e],
    )?;
    Ok(())
}

const PARTICIPANT_COLUMNS: &str = "id, name, password_hash, availability";

fn participant_from(r: &[V]) -> ApiResult<ParticipantRow> {
    Ok(ParticipantRow {
        id: text(&r[0])?,
        name: text(&r[1])?,
        password_hash: match &r[2] {
            V::Null => None,
            v => Some(text(v)?),
        },
        availability: blob(&r[3])?,
    })
}

/// Every participant, in the order they joined.
pub fn participants(sql: &SqlStorage) -> ApiResult<Vec<ParticipantRow>> {
    let cursor = sql.exec(
        &format!("SELECT {PARTICIPANT_COLUMNS} FROM participants ORDER BY rowid"),
        None,
    )?;
    rows(cursor)?.iter().map(|r| participant_from(r)).collect()
}

/// One participant by id.
pub fn participant(sql: &SqlStorage, id: &str) -> ApiResult<Option<ParticipantRow>> {
    let cursor = sql.exec(
        &format!("SELECT {PARTICIPANT_COLUMNS} FROM participants WHERE id = ?"),
        vec![id.into()],
    )?;
    rows(cursor)?
        .first()
        .map(|r| participant_from(r))
        .transpose()
}

/// One participant by id, with the participant a token (by hash) was issued
/// to, read in one statement.
pub fn participant_and_token_owner(
    sql: &SqlStorage,
    id: &str,
    token_hash: Option<&[u8]>,
) -> ApiResult<Option<(ParticipantRow, Option<String>)>> {
    let hash = token_hash.map_or(V::Null, |h| V::Blob(h.to_vec()));
    let cursor = sql.exec(
        &format!(
            "SELECT {PARTICIPANT_COLUMNS},
                    (SELECT participant_id FROM tokens WHERE hash = ?) AS owner
             FROM participants WHERE id = ?"
        ),
        vec![hash, id.into()],
    )?;
    let Some(r) = rows(cursor)?.into_iter().next() else {
        return Ok(None);
    };
    let owner = match &r[4] {
        V::Null => None,
        v => Some(text(v)?),
    };
    Ok(Some((participant_from(&r)?, owner)))
}

/// One participant by the normalised key of their name.
pub fn participant_by_name(sql: &SqlStorage, name_key: &str) -> ApiResult<Option<ParticipantRow>> {
    let cursor = sql.exec(
        &format!("SELECT {PARTICIPANT_COLUMNS} FROM participants WHERE name_key = ?"),
        vec![name_key.into()],
    )?;
    rows(cursor)?
        .first()
        .map(|r| participant_from(r))
        .transpose()
}

/// How many participants there are.
pub fn participant_count(sql: &SqlStorage) -> ApiResult<usize> {
    let cursor = sql.exec("SELECT count(*) FROM participants", None)?;
    let r = rows(cursor)?;
    Ok(r.first().map(|r| int(&r[0])).transpose()?.unwrap_or(0) as usize)
}

/// Adds a participant.
pub fn insert_participant(sql: &SqlStorage, p: &ParticipantRow, name_key: &str) -> ApiResult<()> {
    sql.exec(
        "INSERT INTO participants (id, name, name_key, password_hash, availability)
         VALUES (?, ?, ?, ?, ?)",
        vec![
            p.id.as_str().into(),
            p.name.as_str().into(),
            name_key.into(),
            p.password_hash.clone().into(),
            p.availability.clone().into(),
        ],
    )?;
    Ok(())
}

/// Replaces a participant's availability. Returns the rows written.
pub fn set_availability(sql: &SqlStorage, id: &str, availability: &[u8]) -> ApiResult<usize> {
    let c = sql.exec(
        "UPDATE participants SET availability = ? WHERE id = ?",
        vec![availability.to_vec().into(), id.into()],
    )?;
    Ok(c.rows_written())
}

/// Removes a participant and every token issued to them.
pub fn delete_participant(sql: &SqlStorage, id: &str) -> ApiResult<()> {
    sql.exec(
        "DELETE FROM tokens WHERE participant_id = ?",
        vec![id.into()],
    )?;
    sql.exec("DELETE FROM participants WHERE id = ?", vec![id.into()])?;
    Ok(())
}

/// Remembers an issued token by its hash.
pub fn insert_token(sql: &SqlStorage, hash: &[u8], participant_id: &str) -> ApiResult<()> {
    sql.exec(
        "INSERT INTO tokens (hash, participant_id) VALUES (?, ?)",
        vec![hash.to_vec().into(), participant_id.into()],
    )?;
    Ok(())
}

/// The participant a token (by hash) was issued to.
pub fn token_owner(sql: &SqlStorage, hash: &[u8]) -> ApiResult<Option<String>> {
    let cursor = sql.exec(
        "SELECT participant_id FROM tokens WHERE hash = ?",
        vec![hash.to_vec().into()],
    )?;
    rows(cursor)?.first().map(|r| text(&r[0])).transpose()
}
