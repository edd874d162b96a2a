//! The D1 index of appointments: the only place that speaks SQL to D1.
//!
//! Each appointment's Durable Object is the truth; this index exists so the
//! operator can count and sweep appointments without waking every object.
//! It is written on create, join, leave, edit and delete — never on an
//! availability update, the hot path.

use wasm_bindgen::JsValue;
use worker::D1Database;

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

/// Writes (or rewrites) an appointment's entry.
pub async fn upsert(db: &D1Database, e: &Entry<'_>) -> worker::Result<()> {
    db.prepare(
        "INSERT INTO appointments (id, title, timezone, created_at, expires_at, participants, last_change_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (id) DO UPDATE SET title = ?2, expires_at = ?5, participants = ?6,
                                        last_change_at = ?7",
    )
    .bind(&[
        e.id.into(),
        e.title.into(),
        e.timezone.into(),
        num(e.created_at),
        num(e.expires_at),
        num(e.participants as i64),
        num(e.last_change_at),
    ])?
    .run()
    .await?;
    Ok(())
}

/// Removes an appointment's entry.
pub async fn remove(db: &D1Database, id: &str) -> worker::Result<()> {
    db.prepare("DELETE FROM appointments WHERE id = ?1")
        .bind(&[id.into()])?
        .run()
        .await?;
    Ok(())
}
