//! Many appointments: the fair's load (200 participants × 20 updates of
//! about 100 slots, 50 at a time) spread over 200 appointments of one
//! participant each, so over 200 Durable Objects, and then the very same
//! updates on one appointment with 200 participants.

use crate::fair::{self, PARTICIPANTS, SHAPE};
use crate::http;
use crate::load::{self, Outcome};
use crate::setup::{self, Bench, Check, Painter};
use std::time::{Duration, Instant};

const SETUP_CONCURRENCY: usize = 10;

pub struct Many {
    /// Creating the 200 appointments (D1 index and object), 10 at a time.
    pub creates: Outcome,
    pub spread: Outcome,
    pub single: Outcome,
    pub spread_check: Check,
    pub single_check: Check,
}

pub fn run(bench: &Bench, cap: Duration) -> Many {
    let agent = http::agent();
    let seats: Vec<(usize, Option<Painter>)> = (0..PARTICIPANTS).map(|i| (i, None)).collect();
    let (creates, seats) = load::run(
        seats,
        SETUP_CONCURRENCY,
        bench.deadline(cap),
        |agent, seat, rec, _| {
            let started = Instant::now();
            let joined = setup::create(bench, agent, &format!("동아리 {:03}", seat.0), SHAPE)
                .and_then(|id| {
                    rec.ok(started.elapsed());
                    setup::join(
                        bench,
                        agent,
                        &id,
                        "회장",
                        None,
                        SHAPE.slots(),
                        seat.0 as u64,
                    )
                });
            match joined {
                Ok((painter, _)) => seat.1 = Some(painter),
                Err(e) => rec.error(e),
            }
        },
    );
    let spread: Vec<Painter> = seats.into_iter().filter_map(|s| s.1).collect();
    let missing = PARTICIPANTS - spread.len();

    let one = setup::create(bench, &agent, "한 곳에 모두", SHAPE).unwrap_or_else(|e| panic!("{e}"));
    let (_, single) = fair::join_all(bench, &one, PARTICIPANTS, false, SETUP_CONCURRENCY, cap);
    let version_before = setup::version(bench, &agent, &one);

    let (mut spread_load, spread) = fair::paint_all(bench, spread, cap);
    spread_load.errors += missing;
    let (mut single_load, single) = fair::paint_all(bench, single, cap);
    single_load.errors += PARTICIPANTS - single.len();

    let mut spread_check = Check::default();
    let deadline = bench.deadline(cap);
    for p in &spread {
        if Instant::now() >= deadline {
            break;
        }
        spread_check.add(setup::check(bench, &agent, &p.appointment, &[p], None));
    }
    spread_check.lost += PARTICIPANTS - spread_check.checked;
    let refs: Vec<&Painter> = single.iter().collect();
    let mut single_check = setup::check(bench, &agent, &one, &refs, version_before);
    single_check.lost += PARTICIPANTS - single.len();
    Many {
        creates,
        spread: spread_load,
        single: single_load,
        spread_check,
        single_check,
    }
}

impl Many {
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "create_appointment_at_10": self.creates.to_json(),
            "spread_over_200_appointments": self.spread.to_json(),
            "one_appointment": self.single.to_json(),
            "spread_check": self.spread_check.to_json(),
            "one_appointment_check": self.single_check.to_json(),
        })
    }
}
