//! The core on the host: real SQLite (in memory), no server. Each test
//! reads as the behaviour it checks; the shell's work shows as the
//! [`Effects`] a call returns.

mod edits;
mod joins;
mod lifecycle;
mod painting;
mod pushes;

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use serde_json::{json, Value};

use super::{Core, Effects, IndexWrite, Settings};
use crate::appointment::store::HostSql;
use crate::domain::ErrorCode;
use crate::error::ApiResult;
use crate::protocol::{Answer, Call, Command, Reply};

/// 2026-12-06T00:00:00Z.
const NOW: i64 = 1_796_515_200_000;
const MINUTE: i64 = 60_000;

/// Runs a future of the core to its end: on the host nothing it awaits
/// ever waits.
fn block_on<T>(future: impl Future<Output = T>) -> T {
    let mut future = pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(value) = future.as_mut().poll(&mut context) {
            return value;
        }
    }
}

/// An appointment's core over a fresh database.
struct Object {
    core: Core<HostSql>,
}

/// An answer read back: the reply and the body as JSON.
struct Got {
    reply: Reply,
    json: Value,
    effects: Effects,
}

impl Object {
    fn new() -> Object {
        Object::with(Settings::default())
    }

    fn with(settings: Settings) -> Object {
        Object {
            core: Core::open(HostSql::new(), settings),
        }
    }

    /// `command` from `client` with `token` and `body`, at `now`.
    fn call_from(
        &self,
        client: &str,
        command: Command,
        token: Option<&str>,
        body: Value,
        now: i64,
    ) -> (ApiResult<Answer>, Effects) {
        let call = Call {
            appointment: "appt".into(),
            request_id: "test".into(),
            origin: "https://example.test".into(),
            token: token.map(str::to_string),
            client: client.into(),
            command,
        };
        let body = match body {
            Value::Null => Vec::new(),
            v => v.to_string().into_bytes(),
        };
        block_on(self.core.handle(&call, &body, now))
    }

    fn call(&self, command: Command, token: Option<&str>, body: Value, now: i64) -> Got {
        let (answer, effects) = self.call_from("10.0.0.1", command, token, body, now);
        let answer = answer.unwrap_or_else(|e| panic!("refused: {e:?}"));
        let json = serde_json::from_slice(&answer.body).unwrap_or(Value::Null);
        Got {
            reply: answer.reply,
            json,
            effects,
        }
    }

    /// The code `command` is refused with.
    fn refused(&self, command: Command, token: Option<&str>, body: Value, now: i64) -> ErrorCode {
        self.refused_from("10.0.0.1", command, token, body, now)
    }

    fn refused_from(
        &self,
        client: &str,
        command: Command,
        token: Option<&str>,
        body: Value,
        now: i64,
    ) -> ErrorCode {
        match self.call_from(client, command, token, body, now).0 {
            Ok(a) => panic!("accepted: {:?}", a.reply),
            Err(e) => e.code(),
        }
    }

    /// Creates the appointment: three one-hour slots on 2026-12-10 in
    /// Seoul. The admin token.
    fn create(&self) -> String {
        let got = self.call(Command::Create, None, create_body(), NOW);
        got.json["admin_token"].as_str().unwrap().to_string()
    }

    /// Joins as `name`: the participant's id and token.
    fn join(&self, name: &str, password: Option<&str>) -> (String, String) {
        let got = self.call(Command::Join, None, join_body(name, password), NOW);
        (
            got.json["participant"]["id"].as_str().unwrap().to_string(),
            got.json["token"].as_str().unwrap().to_string(),
        )
    }

    /// Paints `slots` (`[start, end)` ranges) at `level` for `pid`.
    fn paint(&self, pid: &str, token: &str, level: &str, slots: Value, now: i64) -> Got {
        self.call(
            Command::Update {
                participant: pid.into(),
            },
            Some(token),
            json!({"changes": [{"level": level, "slots": slots}]}),
            now,
        )
    }

    fn view(&self, now: i64) -> Value {
        let got = self.call(view(), None, Value::Null, now);
        got.json
    }
}

fn create_body() -> Value {
    json!({"title": "동아리 회의", "timezone": "Asia/Seoul", "dates": ["2026-12-10"],
           "start": "09:00", "end": "12:00", "slot_minutes": 60})
}

fn join_body(name: &str, password: Option<&str>) -> Value {
    match password {
        Some(p) => json!({"name": name, "password": p}),
        None => json!({"name": name}),
    }
}

fn view() -> Command {
    Command::View {
        min_slots: None,
        if_none_match: None,
        head: false,
        gzip: false,
    }
}

/// A participant's level at each of the `slots` slots in a view (0 none,
/// 1 available, 2 if needed).
fn levels(view: &Value, pid: &str, slots: usize) -> Vec<u8> {
    use base64::Engine;
    let p = view["participants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == pid)
        .unwrap_or_else(|| panic!("{pid} is not in the view"));
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(p["levels"].as_str().unwrap())
        .unwrap();
    (0..slots)
        .map(|i| (bytes.get(i / 4).copied().unwrap_or(0) >> (2 * (i % 4))) & 3)
        .collect()
}
