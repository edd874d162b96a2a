//! The benchmark (`make bench`): starts a real `wrangler dev` on loopback
//! with its own empty state, measures, in one run, the baselines (a
//! Worker-only request and the do-nothing Durable Object round trip), the
//! full-grid update, the campus-fair load with its lost-update check, the
//! appointment view with 200 participants, the load spread over many
//! appointments, how soon a change is pushed to a live socket, and the
//! worst view (1,000 alternating patterns on the largest grid), then prints a table (every figure with its ratio to the
//! baseline of the same run, and the goals) and writes it as JSON to
//! `target/bench/results.json` plus a copy named after the start time.
//! Where the CPU went (server, this client, other processes) is measured
//! alongside, because the machine is shared.
//!
//! Bounded: about 25,000 requests, all to 127.0.0.1, and every phase stops
//! at its own deadline and at the run's (`BUDGET`). Needs the Worker built
//! (`sh scripts/build-worker.sh`). Settings, from the environment:
//! `BENCH_WRANGLER_LOG` (wrangler's `--log-level`, default `warn`) and
//! `BENCH_SERVER_DIR` (run the server of another checkout, with its own
//! build, to compare two builds; results still go to this `target/`).

mod cpu;
mod fair;
mod grid;
mod http;
mod live;
mod load;
mod many;
mod report;
mod sequential;
mod server;
mod setup;
mod summary;
mod view;

use std::time::{Duration, Instant};

/// The whole measurement, server start-up aside.
const BUDGET: Duration = Duration::from_secs(340);
/// Rounds of the one-at-a-time phase: each round sends one full-grid
/// update of each size.
const SEQUENTIAL_ROUNDS: usize = 300;

fn main() {
    let started_at = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    // `BENCH_WRANGLER_LOG=info` brings back wrangler's per-request log.
    let log_level = std::env::var("BENCH_WRANGLER_LOG").unwrap_or_else(|_| "warn".into());
    eprintln!("bench: starting wrangler dev …");
    let server = server::Server::start(&log_level);
    cpu::SERVER_GROUP.set(server.group()).expect("one server");
    let seoul: chrono_tz::Tz = "Asia/Seoul".parse().expect("a known zone");
    let bench = setup::Bench {
        base: server.base(),
        end: Instant::now() + BUDGET,
        first_date: chrono::Utc::now().with_timezone(&seoul).date_naive() + chrono::Days::new(1),
    };
    let clock = Instant::now();
    eprintln!("bench: baselines and full-grid updates, one at a time …");
    let seq = sequential::run(&bench, SEQUENTIAL_ROUNDS, Duration::from_secs(60));
    eprintln!(
        "bench: campus fair ({:.0} s) …",
        clock.elapsed().as_secs_f64()
    );
    let fair = fair::run(&bench, Duration::from_secs(40));
    eprintln!(
        "bench: many appointments ({:.0} s) …",
        clock.elapsed().as_secs_f64()
    );
    let many = many::run(&bench, Duration::from_secs(40));
    eprintln!(
        "bench: live pushes ({:.0} s) …",
        clock.elapsed().as_secs_f64()
    );
    let live = live::run(&bench, 100, Duration::from_secs(20));
    eprintln!(
        "bench: the worst view, {} participants ({:.0} s) …",
        view::PARTICIPANTS,
        clock.elapsed().as_secs_f64()
    );
    let worst = view::run(&bench, Duration::from_secs(70));
    eprintln!("bench: done in {:.0} s", clock.elapsed().as_secs_f64());
    drop(server);

    let mut report = summary::report(&seq, &fair, &many, &live, &worst);
    report.detail("seconds", serde_json::json!(clock.elapsed().as_secs_f64()));
    report.detail("worst_view", worst.to_json());
    report.detail("wrangler_log_level", serde_json::json!(log_level));
    report.detail("server_dir", serde_json::json!(server::server_dir()));
    println!();
    report.print();
    let dir = support::repo().join("target").join("bench");
    match report.write(&dir, &started_at) {
        Ok(paths) => println!("written: {}", paths.join(", ")),
        Err(e) => {
            eprintln!("bench: could not write {}: {e}", dir.display());
            std::process::exit(1);
        }
    }
}
