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
use crate::setup::Painter;
use crate::setup::{self, Bench, Check};
use crate::sockets::{self, next_text, Answers, Heard, Next, Socket};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;
use std::io::Read;
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
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
pub(crate) struct Page {
    pushes: AtomicU64,
    fetches: AtomicU64,
    /// The bytes it received (pushes and fetches), the version of the
    /// copy it holds and, when sampled, when each version came.
    held: Arc<Heard>,
}

impl Page {
    fn hold(&self, version: i64) {
        self.held.note(version, Instant::now());
    }

    fn add_bytes(&self, n: usize) {
        self.held.bytes.fetch_add(n as u64, Ordering::Relaxed);
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
    /// The grid the copy is of: the page sends it with its changes.
    layout: String,
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
    #[serde(default)]
    layout: String,
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
    /// An `ack`'s participant: the painter's own, as saved.
    #[serde(borrow)]
    participant: Option<&'a RawValue>,
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
        page.add_bytes(a.body.len());
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
        self.layout = view.layout;
        self.version = view.version;
        page.hold(self.version);
    }

    /// Puts the painter's own participant, as an `ack` gives it, in the
    /// copy (the version moves with the push that follows).
    fn own(&mut self, saved: &RawValue) {
        let Some(id) = id_of(saved) else { return };
        if let Some((_, p)) = self.people.iter_mut().find(|(p, _)| *p == id) {
            *p = saved.get().to_string();
        }
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

pub(crate) struct Watcher {
    page: Arc<Page>,
    pub(crate) socket: Socket,
    /// The layout of the view the page loaded.
    layout: String,
}

impl Watcher {
    /// Loads the view and opens the socket, as the page does.
    fn open(bench: &Bench, id: &str, sampled: bool) -> Result<Watcher, String> {
        let page = Arc::new(Page {
            held: Arc::new(Heard::sampled(sampled)),
            ..Page::default()
        });
        let mut copy = Copy {
            version: 0,
            people: Vec::new(),
            counts: String::new(),
            best: String::new(),
            layout: String::new(),
            url: bench.url(&format!("/api/appointments/{id}")),
            id: id.to_string(),
            agent: http::agent(),
        };
        copy.fetch(&page);
        page.fetches.store(0, Ordering::SeqCst);
        let layout = copy.layout.clone();
        let reader_page = page.clone();
        let (socket, _) =
            Socket::open_with(&bench.base, id, page.held.clone(), move |ws, tell, stop| {
                read(ws, copy, &reader_page, stop, tell)
            })?;
        Ok(Watcher {
            page,
            socket,
            layout,
        })
    }

    /// Signs the page in as `painter`, as the page does before its first
    /// change over the socket; its update frames then name the participant
    /// and the layout of the grid it paints on, as the page's do.
    pub(crate) fn sign_in(&mut self, painter: &Painter) -> Result<(), String> {
        self.socket.auth(&painter.token, &painter.pid)?;
        self.socket
            .stamp("participant", Value::from(painter.pid.clone()));
        self.socket
            .stamp("layout", Value::from(self.layout.clone()));
        Ok(())
    }

    fn close(self) -> Arc<Page> {
        self.socket.close();
        self.page
    }
}

/// The page's socket handler: pushes move its copy on (or make it fetch);
/// answers go to the sender, an `ack` also putting the painter's own
/// participant in the copy.
fn read(
    mut socket: WebSocket<MaybeTlsStream<TcpStream>>,
    mut copy: Copy,
    page: &Page,
    stop: &AtomicBool,
    tell: &Answers,
) {
    while let Next::Text(text) = next_text(&mut socket, stop) {
        let at = Instant::now();
        page.add_bytes(text.len());
        let Ok(msg) = serde_json::from_str::<Push>(&text) else {
            continue;
        };
        match msg.kind {
            "update" => {
                page.pushes.fetch_add(1, Ordering::Relaxed);
                if copy.apply(&msg) {
                    page.hold(copy.version);
                } else {
                    copy.fetch(page);
                }
                continue;
            }
            "view" => {
                page.pushes.fetch_add(1, Ordering::Relaxed);
                copy.fetch(page);
                continue;
            }
            "hello" if msg.version > Some(copy.version) => copy.fetch(page),
            "ack" => {
                if let Some(saved) = msg.participant {
                    copy.own(saved);
                }
            }
            _ => {}
        }
        let answer = serde_json::from_str::<Value>(&text).unwrap_or_default();
        if tell.send((answer, at)).is_err() {
            return;
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

/// `count` pages on appointment `id`, the first [`SAMPLED`] of them
/// keeping the times their copy moved on.
pub(crate) fn open_pages(bench: &Bench, id: &str, count: usize) -> Result<Vec<Watcher>, String> {
    (0..count)
        .map(|n| Watcher::open(bench, id, n < SAMPLED))
        .collect()
}

/// Waits up to [`SETTLE`] for every page to hold the appointment's
/// version; how many do not.
pub(crate) fn settle(bench: &Bench, agent: &ureq::Agent, id: &str, pages: &[Watcher]) -> usize {
    let last = setup::version(bench, agent, id).unwrap_or(-1);
    let sockets: Vec<&Socket> = pages.iter().map(|w| &w.socket).collect();
    sockets::settle(&sockets, last, SETTLE).0
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
