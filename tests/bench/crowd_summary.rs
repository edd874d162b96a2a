//! The rows of the fair with live sockets (see [`crate::crowd`]) and of
//! the runtime's CPU time per request, with the goals: with 200
//! sockets open, HTTP updates/s at least 0.9× the fair with none, push lag
//! p99 at most 250 ms, no socket behind, nothing lost; updates over the
//! sockets at least 2× over HTTP; the runtime's CPU per update at most
//! 1.2× its do-nothing request.

use crate::crowd::{Crowd, SAMPLED, WATCHERS};
use crate::fair::PARTICIPANTS;
use crate::http::Stats;
use crate::report::{Report, Unit};
use crate::summary::{Baselines, DO_50, DO_50_P};
use crate::Results;

const DO_NOTHING_CPU: &str = "runtime CPU per do-nothing";

/// The rows of both loads and of the runtime's CPU time.
pub fn report(r: &mut Report, results: &Results, base: &Baselines) {
    let no_sockets = results
        .fair
        .as_ref()
        .map_or(0.0, |f| f.updates.per_second());
    // The runtime's CPU per do-nothing request (GET /api/health @50).
    let do_nothing = results
        .fair
        .as_ref()
        .map_or(0.0, |f| f.worker.runtime_cpu_ms());
    if let Some(fair) = &results.fair {
        let found = crate::cpu::RUNTIME.get().is_some();
        let head = [&fair.object_before, &fair.object_after];
        let head_ms = head.iter().map(|o| o.cpu.runtime).sum::<f64>() * 1e3
            / head.iter().map(|o| o.latencies.len()).sum::<usize>().max(1) as f64;
        r.add(
            "runtime CPU",
            "do-nothing request (GET /api/health @50), per request",
            do_nothing,
            Unit::Ms,
        )
        .ratio(do_nothing, DO_NOTHING_CPU)
        .note(if found {
            format!("whole server {:.2} ms", fair.worker.server_cpu_ms())
        } else {
            "the runtime workerd was not found".into()
        });
        r.add(
            "runtime CPU",
            "DO round trip (HEAD @50), per request",
            head_ms,
            Unit::Ms,
        )
        .ratio(do_nothing, DO_NOTHING_CPU);
        let update = fair.updates.runtime_cpu_ms();
        r.add(
            "runtime CPU",
            "update over HTTP (campus fair), per update",
            update,
            Unit::Ms,
        )
        .ratio(do_nothing, DO_NOTHING_CPU)
        .goal(
            "≤ 1.2× do-nothing",
            found && do_nothing > 0.0 && update <= 1.2 * do_nothing,
        )
        .note(format!(
            "whole server {:.2} ms",
            fair.updates.server_cpu_ms()
        ));
    }
    if let Some(watched) = &results.watched {
        watched_rows(r, watched, base, no_sockets, do_nothing);
    }
    if let Some(sockets) = &results.sockets {
        let http = results
            .watched
            .as_ref()
            .map_or(0.0, Crowd::updates_per_second);
        socket_rows(r, sockets, base, (http, no_sockets), do_nothing);
    }
}

fn watched_rows(
    r: &mut Report,
    watched: &Crowd,
    base: &Baselines,
    no_sockets: f64,
    do_nothing: f64,
) {
    let section = "fair, 200 watching";
    if !rows_head(r, section, watched, base) {
        return;
    }
    let u = watched.stats();
    let rps = watched.updates_per_second();
    let fig = r.add(section, "updates over HTTP @50", rps, Unit::PerSecond);
    fig.ratio(base.object_rps, DO_50).goal(
        "≥ 0.9× with no sockets",
        no_sockets > 0.0 && rps >= 0.9 * no_sockets,
    );
    fig.note(format!(
        "{:.2}× the fair with no sockets ({no_sockets:.0}/s), {} updates",
        rps / no_sockets.max(1e-9),
        u.n
    ));
    latency_rows(r, section, "update", u, base);
    let lag = watched.lag_stats();
    r.add(
        section,
        "push lag (update's 200 → socket hears it), p50",
        lag.p50,
        Unit::Ms,
    )
    .ratio(base.object50.p50, DO_50_P)
    .note(format!(
        "{SAMPLED} sampled sockets, n={}, never heard {}; 0 when heard before the 200",
        lag.n, watched.lag_never
    ));
    r.add(section, "push lag, p99", lag.p99, Unit::Ms)
        .ratio(base.object50.p99, DO_50_P)
        .goal(
            "≤ 250 ms",
            lag.n > 0 && lag.p99 <= 250.0 && watched.lag_never == 0,
        );
    rows_tail(r, section, watched, do_nothing);
}

/// `http`: the updates per second over HTTP with 200 watching, and with
/// no sockets open.
fn socket_rows(
    r: &mut Report,
    sockets: &Crowd,
    base: &Baselines,
    http: (f64, f64),
    do_nothing: f64,
) {
    let (http, no_sockets) = http;
    let section = "fair over sockets";
    if !rows_head(r, section, sockets, base) {
        return;
    }
    let u = sockets.stats();
    let rps = sockets.updates_per_second();
    let fig = r.add(
        section,
        "updates over the sockets @50",
        rps,
        Unit::PerSecond,
    );
    fig.ratio(base.object_rps, DO_50)
        .goal("≥ 2× over HTTP", http > 0.0 && rps >= 2.0 * http);
    // A phase left out of the run (`BENCH_PHASES`) has no rate to compare.
    let times = |base: f64| match base > 0.0 {
        true => format!("{:.2}×", rps / base),
        false => "not measured:".into(),
    };
    fig.note(format!(
        "{} HTTP with 200 watching ({http:.0}/s), {} HTTP with none, {} updates",
        times(http),
        times(no_sockets),
        u.n
    ));
    latency_rows(r, section, "update (send → ack)", u, base);
    let lag = sockets.lag_stats();
    r.add(
        section,
        "push lag (ack → sampled socket hears it), p99",
        lag.p99,
        Unit::Ms,
    )
    .ratio(base.object50.p99, DO_50_P)
    .note(format!("n={}, never heard {}", lag.n, sockets.lag_never));
    rows_tail(r, section, sockets, do_nothing);
}

/// Why a load could not run, when it could not; `false` then, and the
/// section has only that row.
fn rows_head(r: &mut Report, section: &'static str, crowd: &Crowd, base: &Baselines) -> bool {
    if let Some(e) = &crowd.error {
        r.warnings.push(format!("{section}: {e}"));
    }
    if crowd.updates.is_none() {
        r.add(section, "could not run", 1.0, Unit::Count)
            .goal("runs", false)
            .note(crowd.error.clone().unwrap_or_default());
        return false;
    }
    if let Some(joins) = &crowd.joins {
        r.add(
            section,
            "joins with password @50, median",
            joins.stats().p50,
            Unit::Ms,
        )
        .ratio(base.object50.p50, DO_50_P);
    }
    true
}

fn latency_rows(r: &mut Report, section: &'static str, what: &str, u: Stats, base: &Baselines) {
    r.add(section, format!("{what} p50"), u.p50, Unit::Ms)
        .ratio(base.object50.p50, DO_50_P);
    r.add(section, format!("{what} p99"), u.p99, Unit::Ms)
        .ratio(base.object50.p99, DO_50_P);
}

/// What every socket received, the end state and the CPU per update.
fn rows_tail(r: &mut Report, section: &'static str, crowd: &Crowd, do_nothing: f64) {
    let sent = crowd.updates.as_ref().map_or(0, |o| o.latencies.len());
    let messages = Crowd::mean(&crowd.messages);
    let bytes = Crowd::mean(&crowd.bytes);
    r.add(section, "messages per socket, mean", messages, Unit::Count)
        .ratio(sent as f64, "updates sent")
        .note(format!(
            "min {}, max {}, {} sockets",
            crowd.messages.iter().min().unwrap_or(&0),
            crowd.messages.iter().max().unwrap_or(&0),
            crowd.sockets
        ));
    r.add(section, "bytes per socket, mean", bytes, Unit::Bytes)
        .note(format!("{:.0} B a message", bytes / messages.max(1e-9)));
    let ran = crowd.error.is_none() && crowd.sockets == WATCHERS;
    r.add(
        section,
        "sockets behind at the end",
        crowd.behind as f64,
        Unit::Count,
    )
    .goal("0", ran && crowd.behind == 0)
    .note(format!(
        "settled in {:.0} ms, {} closed by the server",
        crowd.settled_in.as_secs_f64() * 1e3,
        crowd.closed
    ));
    let c = &crowd.check;
    r.add(section, "lost updates", c.lost as f64, Unit::Count)
        .goal("0", ran && c.lost == 0 && c.checked == PARTICIPANTS)
        .note(format!(
            "{} checked, version off by {:?}",
            c.checked, c.version_off_by
        ));
    if let Some(updates) = &crowd.updates {
        let fig = r.add(section, "errors", updates.errors as f64, Unit::Count);
        fig.goal("0", updates.errors == 0 && !updates.truncated);
        if updates.truncated {
            fig.note("stopped at the deadline");
        } else if let Some(sample) = updates.error_samples.first() {
            fig.note(sample.chars().take(120).collect::<String>());
        }
        r.add(
            section,
            "runtime CPU per update",
            updates.runtime_cpu_ms(),
            Unit::Ms,
        )
        .ratio(do_nothing, DO_NOTHING_CPU)
        .note(format!("whole server {:.2} ms", updates.server_cpu_ms()));
    }
    if !crowd.strange.is_empty() {
        r.warnings.push(format!(
            "{section}: messages that are not JSON: {:?}",
            crowd.strange
        ));
    }
}
