//! How soon a change reaches the people watching: the time from sending an
//! availability update over HTTP to the WebSocket message that announces
//! its version, measured on one open socket.

use crate::grid;
use crate::http::{self, Stats};
use crate::setup::{self, Bench, Shape};
use std::collections::HashMap;
use std::sync::mpsc;
use std::time::{Duration, Instant};

const WARM_UP: usize = 10;

pub struct Live {
    pub latencies: Vec<Duration>,
    pub errors: usize,
}

impl Live {
    pub fn stats(&self) -> Stats {
        Stats::of(&self.latencies)
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "update_to_push": self.stats().to_json(), "errors": self.errors })
    }
}

/// `n` updates, one at a time, each timed until its push arrives.
pub fn run(bench: &Bench, n: usize, cap: Duration) -> Live {
    let mut out = Live {
        latencies: Vec::new(),
        errors: 0,
    };
    let agent = http::agent();
    let shape = Shape {
        days: 1,
        start: "09:00",
        end: "12:00",
        slot_minutes: 30,
    };
    let id = setup::create(bench, &agent, "live", shape).unwrap_or_else(|e| panic!("{e}"));
    let (p, _) = setup::join(bench, &agent, &id, "보는 사람", None, shape.slots(), 7)
        .unwrap_or_else(|e| panic!("{e}"));
    let url = format!(
        "{}/api/appointments/{id}/live",
        bench.base.replacen("http", "ws", 1)
    );
    let (mut socket, _) = tungstenite::connect(&url).unwrap_or_else(|e| panic!("live socket: {e}"));

    // The reader notes when each version's push arrives.
    let (arrivals, received) = mpsc::channel::<(u64, Instant)>();
    std::thread::spawn(move || {
        while let Ok(message) = socket.read() {
            let at = Instant::now();
            let Ok(text) = message.to_text() else {
                continue;
            };
            let value: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
            if let Some(version) = value["version"].as_u64() {
                if arrivals.send((version, at)).is_err() {
                    break;
                }
            }
        }
    });

    let bodies = [
        grid::body(&grid::full_grid(grid::AVAILABLE, 1)),
        grid::body(&grid::full_grid(grid::IF_NEEDED, 1)),
    ];
    let deadline = bench.deadline(cap);
    let mut early: HashMap<u64, Instant> = HashMap::new();
    for round in 0..WARM_UP + n {
        if Instant::now() >= deadline {
            break;
        }
        let sent = Instant::now();
        let answer = http::send(
            &agent,
            "PATCH",
            &p.url,
            Some(&p.token),
            Some(&bodies[round % 2]),
        );
        let version = match answer {
            Ok(a) if a.status == 200 => a.json()["version"].as_u64(),
            _ => None,
        };
        let Some(version) = version else {
            out.errors += 1;
            continue;
        };
        // The push may come before the HTTP answer; wait for it at most 2 s.
        let arrived = loop {
            if let Some(at) = early.remove(&version) {
                break Some(at);
            }
            match received.recv_timeout(Duration::from_secs(2)) {
                Ok((v, at)) if v == version => break Some(at),
                Ok((v, at)) => {
                    early.insert(v, at);
                }
                Err(_) => break None,
            }
        };
        match arrived {
            Some(at) if round >= WARM_UP => out.latencies.push(at.saturating_duration_since(sent)),
            Some(_) => {}
            None => out.errors += 1,
        }
    }
    out
}
