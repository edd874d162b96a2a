//! 언제볼까? — group scheduling on Cloudflare Workers.
//!
//! The Worker's entry: routing only. [`api`] answers HTTP, each appointment
//! lives in its own Durable Object ([`appointment`]), [`domain`] decides
//! everything that can be decided without I/O, and [`index`] keeps the D1
//! index of appointments.

pub mod api;
pub mod appointment;
pub mod clock;
pub mod domain;
pub mod error;
pub mod index;
pub mod limiter;
pub mod preview;
pub mod protocol;
pub mod render;
pub mod secrets;
pub mod sweep;

use worker::{event, Context, Env, Request, Response, ScheduleContext, ScheduledEvent};

#[event(start)]
fn start() {
    console_error_panic_hook::set_once();
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    api::handle(req, env).await
}

#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    if let Err(e) = sweep::run(&env).await {
        worker::console_error!("cron sweep failed: {e}");
    }
}
