//! From measurements to the report: which figure is compared with which
//! baseline, and the goals.

use crate::fair::Fair;
use crate::http::Stats;
use crate::live::Live;
use crate::many::Many;
use crate::report::{Report, Unit};
use crate::sequential::Sequential;

const DO: &str = "DO round trip";
const DO_P99: &str = "DO round trip p99";
const DO_50: &str = "DO @50";
const DO_50_P: &str = "DO @50 same pct";
/// Above this much CPU of other processes, the run is too noisy to trust
/// its wall-clock figures.
const NOISY_CORES: f64 = 0.25;
const DO_CPU: &str = "DO @50 server CPU";

pub fn report(
    seq: &Sequential,
    fair: &Fair,
    many: &Many,
    live: &Live,
    worst: &crate::view::WorstView,
) -> Report {
    let mut r = Report::default();
    let object = seq.object_stats();
    let worker = seq.worker_stats();
    let object50 = fair.object_stats();
    let object_rps = fair.object_per_second();

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
    let object_cpu = (fair.object_before.cpu.server + fair.object_after.cpu.server) * 1e3
        / (fair.object_before.latencies.len() + fair.object_after.latencies.len()).max(1) as f64;
    r.add(
        "baseline",
        "server CPU per DO round trip @50",
        object_cpu,
        Unit::Ms,
    )
    .ratio(object_cpu, DO_CPU);
    let loads = [
        &fair.worker,
        &fair.object_before,
        &fair.joins,
        &fair.updates,
        &fair.object_after,
        &many.creates,
        &many.spread,
        &many.single,
    ];
    let mut usage = seq.cpu.clone();
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
    let baseline_errors =
        seq.errors + fair.object_before.errors + fair.object_after.errors + fair.worker.errors;
    r.add(
        "baseline",
        "errors (baselines and full-grid updates)",
        baseline_errors as f64,
        Unit::Count,
    );

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
        "repeated read of the unchanged view, median",
        repeated.p50,
        Unit::Ms,
    )
    .ratio(object.p50, DO)
    .goal(
        "≤ 1.2× DO",
        repeated.n > 0 && repeated.p50 <= 1.2 * object.p50,
    )
    .note(format!("n={}", repeated.n));
    if let Some(e) = &worst.error {
        r.warnings.push(format!("worst view: {e}"));
    }

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

    r.detail("cpu_whole_run", usage.to_json());
    r.detail("sequential", seq.to_json());
    r.detail("campus_fair", fair.to_json());
    r.detail("many_appointments", many.to_json());
    r.detail("live", live.to_json());
    r
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
