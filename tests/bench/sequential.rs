//! One request at a time over one connection: the baselines (a Worker-only
//! request and the do-nothing Durable Object round trip) and the full-grid
//! updates, interleaved round by round so that all of them see the same
//! moments of a noisy machine.

use crate::cpu::{self, Usage};
use crate::grid;
use crate::http::{self, Stats};
use crate::setup::{self, Bench, Shape};
use std::time::{Duration, Instant};

/// One grid size, how many of its slots each update repaints (all of them,
/// or one for the smallest update), and what the updates measured.
pub struct FullGrid {
    pub slots: usize,
    pub painted: usize,
    pub latencies: Vec<Duration>,
    /// `x-rows-written` of every update.
    pub rows_written: Vec<u64>,
}

pub struct Sequential {
    /// `HEAD /api/appointments/{id}`: Worker → Durable Object → one row read.
    pub object: Vec<Duration>,
    /// `GET /api/health`: the Worker alone.
    pub worker: Vec<Duration>,
    pub grids: Vec<FullGrid>,
    pub errors: usize,
    pub error_samples: Vec<String>,
    pub truncated: bool,
    pub cpu: Usage,
}

const WARM_UP_ROUNDS: usize = 20;

/// A participant of an appointment whose whole grid it repaints, switching
/// between all `available` and all `if_needed`, so every update writes.
struct Repainter {
    head_url: String,
    patch_url: String,
    token: String,
    bodies: [Vec<u8>; 2],
    result: FullGrid,
}

/// `rounds` rounds of: health, then for each grid a HEAD of its object and
/// a full-grid update.
pub fn run(bench: &Bench, rounds: usize, cap: Duration) -> Sequential {
    let agent = http::agent();
    // (title, days, whether each update repaints one slot instead of all)
    let shapes = [
        ("7 days × 24 h × 10 min", 7, false),
        ("31 days × 24 h × 10 min", 31, false),
        ("31 days × 24 h × 10 min, one slot", 31, true),
    ];
    let mut grids: Vec<Repainter> = shapes
        .iter()
        .map(|(title, days, one_slot)| {
            let shape = Shape {
                days: *days,
                start: "00:00",
                end: "24:00",
                slot_minutes: 10,
            };
            let id = setup::create(bench, &agent, title, shape).unwrap_or_else(|e| panic!("{e}"));
            let (p, _) = setup::join(bench, &agent, &id, "전체", None, shape.slots(), 1)
                .unwrap_or_else(|e| panic!("{e}"));
            let slots = shape.slots();
            let painted = if *one_slot { 1 } else { slots };
            Repainter {
                head_url: bench.url(&format!("/api/appointments/{id}")),
                patch_url: p.url,
                token: p.token,
                bodies: [
                    grid::body(&grid::full_grid(grid::AVAILABLE, painted)),
                    grid::body(&grid::full_grid(grid::IF_NEEDED, painted)),
                ],
                result: FullGrid {
                    slots,
                    painted,
                    latencies: Vec::new(),
                    rows_written: Vec::new(),
                },
            }
        })
        .collect();
    let health = bench.url("/api/health");
    let mut out = Sequential {
        object: Vec::new(),
        worker: Vec::new(),
        grids: Vec::new(),
        errors: 0,
        error_samples: Vec::new(),
        truncated: false,
        cpu: Usage::default(),
    };
    let deadline = bench.deadline(cap);
    let before = cpu::snapshot();
    for round in 0..WARM_UP_ROUNDS + rounds {
        if Instant::now() >= deadline {
            out.truncated = true;
            break;
        }
        let measured = round >= WARM_UP_ROUNDS;
        match http::send(&agent, "GET", &health, None, None) {
            Ok(a) if a.status == 200 => {
                if measured {
                    out.worker.push(a.elapsed);
                }
            }
            Ok(a) => fail(&mut out, format!("GET /api/health: {}", a.describe())),
            Err(e) => fail(&mut out, e),
        }
        for g in &mut grids {
            match http::send(&agent, "HEAD", &g.head_url, None, None) {
                Ok(a) if a.status == 200 => {
                    if measured {
                        out.object.push(a.elapsed);
                    }
                }
                Ok(a) => fail(&mut out, format!("HEAD: {}", a.describe())),
                Err(e) => fail(&mut out, e),
            }
            let body = &g.bodies[round % 2];
            match http::send(&agent, "PATCH", &g.patch_url, Some(&g.token), Some(body)) {
                Ok(a) if a.status == 200 => {
                    if measured {
                        g.result.latencies.push(a.elapsed);
                        g.result.rows_written.extend(a.rows_written);
                    }
                }
                Ok(a) => fail(&mut out, format!("full-grid PATCH: {}", a.describe())),
                Err(e) => fail(&mut out, e),
            }
        }
    }
    out.cpu = cpu::snapshot().since(&before);
    out.grids = grids.into_iter().map(|g| g.result).collect();
    out
}

fn fail(out: &mut Sequential, message: String) {
    out.errors += 1;
    if out.error_samples.len() < 5 {
        out.error_samples.push(message);
    }
}

impl Sequential {
    pub fn object_stats(&self) -> Stats {
        Stats::of(&self.object)
    }

    pub fn worker_stats(&self) -> Stats {
        Stats::of(&self.worker)
    }

    pub fn to_json(&self) -> serde_json::Value {
        let grids: Vec<serde_json::Value> = self
            .grids
            .iter()
            .map(|g| {
                serde_json::json!({
                    "slots": g.slots,
                    "painted": g.painted,
                    "latency": Stats::of(&g.latencies).to_json(),
                    "rows_written_min": g.rows_written.iter().min(),
                    "rows_written_max": g.rows_written.iter().max(),
                    "rows_written_reported": g.rows_written.len(),
                })
            })
            .collect();
        serde_json::json!({
            "durable_object_head": self.object_stats().to_json(),
            "worker_health": self.worker_stats().to_json(),
            "full_grid_updates": grids,
            "errors": self.errors,
            "error_samples": self.error_samples,
            "truncated_at_deadline": self.truncated,
            "cpu": self.cpu.to_json(),
        })
    }
}
