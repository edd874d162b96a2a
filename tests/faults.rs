//! A crash in the middle of a stream of updates loses nothing that was
//! acknowledged: 20 people paint from several threads, the whole `wrangler
//! dev` process group is SIGKILLed while they do, and after a restart on the
//! same storage every participant shows their last acknowledged update (or
//! the one that was in flight at the crash), counts and best windows agree
//! with everyone's state, and the version counts exactly the changes that
//! landed. An expiry alarm set before the crash still fires after it.

use chrono::Days;
use serde_json::json;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use support::api::*;
use support::model::{self, Level, Rng};
use support::Server;

const STATS: &str = "operator-token-for-faults-6502";
const PEOPLE: usize = 20;
const THREADS: usize = 4;
/// Acknowledged updates before the crash.
const KILL_AFTER: usize = 200;
const PER_DAY: usize = 18;
const SLOTS: usize = 2 * PER_DAY;

/// What one participant's painter knows when the server dies.
struct Painter {
    pid: String,
    token: String,
    /// The state after the last acknowledged update.
    acked: Vec<Level>,
    /// Acknowledged updates that changed something.
    acked_changes: i64,
    highest_version: i64,
    /// The state if the update in flight at the crash landed.
    in_flight: Option<Vec<Level>>,
}

#[test]
fn a_crash_under_load_loses_no_acknowledged_update() {
    // Own server: it kills and restarts it, and counts everything on it.
    // Weekdays appointments expire 15 s after their last change here: one
    // created right before the crash must be deleted by its alarm after it.
    let mut server = Server::start_with_vars(&[
        ("STATS_TOKEN", STATS),
        ("EXPIRY_WEEKDAYS_GRACE_SECONDS", "15"),
    ]);
    server.remember_secret(STATS);
    let day = today_in("Asia/Seoul") + Days::new(6);
    let c = create(
        &server,
        &json!({"title": "crash test", "timezone": "Asia/Seoul",
                "dates": [iso(day), iso(day + Days::new(1))],
                "start": "09:00", "end": "18:00", "slot_minutes": 30}),
    );
    let id = c.id.as_str();
    assert_eq!(c.view["slots"].as_array().map(Vec::len), Some(SLOTS));
    let mut painters: Vec<Painter> = (0..PEOPLE)
        .map(|n| {
            let j = join(&server, id, &format!("Painter {n:02}"), None);
            Painter {
                pid: j.pid,
                token: j.token,
                acked: vec![Level::None; SLOTS],
                acked_changes: 0,
                highest_version: 0,
                in_flight: None,
            }
        })
        .collect();
    let base_version = 1 + PEOPLE as i64;
    assert_eq!(version(&server, id), base_version);

    let acked = AtomicUsize::new(0);
    let killed = AtomicBool::new(false);
    let doomed = std::thread::scope(|s| {
        let mut shares: Vec<Vec<&mut Painter>> = (0..THREADS).map(|_| Vec::new()).collect();
        for (n, p) in painters.iter_mut().enumerate() {
            shares[n % THREADS].push(p);
        }
        let workers: Vec<_> = shares
            .into_iter()
            .enumerate()
            .map(|(t, mine)| {
                let (server, acked, killed) = (&server, &acked, &killed);
                s.spawn(move || paint_until_cut_off(server, id, t, mine, acked, killed))
            })
            .collect();
        let deadline = Instant::now() + Duration::from_secs(60);
        while acked.load(Ordering::SeqCst) < KILL_AFTER
            && !workers.iter().any(|w| w.is_finished())
            && Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_millis(5));
        }
        // Created under the load, just before the crash: its 15 s run from
        // here, however long the load took to build up on a busy machine.
        let doomed = create(
            &server,
            &json!({"title": "expires after the crash", "timezone": "Asia/Seoul",
                    "weekdays": ["fri"], "start": "09:00", "end": "10:00"}),
        );
        killed.store(true, Ordering::SeqCst);
        server.kill_hard();
        doomed
    });
    let doomed_expiry = parse_utc(doomed.view["expires_at"].as_str().expect("expires_at"));
    assert!(
        chrono::Utc::now() < doomed_expiry,
        "the crash came before the weekdays appointment expired"
    );
    let total_acked = acked.load(Ordering::SeqCst);
    assert!(
        total_acked >= KILL_AFTER,
        "the load reached {KILL_AFTER} acknowledged updates before the crash, not {total_acked}"
    );
    let in_flight = painters.iter().filter(|p| p.in_flight.is_some()).count();
    eprintln!("crashed after {total_acked} acknowledged updates, {in_flight} in flight");

    server.restart();

    let v = view(&server, id);
    let mut states: Vec<(String, Vec<Level>)> = Vec::new();
    let mut landed_in_flight = 0;
    for p in &painters {
        let shown = participant(&v, &p.pid);
        let shown = model::shown(shown);
        let as_json = |s: &[Level]| {
            (
                model::ranges(s, Level::Available),
                model::ranges(s, Level::IfNeeded),
            )
        };
        let acked = as_json(&p.acked);
        let state = if shown == acked {
            p.acked.clone()
        } else {
            let pending = p.in_flight.as_ref().unwrap_or_else(|| {
                panic!(
                    "participant {} lost its last acknowledged update: shows {shown:?}, \
                     acknowledged {acked:?}, nothing was in flight",
                    p.pid
                )
            });
            let after = as_json(pending);
            assert_eq!(
                shown, after,
                "participant {} shows neither its last acknowledged update {acked:?} \
                 nor the one in flight",
                p.pid
            );
            landed_in_flight += 1;
            pending.clone()
        };
        states.push((p.pid.clone(), state));
    }
    assert_eq!(
        v["counts"],
        model::counts(states.iter().map(|(_, s)| s), SLOTS),
        "counts are the sum over everyone's state"
    );
    let day_of: Vec<usize> = (0..SLOTS).map(|i| i / PER_DAY).collect();
    assert_eq!(
        normalise_best(&v["best"]),
        model::best(&day_of, &states, 1),
        "best windows follow everyone's state"
    );
    eprintln!("{landed_in_flight} of the {in_flight} updates in flight landed");
    let highest = painters
        .iter()
        .map(|p| p.highest_version)
        .max()
        .unwrap_or(0);
    let changes: i64 = painters.iter().map(|p| p.acked_changes).sum();
    let shown_version = v["version"].as_i64().expect("version");
    assert!(
        shown_version >= highest,
        "version {shown_version} is below an acknowledged {highest}"
    );
    assert_eq!(
        shown_version,
        base_version + changes + landed_in_flight,
        "one version per change that landed ({changes} acknowledged, \
         {landed_in_flight} of those in flight)"
    );

    // The index agrees, and the alarm set before the crash fires after it.
    assert_eq!(stats(&server, STATS)["participants"], PEOPLE);
    wait_for_stats(
        &server,
        STATS,
        "appointments",
        1,
        Duration::from_secs(40),
        "the expiry alarm set before the crash deletes its appointment",
    );
    server
        .get(&format!("/api/appointments/{}", doomed.id))
        .expect_error(404, "not_found");

    // Everyone's token still works and the appointment keeps counting.
    let p = &painters[0];
    let r = update(
        &server,
        id,
        &p.pid,
        Some(&p.token),
        json!([{"level": "if_needed", "slots": [[0, SLOTS]]}]),
    );
    assert_eq!(r.expect(200).json["version"], json!(shown_version + 1));
}

/// Sends random updates for `mine`, one person after another, until the
/// server is killed; records what was acknowledged and what was in flight.
fn paint_until_cut_off(
    server: &Server,
    id: &str,
    thread: usize,
    mut mine: Vec<&mut Painter>,
    acked: &AtomicUsize,
    killed: &AtomicBool,
) {
    let mut rng = Rng::new(1 + thread as u64);
    for turn in 0.. {
        if killed.load(Ordering::SeqCst) {
            return;
        }
        let n = mine.len();
        let p = &mut mine[turn % n];
        let changes = rng.update(SLOTS);
        let mut next = p.acked.clone();
        model::apply(&mut next, &changes);
        let path = format!("/api/appointments/{id}/participants/{}/availability", p.pid);
        let result = server
            .req("PATCH", &path)
            .token(Some(&p.token))
            .json(&json!({ "changes": model::changes_json(&changes) }))
            .send_unless_cut_off();
        match result {
            Ok(r) if r.status == 200 => {
                let shown = &r.json["participant"];
                assert_eq!(
                    model::shown(shown),
                    (
                        model::ranges(&next, Level::Available),
                        model::ranges(&next, Level::IfNeeded)
                    ),
                    "the answer shows the state after this update:\n{r}"
                );
                let version = r.json["version"].as_i64().expect("version");
                if next != p.acked {
                    p.acked_changes += 1;
                }
                p.highest_version = p.highest_version.max(version);
                p.acked = next;
                acked.fetch_add(1, Ordering::SeqCst);
            }
            // Whatever answers once the kill has begun is no acknowledgement.
            _ if killed.load(Ordering::SeqCst) => {
                p.in_flight = Some(next);
                return;
            }
            Ok(r) => panic!("before the crash every update succeeds:\n{r}"),
            Err(e) => panic!("before the crash, {path} failed: {e}"),
        }
    }
}
