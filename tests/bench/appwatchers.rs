//! The fair watched by 200 pages: sockets that do exactly what the web
//! app does with what arrives (see [`crate::page`]), while the fair's
//! participants paint over HTTP, flat out and then at a person's pace.
//! Measured, besides the fair's rate: the time from sending a change to
//! a watcher holding a copy with it, view fetches per push per watcher,
//! and bytes per watcher (pushes and fetches).

use crate::crowd::{Crowd, WATCHERS};
use crate::fair::{self, PARTICIPANTS};
use crate::http::{self, Stats};
use crate::load::Outcome;
use crate::page::{open_pages, settle, Page, Watcher};
use crate::setup::{self, Bench, Check};
use crate::sockets::{self, Heard};
use serde_json::Value;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Updates each participant sends at a person's pace, after the fair's
/// flat-out load: each waits 1–5 s (3 s on average) before each, so 200
/// people send about 67 updates a second, as a crowd painting together
/// does, instead of 50 at a time sending back to back.
const STEADY_UPDATES: usize = 4;

#[derive(Default)]
pub struct AppWatchers {
    pub joins: Option<Outcome>,
    pub updates: Option<Outcome>,
    pub check: Check,
    /// Change sent → a sampled page holds a copy with it.
    pub lag: Vec<Duration>,
    pub lag_never: usize,
    /// Change answered → a sampled page holds it (the update's own time
    /// left out, as the push lag of the other live phases).
    pub lag_answered: Vec<Duration>,
    pub pages: usize,
    pub pushes: Vec<u64>,
    /// View fetches after the first load, per page.
    pub fetches: Vec<u64>,
    pub bytes: Vec<u64>,
    /// Pages not holding the final version after the settle.
    pub behind: usize,
    /// The fair again with no socket open, right after: with the fair
    /// before, it brackets the watched run, so a machine that got slower
    /// or faster meanwhile moves both sides of the ratio.
    pub after: Option<Outcome>,
    /// The same pages while people paint at a person's pace.
    pub steady: Option<Outcome>,
    pub steady_lag: Vec<Duration>,
    pub steady_lag_answered: Vec<Duration>,
    pub error: Option<String>,
}

impl AppWatchers {
    pub fn updates_per_second(&self) -> f64 {
        self.updates.as_ref().map_or(0.0, Outcome::per_second)
    }

    pub fn lag_stats(&self) -> Stats {
        Stats::of(&self.lag)
    }

    /// View fetches per push each page received.
    pub fn fetches_per_push(&self) -> f64 {
        let pushes: u64 = self.pushes.iter().sum();
        self.fetches.iter().sum::<u64>() as f64 / pushes.max(1) as f64
    }

    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "joins": self.joins.as_ref().map(Outcome::to_json),
            "updates": self.updates.as_ref().map(Outcome::to_json),
            "check": self.check.to_json(),
            "time_to_see": self.lag_stats().to_json(),
            "time_to_see_never": self.lag_never,
            "answered_to_seen": Stats::of(&self.lag_answered).to_json(),
            "pages": self.pages,
            "pushes_per_page": Crowd::mean(&self.pushes),
            "fetches_per_page": Crowd::mean(&self.fetches),
            "fetches_per_push_per_page": self.fetches_per_push(),
            "bytes_per_page": Crowd::mean(&self.bytes),
            "pages_behind": self.behind,
            "no_sockets_after": self.after.as_ref().map(Outcome::to_json),
            "steady": self.steady.as_ref().map(Outcome::to_json),
            "steady_time_to_see": Stats::of(&self.steady_lag).to_json(),
            "steady_answered_to_seen": Stats::of(&self.steady_lag_answered).to_json(),
            "error": self.error,
        })
    }
}

/// The fair's HTTP load with 200 app-like pages open.
pub fn run(bench: &Bench, cap: Duration) -> AppWatchers {
    let mut out = AppWatchers::default();
    if let Err(e) = run_inner(bench, cap, &mut out) {
        eprintln!("bench: fair with app watchers: {e}");
        out.error = Some(e);
    }
    out.after = unwatched(bench, cap);
    out
}

/// The fair's updates once more, on an appointment of its own with no
/// socket open.
fn unwatched(bench: &Bench, cap: Duration) -> Option<Outcome> {
    let agent = http::agent();
    let id = setup::create(bench, &agent, "박람회, 다시", fair::SHAPE).ok()?;
    let (_, painters) = fair::join_all(bench, &id, PARTICIPANTS, true, fair::CONCURRENCY, cap);
    let (mut updates, painters) = fair::paint_all(bench, painters, cap);
    updates.errors += PARTICIPANTS - painters.len();
    Some(updates)
}

fn run_inner(bench: &Bench, cap: Duration, out: &mut AppWatchers) -> Result<(), String> {
    let agent = http::agent();
    let id = setup::create(bench, &agent, "박람회, 페이지 200개", fair::SHAPE)?;
    let (joins, painters) = fair::join_all(bench, &id, PARTICIPANTS, true, fair::CONCURRENCY, cap);
    out.joins = Some(joins);
    let version_before = setup::version(bench, &agent, &id);
    let watchers = open_pages(bench, &id, WATCHERS)?;
    let (mut updates, painters) = fair::paint_all(bench, painters, cap);
    updates.errors += PARTICIPANTS - painters.len();
    out.updates = Some(updates);
    out.behind = settle(bench, &agent, &id, &watchers);
    let flat_out: Vec<usize> = painters.iter().map(|p| p.sent.len()).collect();
    let (steady, mut painters) = paint_steadily(bench, painters, cap);
    out.steady = Some(steady);
    settle(bench, &agent, &id, &watchers);
    let refs: Vec<&setup::Painter> = painters.iter().collect();
    out.check = setup::check(bench, &agent, &id, &refs, version_before);
    out.check.lost += PARTICIPANTS - painters.len();
    let sampled = out.close(watchers);
    // The steady updates' times, apart from the flat-out ones.
    let mut steady_sent = Vec::new();
    let mut steady_answered = Vec::new();
    for (p, &n) in painters.iter_mut().zip(&flat_out) {
        steady_sent.extend(p.sent.split_off(n.min(p.sent.len())));
        steady_answered.extend(p.answered.split_off(n.min(p.answered.len())));
    }
    out.lags(&painters, &sampled);
    out.steady_lag = sockets::lags(&steady_sent, &sampled).0;
    out.steady_lag_answered = sockets::lags(&steady_answered, &sampled).0;
    Ok(())
}

impl AppWatchers {
    /// Closes the pages and keeps what each received; what the sampled
    /// ones held, and when.
    pub(crate) fn close(&mut self, watchers: Vec<Watcher>) -> Vec<Arc<Heard>> {
        self.pages = watchers.len();
        let pages: Vec<Arc<Page>> = watchers.into_iter().map(Watcher::close).collect();
        for p in &pages {
            self.pushes.push(p.pushes.load(Ordering::SeqCst));
            self.fetches.push(p.fetches.load(Ordering::SeqCst));
            self.bytes.push(p.held.bytes.load(Ordering::SeqCst));
        }
        pages
            .into_iter()
            .filter(|p| p.held.arrivals.is_some())
            .map(|p| p.held.clone())
            .collect()
    }

    /// The time from each of the painters' changes being sent, and being
    /// answered, to each sampled page holding it.
    pub(crate) fn lags(&mut self, painters: &[setup::Painter], sampled: &[Arc<Heard>]) {
        let all = |pick: fn(&setup::Painter) -> &Vec<(i64, Instant)>| -> Vec<(i64, Instant)> {
            painters
                .iter()
                .flat_map(|p| pick(p).iter().copied())
                .collect()
        };
        (self.lag, self.lag_never) = sockets::lags(&all(|p| &p.sent), sampled);
        self.lag_answered = sockets::lags(&all(|p| &p.answered), sampled).0;
    }
}

/// Every participant at once, each sending [`STEADY_UPDATES`] updates
/// with a pause of 1–5 s before each.
fn paint_steadily(
    bench: &Bench,
    painters: Vec<setup::Painter>,
    cap: Duration,
) -> (Outcome, Vec<setup::Painter>) {
    let count = painters.len().max(1);
    let seats: Vec<(u64, setup::Painter)> = painters
        .into_iter()
        .enumerate()
        .map(|(i, p)| (i as u64 + 7, p))
        .collect();
    let (outcome, seats) = crate::load::run(
        seats,
        count,
        bench.deadline(cap),
        |agent, (seed, p), rec, deadline| {
            let mut rng = crate::grid::Rng::new(*seed);
            for _ in 0..STEADY_UPDATES {
                std::thread::sleep(Duration::from_millis(1_000 + rng.below(4_001) as u64));
                p.paint(agent, rec, deadline, 1, fair::UPDATE_SLOTS);
            }
        },
    );
    (outcome, seats.into_iter().map(|(_, p)| p).collect())
}
