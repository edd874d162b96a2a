//! A client of an appointment's live socket that reads with a deadline, so
//! a push that never comes fails the test instead of hanging it. It also
//! speaks the client's side: `auth`, `update` frames and raw text, and
//! keeps the pushes (`update`, `view`) that arrive while it waits for an
//! answer, so a test can replay everything the socket heard.

use super::Server;
use serde_json::Value;
use std::net::TcpStream;
use std::time::{Duration, Instant};
use tungstenite::protocol::frame::coding::CloseCode;
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

/// What one read of a socket whose reads time out got.
pub enum Received {
    Text(String),
    /// A close frame, with its code when it had one.
    Closed(Option<u16>),
    /// Nothing yet: the read timed out, or brought a ping or binary frame.
    Nothing,
    /// The connection ended without a close frame.
    Ended(tungstenite::Error),
}

/// Reads once from `socket` (the tests' sockets and the bench's).
pub fn read_once(socket: &mut WebSocket<MaybeTlsStream<TcpStream>>) -> Received {
    match socket.read() {
        Ok(Message::Text(text)) => Received::Text(text.to_string()),
        Ok(Message::Close(frame)) => Received::Closed(frame.map(|f| u16::from(f.code))),
        Ok(_) => Received::Nothing,
        Err(tungstenite::Error::Io(e))
            if matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ) =>
        {
            Received::Nothing
        }
        Err(e) => Received::Ended(e),
    }
}

/// How long any one expected message may take to arrive.
const WAIT: Duration = Duration::from_secs(10);

/// One open `GET /api/appointments/{id}/live` WebSocket.
pub struct Live {
    socket: WebSocket<MaybeTlsStream<TcpStream>>,
    name: String,
    /// The version the server's `hello` carried.
    pub hello: i64,
    /// Pushes that arrived while [`Live::reply`] waited for an answer, in
    /// order, with their arrival times.
    pushes: Vec<(Instant, Value)>,
}

/// What the socket delivered next.
#[derive(Debug)]
pub enum Event {
    /// A text message.
    Text(String),
    /// A close frame with its code (`None` when it carried none).
    Closed(Option<u16>),
}

impl Live {
    /// Opens the live socket of appointment `id` and reads its `hello`;
    /// panics unless the handshake succeeds. `name` labels failure
    /// messages.
    #[track_caller]
    pub fn connect(server: &Server, id: &str, name: &str) -> Live {
        let url = format!(
            "ws://127.0.0.1:{}/api/appointments/{id}/live",
            server.port()
        );
        let (mut socket, _) = tungstenite::connect(&url)
            .unwrap_or_else(|e| panic!("the live socket {name} of {id} opens: {e}"));
        if let MaybeTlsStream::Plain(tcp) = socket.get_mut() {
            tcp.set_read_timeout(Some(Duration::from_millis(250)))
                .expect("set a read timeout");
        }
        let mut live = Live {
            socket,
            name: name.to_string(),
            hello: 0,
            pushes: Vec::new(),
        };
        let hello = live.next_json();
        assert_eq!(
            hello["type"], "hello",
            "socket {name}: the first message: {hello}"
        );
        live.hello = hello["version"]
            .as_i64()
            .unwrap_or_else(|| panic!("socket {name}: hello carries the version: {hello}"));
        live
    }

    /// The status with which the handshake for appointment `id` is refused,
    /// or `None` when a socket opens.
    pub fn refused_status(server: &Server, id: &str) -> Option<u16> {
        let url = format!(
            "ws://127.0.0.1:{}/api/appointments/{id}/live",
            server.port()
        );
        match tungstenite::connect(&url) {
            Err(tungstenite::Error::Http(resp)) => Some(resp.status().as_u16()),
            Err(e) => panic!("the handshake for {id} neither opened nor was refused: {e}"),
            Ok(_) => None,
        }
    }

    /// The next text message or close frame; pings, pongs and binary
    /// frames are skipped. Panics after [`WAIT`] or when the connection ends
    /// without a close frame.
    #[track_caller]
    pub fn next_event(&mut self) -> Event {
        let deadline = Instant::now() + WAIT;
        match self.event_before(deadline) {
            Some(event) => event,
            None => panic!("socket {}: nothing arrived within {WAIT:?}", self.name),
        }
    }

    /// The next text message or close frame, or `None` when nothing came
    /// before `deadline` (checked every 250 ms at least). Panics when the
    /// connection ends without a close frame.
    #[track_caller]
    pub fn event_before(&mut self, deadline: Instant) -> Option<Event> {
        loop {
            match read_once(&mut self.socket) {
                Received::Text(text) => return Some(Event::Text(text)),
                Received::Closed(code) => return Some(Event::Closed(code)),
                Received::Nothing => {}
                Received::Ended(e) => panic!("socket {}: the connection ended: {e}", self.name),
            }
            if Instant::now() >= deadline {
                return None;
            }
        }
    }

    /// How long one read may block, so [`Live::event_before`] can stop
    /// soon after its deadline.
    pub fn set_read_timeout(&mut self, timeout: Duration) {
        if let MaybeTlsStream::Plain(tcp) = self.socket.get_mut() {
            tcp.set_read_timeout(Some(timeout))
                .expect("set a read timeout");
        }
    }

    /// Sends a text frame as it is; panics when it cannot be sent.
    #[track_caller]
    pub fn send_text(&mut self, text: &str) {
        if let Err(e) = self.try_send_text(text) {
            panic!(
                "socket {}: sending {} bytes failed: {e}",
                self.name,
                text.len()
            );
        }
    }

    /// Sends a text frame; an error when the connection no longer takes it
    /// (the server may have closed it).
    pub fn try_send_text(&mut self, text: &str) -> Result<(), String> {
        self.socket
            .send(Message::Text(text.into()))
            .map_err(|e| e.to_string())
    }

    /// Sends a JSON value as one text frame.
    #[track_caller]
    pub fn send_json(&mut self, value: &Value) {
        self.send_text(&value.to_string());
    }

    /// The next message that is not a push (`update` or `view`): the
    /// answer to what this client sent. Pushes met on the way are kept
    /// (see [`Live::take_pushes`]).
    #[track_caller]
    pub fn reply(&mut self) -> Value {
        loop {
            let message = self.next_json();
            if matches!(message["type"].as_str(), Some("update" | "view")) {
                self.pushes.push((Instant::now(), message));
            } else {
                return message;
            }
        }
    }

    /// The pushes [`Live::reply`] stepped over since the last call.
    pub fn take_pushes(&mut self) -> Vec<(Instant, Value)> {
        std::mem::take(&mut self.pushes)
    }

    /// Sends `{"type":"auth","token":token}`; the answer.
    #[track_caller]
    pub fn auth(&mut self, token: &str) -> Value {
        self.send_json(&serde_json::json!({ "type": "auth", "token": token }));
        self.reply()
    }

    /// Signs in as participant `pid` with `token`; panics unless the
    /// answer is `{"type":"auth","participant":pid}`.
    #[track_caller]
    pub fn sign_in(&mut self, token: &str, pid: &str) {
        let answer = self.auth(token);
        assert_eq!(
            answer,
            serde_json::json!({ "type": "auth", "participant": pid }),
            "socket {}: signing in as {pid}",
            self.name
        );
    }

    /// Sends `{"type":"update","seq":seq,"changes":changes}` (naming
    /// `participant` when given); the answer, an `ack` or an `error`.
    #[track_caller]
    pub fn update(&mut self, seq: u64, changes: &Value, participant: Option<&str>) -> Value {
        let mut frame = serde_json::json!({ "type": "update", "seq": seq, "changes": changes });
        if let Some(pid) = participant {
            frame["participant"] = Value::from(pid);
        }
        self.send_json(&frame);
        self.reply()
    }

    /// Reads until the server closes the socket; the close code. Text
    /// messages on the way are skipped. Panics when nothing closes it
    /// within [`WAIT`], or when the connection ends without a close frame.
    #[track_caller]
    pub fn expect_closed(&mut self) -> Option<u16> {
        let deadline = Instant::now() + WAIT;
        loop {
            match self.event_before(deadline) {
                Some(Event::Closed(code)) => return code,
                Some(Event::Text(_)) => {}
                None => panic!("socket {}: not closed within {WAIT:?}", self.name),
            }
        }
    }

    /// The next message, which must be a JSON text.
    #[track_caller]
    pub fn next_json(&mut self) -> Value {
        match self.next_event() {
            Event::Text(text) => serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("socket {}: {text:?} is not JSON: {e}", self.name)),
            Event::Closed(code) => panic!(
                "socket {}: closed ({code:?}) while a message was expected",
                self.name
            ),
        }
    }

    /// The next message, which must be `{"type":"update","version":version,…}`.
    #[track_caller]
    pub fn expect_update(&mut self, version: i64) -> Value {
        self.expect("update", version)
    }

    /// The next message, which must be `{"type":"view","version":version}`.
    #[track_caller]
    pub fn expect_view(&mut self, version: i64) -> Value {
        self.expect("view", version)
    }

    #[track_caller]
    fn expect(&mut self, kind: &str, version: i64) -> Value {
        let message = self.next_json();
        assert_eq!(
            (&message["type"], &message["version"]),
            (&Value::from(kind), &Value::from(version)),
            "socket {}: the next push is the {kind} of version {version}: {message}",
            self.name
        );
        message
    }

    /// Sends "ping" and expects "pong" back as the next message.
    #[track_caller]
    pub fn ping(&mut self) {
        self.socket
            .send(Message::Text("ping".into()))
            .unwrap_or_else(|e| panic!("socket {}: sending ping failed: {e}", self.name));
        match self.next_event() {
            Event::Text(t) if t == "pong" => {}
            other => panic!("socket {}: ping got {other:?}, not pong", self.name),
        }
    }

    /// Expects `{"type":"deleted"}` and then a normal close (1000).
    #[track_caller]
    pub fn expect_deleted_and_closed(&mut self) {
        let message = self.next_json();
        assert_eq!(
            message["type"], "deleted",
            "socket {}: the next push says the appointment is gone: {message}",
            self.name
        );
        match self.next_event() {
            Event::Closed(code) => assert_eq!(
                code,
                Some(u16::from(CloseCode::Normal)),
                "socket {}: closed normally",
                self.name
            ),
            Event::Text(t) => panic!(
                "socket {}: a message after \"deleted\" instead of the close: {t}",
                self.name
            ),
        }
    }
}
