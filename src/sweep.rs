//! The scheduled sweep: finds what the D1 index believes has expired and
//! has each appointment's object delete itself, so nothing outlives its
//! expiry even if an alarm was missed.

use worker::Env;

use crate::{api, appointment, index};

/// Entries handled per run; the next run takes the rest.
const BATCH: u32 = 200;

/// One sweep over the index.
pub async fn run(env: &Env) -> worker::Result<()> {
    let db = env.d1("DB")?;
    let now = appointment::now_ms();
    let (mut deleted, mut kept) = (0, 0);
    for id in index::expired(&db, now, BATCH).await? {
        match api::sweep_one(env, &id).await {
            Ok(204) => deleted += 1,
            // The object holds nothing: only the index entry was left over.
            Ok(404) => {
                index::remove(&db, &id).await?;
                deleted += 1;
            }
            Ok(_) => kept += 1,
            Err(e) => worker::console_error!("sweep of one appointment failed: {}", e.message()),
        }
    }
    index::prune_counts(&db, now).await?;
    worker::console_log!(
        "{}",
        serde_json::json!({ "event": "sweep", "deleted": deleted, "kept": kept })
    );
    Ok(())
}
