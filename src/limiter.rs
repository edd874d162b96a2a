//! A sliding-window counter per client, as a small Durable Object: the
//! allowance of appointment creations per client address.
//!
//! `POST /take?limit=N&window=MS` records one use and answers 200, or answers
//! 429 with `Retry-After` when `N` uses already fall within the last `MS`
//! milliseconds. The Worker asks only for requests that passed validation,
//! so rejected requests never use up an allowance.

use worker::{durable_object, DurableObject, Env, Request, Response, State};

use crate::error::{ApiError, ApiResult};

#[durable_object]
pub struct Limiter {
    state: State,
}

impl DurableObject for Limiter {
    fn new(state: State, _env: Env) -> Self {
        let sql = state.storage().sql();
        if let Err(e) = sql.exec(
            "CREATE TABLE IF NOT EXISTS uses (at INTEGER NOT NULL)",
            None,
        ) {
            worker::console_error!("limiter schema: {e}");
        }
        Self { state }
    }

    async fn fetch(&self, req: Request) -> worker::Result<Response> {
        Ok(match self.take(&req) {
            Ok(()) => Response::empty()?.with_status(200),
            Err(e) => e.to_response(),
        })
    }
}

impl Limiter {
    fn take(&self, req: &Request) -> ApiResult<()> {
        let url = req.url()?;
        let param = |name: &str| {
            url.query_pairs()
                .find(|(k, _)| k == name)
                .and_then(|(_, v)| v.parse::<i64>().ok())
                .unwrap_or(1)
                .max(1)
        };
        let (limit, window) = (param("limit"), param("window"));
        let now = crate::appointment::now_ms();
        let sql = self.state.storage().sql();
        sql.exec(
            "DELETE FROM uses WHERE at <= ?",
            vec![(now - window).into()],
        )?;
        let oldest: Vec<Vec<worker::SqlStorageValue>> = sql
            .exec("SELECT count(*), min(at) FROM uses", None)?
            .raw()
            .collect::<Result<_, _>>()?;
        let (count, oldest) = match oldest.first().map(|r| (&r[0], &r[1])) {
            Some((worker::SqlStorageValue::Integer(c), worker::SqlStorageValue::Integer(o))) => {
                (*c, *o)
            }
            _ => (0, now),
        };
        if count >= limit {
            let wait = (oldest + window - now).max(0) as u64;
            return Err(ApiError::TooManyAttempts {
                retry_after: wait.div_ceil(1000).max(1) as u32,
            });
        }
        sql.exec("INSERT INTO uses (at) VALUES (?)", vec![now.into()])?;
        Ok(())
    }
}
