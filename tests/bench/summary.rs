//! From measurements to the report: which figure is compared with which
//! baseline, and the goals. Each section is reported when the
//! phases it needs ran (see `BENCH_PHASES`); a ratio whose baseline did
//! not run is left out.

use crate::cpu::Usage;
use crate::fair::Fair;
use crate::http::Stats;
use crate::live::Live;
use crate::many::Many;
use crate::report::{Report, Unit};
use crate::sequential::Sequential;
use crate::view::WorstView;
use crate::Results;

pub const DO: &str = "DO round trip";
pub const DO_P99: &str = "DO round trip p99";
pub const DO_50: &str = "DO @50";
pub const DO_50_P: &str = "DO @50 same pct";
/// Above this much CPU of other processes, the run is too noisy to trust
/// its wall-clock figures.
const NOISY_CORES: f64 = 0.25;
pub const DO_CPU: &str = "DO @50 server CPU";

/// The baselines every section compares with; zero (so no ratio) when
/// their phase did not run.
#[derive(Default)]
pub struct Baselines {
    /// The do-nothing object round trip, one at a time.
    pub object: Stats,
    /// The same at 50 connections, its requests per second and the
    /// server's CPU milliseconds per request.
    pub object50: Stats,
    pub object_rps: f64,
    pub object_cpu: f64,
}

pub fn report(results: &Results) -> Report {
    let mut r = Report::default();
    let mut base = Baselines::default();
    if let Some(seq) = &results.seq {
        base.object = seq.object_stats();
    }
    if let Some(fair) = &results.fair {
        base.object50 = fair.object_stats();
        base.object_rps = fair.object_per_second();
        base.object_cpu = (fair.object_before.cpu.server + fair.object_after.cpu.server) * 1e3
            / (fair.object_before.latencies.len() + fair.object_after.latencies.len()).max(1)
                as f64;
    }
    if let (Some(seq), Some(fair)) = (&results.seq, &results.fair) {
        baselines(&mut r, seq, fair, &base);
    }
    let mut usage = Usage::default();
    if let Some(seq) = &results.seq {
        usage.add(&seq.cpu);
    }
    let crowd = [&results.watched, &results.sockets];
    let loads = results
        .fair
        .iter()
        .flat_map(|f| {
            [
                &f.worker,
                &f.object_before,
                &f.joins,
                &f.updates,
                &f.object_after,
            ]
        })
        .chain(
            results
                .many
                .iter()
                .flat_map(|m| [&m.creates, &m.spread, &m.single]),
        )
        .chain(
            crowd
                .into_iter()
                .flatten()
                .flat_map(|c| c.joins.iter().chain(&c.updates)),
        );
    for l in loads {
        usage.add(&l.cpu);
    }
    let per_core = |cpu: f64| cpu / usage.seconds.max(1e-9);
    r.add(
        "baseline",
        "CPU of other processes during the run (noise)",
        per_core(usage.other),
        Unit::Cores,
    )
    .note(format!(
        "server {:.2}, bench client {:.2}",
        per_core(usage.server),
        per_core(usage.client)
    ));
    if per_core(usage.other) > NOISY_CORES {
        r.warnings.push(format!(
            "other processes used {:.2} cores on average during the run: wall-clock figures \
             (req/s, latencies) are unreliable; the server CPU per request is not. Rerun on a quiet machine.",
            per_core(usage.other)
        ));
    }

    if let Some(seq) = &results.seq {
        full_grid(&mut r, seq, &base);
    }
    if let Some(fair) = &results.fair {
        campus_fair(&mut r, fair, &base);
    }
    if let Some(worst) = &results.worst {
        worst_view(&mut r, worst, &base);
    }
    if let Some(many) = &results.many {
        many_appointments(&mut r, many, &base);
    }
    if let Some(live) = &results.live {
        live_push(&mut r, live, &base);
    }
    crate::crowd_summary::report(&mut r, results, &base);
    crate::appwatchers_summary::report(&mut r, results);
    crate::appwatchers_summary::report_pages(&mut r, results);

    r.detail("cpu_whole_run", usage.to_json());
    if let Some(seq) = &results.seq {
        r.detail("sequential", seq.to_json());
    }
    if let Some(fair) = &results.fair {
        r.detail("campus_fair", fair.to_json());
    }
    if let Some(many) = &results.many {
        r.detail("many_appointments", many.to_json());
    }
    if let Some(live) = &results.live {
        r.detail("live", live.to_json());
    }
    if let Some(watched) = &results.watched {
        r.detail("campus_fair_watched_by_200_sockets", watched.to_json());
    }
    if let Some(sockets) = &results.sockets {
        r.detail("campus_fair_over_sockets", sockets.to_json());
    }
    r
}

fn baselines(r: &mut Report, seq: &Sequential, fair: &Fair, base: &Baselines) {
    let (object, object50, object_rps, object_cpu) =
        (base.object, base.object50, base.object_rps, base.object_cpu);
    let worker = seq.worker_stats();
    r.add(
        "baseline",
        "DO round trip (HEAD), 1 at a time, median",
        object.p50,
        Unit::Ms,
    )
    .ratio(object.p50, DO)
    .note(format!("n={}", object.n));
    r.add(
        "baseline",
        "DO round trip (HEAD), 1 at a time, p99",
        object.p99,
        Unit::Ms,
    )
    .ratio(object.p99, DO_P99);
    r.add(
        "baseline",
        "Worker only (GET /api/health), 1 at a time, median",
        worker.p50,
        Unit::Ms,
    )
    .ratio(object.p50, DO)
    .note(format!("n={}", worker.n));
    r.add(
        "baseline",
        "Worker only, 1 at a time, p99",
        worker.p99,
        Unit::Ms,
    )
    .ratio(object.p99, DO_P99);
    r.add("baseline", "DO round trip @50", object_rps, Unit::PerSecond)
        .ratio(object_rps, DO_50)
        .note(format!(
            "mean of before {:.0} and after {:.0}",
            fair.object_before.per_second(),
            fair.object_after.per_second()
        ));
    r.add("baseline", "DO round trip @50, p50", object50.p50, Unit::Ms)
        .ratio(object50.p50, DO_50_P);
    r.add("baseline", "DO round trip @50, p99", object50.p99, Unit::Ms)
        .ratio(object50.p99, DO_50_P);
    r.add(
        "baseline",
        "Worker only @50",
        fair.worker.per_second(),
        Unit::PerSecond,
    )
    .ratio(object_rps, DO_50);
    r.add(
        "baseline",
        "server CPU per DO round trip @50",
        object_cpu,
        Unit::Ms,
    )
    .ratio(object_cpu, DO_CPU);
    let baseline_errors =
        seq.errors + fair.object_before.errors + fair.object_after.errors + fair.worker.errors;
    r.add(
        "baseline",
        "errors (baselines and full-grid updates)",
        baseline_errors as f64,
        Unit::Count,
    );
}

fn full_grid(r: &mut Report, seq: &Sequential, base: &Baselines) {
    let object = base.object;
    for g in &seq.grids {
        let s = Stats::of(&g.latencies);
        let full = g.painted == g.slots;
        let name = if full {
            format!("{} slots", thousands(g.slots))
        } else {
            format!("{} of {} slots", g.painted, thousands(g.slots))
        };
        let fig = r
            .add("full grid", format!("{name}, median"), s.p50, Unit::Ms)
            .ratio(object.p50, DO)
            .note(format!("n={}", s.n));
        if full {
            fig.goal("≤ 2× DO round trip", s.n > 0 && s.p50 <= 2.0 * object.p50);
        }
        r.add("full grid", format!("{name}, p99"), s.p99, Unit::Ms)
            .ratio(object.p99, DO_P99);
        let mut rows = g.rows_written.clone();
        rows.sort_unstable();
        let median = rows
            .get(rows.len() / 2)
            .copied()
            .map_or(f64::NAN, |v| v as f64);
        let fig = r.add(
            "full grid",
            format!("{name}, SQLite rows written per update"),
            median,
            Unit::Count,
        );
        match (rows.first(), rows.last()) {
            (Some(lo), Some(hi)) if lo != hi => {
                fig.note(format!("min {lo}, max {hi}"));
            }
            (None, _) => {
                fig.note("no x-rows-written header");
            }
            _ => {}
        }
    }
    if seq.truncated {
        r.add("full grid", "stopped at the deadline", 1.0, Unit::Count);
    }
}

fn campus_fair(r: &mut Report, fair: &Fair, base: &Baselines) {
    let (object, object50, object_rps, object_cpu) =
        (base.object, base.object50, base.object_rps, base.object_cpu);
    let u = fair.updates.stats();
    let rps = fair.updates.per_second();
    let joins = fair.joins.stats();
    r.add(
        "campus fair",
        "joins with password @50, median",
        joins.p50,
        Unit::Ms,
    )
    .ratio(object50.p50, DO_50_P)
    .note(format!(
        "{:.0} joins/s, {} errors",
        fair.joins.per_second(),
        fair.joins.errors
    ));
    r.add("campus fair", "updates @50", rps, Unit::PerSecond)
        .ratio(object_rps, DO_50)
        .goal("≥ 0.75× DO @50", rps >= 0.75 * object_rps)
        .note(format!("{} updates", u.n));
    r.add(
        "campus fair",
        "server CPU per update @50",
        fair.updates.server_cpu_ms(),
        Unit::Ms,
    )
    .ratio(object_cpu, DO_CPU);
    r.add("campus fair", "update p50", u.p50, Unit::Ms)
        .ratio(object50.p50, DO_50_P);
    r.add("campus fair", "update p95", u.p95, Unit::Ms)
        .ratio(object50.p95, DO_50_P);
    r.add("campus fair", "update p99", u.p99, Unit::Ms)
        .ratio(object50.p99, DO_50_P)
        .goal("< 100 ms", u.n > 0 && u.p99 < 100.0);
    let fig = r.add(
        "campus fair",
        "errors",
        fair.updates.errors as f64,
        Unit::Count,
    );
    fig.goal("0", fair.updates.errors == 0 && !fair.updates.truncated);
    if fair.updates.truncated {
        fig.note("stopped at the deadline");
    }
    let c = &fair.check;
    r.add("campus fair", "lost updates", c.lost as f64, Unit::Count)
        .goal("0", c.lost == 0 && c.checked == crate::fair::PARTICIPANTS)
        .note(consistency(c));

    let v = Stats::of(&fair.view);
    r.add(
        "view",
        format!("{} participants, median", fair.view_participants),
        v.p50,
        Unit::Ms,
    )
    .ratio(object.p50, DO)
    .note(format!("n={}", v.n));
    r.add(
        "view",
        "response size, raw",
        fair.view_raw_bytes as f64,
        Unit::Bytes,
    );
    r.add(
        "view",
        "response size, gzipped",
        fair.view_gzip_bytes as f64,
        Unit::Bytes,
    )
    .goal(
        "< 50 KB",
        fair.view_gzip_bytes > 0 && fair.view_gzip_bytes < 50_000,
    );
}

fn worst_view(r: &mut Report, worst: &WorstView, base: &Baselines) {
    let object = base.object;
    let repeated = Stats::of(&worst.repeated);
    r.add(
        "worst view",
        format!(
            "{} participants × 4,464 slots, alternating: size, raw",
            worst.participants
        ),
        worst.raw_bytes as f64,
        Unit::Bytes,
    )
    .goal(
        "≤ 2 MB",
        worst.error.is_none() && worst.raw_bytes > 0 && worst.raw_bytes <= 2_000_000,
    )
    .note(format!("gzipped {} B", worst.gzip_bytes));
    r.add(
        "worst view",
        "workerd resident memory added by building it",
        worst.rss_added_bytes(),
        Unit::Bytes,
    )
    .goal(
        "≤ 32 MB",
        worst.error.is_none() && worst.rss_added_bytes() <= 32.0 * 1024.0 * 1024.0,
    )
    .note(format!(
        "{} → {} kB; first read {:.0} ms",
        worst.rss_before_kb,
        worst.rss_after_kb,
        worst.first.as_secs_f64() * 1e3
    ));
    r.add(
        "worst view",
        "repeated read of the unchanged view (Accept-Encoding: gzip, as browsers send), median",
        repeated.p50,
        Unit::Ms,
    )
    .ratio(object.p50, DO)
    .goal(
        "≤ 1.2× DO",
        repeated.n > 0 && repeated.p50 <= 1.2 * object.p50,
    )
    .note(format!(
        "n={}; {} B over the wire",
        repeated.n, worst.repeated_wire_bytes
    ));
    let raw = Stats::of(&worst.repeated_raw);
    r.add(
        "worst view",
        "repeated read by a client that takes no compression, median",
        raw.p50,
        Unit::Ms,
    )
    .ratio(object.p50, DO)
    .note(format!("n={}; {} B over the wire", raw.n, worst.raw_bytes));
    if let Some(e) = &worst.error {
        r.warnings.push(format!("worst view: {e}"));
    }
}

fn many_appointments(r: &mut Report, many: &Many, base: &Baselines) {
    let (object, object50, object_rps) = (base.object, base.object50, base.object_rps);
    let create = many.creates.stats();
    r.add(
        "many appointments",
        "create an appointment @10, median",
        create.p50,
        Unit::Ms,
    )
    .ratio(object.p50, DO);
    for (name, load, check) in [
        ("200 appointments", &many.spread, &many.spread_check),
        ("1 appointment", &many.single, &many.single_check),
    ] {
        let s = load.stats();
        r.add(
            "many appointments",
            format!("{name} @50"),
            load.per_second(),
            Unit::PerSecond,
        )
        .ratio(object_rps, DO_50)
        .note(format!(
            "{} errors, {} lost{}",
            load.errors,
            check.lost,
            if load.truncated {
                ", stopped at the deadline"
            } else {
                ""
            }
        ));
        r.add("many appointments", format!("{name}, p50"), s.p50, Unit::Ms)
            .ratio(object50.p50, DO_50_P);
        r.add("many appointments", format!("{name}, p99"), s.p99, Unit::Ms)
            .ratio(object50.p99, DO_50_P);
    }
    r.add(
        "many appointments",
        "200 ÷ 1 appointment, req/s",
        many.spread.per_second() / many.single.per_second().max(1e-9),
        Unit::Times,
    );
}

fn live_push(r: &mut Report, live: &Live, base: &Baselines) {
    let object = base.object;
    let pushed = live.stats();
    r.add(
        "live",
        "HTTP update → WebSocket push, median",
        pushed.p50,
        Unit::Ms,
    )
    .ratio(object.p50, DO)
    .note(format!("n={}, errors {}", pushed.n, live.errors));
    r.add(
        "live",
        "HTTP update → WebSocket push, p99",
        pushed.p99,
        Unit::Ms,
    )
    .ratio(object.p99, DO_P99);
}

/// What the final view says beyond the participants' states.
fn consistency(c: &crate::setup::Check) -> String {
    let version = match c.version_off_by {
        Some(0) => "version as expected".to_string(),
        Some(d) => format!("version off by {d}"),
        None => "version not checkable".to_string(),
    };
    let counts = match c.counts_agree {
        Some(true) => "counts agree",
        Some(false) => "counts DISAGREE",
        None => "counts not checkable",
    };
    format!("{} checked, {version}, {counts}", c.checked)
}

fn thousands(n: usize) -> String {
    if n >= 1000 {
        format!("{},{:03}", n / 1000, n % 1000)
    } else {
        n.to_string()
    }
}
