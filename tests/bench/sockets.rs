//! The bench's live sockets: each one read by a thread of its own while
//! the load sends frames through a write half of the same connection.
//! Answers to what was sent (`hello`, `auth`, `ack`, `error`) go back to
//! the sender over a channel. The plain reader here counts what arrives
//! (messages, bytes, the newest version) and, for a sample, when each
//! version arrived; nothing is parsed as JSON but the answers, so 200
//! sockets cost the client little. The app-like pages bring a reader of
//! their own ([`Socket::open_with`]).

use serde_json::{json, Value};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use support::live::{read_once, Received};
use tungstenite::protocol::Role;
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

/// How long the sender waits for an answer.
const ANSWER_WAIT: Duration = Duration::from_secs(20);

/// What a socket's reader has seen so far.
#[derive(Default)]
pub struct Heard {
    pub messages: AtomicU64,
    pub bytes: AtomicU64,
    /// The version of the newest message that carried one (0 before any).
    pub version: AtomicI64,
    /// `(version, arrival)` of every message with a version, when sampled.
    pub arrivals: Option<Mutex<Vec<(i64, Instant)>>>,
    /// Text that was neither a push, nor an answer, nor JSON.
    pub strange: Mutex<Vec<String>>,
    /// The close code, when the server closed the socket.
    pub closed: Mutex<Option<Option<u16>>>,
}

/// One open live socket.
pub struct Socket {
    writer: WebSocket<TcpStream>,
    answers: mpsc::Receiver<(Value, Instant)>,
    pub heard: Arc<Heard>,
    stop: Arc<AtomicBool>,
    reader: Option<JoinHandle<()>>,
    seq: u64,
    /// Fields every update frame carries besides its `seq` and `changes`.
    stamp: serde_json::Map<String, Value>,
}

/// Where a reader sends the answers to what was sent, with their arrival.
pub type Answers = mpsc::Sender<(Value, Instant)>;

impl Socket {
    /// Opens `/api/appointments/{id}/live` and waits for its hello; the
    /// socket and the hello's version. `sampled` keeps arrival times.
    pub fn open(base: &str, id: &str, sampled: bool) -> Result<(Socket, i64), String> {
        let heard = Arc::new(Heard::sampled(sampled));
        let mine = heard.clone();
        Socket::open_with(base, id, heard, move |ws, tell, stop| {
            read(ws, &mine, stop, tell)
        })
    }

    /// Opens the socket with `reader` reading it on a thread of its own,
    /// until the stop flag is set; `reader` passes every answer (the
    /// hello first) to the channel it is given, and what it heard is
    /// `heard`. Waits for the hello.
    pub fn open_with(
        base: &str,
        id: &str,
        heard: Arc<Heard>,
        reader: impl FnOnce(WebSocket<MaybeTlsStream<TcpStream>>, &Answers, &AtomicBool)
            + Send
            + 'static,
    ) -> Result<(Socket, i64), String> {
        let socket = connect(base, id)?;
        let MaybeTlsStream::Plain(tcp) = socket.get_ref() else {
            return Err("a plain TCP socket was expected".into());
        };
        tcp.set_nodelay(true).map_err(|e| e.to_string())?;
        let write_half = tcp.try_clone().map_err(|e| e.to_string())?;
        // Only ever written to; it masks frames as a client must.
        let writer = WebSocket::from_raw_socket(write_half, Role::Client, None);
        let stop = Arc::new(AtomicBool::new(false));
        let (tell, answers) = mpsc::channel();
        let reader = {
            let stop = stop.clone();
            std::thread::Builder::new()
                .stack_size(512 * 1024)
                .spawn(move || reader(socket, &tell, &stop))
                .map_err(|e| e.to_string())?
        };
        let out = Socket {
            writer,
            answers,
            heard,
            stop,
            reader: Some(reader),
            seq: 0,
            stamp: serde_json::Map::new(),
        };
        let (hello, _) = out.answer()?;
        match (hello["type"].as_str(), hello["version"].as_i64()) {
            (Some("hello"), Some(version)) => Ok((out, version)),
            _ => Err(format!("the first message is not a hello: {hello}")),
        }
    }

    /// From now on every update frame carries `key: value` too (the web
    /// app names its participant and the layout it painted on).
    pub fn stamp(&mut self, key: &str, value: Value) {
        self.stamp.insert(key.to_string(), value);
    }

    fn send(&mut self, frame: &Value) -> Result<(), String> {
        self.writer
            .send(Message::Text(frame.to_string()))
            .map_err(|e| format!("sending on the live socket: {e}"))
    }

    /// The next answer (anything but a push), or an error after
    /// [`ANSWER_WAIT`].
    fn answer(&self) -> Result<(Value, Instant), String> {
        self.answers
            .recv_timeout(ANSWER_WAIT)
            .map_err(|_| format!("no answer on the live socket within {ANSWER_WAIT:?}"))
    }

    /// Signs in as `pid` with `token`.
    pub fn auth(&mut self, token: &str, pid: &str) -> Result<(), String> {
        self.send(&json!({ "type": "auth", "token": token }))?;
        let (answer, _) = self.answer()?;
        if answer == json!({ "type": "auth", "participant": pid }) {
            Ok(())
        } else {
            Err(format!("auth as {pid}: {answer}"))
        }
    }

    /// Sends an update (`body` is `{"changes":[…]}`) and waits for its
    /// ack: the participant and version, timed from sending to the ack's
    /// arrival.
    pub fn update(&mut self, body: &[u8]) -> crate::setup::Sent {
        self.seq += 1;
        let seq = self.seq;
        let body: Value = serde_json::from_slice(body).map_err(|e| e.to_string())?;
        let mut frame = self.stamp.clone();
        frame.insert("type".into(), json!("update"));
        frame.insert("seq".into(), json!(seq));
        frame.insert("changes".into(), body["changes"].clone());
        let frame = Value::Object(frame);
        let sent = Instant::now();
        self.send(&frame)?;
        loop {
            let (answer, at) = self.answer()?;
            if answer["seq"] != seq {
                continue;
            }
            return match answer["type"].as_str() {
                Some("ack") => Ok(crate::setup::Answered {
                    elapsed: at.saturating_duration_since(sent),
                    version: answer["version"].as_i64(),
                    participant: answer["participant"].clone(),
                }),
                _ => Err(format!("update {seq}: {answer}")),
            };
        }
    }

    /// The newest version this socket heard.
    pub fn version(&self) -> i64 {
        self.heard.version.load(Ordering::SeqCst)
    }

    /// Stops the reader and gives back what it heard.
    pub fn close(mut self) -> Arc<Heard> {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        let _ = self.writer.close(None);
        let _ = self.writer.flush();
        self.heard.clone()
    }
}

/// A live socket on appointment `id`, its reads waiting at most 100 ms
/// (so a reader sees when it is told to stop).
pub fn connect(base: &str, id: &str) -> Result<WebSocket<MaybeTlsStream<TcpStream>>, String> {
    let url = format!(
        "{}/api/appointments/{id}/live",
        base.replacen("http", "ws", 1)
    );
    let (socket, _) = tungstenite::connect(&url).map_err(|e| format!("live socket: {e}"))?;
    let MaybeTlsStream::Plain(tcp) = socket.get_ref() else {
        return Err("a plain TCP socket was expected".into());
    };
    tcp.set_read_timeout(Some(Duration::from_millis(100)))
        .map_err(|e| e.to_string())?;
    Ok(socket)
}

/// What a socket's reader gets next.
pub enum Next {
    Text(String),
    /// A close frame, with its code when it had one.
    Closed(Option<u16>),
    /// The reader was told to stop, or the connection broke.
    Ended,
}

/// The next text message or close frame (pings and binary frames are
/// skipped), until `stop` is set.
pub fn next_text(socket: &mut WebSocket<MaybeTlsStream<TcpStream>>, stop: &AtomicBool) -> Next {
    while !stop.load(Ordering::Relaxed) {
        match read_once(socket) {
            Received::Text(text) => return Next::Text(text),
            Received::Closed(code) => return Next::Closed(code),
            Received::Nothing => {}
            Received::Ended(_) => return Next::Ended,
        }
    }
    Next::Ended
}

/// The plain reader: counts every text message, notes versions, forwards
/// answers, until told to stop or the connection ends.
fn read(
    mut socket: WebSocket<MaybeTlsStream<TcpStream>>,
    heard: &Heard,
    stop: &AtomicBool,
    tell: &Answers,
) {
    loop {
        let text = match next_text(&mut socket, stop) {
            Next::Text(text) => text,
            Next::Closed(code) => {
                *heard.closed.lock().unwrap() = Some(code);
                return;
            }
            Next::Ended => return,
        };
        let at = Instant::now();
        heard.messages.fetch_add(1, Ordering::Relaxed);
        heard.bytes.fetch_add(text.len() as u64, Ordering::Relaxed);
        let is_push =
            text.starts_with("{\"type\":\"update\"") || text.starts_with("{\"type\":\"view\"");
        if is_push {
            if let Some(version) = version_in(&text) {
                heard.note(version, at);
            }
            continue;
        }
        match serde_json::from_str::<Value>(&text) {
            Ok(value) => {
                match value["type"].as_str() {
                    Some("update" | "view") => {
                        if let Some(version) = value["version"].as_i64() {
                            heard.note(version, at);
                        }
                        continue;
                    }
                    Some("ack") => {
                        if let Some(version) = value["version"].as_i64() {
                            heard.note(version, at);
                        }
                    }
                    _ => {}
                }
                if tell.send((value, at)).is_err() {
                    return;
                }
            }
            Err(_) => {
                let mut strange = heard.strange.lock().unwrap();
                if strange.len() < 3 {
                    strange.push(text.chars().take(200).collect());
                }
            }
        }
    }
}

impl Heard {
    /// A sampled `Heard` keeps the arrival times.
    pub fn sampled(sampled: bool) -> Heard {
        Heard {
            arrivals: sampled.then(|| Mutex::new(Vec::new())),
            ..Heard::default()
        }
    }

    /// A message carrying `version` arrived at `at`.
    pub fn note(&self, version: i64, at: Instant) {
        self.version.fetch_max(version, Ordering::Relaxed);
        if let Some(arrivals) = &self.arrivals {
            arrivals.lock().unwrap().push((version, at));
        }
    }
}

/// The top-level `"version":n` of a push, read without parsing the rest:
/// the participants a push carries have no `version`, and a `"` inside a
/// string is escaped, so the first match is the push's own.
fn version_in(text: &str) -> Option<i64> {
    let rest = &text[text.find("\"version\":")? + "\"version\":".len()..];
    let digits: String = rest
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// Opens `count` sockets on appointment `id`, the first `sampled` of them
/// keeping arrival times; each hello must carry `version`.
pub fn open_many(
    base: &str,
    id: &str,
    count: usize,
    sampled: usize,
    version: Option<i64>,
) -> Result<Vec<Socket>, String> {
    (0..count)
        .map(|n| {
            let (socket, hello) = Socket::open(base, id, n < sampled)?;
            match version {
                Some(v) if v != hello => Err(format!(
                    "socket {n}: hello says version {hello}, the view {v}"
                )),
                _ => Ok(socket),
            }
        })
        .collect()
}

/// Waits up to `within` for every socket to have heard `version`; how
/// many are still behind, and how long the wait took.
pub fn settle(sockets: &[&Socket], version: i64, within: Duration) -> (usize, Duration) {
    let started = Instant::now();
    loop {
        let behind = sockets.iter().filter(|s| s.version() != version).count();
        if behind == 0 || started.elapsed() >= within {
            return (behind, started.elapsed());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Push lag: for each acknowledged update `(version, answered at)` and
/// each sampled socket, the time from the answer to the first message
/// carrying that version or a newer one (zero when it came first). The
/// second value counts pairs where no such message ever came.
pub fn lags(answered: &[(i64, Instant)], sampled: &[Arc<Heard>]) -> (Vec<Duration>, usize) {
    let mut out = Vec::with_capacity(answered.len() * sampled.len());
    let mut never = 0;
    for heard in sampled {
        let Some(arrivals) = &heard.arrivals else {
            continue;
        };
        let mut arrivals = arrivals.lock().unwrap().clone();
        arrivals.sort_by_key(|(v, at)| (*v, *at));
        // first[i]: the earliest arrival of any message at arrivals[i]'s
        // version or newer (the same as the first in arrival order when
        // versions only grow, as they must).
        let mut first: Vec<Instant> = arrivals.iter().map(|(_, t)| *t).collect();
        for i in (0..first.len().saturating_sub(1)).rev() {
            first[i] = first[i].min(first[i + 1]);
        }
        for &(version, at) in answered {
            match first.get(arrivals.partition_point(|(v, _)| *v < version)) {
                Some(t) => out.push(t.saturating_duration_since(at)),
                None => never += 1,
            }
        }
    }
    (out, never)
}
