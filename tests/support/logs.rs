//! What wrangler printed (the Worker's `console.log` lines among its own
//! decoration), for tests of the service's logs.

use super::Server;
use serde_json::Value;
use std::time::{Duration, Instant};

impl Server {
    /// Everything wrangler printed on stdout and stderr, over every run of
    /// this server (restarts append).
    pub fn output(&self) -> String {
        String::from_utf8_lossy(&std::fs::read(self.log_path()).unwrap_or_default()).into_owned()
    }

    /// Every printed line holding a JSON object, parsed: the `{…}` part of
    /// the line, since wrangler may decorate what the Worker logs.
    pub fn json_lines(&self) -> Vec<Value> {
        self.output().lines().filter_map(json_part).collect()
    }

    /// The request log lines: printed JSON objects with a `request_id`.
    pub fn request_logs(&self) -> Vec<Value> {
        self.json_lines()
            .into_iter()
            .filter(|line| line.get("request_id").is_some())
            .collect()
    }

    /// Every secret remembered so far: passwords, tokens and the likely
    /// stored forms of token hashes (see [`Server::remember_secret`]).
    pub fn known_secrets(&self) -> Vec<String> {
        self.secrets.lock().unwrap().clone()
    }

    /// Waits up to 10 s for a printed JSON line that satisfies `wanted`
    /// (output reaches the file a little after the response).
    #[track_caller]
    pub fn wait_for_json_line(&self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(line) = self.json_lines().into_iter().find(|l| wanted(l)) {
                return line;
            }
            assert!(
                Instant::now() < deadline,
                "no log line {what} within 10 s:\n{}",
                self.log_tail()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// The JSON object in a printed line, if it holds one.
fn json_part(line: &str) -> Option<Value> {
    let start = line.find('{')?;
    let end = line.rfind('}')?;
    if end < start {
        return None;
    }
    serde_json::from_str::<Value>(&line[start..=end])
        .ok()
        .filter(Value::is_object)
}
