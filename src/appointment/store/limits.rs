//! The windows of the per-address limits: wrong passwords per participant
//! and client address (`wrong_passwords`), and new participants per
//! client address (`joins`). Each row is one use, at a time in ms.

use serde::Deserialize;

use super::sql::{Sql, StoreResult, Value};

/// Counts the uses (rows with an `at`) of `rows`, a table and its filter:
/// how many, and when the oldest was.
fn uses(sql: &impl Sql, rows: &str, bindings: Vec<Value>) -> StoreResult<(usize, Option<i64>)> {
    #[derive(Deserialize)]
    struct Uses {
        n: i64,
        oldest: Option<i64>,
    }
    let u = sql
        .first::<Uses>(
            &format!("SELECT count(*) AS n, min(at) AS oldest FROM {rows}"),
            bindings,
        )?
        .unwrap_or(Uses { n: 0, oldest: None });
    Ok((u.n.max(0) as usize, u.oldest))
}

/// Wrong passwords for a participant from one client address since
/// `since`: how many, and when the oldest of them was.
pub fn wrong_passwords(
    sql: &impl Sql,
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
    sql: &impl Sql,
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
pub fn joins(sql: &impl Sql, client: &str, since: i64) -> StoreResult<(usize, Option<i64>)> {
    uses(
        sql,
        "joins WHERE client = ? AND at > ?",
        vec![client.into(), since.into()],
    )
}

/// Records a new participant from `client` and forgets joins older than
/// `forget_before`.
pub fn record_join(sql: &impl Sql, client: &str, now: i64, forget_before: i64) -> StoreResult<()> {
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
