//! The cron sweep: finds what the D1 index believes has expired and has
//! each appointment's object delete itself, so nothing outlives its expiry
//! even if an alarm was missed.

use worker::Env;

use crate::domain::ErrorCode;
use crate::error::ApiResult;
use crate::protocol::{client, Call, Command, ExpireOutcome};
use crate::{clock, index, secrets};

/// Entries handled per run; the next run takes the rest.
const BATCH: u32 = 200;

/// One sweep over the index.
pub async fn run(env: &Env) -> ApiResult<()> {
    let db = env.d1("DB")?;
    let now = clock::now_ms();
    let run_id = secrets::new_request_id().unwrap_or_default();
    let (mut deleted, mut kept) = (0, 0);
    for id in index::expired(&db, now, BATCH).await? {
        match expire(env, &id, &run_id).await {
            Ok(Some(ExpireOutcome::Deleted)) => deleted += 1,
            Ok(Some(ExpireOutcome::Kept)) => kept += 1,
            // The object holds nothing: only the index entry was left over.
            Ok(None) => {
                index::remove(&db, &id).await?;
                deleted += 1;
            }
            Err(e) => worker::console_error!("sweep {run_id}: expiring {id} failed: {e}"),
        }
    }
    index::prune_counts(&db, now).await?;
    worker::console_log!(
        "{}",
        serde_json::json!({ "event": "sweep", "run": run_id, "deleted": deleted, "kept": kept })
    );
    Ok(())
}

/// Asks appointment `id` to delete itself if it has expired; `None` when
/// its object holds nothing.
async fn expire(env: &Env, id: &str, run_id: &str) -> ApiResult<Option<ExpireOutcome>> {
    let call = Call {
        appointment: id.to_string(),
        request_id: run_id.to_string(),
        origin: String::new(),
        token: None,
        client: String::new(),
        command: Command::Expire,
    };
    let answer = client::send(env, &call, b"").await?;
    if answer.reply.is_refusal(ErrorCode::NotFound) {
        return Ok(None);
    }
    client::value_of(answer).map(Some)
}
