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

/// The network a client's allowances are counted by: an IPv4 address as
/// it is, an IPv6 one by its /64 (`2001:db8:1:2::/64`), because a client
/// is handed a whole /64 and can pick any address in it. An IPv4 address
/// written as IPv6 (`::ffff:198.51.100.7`) is that IPv4 address; anything
/// that is no address is kept as sent.
pub fn client_network(address: &str) -> String {
    let address = address.trim();
    match address.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(v4)) => v4.to_string(),
        Ok(std::net::IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                let network = std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                format!("{network}/64")
            }
        },
        Err(_) => address.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::client_network;

    #[test]
    fn ipv6_clients_count_by_their_64_and_ipv4_ones_by_address() {
        let one = client_network("2001:db8:1:2::1");
        assert_eq!(one, "2001:db8:1:2::/64");
        for same in [
            "2001:db8:1:2:ffff:ffff:ffff:ffff",
            "2001:0db8:0001:0002:0:0:0:9",
            "2001:DB8:1:2:a:b:c:d",
        ] {
            assert_eq!(client_network(same), one, "{same}");
        }
        assert_ne!(client_network("2001:db8:1:3::1"), one);
        assert_eq!(client_network("198.51.100.7"), "198.51.100.7");
        assert_ne!(client_network("198.51.100.8"), "198.51.100.7");
        assert_eq!(client_network("::ffff:198.51.100.7"), "198.51.100.7");
        assert_eq!(client_network("unknown"), "unknown");
    }
}
