//! An app-like page, as the bench plays it: it loads the view first, then
//! keeps its copy current as the web app does. An `update` push whose
//! `since` is its version (and that carries the group's counts, and its
//! best times when they changed) is applied to the copy; any other push
//! (a `view`, a gap, a push without counts) and a `hello` newer than the
//! copy make it fetch the view, with `If-None-Match` and gzip like a
//! browser. A page that signs in sends its changes over its socket, and
//! an `ack` puts its own participant, as saved, in its copy.

use crate::crowd::SAMPLED;
use crate::http;
use crate::setup::{self, Bench, Painter};
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

/// What one page has done so far.
#[derive(Default)]
pub struct Page {
    pub pushes: AtomicU64,
    pub fetches: AtomicU64,
    /// The bytes it received (pushes and fetches), the version of the
    /// copy it holds and, when sampled, when each version came.
    pub held: Arc<Heard>,
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

pub struct Watcher {
    page: Arc<Page>,
    pub socket: Socket,
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
    pub fn sign_in(&mut self, painter: &Painter) -> Result<(), String> {
        self.socket.auth(&painter.token, &painter.pid)?;
        self.socket
            .stamp("participant", Value::from(painter.pid.clone()));
        self.socket
            .stamp("layout", Value::from(self.layout.clone()));
        Ok(())
    }

    pub fn close(self) -> Arc<Page> {
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

/// `count` pages on appointment `id`, the first [`SAMPLED`] of them
/// keeping the times their copy moved on.
pub fn open_pages(bench: &Bench, id: &str, count: usize) -> Result<Vec<Watcher>, String> {
    (0..count)
        .map(|n| Watcher::open(bench, id, n < SAMPLED))
        .collect()
}

/// Waits up to [`SETTLE`] for every page to hold the appointment's
/// version; how many do not.
pub fn settle(bench: &Bench, agent: &ureq::Agent, id: &str, pages: &[Watcher]) -> usize {
    let last = setup::version(bench, agent, id).unwrap_or(-1);
    let sockets: Vec<&Socket> = pages.iter().map(|w| &w.socket).collect();
    sockets::settle(&sockets, last, SETTLE).0
}
