//! A sliding-window counter per client, as a small Durable Object: the
//! allowance of appointment creations per client address.
//!
//! The Worker posts a [`TakeRequest`]; the limiter records one use and
//! answers an empty [`TakeReply`], or answers with the seconds to wait when
//! the window is full (the arithmetic is the domain's [`SlidingWindow`]).
//! The Worker asks only for requests that passed validation, so rejected
//! requests never use up an allowance.

use serde::Deserialize;
use worker::{durable_object, DurableObject, Env, Request, Response, State};

use crate::domain::limits::SlidingWindow;
use crate::domain::DomainError;
use crate::error::{json_response, ApiError, ApiResult};
use crate::protocol::{TakeReply, TakeRequest};

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

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let answer = match req.json::<TakeRequest>().await {
            Ok(ask) => self.take(ask),
            Err(e) => Err(ApiError::Internal(format!("unreadable limiter call: {e}"))),
        };
        Ok(answer.unwrap_or_else(|e| {
            worker::console_error!("limiter failed: {e}");
            e.to_response()
        }))
    }
}

/// How many uses the window holds, and when the oldest was.
#[derive(Deserialize)]
struct Uses {
    n: i64,
    oldest: Option<i64>,
}

impl Limiter {
    fn take(&self, ask: TakeRequest) -> ApiResult<Response> {
        let window = SlidingWindow::new(ask.limit, ask.window_ms);
        let now = crate::clock::now_ms();
        let sql = self.state.storage().sql();
        sql.exec(
            "DELETE FROM uses WHERE at <= ?",
            vec![window.forget_before(now).into()],
        )?;
        let uses: Uses = sql
            .exec("SELECT count(*) AS n, min(at) AS oldest FROM uses", None)?
            .one()?;
        let reply = match window.check(uses.n.max(0) as usize, uses.oldest, now) {
            Ok(()) => {
                sql.exec("INSERT INTO uses (at) VALUES (?)", vec![now.into()])?;
                TakeReply { retry_after: None }
            }
            Err(DomainError::TooManyAttempts { retry_after }) => TakeReply {
                retry_after: Some(retry_after),
            },
            Err(other) => return Err(other.into()),
        };
        json_response(&reply, 200)
    }
}
