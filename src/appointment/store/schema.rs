//! The tables, and the numbered migrations that bring a database stored
//! by any earlier code to them. The number a database is at lives in a
//! one-row `schema_version` table (the runtime refuses
//! `PRAGMA user_version`); the migrations run once, when the object
//! starts, and only for an object that holds an appointment, so a request
//! for an unknown id writes nothing.
//!
//! `meta` (one row: the appointment itself, its version and the
//! organiser's tools: `expected` and `required` as JSON arrays,
//! `deadline` in ms and `deadline_told`, whether the sockets heard it
//! pass), `participants` (one row each, availability packed in a BLOB, so
//! an update of any size rewrites one row, with the canonical key of the
//! name indexed), `tokens` (hashes of issued tokens), and the windows of
//! the per-address limits, `wrong_passwords` and `joins`. (`removed` and
//! `participants.changed_version` are no longer read.)

use serde::Deserialize;

use super::sql::{count, Sql, StoreResult};
use super::StoreError;
use crate::domain::ParticipantName;

/// The schema version this code reads and writes.
pub const CURRENT: i64 = 1;

/// The tables as they are at [`CURRENT`].
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

/// Brings a database to [`CURRENT`], if it holds an appointment's tables:
/// whether it does. An empty database stays empty.
pub fn open(sql: &impl Sql) -> StoreResult<bool> {
    #[derive(Deserialize)]
    struct Table {
        name: String,
    }
    let tables: Vec<Table> = sql.query(
        "SELECT name FROM sqlite_master
         WHERE type = 'table' AND name IN ('meta', 'schema_version')",
        vec![],
    )?;
    if !tables.iter().any(|t| t.name == "meta") {
        return Ok(false);
    }
    let at = match tables.iter().any(|t| t.name == "schema_version") {
        true => version(sql)?,
        false => 0,
    };
    if at < CURRENT {
        migrate(sql, at)?;
    }
    Ok(true)
}

/// Makes the tables of a new appointment (on an empty database).
pub fn create(sql: &impl Sql) -> StoreResult<()> {
    migrate(sql, 0)
}

/// The schema version a database that has the `schema_version` table is at.
pub fn version(sql: &impl Sql) -> StoreResult<i64> {
    #[derive(Deserialize)]
    struct Version {
        version: i64,
    }
    Ok(sql
        .first::<Version>("SELECT version FROM schema_version WHERE one = 1", vec![])?
        .map_or(0, |v| v.version))
}

/// Runs every migration after `from`, and notes the version, in one
/// transaction.
fn migrate<S: Sql>(sql: &S, from: i64) -> StoreResult<()> {
    sql.transaction(move |sql: &S| {
        for n in from + 1..=CURRENT {
            match n {
                1 => to_one_schema(sql)?,
                _ => return Err(StoreError(format!("no migration {n}"))),
            }
        }
        sql.batch(
            "CREATE TABLE IF NOT EXISTS schema_version (
               one INTEGER PRIMARY KEY CHECK (one = 1),
               version INTEGER NOT NULL
             )",
        )?;
        sql.exec(
            "INSERT INTO schema_version (one, version) VALUES (1, ?)
             ON CONFLICT (one) DO UPDATE SET version = excluded.version",
            vec![CURRENT.into()],
        )?;
        Ok(())
    })
}

/// Migration 1: every schema earlier code stored — from the first, whose
/// participants had unique name keys and whose `meta` had none of the
/// later columns, to the last one that added columns on every wake — to
/// [`SCHEMA`]. Names from before one canonical key are keyed again.
pub(super) fn to_one_schema(sql: &impl Sql) -> StoreResult<()> {
    sql.batch(SCHEMA)?;
    let rekey = unique_name_keys(sql)?;
    if rekey {
        drop_unique_name_keys(sql)?;
    }
    add_column(
        sql,
        "meta",
        "unflushed_updates",
        "INTEGER NOT NULL DEFAULT 0",
    )?;
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
    if rekey {
        #[derive(Deserialize)]
        struct Named {
            id: String,
            name: String,
        }
        let named: Vec<Named> = sql.query("SELECT id, name FROM participants", vec![])?;
        for n in named {
            // A stored name passed the rules of its day; its key is
            // computed from it as it is.
            sql.exec(
                "UPDATE participants SET name_key = ? WHERE id = ?",
                vec![ParticipantName::key_of(&n.name).into(), n.id.into()],
            )?;
        }
    }
    Ok(())
}

/// Whether the participants table still holds names by keys that had to
/// be unique (before one canonical key, two names told apart then may
/// share a key now).
fn unique_name_keys(sql: &impl Sql) -> StoreResult<bool> {
    let n = count(
        sql,
        "SELECT count(*) AS n FROM sqlite_master
         WHERE type = 'table' AND name = 'participants' AND instr(sql, 'UNIQUE') > 0",
        vec![],
    )?;
    Ok(n > 0)
}

/// Rebuilds the participants table as [`SCHEMA`] has it (SQLite cannot
/// drop a constraint), keeping every row, the columns both have and the
/// order.
fn drop_unique_name_keys(sql: &impl Sql) -> StoreResult<()> {
    #[derive(Deserialize)]
    struct Column {
        name: String,
    }
    let columns = |sql: &_| -> StoreResult<Vec<Column>> {
        Sql::query(
            sql,
            "SELECT name FROM pragma_table_info('participants')",
            vec![],
        )
    };
    let old = columns(sql)?;
    sql.exec(
        "ALTER TABLE participants RENAME TO participants_before_keys",
        vec![],
    )?;
    sql.batch(SCHEMA)?;
    let kept: Vec<String> = columns(sql)?
        .into_iter()
        .map(|c| c.name)
        .filter(|n| old.iter().any(|o| o.name == *n))
        .collect();
    let kept = kept.join(", ");
    sql.exec(
        &format!(
            "INSERT INTO participants ({kept}) SELECT {kept}
             FROM participants_before_keys ORDER BY rowid"
        ),
        vec![],
    )?;
    sql.exec("DROP TABLE participants_before_keys", vec![])?;
    // The index of keys went with the old table.
    sql.batch(SCHEMA)
}

/// Adds a column a table made by older code lacks.
fn add_column(sql: &impl Sql, table: &str, column: &str, definition: &str) -> StoreResult<()> {
    let present = count(
        sql,
        "SELECT count(*) AS n FROM pragma_table_info(?) WHERE name = ?",
        vec![table.into(), column.into()],
    )?;
    if present == 0 {
        sql.exec(
            &format!("ALTER TABLE {table} ADD COLUMN {column} {definition}"),
            vec![],
        )?;
    }
    Ok(())
}
