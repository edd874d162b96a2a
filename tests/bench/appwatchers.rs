//! The fair watched by 200 pages: sockets that do exactly what the web
//! app does with what arrives. Each loads the view first, then keeps its
//! copy current: an `update` push whose `since` is its version (and that
//! carries the group's counts, and its best times when they changed) is
//! applied to the copy; any other push (a `view`, a gap, a push without
//! counts) and a `hello`
//! newer than the copy make it fetch the view, with `If-None-Match` and
//! gzip like a browser. Measured, besides the fair's rate: the time from
//! sending a change to a watcher holding a copy with it, view fetches per
//! push per watcher, and bytes per watcher (pushes and fetches).

use crate::crowd::{Crowd, SAMPLED, WATCHERS};
use crate::fair::{self, PARTICIPANTS};
use crate::http::{self, Stats};
use crate::load::Outcome;
use crate::setup::{self, Bench, Check};
use crate::sockets::{self, next_text, Next};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;
use std::io::Read;
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::WebSocket;

/// How long the pages get, after the last answer, to hold the final version.
const SETTLE: Duration = Duration::from_secs(5);

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

/// What one page has done so far.
#[derive(Default)]
struct Page {
    pushes: AtomicU64,
    fetches: AtomicU64,
    bytes: AtomicU64,
    /// The version of the copy it holds.
    version: AtomicI64,
    /// `(version, when)` each time its copy moved on, when sampled.
    held: Option<Mutex<Vec<(i64, Instant)>>>,
}

impl Page {
    fn hold(&self, version: i64) {
        self.version.fetch_max(version, Ordering::SeqCst);
        if let Some(held) = &self.held {
            held.lock().unwrap().push((version, Instant::now()));
        }
    }
}

/// A page's copy of the view, and how it gets one. The parts a push
/// replaces are kept as the JSON text they came as: the page's work is
/// reading each message, which this does in full (every participant's id,
/// the counts and the best times are parsed), without building values
/// the bench never looks at.
struct Copy {
    version: i64,
    /// Each participant's id and object, in the view's order.
    people: Vec<(String, String)>,
    counts: String,
    best: String,
    url: String,
    id: String,
    agent: ureq::Agent,
}

#[derive(Deserialize)]
struct ViewDoc<'a> {
    version: i64,
    #[serde(borrow)]
    participants: Vec<&'a RawValue>,
    #[serde(borrow)]
    counts: &'a RawValue,
    #[serde(borrow)]
    best: &'a RawValue,
}

#[derive(Deserialize)]
struct Push<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    since: Option<i64>,
    version: Option<i64>,
    #[serde(borrow, default)]
    participants: Vec<&'a RawValue>,
    #[serde(default)]
    removed: Vec<String>,
    #[serde(borrow)]
    counts: Option<&'a RawValue>,
    #[serde(borrow)]
    best: Option<&'a RawValue>,
}

/// The id of a participant object.
fn id_of(raw: &RawValue) -> Option<String> {
    #[derive(Deserialize)]
    struct Id {
        id: String,
    }
    serde_json::from_str::<Id>(raw.get()).ok().map(|p| p.id)
}

/// Checks that a part is well-formed JSON of numbers and objects, as
/// reading it does on a page.
fn read_through(raw: &RawValue) -> bool {
    serde_json::from_str::<serde::de::IgnoredAny>(raw.get()).is_ok()
}

impl Copy {
    /// Fetches the view as the page does (`If-None-Match`, gzip).
    fn fetch(&mut self, page: &Page) {
        let tag = format!("W/\"{}-{}-0\"", self.id, self.version);
        let headers = [("If-None-Match", tag.as_str()), ("Accept-Encoding", "gzip")];
        let Ok(a) = http::send_with_headers(&self.agent, "GET", &self.url, None, None, &headers)
        else {
            return;
        };
        page.fetches.fetch_add(1, Ordering::Relaxed);
        page.bytes.fetch_add(a.body.len() as u64, Ordering::Relaxed);
        if a.status != 200 {
            return;
        }
        let mut plain = Vec::new();
        let body = if a.body.starts_with(&[0x1f, 0x8b]) {
            match flate2::read::GzDecoder::new(&a.body[..]).read_to_end(&mut plain) {
                Ok(_) => &plain,
                Err(_) => return,
            }
        } else {
            &a.body
        };
        let Ok(view) = serde_json::from_slice::<ViewDoc>(body) else {
            return;
        };
        if view.version <= self.version {
            return;
        }
        self.people = view
            .participants
            .iter()
            .filter_map(|p| Some((id_of(p)?, p.get().to_string())))
            .collect();
        self.counts = view.counts.get().to_string();
        self.best = view.best.get().to_string();
        self.version = view.version;
        page.hold(self.version);
    }

    /// Applies an `update` push made for this copy; whether it was.
    fn apply(&mut self, push: &Push) -> bool {
        let (Some(version), Some(counts)) = (push.version, push.counts) else {
            return false;
        };
        if push.since != Some(self.version) || !read_through(counts) {
            return false;
        }
        self.people.retain(|(id, _)| !push.removed.contains(id));
        for changed in &push.participants {
            let Some(id) = id_of(changed) else {
                return false;
            };
            match self.people.iter_mut().find(|(p, _)| *p == id) {
                Some((_, p)) => *p = changed.get().to_string(),
                None => self.people.push((id, changed.get().to_string())),
            }
        }
        self.counts = counts.get().to_string();
        // Left out when it did not change.
        if let Some(best) = push.best.filter(|b| read_through(b)) {
            self.best = best.get().to_string();
        }
        self.version = version;
        true
    }
}

struct Watcher {
    page: Arc<Page>,
    stop: Arc<AtomicBool>,
    reader: Option<JoinHandle<()>>,
}

impl Watcher {
    /// Loads the view and opens the socket, as the page does.
    fn open(bench: &Bench, id: &str, sampled: bool) -> Result<Watcher, String> {
        let page = Arc::new(Page {
            held: sampled.then(|| Mutex::new(Vec::new())),
            ..Page::default()
        });
        let mut copy = Copy {
            version: 0,
            people: Vec::new(),
            counts: String::new(),
            best: String::new(),
            url: bench.url(&format!("/api/appointments/{id}")),
            id: id.to_string(),
            agent: http::agent(),
        };
        copy.fetch(&page);
        page.fetches.store(0, Ordering::SeqCst);
        let socket = sockets::connect(&bench.base, id)?;
        let stop = Arc::new(AtomicBool::new(false));
        let reader = {
            let (page, stop) = (page.clone(), stop.clone());
            std::thread::Builder::new()
                .stack_size(512 * 1024)
                .spawn(move || read(socket, copy, &page, &stop))
                .map_err(|e| e.to_string())?
        };
        Ok(Watcher {
            page,
            stop,
            reader: Some(reader),
        })
    }

    fn close(mut self) -> Arc<Page> {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        self.page.clone()
    }
}

/// The page's socket handler.
fn read(
    mut socket: WebSocket<MaybeTlsStream<TcpStream>>,
    mut copy: Copy,
    page: &Page,
    stop: &AtomicBool,
) {
    while let Next::Text(text) = next_text(&mut socket, stop) {
        page.bytes.fetch_add(text.len() as u64, Ordering::Relaxed);
        let Ok(msg) = serde_json::from_str::<Push>(&text) else {
            continue;
        };
        match msg.kind {
            "hello" if msg.version > Some(copy.version) => copy.fetch(page),
            "update" => {
                page.pushes.fetch_add(1, Ordering::Relaxed);
                if copy.apply(&msg) {
                    page.hold(copy.version);
                } else {
                    copy.fetch(page);
                }
            }
            "view" => {
                page.pushes.fetch_add(1, Ordering::Relaxed);
                copy.fetch(page);
            }
            _ => {}
        }
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
    let watchers = (0..WATCHERS)
        .map(|n| Watcher::open(bench, &id, n < SAMPLED))
        .collect::<Result<Vec<_>, _>>()?;
    let (mut updates, painters) = fair::paint_all(bench, painters, cap);
    updates.errors += PARTICIPANTS - painters.len();
    out.updates = Some(updates);
    let last = setup::version(bench, &agent, &id).unwrap_or(-1);
    let started = Instant::now();
    while started.elapsed() < SETTLE
        && watchers
            .iter()
            .any(|w| w.page.version.load(Ordering::SeqCst) < last)
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    out.behind = watchers
        .iter()
        .filter(|w| w.page.version.load(Ordering::SeqCst) < last)
        .count();
    let flat_out: Vec<usize> = painters.iter().map(|p| p.sent.len()).collect();
    let (steady, mut painters) = paint_steadily(bench, painters, cap);
    out.steady = Some(steady);
    let steady_last = setup::version(bench, &agent, &id).unwrap_or(-1);
    let started = Instant::now();
    while started.elapsed() < SETTLE
        && watchers
            .iter()
            .any(|w| w.page.version.load(Ordering::SeqCst) < steady_last)
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    let refs: Vec<&setup::Painter> = painters.iter().collect();
    out.check = setup::check(bench, &agent, &id, &refs, version_before);
    out.check.lost += PARTICIPANTS - painters.len();
    out.pages = watchers.len();
    let pages: Vec<Arc<Page>> = watchers.into_iter().map(Watcher::close).collect();
    for p in &pages {
        out.pushes.push(p.pushes.load(Ordering::SeqCst));
        out.fetches.push(p.fetches.load(Ordering::SeqCst));
        out.bytes.push(p.bytes.load(Ordering::SeqCst));
    }
    // The steady updates' times, apart from the flat-out ones.
    let mut steady_sent = Vec::new();
    let mut steady_answered = Vec::new();
    for (p, &n) in painters.iter_mut().zip(&flat_out) {
        steady_sent.extend(p.sent.split_off(n.min(p.sent.len())));
        steady_answered.extend(p.answered.split_off(n.min(p.answered.len())));
    }
    let sent: Vec<(i64, Instant)> = painters
        .iter()
        .flat_map(|p| p.sent.iter().copied())
        .collect();
    let answered: Vec<(i64, Instant)> = painters
        .iter()
        .flat_map(|p| p.answered.iter().copied())
        .collect();
    for page in &pages {
        let Some(held) = &page.held else { continue };
        let mut held = held.lock().unwrap().clone();
        held.sort_by_key(|(v, at)| (*v, *at));
        let mut first: Vec<Instant> = held.iter().map(|(_, t)| *t).collect();
        for i in (0..first.len().saturating_sub(1)).rev() {
            first[i] = first[i].min(first[i + 1]);
        }
        let seen = |version: i64| first.get(held.partition_point(|(v, _)| *v < version));
        for &(version, at) in &sent {
            match seen(version) {
                Some(t) => out.lag.push(t.saturating_duration_since(at)),
                None => out.lag_never += 1,
            }
        }
        for &(version, at) in &answered {
            if let Some(t) = seen(version) {
                out.lag_answered.push(t.saturating_duration_since(at));
            }
        }
        for &(version, at) in &steady_sent {
            if let Some(t) = seen(version) {
                out.steady_lag.push(t.saturating_duration_since(at));
            }
        }
        for &(version, at) in &steady_answered {
            if let Some(t) = seen(version) {
                out.steady_lag_answered
                    .push(t.saturating_duration_since(at));
            }
        }
    }
    Ok(())
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
