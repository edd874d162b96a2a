//! The campus fair: one appointment (7 days × 09:00–18:00 in 15-minute
//! slots = 252), 200 participants joining with a password, each sending 20
//! updates of about 100 slots, 50 participants at a time; then the lost-
//! update check and the appointment view with those 200 participants.
//! The do-nothing Durable Object round trip is loaded the same way (same
//! object, same concurrency, same request count) before and after, and a
//! Worker-only request once, as the throughput baselines.

use crate::http::{self, Stats};
use crate::load::{self, Outcome};
use crate::setup::{self, Bench, Check, Painter, Shape};
use std::io::Write;
use std::time::Duration;

pub const PARTICIPANTS: usize = 200;
pub const UPDATES_EACH: usize = 20;
pub const UPDATE_SLOTS: usize = 100;
pub const CONCURRENCY: usize = 50;
const VIEW_SAMPLES: usize = 100;

pub const SHAPE: Shape = Shape {
    days: 7,
    start: "09:00",
    end: "18:00",
    slot_minutes: 15,
};

pub struct Fair {
    /// `HEAD` of the fair's object at 50 connections, before the fair.
    pub object_before: Outcome,
    /// The same, after the fair.
    pub object_after: Outcome,
    /// `GET /api/health` at 50 connections.
    pub worker: Outcome,
    pub joins: Outcome,
    pub updates: Outcome,
    pub check: Check,
    pub view: Vec<Duration>,
    pub view_participants: usize,
    pub view_raw_bytes: usize,
    pub view_gzip_bytes: usize,
}

/// `PARTICIPANTS` series of `UPDATES_EACH` requests without a body,
/// `CONCURRENCY` at a time: the same shape as the fair's load.
pub fn pings(bench: &Bench, method: &'static str, url: &str, cap: Duration) -> Outcome {
    let series = vec![(); PARTICIPANTS];
    let (outcome, _) = load::run(
        series,
        CONCURRENCY,
        bench.deadline(cap),
        |agent, _, rec, deadline| {
            for _ in 0..UPDATES_EACH {
                if rec.past(deadline) {
                    return;
                }
                match http::send(agent, method, url, None, None) {
                    Ok(a) if a.status == 200 => rec.ok(a.elapsed),
                    Ok(a) => rec.error(format!("{method}: {}", a.describe())),
                    Err(e) => rec.error(e),
                }
            }
        },
    );
    outcome
}

/// Joins `count` participants to `appointment`, `concurrency` at a time;
/// the outcome (one request per participant) and those who joined.
pub fn join_all(
    bench: &Bench,
    appointment: &str,
    count: usize,
    password: bool,
    concurrency: usize,
    cap: Duration,
) -> (Outcome, Vec<Painter>) {
    let seats: Vec<(usize, Option<Painter>)> = (0..count).map(|i| (i, None)).collect();
    let (outcome, seats) = load::run(
        seats,
        concurrency,
        bench.deadline(cap),
        |agent, seat, rec, _| {
            let name = format!("학생 {:03}", seat.0);
            let password = password.then(|| format!("비밀번호-{:03}", seat.0));
            match setup::join(
                bench,
                agent,
                appointment,
                &name,
                password.as_deref(),
                SHAPE.slots(),
                seat.0 as u64,
            ) {
                Ok((painter, answer)) => {
                    rec.ok(answer.elapsed);
                    seat.1 = Some(painter);
                }
                Err(e) => rec.error(e),
            }
        },
    );
    (outcome, seats.into_iter().filter_map(|s| s.1).collect())
}

/// Every painter sends its series, `CONCURRENCY` at a time.
pub fn paint_all(bench: &Bench, painters: Vec<Painter>, cap: Duration) -> (Outcome, Vec<Painter>) {
    load::run(
        painters,
        CONCURRENCY,
        bench.deadline(cap),
        |agent, p, rec, deadline| p.paint(agent, rec, deadline, UPDATES_EACH, UPDATE_SLOTS),
    )
}

pub fn run(bench: &Bench, cap: Duration) -> Fair {
    let agent = http::agent();
    let id = setup::create(bench, &agent, "캠퍼스 박람회", SHAPE).unwrap_or_else(|e| panic!("{e}"));
    let head = bench.url(&format!("/api/appointments/{id}"));
    let worker = pings(bench, "GET", &bench.url("/api/health"), cap);
    let object_before = pings(bench, "HEAD", &head, cap);
    let (joins, painters) = join_all(bench, &id, PARTICIPANTS, true, CONCURRENCY, cap);
    let version_before = setup::version(bench, &agent, &id);
    let (mut updates, painters) = paint_all(bench, painters, cap);
    // A participant who could not join is a failed part of the load.
    updates.errors += PARTICIPANTS - painters.len();
    let object_after = pings(bench, "HEAD", &head, cap);
    let refs: Vec<&Painter> = painters.iter().collect();
    let mut check = setup::check(bench, &agent, &id, &refs, version_before);
    check.lost += PARTICIPANTS - painters.len();

    let mut view = Vec::new();
    let mut body = Vec::new();
    let deadline = bench.deadline(cap);
    for _ in 0..VIEW_SAMPLES {
        if std::time::Instant::now() >= deadline {
            break;
        }
        if let Ok(a) = http::send(&agent, "GET", &head, None, None) {
            if a.status == 200 {
                view.push(a.elapsed);
                body = a.body;
            }
        }
    }
    let view_participants = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v["participants"].as_array().map(Vec::len))
        .unwrap_or(0);
    Fair {
        object_before,
        object_after,
        worker,
        joins,
        updates,
        check,
        view,
        view_participants,
        view_raw_bytes: body.len(),
        view_gzip_bytes: gzip_len(&body),
    }
}

/// The size of `bytes` gzipped at the default level, as a server would
/// send them with `Content-Encoding: gzip`.
pub fn gzip_len(bytes: &[u8]) -> usize {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).expect("gzip in memory");
    encoder.finish().expect("gzip in memory").len()
}

impl Fair {
    /// Both runs of the do-nothing object at 50 connections, as one sample.
    pub fn object_stats(&self) -> Stats {
        let mut all = self.object_before.latencies.clone();
        all.extend(&self.object_after.latencies);
        Stats::of(&all)
    }

    /// The object baseline's requests per second: the mean of both runs.
    pub fn object_per_second(&self) -> f64 {
        (self.object_before.per_second() + self.object_after.per_second()) / 2.0
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "durable_object_head_at_50_before": self.object_before.to_json(),
            "durable_object_head_at_50_after": self.object_after.to_json(),
            "worker_health_at_50": self.worker.to_json(),
            "joins_with_password": self.joins.to_json(),
            "updates": self.updates.to_json(),
            "check": self.check.to_json(),
            "view": {
                "latency": Stats::of(&self.view).to_json(),
                "participants": self.view_participants,
                "raw_bytes": self.view_raw_bytes,
                "gzip_bytes": self.view_gzip_bytes,
            },
        })
    }
}
