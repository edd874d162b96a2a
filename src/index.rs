//! The D1 index of appointments: the only place that speaks SQL to D1.
//!
//! Each appointment's Durable Object is the truth; this index exists so the
//! operator can count and sweep appointments without waking every object.
//! It is written on create, join, leave, edit and delete, and by each
//! appointment's alarm at most once a minute to count availability updates —
//! never on the hot path of an update itself.

use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement};

/// What the index knows of one appointment.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub timezone: &'a str,
    pub created_at: i64,
    pub expires_at: i64,
    pub participants: usize,
    pub last_change_at: i64,
}

fn num(n: i64) -> JsValue {
    JsValue::from_f64(n as f64)
}

/// The statement that writes (or rewrites) an appointment's entry.
fn upsert_statement(db: &D1Database, e: &Entry<'_>) -> worker::Result<D1PreparedStatement> {
    db.prepare(
        "INSERT INTO appointments (id, title, timezone, created_at, expires_at, participants, last_change_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (id) DO UPDATE SET title = ?2, timezone = ?3, expires_at = ?5,
                                        participants = ?6, last_change_at = ?7",
    )
    .bind(&[
        e.id.into(),
        e.title.into(),
        e.timezone.into(),
        num(e.created_at),
        num(e.expires_at),
        num(e.participants as i64),
        num(e.last_change_at),
    ])
}

/// Removes an appointment's entry.
pub async fn remove(db: &D1Database, id: &str) -> worker::Result<()> {
    db.prepare("DELETE FROM appointments WHERE id = ?1")
        .bind(&[id.into()])?
        .run()
        .await?;
    Ok(())
}

/// The start of the minute `ms` falls in: the bucket update counts go to.
fn minute(ms: i64) -> i64 {
    ms - ms.rem_euclid(60_000)
}

/// Writes an appointment's entry and adds `updates` availability updates to
/// this minute's count, in one batch.
pub async fn record(db: &D1Database, e: &Entry<'_>, now: i64, updates: i64) -> worker::Result<()> {
    let mut statements = vec![upsert_statement(db, e)?];
    if updates > 0 {
        statements.push(
            db.prepare(
                "INSERT INTO update_counts (minute, appointment_id, updates) VALUES (?1, ?2, ?3)
                 ON CONFLICT (minute, appointment_id) DO UPDATE SET updates = updates + ?3",
            )
            .bind(&[num(minute(now)), e.id.into(), num(updates)])?,
        );
    }
    db.batch(statements).await?;
    Ok(())
}

/// The operator's figures.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Stats {
    pub appointments: i64,
    pub active_appointments_7d: i64,
    pub participants: i64,
    pub updates_24h: i64,
}

#[derive(serde::Deserialize)]
struct StatsRow {
    appointments: Option<f64>,
    active: Option<f64>,
    participants: Option<f64>,
    updates: Option<f64>,
}

/// Counts appointments, those changed in the last 7 days, participants, and
/// availability updates in the last 24 hours.
pub async fn stats(db: &D1Database, now: i64) -> worker::Result<Stats> {
    const DAY: i64 = 24 * 60 * 60 * 1000;
    let row: Option<StatsRow> = db
        .prepare(
            "SELECT (SELECT count(*) FROM appointments) AS appointments,
                    (SELECT count(*) FROM appointments WHERE last_change_at >= ?1) AS active,
                    (SELECT coalesce(sum(participants), 0) FROM appointments) AS participants,
                    (SELECT coalesce(sum(updates), 0) FROM update_counts WHERE minute >= ?2) AS updates",
        )
        .bind(&[num(now - 7 * DAY), num(minute(now - DAY))])?
        .first(None)
        .await?;
    let n = |v: Option<f64>| v.unwrap_or(0.0) as i64;
    Ok(row.map_or(
        Stats {
            appointments: 0,
            active_appointments_7d: 0,
            participants: 0,
            updates_24h: 0,
        },
        |r| Stats {
            appointments: n(r.appointments),
            active_appointments_7d: n(r.active),
            participants: n(r.participants),
            updates_24h: n(r.updates),
        },
    ))
}

#[derive(serde::Deserialize)]
struct IdRow {
    id: String,
}

/// Up to `limit` appointments the index believes expired at `now`.
pub async fn expired(db: &D1Database, now: i64, limit: u32) -> worker::Result<Vec<String>> {
    let result = db
        .prepare("SELECT id FROM appointments WHERE expires_at <= ?1 ORDER BY expires_at LIMIT ?2")
        .bind(&[num(now), JsValue::from(limit)])?
        .all()
        .await?;
    Ok(result
        .results::<IdRow>()?
        .into_iter()
        .map(|r| r.id)
        .collect())
}

/// Forgets update counts older than the statistics look back.
pub async fn prune_counts(db: &D1Database, now: i64) -> worker::Result<()> {
    db.prepare("DELETE FROM update_counts WHERE minute < ?1")
        .bind(&[num(now - 2 * 24 * 60 * 60 * 1000)])?
        .run()
        .await?;
    Ok(())
}
