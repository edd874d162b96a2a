//! The appointment object's SQLite schema and the only SQL it speaks.
//!
//! `meta` (one row: the appointment itself, its version and the
//! organiser's tools: `expected` and `required` as JSON arrays,
//! `deadline` in ms and `deadline_told`, whether the sockets heard it pass),
//! `participants` (one row each, availability packed in a BLOB, so an update
//! of any size rewrites one row, with the canonical key of the name
//! indexed), `tokens` (hashes of issued tokens), and the windows of the
//! per-address limits, `wrong_passwords` and `joins`. The live sockets'
//! bookkeeping is `meta.pushed_version`, written by the same statement
//! as every version step (see [`bump_version`]). (`removed` and
//! `changed_version` are no longer read: pushes are never recovered from
//! storage.)
//! Functions here convert rows to plain values and back; no rules live here.

use std::fmt;

use serde::Deserialize;
use worker::{SqlCursor, SqlStorage, SqlStorageValue as V};

use crate::domain::Tools;
use crate::error::ApiError;

/// A storage failure: always our fault, never the client's. Its detail is
/// logged at the edge, where it becomes a 500.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError(pub String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "storage: {}", self.0)
    }
}

impl From<worker::Error> for StoreError {
    fn from(e: worker::Error) -> Self {
        StoreError(e.to_string())
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError::Internal(e.to_string())
    }
}

/// What every function here returns.
pub type StoreResult<T> = Result<T, StoreError>;

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
  unflushed_updates INTEGER NOT NULL DEFAULT 0,
  closed INTEGER NOT NULL DEFAULT 0,
  pushed_version INTEGER NOT NULL DEFAULT 0,
  view_version INTEGER NOT NULL DEFAULT 0,
  expected TEXT NOT NULL DEFAULT '[]',
  deadline INTEGER,
  deadline_told INTEGER NOT NULL DEFAULT 0,
  required TEXT NOT NULL DEFAULT '[]',
  min_people INTEGER,
  private INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS participants (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  name_key TEXT NOT NULL,
  password_hash TEXT,
  availability BLOB NOT NULL,
  changed_version INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS tokens (
  hash BLOB PRIMARY KEY,
  participant_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS participants_by_key ON participants(name_key);
CREATE INDEX IF NOT EXISTS tokens_by_participant ON tokens(participant_id);
CREATE TABLE IF NOT EXISTS wrong_passwords (
  participant_id TEXT NOT NULL,
  client TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS wrong_passwords_by_participant
  ON wrong_passwords(participant_id, client, at);
CREATE TABLE IF NOT EXISTS joins (
  client TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS joins_by_client ON joins(client, at);
CREATE TABLE IF NOT EXISTS removed (
  id TEXT NOT NULL,
  version INTEGER NOT NULL
);
";

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

/// A participant's row.
#[derive(Debug, Clone)]
pub struct ParticipantRow {
    pub id: String,
    pub name: String,
    pub password_hash: Option<String>,
    pub availability: Vec<u8>,
}

/// Creates the tables if they are not there yet, and brings a table of
/// participants from before names had one canonical key up to date: the
/// participants whose key must then be computed again are returned as
/// `(id, name)`.
pub fn create_schema(sql: &SqlStorage) -> StoreResult<Vec<(String, String)>> {
    sql.exec(SCHEMA, None)?;
    let stale = if has_unique_name_keys(sql)? {
        drop_unique_name_keys(sql)?
    } else {
        Vec::new()
    };
    add_column(sql, "meta", "closed", "INTEGER NOT NULL DEFAULT 0")?;
    add_column(sql, "meta", "pushed_version", "INTEGER NOT NULL DEFAULT 0")?;
    add_column(sql, "meta", "view_version", "INTEGER NOT NULL DEFAULT 0")?;
    // The organiser's tools; an appointment from before has none set.
    add_column(sql, "meta", "expected", "TEXT NOT NULL DEFAULT '[]'")?;
    add_column(sql, "meta", "deadline", "INTEGER")?;
    add_column(sql, "meta", "deadline_told", "INTEGER NOT NULL DEFAULT 0")?;
    add_column(sql, "meta", "required", "TEXT NOT NULL DEFAULT '[]'")?;
    add_column(sql, "meta", "min_people", "INTEGER")?;
    add_column(sql, "meta", "private", "INTEGER NOT NULL DEFAULT 0")?;
    add_column(
        sql,
        "participants",
        "changed_version",
        "INTEGER NOT NULL DEFAULT 0",
    )?;
    Ok(stale)
}

/// Whether the participants table still holds names by keys that had to
/// be unique (before one canonical key, two names told apart then may
/// share a key now).
fn has_unique_name_keys(sql: &SqlStorage) -> StoreResult<bool> {
    let count: Count = sql
        .exec(
            "SELECT count(*) AS n FROM sqlite_master
             WHERE type = 'table' AND name = 'participants' AND instr(sql, 'UNIQUE') > 0",
            None,
        )?
        .one()?;
    Ok(count.n > 0)
}

/// Rebuilds the participants table as [`SCHEMA`] has it (SQLite cannot
/// drop a constraint), keeping every row, its columns and its order; the
/// participants, as `(id, name)`, whose keys must be computed again.
fn drop_unique_name_keys(sql: &SqlStorage) -> StoreResult<Vec<(String, String)>> {
    #[derive(Deserialize)]
    struct Column {
        name: String,
    }
    let old: Vec<Column> = sql
        .exec("SELECT name FROM pragma_table_info('participants')", None)?
        .to_array()?;
    sql.exec(
        "ALTER TABLE participants RENAME TO participants_before_keys",
        None,
    )?;
    sql.exec(SCHEMA, None)?;
    let new: Vec<Column> = sql
        .exec("SELECT name FROM pragma_table_info('participants')", None)?
        .to_array()?;
    let kept: Vec<&str> = new
        .iter()
        .map(|c| c.name.as_str())
        .filter(|n| old.iter().any(|o| o.name == *n))
        .collect();
    let columns = kept.join(", ");
    sql.exec(
        &format!(
            "INSERT INTO participants ({columns}) SELECT {columns}
             FROM participants_before_keys ORDER BY rowid"
        ),
        None,
    )?;
    sql.exec("DROP TABLE participants_before_keys", None)?;
    // The index of keys went with the old table.
    sql.exec(SCHEMA, None)?;
    #[derive(Deserialize)]
    struct Named {
        id: String,
        name: String,
    }
    let named: Vec<Named> = sql
        .exec("SELECT id, name FROM participants ORDER BY rowid", None)?
        .to_array()?;
    Ok(named.into_iter().map(|n| (n.id, n.name)).collect())
}

/// Adds a column a table made by an older version lacks; whether it did.
fn add_column(sql: &SqlStorage, table: &str, column: &str, definition: &str) -> StoreResult<bool> {
    let present: Count = sql
        .exec(
            "SELECT count(*) AS n FROM pragma_table_info(?) WHERE name = ?",
            vec![table.into(), column.into()],
        )?
        .one()?;
    if present.n > 0 {
        return Ok(false);
    }
    sql.exec(
        &format!("ALTER TABLE {table} ADD COLUMN {column} {definition}"),
        None,
    )?;
    Ok(true)
}

/// Sets a participant's canonical name key.
pub fn set_name_key(sql: &SqlStorage, id: &str, key: &str) -> StoreResult<()> {
    sql.exec(
        "UPDATE participants SET name_key = ? WHERE id = ?",
        vec![key.into(), id.into()],
    )?;
    Ok(())
}

/// Whether the tables exist (without creating them).
pub fn has_schema(sql: &SqlStorage) -> StoreResult<bool> {
    let count: Count = sql
        .exec(
            "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'meta'",
            None,
        )?
        .one()?;
    Ok(count.n > 0)
}

/// A row of one `count(*) AS n`.
#[derive(Deserialize)]
struct Count {
    n: i64,
}

fn rows(cursor: SqlCursor) -> StoreResult<Vec<Vec<V>>> {
    cursor
        .raw()
        .collect::<Result<Vec<_>, _>>()
        .map_err(StoreError::from)
}

fn text(v: &V) -> StoreResult<String> {
    match v {
        V::String(s) => Ok(s.clone()),
        other => Err(StoreError(format!("expected text, found {other:?}"))),
    }
}

fn int(v: &V) -> StoreResult<i64> {
    match v {
        V::Integer(i) => Ok(*i),
        V::Float(f) if f.fract() == 0.0 => Ok(*f as i64),
        other => Err(StoreError(format!("expected integer, found {other:?}"))),
    }
}

fn blob(v: &V) -> StoreResult<Vec<u8>> {
    match v {
        V::Blob(b) => Ok(b.clone()),
        V::Null => Ok(Vec::new()),
        other => Err(StoreError(format!("expected blob, found {other:?}"))),
    }
}

fn opt_int(v: &V) -> StoreResult<Option<i64>> {
    match v {
        V::Null => Ok(None),
        other => int(other).map(Some),
    }
}

/// The appointment, or `None` when this object holds none.
pub fn load_appointment(sql: &SqlStorage) -> StoreResult<Option<AppointmentRow>> {
    let cursor = sql.exec(
        "SELECT id, title, schedule, admin_hash, version, final_start, final_end,
                created_at, changed_at, expires_at, unflushed_updates, closed,
                pushed_version, expected, deadline, deadline_told, required,
                min_people, private
         FROM meta WHERE one = 1",
        None,
    )?;
    let Some(r) = rows(cursor)?.into_iter().next() else {
        return Ok(None);
    };
    let final_range = match (opt_int(&r[5])?, opt_int(&r[6])?) {
        (Some(s), Some(e)) => Some((s as usize, e as usize)),
        _ => None,
    };
    Ok(Some(AppointmentRow {
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
        closed: int(&r[11])? != 0,
        pushed_version: int(&r[12])?,
        tools: Tools {
            expected: list(&r[13])?,
            deadline: opt_int(&r[14])?,
            required: list(&r[16])?,
            min_people: opt_int(&r[17])?.map(|n| n.clamp(0, u32::MAX as i64) as u32),
            private: int(&r[18])? != 0,
        },
        deadline_told: int(&r[15])? != 0,
    }))
}

/// A JSON array of strings stored as text.
fn list(v: &V) -> StoreResult<Vec<String>> {
    serde_json::from_str(&text(v)?).map_err(|e| StoreError(format!("stored list: {e}")))
}

/// Sets the organiser's tools; `deadline_told` says whether the sockets
/// already heard that this deadline passed. The caller bumps the version.
pub fn set_tools(sql: &SqlStorage, tools: &Tools, deadline_told: bool) -> StoreResult<()> {
    let json = |l: &[String]| serde_json::to_string(l).unwrap_or_else(|_| "[]".into());
    sql.exec(
        "UPDATE meta SET expected = ?, deadline = ?, deadline_told = ?, required = ?,
                         min_people = ?, private = ?
         WHERE one = 1",
        vec![
            json(&tools.expected).into(),
            tools.deadline.map_or(V::Null, V::Integer),
            i64::from(deadline_told).into(),
            json(&tools.required).into(),
            tools
                .min_people
                .map_or(V::Null, |n| V::Integer(i64::from(n))),
            i64::from(tools.private).into(),
        ],
    )?;
    Ok(())
}

/// Notes that the sockets heard the deadline pass.
pub fn mark_deadline_told(sql: &SqlStorage) -> StoreResult<()> {
    sql.exec("UPDATE meta SET deadline_told = 1 WHERE one = 1", None)?;
    Ok(())
}

/// The canonical keys of every participant's name.
pub fn name_keys(sql: &SqlStorage) -> StoreResult<std::collections::HashSet<String>> {
    #[derive(Deserialize)]
    struct Key {
        name_key: String,
    }
    let keys: Vec<Key> = sql
        .exec("SELECT name_key FROM participants", None)?
        .to_array()?;
    Ok(keys.into_iter().map(|k| k.name_key).collect())
}

/// Every participant's id.
pub fn participant_ids(sql: &SqlStorage) -> StoreResult<Vec<String>> {
    #[derive(Deserialize)]
    struct Id {
        id: String,
    }
    let ids: Vec<Id> = sql
        .exec("SELECT id FROM participants ORDER BY rowid", None)?
        .to_array()?;
    Ok(ids.into_iter().map(|i| i.id).collect())
}

/// Writes the appointment's row (on creation).
pub fn insert_appointment(sql: &SqlStorage, m: &AppointmentRow) -> StoreResult<()> {
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
pub fn bump_version(
    sql: &SqlStorage,
    now: i64,
    expires_at: i64,
    step: Step,
) -> StoreResult<Bumped> {
    // The push of this version leaves right after the commit, or with a
    // timer that keeps the object awake: it is noted as pushed here, so
    // a version step writes the meta row once.
    let c = sql.exec(
        "UPDATE meta SET version = version + 1, pushed_version = version + 1,
                         changed_at = ?, expires_at = ?,
                         unflushed_updates = unflushed_updates + ?,
                         view_version = CASE WHEN ? THEN version + 1 ELSE view_version END
         WHERE one = 1
         RETURNING version",
        vec![
            now.into(),
            expires_at.into(),
            i64::from(step == Step::Update).into(),
            i64::from(step == Step::View).into(),
        ],
    )?;
    let version = c
        .raw()
        .next()
        .transpose()?
        .and_then(|r| r.first().map(int))
        .transpose()?
        .ok_or_else(|| StoreError("the appointment row is missing".into()))?;
    Ok(Bumped {
        version,
        rows_written: c.rows_written(),
    })
}

/// Marks `n` updates as counted in the index.
pub fn mark_counted(sql: &SqlStorage, n: i64) -> StoreResult<()> {
    sql.exec(
        "UPDATE meta SET unflushed_updates = max(0, unflushed_updates - ?) WHERE one = 1",
        vec![n.into()],
    )?;
    Ok(())
}

/// How many uses a window holds, and when the oldest was.
#[derive(Deserialize)]
struct Uses {
    n: i64,
    oldest: Option<i64>,
}

/// Counts the uses (rows with an `at`) of `rows`, a table and its filter.
fn uses(sql: &SqlStorage, rows: &str, bindings: Vec<V>) -> StoreResult<(usize, Option<i64>)> {
    let u: Uses = sql
        .exec(
            &format!("SELECT count(*) AS n, min(at) AS oldest FROM {rows}"),
            bindings,
        )?
        .one()?;
    Ok((u.n.max(0) as usize, u.oldest))
}

/// Wrong passwords for a participant from one client address since
/// `since`: how many, and when the oldest of them was.
pub fn wrong_passwords(
    sql: &SqlStorage,
    participant_id: &str,
    client: &str,
    since: i64,
) -> StoreResult<(usize, Option<i64>)> {
    uses(
        sql,
        "wrong_passwords WHERE participant_id = ? AND client = ? AND at > ?",
        vec![participant_id.into(), client.into(), since.into()],
    )
}

/// Records a wrong password and forgets those older than `forget_before`.
pub fn record_wrong_password(
    sql: &SqlStorage,
    participant_id: &str,
    client: &str,
    now: i64,
    forget_before: i64,
) -> StoreResult<()> {
    sql.exec(
        "DELETE FROM wrong_passwords WHERE at <= ?",
        vec![forget_before.into()],
    )?;
    sql.exec(
        "INSERT INTO wrong_passwords (participant_id, client, at) VALUES (?, ?, ?)",
        vec![participant_id.into(), client.into(), now.into()],
    )?;
    Ok(())
}

/// New participants from one client address since `since`: how many, and
/// when the oldest joined.
pub fn joins(sql: &SqlStorage, client: &str, since: i64) -> StoreResult<(usize, Option<i64>)> {
    uses(
        sql,
        "joins WHERE client = ? AND at > ?",
        vec![client.into(), since.into()],
    )
}

/// Records a new participant from `client` and forgets joins older than
/// `forget_before`.
pub fn record_join(
    sql: &SqlStorage,
    client: &str,
    now: i64,
    forget_before: i64,
) -> StoreResult<()> {
    sql.exec(
        "DELETE FROM joins WHERE at <= ?",
        vec![forget_before.into()],
    )?;
    sql.exec(
        "INSERT INTO joins (client, at) VALUES (?, ?)",
        vec![client.into(), now.into()],
    )?;
    Ok(())
}

/// Sets the title, the final time, whether the appointment is closed and
/// its schedule (normal-form JSON); the caller bumps the version.
pub fn update_settings(
    sql: &SqlStorage,
    title: &str,
    final_range: Option<(usize, usize)>,
    closed: bool,
    schedule: &str,
) -> StoreResult<()> {
    let (s, e) = match final_range {
        Some((s, e)) => (V::Integer(s as i64), V::Integer(e as i64)),
        None => (V::Null, V::Null),
    };
    sql.exec(
        "UPDATE meta SET title = ?, final_start = ?, final_end = ?, closed = ?, schedule = ?
         WHERE one = 1",
        vec![
            title.into(),
            s,
            e,
            i64::from(closed).into(),
            schedule.into(),
        ],
    )?;
    Ok(())
}

const PARTICIPANT_COLUMNS: &str = "id, name, password_hash, availability";

fn participant_from(r: &[V]) -> StoreResult<ParticipantRow> {
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
pub fn participants(sql: &SqlStorage) -> StoreResult<Vec<ParticipantRow>> {
    let cursor = sql.exec(
        &format!("SELECT {PARTICIPANT_COLUMNS} FROM participants ORDER BY rowid"),
        None,
    )?;
    rows(cursor)?.iter().map(|r| participant_from(r)).collect()
}

/// One participant by id.
pub fn participant(sql: &SqlStorage, id: &str) -> StoreResult<Option<ParticipantRow>> {
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
) -> StoreResult<Option<(ParticipantRow, Option<String>)>> {
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

/// The participant whose name has canonical key `key`. Names told apart
/// by older rules may share a key; then the one of exactly this `name`
/// wins, else the first to join.
pub fn participant_by_name(
    sql: &SqlStorage,
    key: &str,
    name: &str,
) -> StoreResult<Option<ParticipantRow>> {
    let cursor = sql.exec(
        &format!(
            "SELECT {PARTICIPANT_COLUMNS} FROM participants WHERE name_key = ?
             ORDER BY name = ? DESC, rowid LIMIT 1"
        ),
        vec![key.into(), name.into()],
    )?;
    rows(cursor)?
        .first()
        .map(|r| participant_from(r))
        .transpose()
}

/// How many participants there are.
pub fn participant_count(sql: &SqlStorage) -> StoreResult<usize> {
    let count: Count = sql
        .exec("SELECT count(*) AS n FROM participants", None)?
        .one()?;
    Ok(count.n.max(0) as usize)
}

/// Adds a participant, at `version`.
pub fn insert_participant(
    sql: &SqlStorage,
    p: &ParticipantRow,
    key: &str,
    version: i64,
) -> StoreResult<()> {
    sql.exec(
        "INSERT INTO participants (id, name, name_key, password_hash, availability,
                                   changed_version)
         VALUES (?, ?, ?, ?, ?, ?)",
        vec![
            p.id.as_str().into(),
            p.name.as_str().into(),
            key.into(),
            p.password_hash.clone().into(),
            p.availability.clone().into(),
            version.into(),
        ],
    )?;
    Ok(())
}

/// Replaces a participant's availability, changed at `version`. Returns
/// the rows written.
pub fn set_availability(
    sql: &SqlStorage,
    id: &str,
    availability: &[u8],
    version: i64,
) -> StoreResult<usize> {
    let c = sql.exec(
        "UPDATE participants SET availability = ?, changed_version = ? WHERE id = ?",
        vec![availability.to_vec().into(), version.into(), id.into()],
    )?;
    Ok(c.rows_written())
}

/// Removes a participant and every token issued to them.
pub fn delete_participant(sql: &SqlStorage, id: &str) -> StoreResult<()> {
    sql.exec(
        "DELETE FROM tokens WHERE participant_id = ?",
        vec![id.into()],
    )?;
    sql.exec("DELETE FROM participants WHERE id = ?", vec![id.into()])?;
    Ok(())
}

/// Remembers an issued token by its hash; of the participant's tokens only
/// the `keep` most recent stay.
pub fn insert_token(
    sql: &SqlStorage,
    hash: &[u8],
    participant_id: &str,
    keep: usize,
) -> StoreResult<()> {
    sql.exec(
        "INSERT INTO tokens (hash, participant_id) VALUES (?, ?)",
        vec![hash.to_vec().into(), participant_id.into()],
    )?;
    sql.exec(
        "DELETE FROM tokens WHERE participant_id = ? AND rowid NOT IN
           (SELECT rowid FROM tokens WHERE participant_id = ? ORDER BY rowid DESC LIMIT ?)",
        vec![
            participant_id.into(),
            participant_id.into(),
            (keep as i64).into(),
        ],
    )?;
    Ok(())
}

/// The participant a token (by hash) was issued to.
pub fn token_owner(sql: &SqlStorage, hash: &[u8]) -> StoreResult<Option<String>> {
    #[derive(Deserialize)]
    struct Owner {
        participant_id: String,
    }
    let owners: Vec<Owner> = sql
        .exec(
            "SELECT participant_id FROM tokens WHERE hash = ?",
            vec![hash.to_vec().into()],
        )?
        .to_array()?;
    Ok(owners.into_iter().next().map(|o| o.participant_id))
}
