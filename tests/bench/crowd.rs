//! The fair as it really happens: every participant's phone holds the live
//! socket open while everyone paints. Two loads of the campus-fair shape
//! (200 participants joining with a password, 20 updates each of about
//! 100 slots, 50 at a time), each on an appointment of its own:
//!
//! - **watched**: the updates go over HTTP while 200 sockets listen; how
//!   fast, how soon the sockets hear of each update (push lag, on a sample
//!   of sockets), how much each socket receives;
//! - **over sockets**: each participant signs in on its own socket and
//!   sends its updates there (`update` frames answered by `ack`).
//!
//! Both end with the same checks: no update lost (the final view is what
//! the painters sent) and no socket behind (after a short settle, every
//! socket's newest message carries the final version).

use crate::fair::{self, CONCURRENCY, PARTICIPANTS, SHAPE, UPDATES_EACH, UPDATE_SLOTS};
use crate::http::{self, Stats};
use crate::load::{self, Outcome};
use crate::setup::{self, Bench, Check, Painter};
use crate::sockets::{self, Heard, Socket};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

/// Sockets open during the watched load: one per participant's phone.
pub const WATCHERS: usize = PARTICIPANTS;
/// Sockets whose arrival times give the push lag.
pub const SAMPLED: usize = 10;
/// How long the sockets get, after the last answer, to hear the final
/// version.
const SETTLE: Duration = Duration::from_secs(3);

#[derive(Default)]
pub struct Crowd {
    pub joins: Option<Outcome>,
    pub updates: Option<Outcome>,
    pub check: Check,
    /// Update answered → a sampled socket hears its version.
    pub lag: Vec<Duration>,
    /// (update, sampled socket) pairs where the socket never heard it.
    pub lag_never: usize,
    pub sockets: usize,
    /// Messages and bytes each socket received, hello included.
    pub messages: Vec<u64>,
    pub bytes: Vec<u64>,
    /// Sockets whose newest version is not the final one after the settle.
    pub behind: usize,
    pub settled_in: Duration,
    /// Sockets the server closed, and text that was not JSON.
    pub closed: usize,
    pub strange: Vec<String>,
    /// Why the phase could not run, when it could not.
    pub error: Option<String>,
}

impl Crowd {
    pub fn updates_per_second(&self) -> f64 {
        self.updates.as_ref().map_or(0.0, Outcome::per_second)
    }

    pub fn stats(&self) -> Stats {
        self.updates
            .as_ref()
            .map(Outcome::stats)
            .unwrap_or_default()
    }

    pub fn lag_stats(&self) -> Stats {
        Stats::of(&self.lag)
    }

    /// The mean of `per_socket`.
    pub fn mean(per_socket: &[u64]) -> f64 {
        per_socket.iter().sum::<u64>() as f64 / per_socket.len().max(1) as f64
    }

    pub fn to_json(&self) -> serde_json::Value {
        let spread = |v: &[u64]| {
            serde_json::json!({
                "mean": Crowd::mean(v),
                "min": v.iter().min(),
                "max": v.iter().max(),
            })
        };
        serde_json::json!({
            "joins": self.joins.as_ref().map(Outcome::to_json),
            "updates": self.updates.as_ref().map(Outcome::to_json),
            "check": self.check.to_json(),
            "push_lag": self.lag_stats().to_json(),
            "push_lag_never": self.lag_never,
            "sockets": self.sockets,
            "messages_per_socket": spread(&self.messages),
            "bytes_per_socket": spread(&self.bytes),
            "sockets_behind": self.behind,
            "settled_in_ms": self.settled_in.as_secs_f64() * 1e3,
            "sockets_closed_by_server": self.closed,
            "strange_messages": self.strange,
            "error": self.error,
        })
    }
}

/// The fair's HTTP load with 200 sockets listening.
pub fn watched(bench: &Bench, cap: Duration) -> Crowd {
    let mut out = Crowd::default();
    if let Err(e) = run_watched(bench, cap, &mut out) {
        eprintln!("bench: watched fair: {e}");
        out.error = Some(e);
    }
    out
}

fn run_watched(bench: &Bench, cap: Duration, out: &mut Crowd) -> Result<(), String> {
    let agent = http::agent();
    let id = setup::create(bench, &agent, "박람회, 모두 보는 중", SHAPE)?;
    let (joins, painters) = fair::join_all(bench, &id, PARTICIPANTS, true, CONCURRENCY, cap);
    out.joins = Some(joins);
    let version_before = setup::version(bench, &agent, &id);
    let watchers = sockets::open_many(&bench.base, &id, WATCHERS, SAMPLED, version_before)?;
    let (mut updates, painters) = fair::paint_all(bench, painters, cap);
    updates.errors += PARTICIPANTS - painters.len();
    out.updates = Some(updates);
    finish(bench, &agent, &id, &painters, watchers, version_before, out);
    Ok(())
}

/// The same load sent over the sockets: each participant on its own
/// signed-in socket, 50 sending at a time, every socket listening
/// throughout.
pub fn over_sockets(bench: &Bench, cap: Duration) -> Crowd {
    let mut out = Crowd::default();
    if let Err(e) = run_over_sockets(bench, cap, &mut out) {
        eprintln!("bench: fair over sockets: {e}");
        out.error = Some(e);
    }
    out
}

fn run_over_sockets(bench: &Bench, cap: Duration, out: &mut Crowd) -> Result<(), String> {
    let agent = http::agent();
    let id = setup::create(bench, &agent, "박람회, 소켓으로", SHAPE)?;
    let (joins, painters) = fair::join_all(bench, &id, PARTICIPANTS, true, CONCURRENCY, cap);
    out.joins = Some(joins);
    let version_before = setup::version(bench, &agent, &id);
    let mut seats = Vec::with_capacity(painters.len());
    for (n, painter) in painters.into_iter().enumerate() {
        let (mut socket, hello) = Socket::open(&bench.base, &id, n < SAMPLED)?;
        if Some(hello) != version_before {
            return Err(format!(
                "hello says version {hello}, the view {version_before:?}"
            ));
        }
        socket.auth(&painter.token, &painter.pid)?;
        seats.push((painter, socket));
    }
    let joined = seats.len();
    let (mut updates, seats) = load::run(
        seats,
        CONCURRENCY,
        bench.deadline(cap),
        |_, (painter, socket), rec, deadline| {
            painter.paint_with(rec, deadline, UPDATES_EACH, UPDATE_SLOTS, |body| {
                socket.update(body)
            });
        },
    );
    updates.errors += PARTICIPANTS - joined;
    out.updates = Some(updates);
    let (painters, sockets): (Vec<Painter>, Vec<Socket>) = seats.into_iter().unzip();
    finish(bench, &agent, &id, &painters, sockets, version_before, out);
    Ok(())
}

/// The checks both loads end with: the settle, the lost-update check, the
/// push lag and what each socket received.
fn finish(
    bench: &Bench,
    agent: &ureq::Agent,
    id: &str,
    painters: &[Painter],
    sockets: Vec<Socket>,
    version_before: Option<i64>,
    out: &mut Crowd,
) {
    let last = setup::version(bench, agent, id).unwrap_or(-1);
    let refs: Vec<&Socket> = sockets.iter().collect();
    (out.behind, out.settled_in) = sockets::settle(&refs, last, SETTLE);
    let refs: Vec<&Painter> = painters.iter().collect();
    out.check = setup::check(bench, agent, id, &refs, version_before);
    out.check.lost += PARTICIPANTS - painters.len();
    out.sockets = sockets.len();
    let heard: Vec<Arc<Heard>> = sockets.into_iter().map(Socket::close).collect();
    for h in &heard {
        out.messages.push(h.messages.load(Ordering::SeqCst));
        out.bytes.push(h.bytes.load(Ordering::SeqCst));
        out.closed += usize::from(h.closed.lock().unwrap().is_some());
        out.strange
            .extend(h.strange.lock().unwrap().iter().cloned());
    }
    out.strange.truncate(5);
    let answered: Vec<(i64, std::time::Instant)> = painters
        .iter()
        .flat_map(|p| p.answered.iter().copied())
        .collect();
    let sampled: Vec<Arc<Heard>> = heard.into_iter().filter(|h| h.arrivals.is_some()).collect();
    (out.lag, out.lag_never) = sockets::lags(&answered, &sampled);
}
