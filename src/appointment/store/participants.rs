//! Participants (one row each, availability packed in a BLOB, the name's
//! canonical key indexed) and the hashes of the tokens issued to them.

use std::collections::HashSet;

use serde::Deserialize;

use super::sql::{blob, count, Sql, StoreResult};

/// A participant's row.
#[derive(Debug, Clone, Deserialize)]
pub struct ParticipantRow {
    pub id: String,
    pub name: String,
    pub password_hash: Option<String>,
    #[serde(deserialize_with = "blob")]
    pub availability: Vec<u8>,
}

const COLUMNS: &str = "id, name, password_hash, availability";

/// Every participant, in the order they joined.
pub fn participants(sql: &impl Sql) -> StoreResult<Vec<ParticipantRow>> {
    sql.query(
        &format!("SELECT {COLUMNS} FROM participants ORDER BY rowid"),
        vec![],
    )
}

/// One participant by id.
pub fn participant(sql: &impl Sql, id: &str) -> StoreResult<Option<ParticipantRow>> {
    sql.first(
        &format!("SELECT {COLUMNS} FROM participants WHERE id = ?"),
        vec![id.into()],
    )
}

/// One participant by id, with the participant a token (by hash) was issued
/// to, read in one statement.
pub fn participant_and_token_owner(
    sql: &impl Sql,
    id: &str,
    token_hash: Option<&[u8]>,
) -> StoreResult<Option<(ParticipantRow, Option<String>)>> {
    #[derive(Deserialize)]
    struct WithOwner {
        id: String,
        name: String,
        password_hash: Option<String>,
        #[serde(deserialize_with = "blob")]
        availability: Vec<u8>,
        owner: Option<String>,
    }
    let row: Option<WithOwner> = sql.first(
        &format!(
            "SELECT {COLUMNS},
                    (SELECT participant_id FROM tokens WHERE hash = ?) AS owner
             FROM participants WHERE id = ?"
        ),
        vec![token_hash.into(), id.into()],
    )?;
    Ok(row.map(|r| {
        let participant = ParticipantRow {
            id: r.id,
            name: r.name,
            password_hash: r.password_hash,
            availability: r.availability,
        };
        (participant, r.owner)
    }))
}

/// The participant whose name has canonical key `key`. Names told apart
/// by older rules may share a key; then the one of exactly this `name`
/// wins, else the first to join.
pub fn participant_by_name(
    sql: &impl Sql,
    key: &str,
    name: &str,
) -> StoreResult<Option<ParticipantRow>> {
    sql.first(
        &format!(
            "SELECT {COLUMNS} FROM participants WHERE name_key = ?
             ORDER BY name = ? DESC, rowid LIMIT 1"
        ),
        vec![key.into(), name.into()],
    )
}

/// How many participants there are.
pub fn participant_count(sql: &impl Sql) -> StoreResult<usize> {
    Ok(count(sql, "SELECT count(*) AS n FROM participants", vec![])? as usize)
}

/// The canonical keys of every participant's name.
pub fn name_keys(sql: &impl Sql) -> StoreResult<HashSet<String>> {
    #[derive(Deserialize)]
    struct Key {
        name_key: String,
    }
    let keys: Vec<Key> = sql.query("SELECT name_key FROM participants", vec![])?;
    Ok(keys.into_iter().map(|k| k.name_key).collect())
}

/// Every participant's id, in the order they joined.
pub fn participant_ids(sql: &impl Sql) -> StoreResult<Vec<String>> {
    #[derive(Deserialize)]
    struct Id {
        id: String,
    }
    let ids: Vec<Id> = sql.query("SELECT id FROM participants ORDER BY rowid", vec![])?;
    Ok(ids.into_iter().map(|i| i.id).collect())
}

/// Adds a participant, at `version`.
pub fn insert_participant(
    sql: &impl Sql,
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
    sql: &impl Sql,
    id: &str,
    availability: &[u8],
    version: i64,
) -> StoreResult<usize> {
    sql.exec(
        "UPDATE participants SET availability = ?, changed_version = ? WHERE id = ?",
        vec![availability.into(), version.into(), id.into()],
    )
}

/// Removes a participant and every token issued to them.
pub fn delete_participant(sql: &impl Sql, id: &str) -> StoreResult<()> {
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
    sql: &impl Sql,
    hash: &[u8],
    participant_id: &str,
    keep: usize,
) -> StoreResult<()> {
    sql.exec(
        "INSERT INTO tokens (hash, participant_id) VALUES (?, ?)",
        vec![hash.into(), participant_id.into()],
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
pub fn token_owner(sql: &impl Sql, hash: &[u8]) -> StoreResult<Option<String>> {
    #[derive(Deserialize)]
    struct Owner {
        participant_id: String,
    }
    let owner: Option<Owner> = sql.first(
        "SELECT participant_id FROM tokens WHERE hash = ?",
        vec![hash.into()],
    )?;
    Ok(owner.map(|o| o.participant_id))
}
