//! The worst view an appointment can have: 1,000 participants, each with an
//! alternating pattern (the most ranges a grid allows) on the largest grid
//! (31 days × 144 ten-minute slots). How large it is, how much resident
//! memory workerd gains while it is built, and how a repeated read of the
//! unchanged appointment compares with the do-nothing round trip.

use crate::http;
use crate::setup::{self, Bench, Shape};
use serde_json::json;
use std::time::{Duration, Instant};
use support::group::ProcStat;

pub const PARTICIPANTS: usize = 1_000;
const SHAPE: Shape = Shape {
    days: 31,
    start: "00:00",
    end: "24:00",
    slot_minutes: 10,
};
/// Repeated reads of the unchanged view.
const REPEATS: usize = 100;

#[derive(Default)]
pub struct WorstView {
    pub participants: usize,
    pub raw_bytes: usize,
    pub gzip_bytes: usize,
    /// Resident memory of the server's workerd processes, before and after
    /// the first read (kB).
    pub rss_before_kb: u64,
    pub rss_after_kb: u64,
    pub first: Duration,
    /// Repeated reads as a browser makes them (`Accept-Encoding: gzip`).
    pub repeated: Vec<Duration>,
    /// Bytes each of those carried over the wire.
    pub repeated_wire_bytes: usize,
    /// Repeated reads by a client that takes no compression.
    pub repeated_raw: Vec<Duration>,
    pub error: Option<String>,
}

impl WorstView {
    pub fn rss_added_bytes(&self) -> f64 {
        self.rss_after_kb.saturating_sub(self.rss_before_kb) as f64 * 1024.0
    }

    pub fn to_json(&self) -> serde_json::Value {
        json!({
            "participants": self.participants,
            "raw_bytes": self.raw_bytes,
            "gzip_bytes": self.gzip_bytes,
            "workerd_rss_before_kb": self.rss_before_kb,
            "workerd_rss_after_kb": self.rss_after_kb,
            "first_read_ms": self.first.as_secs_f64() * 1e3,
            "repeated_reads": http::Stats::of(&self.repeated).to_json(),
            "repeated_read_wire_bytes": self.repeated_wire_bytes,
            "repeated_raw_reads": http::Stats::of(&self.repeated_raw).to_json(),
            "error": self.error,
        })
    }
}

/// Resident memory of the server's workerd processes, in kB.
pub fn workerd_rss_kb() -> u64 {
    let Some(group) = crate::cpu::SERVER_GROUP.get().copied() else {
        return 0;
    };
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    entries
        .flatten()
        .filter(|e| {
            ProcStat::read(&e.path().join("stat"))
                .is_some_and(|s| s.group() == Some(group) && s.comm == "workerd")
        })
        .filter_map(|e| std::fs::read_to_string(e.path().join("status")).ok())
        .filter_map(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .sum()
}

/// Every other slot available, from the first or the second.
fn alternating(slots: usize, offset: usize) -> Vec<u8> {
    let ranges: Vec<[usize; 2]> = (offset..slots).step_by(2).map(|i| [i, i + 1]).collect();
    serde_json::to_vec(&json!({"changes": [{"level": "available", "slots": ranges}]}))
        .expect("serialise")
}

pub fn run(bench: &Bench, cap: Duration) -> WorstView {
    let mut out = WorstView::default();
    if let Err(e) = measure(bench, cap, &mut out) {
        eprintln!("bench: worst view: {e}");
        out.error = Some(e);
    }
    out
}

/// The worst case: an appointment of the largest grid that [`PARTICIPANTS`]
/// people answered with alternating patterns. Its id and the first painter.
pub fn worst_case(
    bench: &Bench,
    agent: &ureq::Agent,
    label: &str,
    deadline: Instant,
) -> Result<(String, setup::Painter), String> {
    let id = setup::create(bench, agent, label, SHAPE)?;
    let slots = SHAPE.slots();
    let bodies = [alternating(slots, 0), alternating(slots, 1)];
    let mut first = None;
    for n in 0..PARTICIPANTS {
        if Instant::now() > deadline {
            return Err(format!("only {n} participants before the deadline"));
        }
        let (painter, _) = setup::join(
            bench,
            agent,
            &id,
            &format!("P{n:04}"),
            None,
            slots,
            n as u64,
        )?;
        let answer = http::send(
            agent,
            "PATCH",
            &painter.url,
            Some(&painter.token),
            Some(&bodies[n % 2]),
        )?;
        if answer.status != 200 {
            return Err(format!("paint: {}", answer.describe()));
        }
        first.get_or_insert(painter);
    }
    Ok((id, first.ok_or("no participant")?))
}

fn measure(bench: &Bench, cap: Duration, out: &mut WorstView) -> Result<(), String> {
    let deadline = bench.deadline(cap);
    let agent = http::agent();
    let (id, _) = worst_case(bench, &agent, "worst view", deadline)?;
    let url = bench.url(&format!("/api/appointments/{id}"));
    out.rss_before_kb = workerd_rss_kb();
    let first = http::send(&agent, "GET", &url, None, None)?;
    out.rss_after_kb = workerd_rss_kb();
    if first.status != 200 {
        return Err(format!("view: {}", first.describe()));
    }
    out.first = first.elapsed;
    out.raw_bytes = first.body.len();
    out.gzip_bytes = crate::fair::gzip_len(&first.body);
    out.participants = first.json()["participants"].as_array().map_or(0, Vec::len);
    let gzip = [("Accept-Encoding", "gzip")];
    for _ in 0..REPEATS {
        if Instant::now() > deadline {
            break;
        }
        let again = http::send_with_headers(&agent, "GET", &url, None, None, &gzip)?;
        if again.status != 200 || gunzip_len(&again.body) != Some(out.raw_bytes) {
            return Err(format!("repeated gzip view: {}", again.describe()));
        }
        out.repeated_wire_bytes = again.body.len();
        out.repeated.push(again.elapsed);
        let raw = http::send(&agent, "GET", &url, None, None)?;
        if raw.status != 200 || raw.body.len() != out.raw_bytes {
            return Err(format!("repeated view: {}", raw.describe()));
        }
        out.repeated_raw.push(raw.elapsed);
    }
    Ok(())
}

/// The length of `bytes` gunzipped, or `None` if they are not gzip.
fn gunzip_len(bytes: &[u8]) -> Option<usize> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .ok()?;
    Some(out.len())
}
