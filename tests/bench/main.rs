//! The benchmark (`make bench`): starts a real `wrangler dev` on loopback
//! with its own empty state, measures, in one run, the baselines (a
//! Worker-only request and the do-nothing Durable Object round trip), the
//! full-grid update, the campus-fair load with its lost-update check, the
//! appointment view with 200 participants, the load spread over many
//! appointments, how soon a change is pushed to a live socket, the fair
//! with 200 live sockets open (updates over HTTP, then over the sockets,
//! then with 200 sockets that do what the web app does with pushes, then
//! played by 200 such pages, each painting over its own socket),
//! and the worst view (1,000 alternating patterns on the largest grid),
//! then prints a table (every figure with its ratio to the baseline of
//! the same run, and the goals) and writes it as JSON to
//! `target/bench/results.json` plus a copy named after the start time.
//! Where the CPU went (server, this client, other processes) is measured
//! alongside, because the machine is shared.
//!
//! Bounded: about 40,000 requests and socket frames, all to 127.0.0.1,
//! and every phase stops at its own deadline and at the run's (`BUDGET`).
//! Needs the Worker built (`sh scripts/build-worker.sh`). Settings, from
//! the environment: `BENCH_WRANGLER_LOG` (wrangler's `--log-level`,
//! default `warn`), `BENCH_SERVER_DIR` (run the server of another
//! checkout, with its own build, to compare two builds; results still go
//! to this `target/`) and `BENCH_PHASES` (run only the named phases, see
//! [`PHASES`]).

mod appwatchers;
mod appwatchers_summary;
mod cpu;
mod crowd;
mod crowd_summary;
mod fair;
mod grid;
mod hostile;
mod http;
mod live;
mod load;
mod many;
mod page;
mod pages;
mod report;
mod sequential;
mod server;
mod setup;
mod sockets;
mod summary;
mod view;

use std::time::{Duration, Instant};

/// The whole measurement, server start-up aside.
const BUDGET: Duration = Duration::from_secs(480);
/// Rounds of the one-at-a-time phase: each round sends one full-grid
/// update of each size.
const SEQUENTIAL_ROUNDS: usize = 300;
/// The phases, in the order they run; `BENCH_PHASES` (comma-separated)
/// runs only some of them, e.g. `BENCH_PHASES=fair,watched,sockets`.
const PHASES: [&str; 10] = [
    "sequential",
    "fair",
    "many",
    "live",
    "watched",
    "sockets",
    "appwatchers",
    "pages",
    "view",
    "hostile",
];

/// What each phase measured, `None` for a phase that did not run.
#[derive(Default)]
pub struct Results {
    pub seq: Option<sequential::Sequential>,
    pub fair: Option<fair::Fair>,
    pub many: Option<many::Many>,
    pub live: Option<live::Live>,
    pub watched: Option<crowd::Crowd>,
    pub sockets: Option<crowd::Crowd>,
    pub appwatchers: Option<appwatchers::AppWatchers>,
    pub pages: Option<appwatchers::AppWatchers>,
    pub worst: Option<view::WorstView>,
}

fn main() {
    let started_at = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    // `BENCH_WRANGLER_LOG=info` brings back wrangler's per-request log.
    let log_level = std::env::var("BENCH_WRANGLER_LOG").unwrap_or_else(|_| "warn".into());
    let chosen: Vec<String> = match std::env::var("BENCH_PHASES") {
        Ok(list) if !list.trim().is_empty() => {
            list.split(',').map(|p| p.trim().to_string()).collect()
        }
        _ => PHASES.iter().map(|p| p.to_string()).collect(),
    };
    if let Some(unknown) = chosen.iter().find(|p| !PHASES.contains(&p.as_str())) {
        eprintln!(
            "bench: unknown phase {unknown:?}; the phases are {}",
            PHASES.join(", ")
        );
        std::process::exit(2);
    }
    let runs = |phase: &str| chosen.iter().any(|p| p == phase);
    eprintln!("bench: starting wrangler dev …");
    let server = server::Server::start(&log_level);
    cpu::SERVER_GROUP.set(server.group()).expect("one server");
    match cpu::find_runtime(server.group(), &server.state_dir()) {
        Some(pid) => {
            cpu::RUNTIME.set(pid).expect("one runtime");
        }
        None => eprintln!("bench: the runtime workerd was not found; its CPU is not counted"),
    }
    let seoul: chrono_tz::Tz = "Asia/Seoul".parse().expect("a known zone");
    let bench = setup::Bench {
        base: server.base(),
        end: Instant::now() + BUDGET,
        first_date: chrono::Utc::now().with_timezone(&seoul).date_naive() + chrono::Days::new(1),
    };
    let clock = Instant::now();
    let mut results = Results::default();
    let say = |what: &str| eprintln!("bench: {what} ({:.0} s) …", clock.elapsed().as_secs_f64());
    if runs("sequential") {
        say("baselines and full-grid updates, one at a time");
        results.seq = Some(sequential::run(
            &bench,
            SEQUENTIAL_ROUNDS,
            Duration::from_secs(60),
        ));
    }
    if runs("fair") {
        say("campus fair");
        results.fair = Some(fair::run(&bench, Duration::from_secs(40)));
    }
    if runs("many") {
        say("many appointments");
        results.many = Some(many::run(&bench, Duration::from_secs(40)));
    }
    if runs("live") {
        say("live pushes");
        results.live = Some(live::run(&bench, 100, Duration::from_secs(20)));
    }
    if runs("watched") {
        say("campus fair with 200 sockets watching");
        results.watched = Some(crowd::watched(&bench, Duration::from_secs(40)));
    }
    if runs("sockets") {
        say("campus fair sent over the sockets");
        results.sockets = Some(crowd::over_sockets(&bench, Duration::from_secs(40)));
    }
    if runs("appwatchers") {
        say("campus fair with 200 app-like pages watching");
        results.appwatchers = Some(appwatchers::run(&bench, Duration::from_secs(40)));
    }
    if runs("pages") {
        say("campus fair played by 200 pages, over their sockets");
        results.pages = Some(pages::run(&bench, Duration::from_secs(40)));
    }
    if runs("view") {
        say(&format!(
            "the worst view, {} participants",
            view::PARTICIPANTS
        ));
        results.worst = Some(view::run(&bench, Duration::from_secs(70)));
    }
    let hostile = runs("hostile").then(|| hostile::run(&bench, Duration::from_secs(200)));
    eprintln!("bench: done in {:.0} s", clock.elapsed().as_secs_f64());
    drop(server);

    let mut report = summary::report(&results);
    hostile.inspect(|h| h.report(&mut report));
    report.detail("seconds", serde_json::json!(clock.elapsed().as_secs_f64()));
    report.detail("phases", serde_json::json!(chosen));
    if let Some(worst) = &results.worst {
        report.detail("worst_view", worst.to_json());
    }
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
