//! The rows of the fair watched by 200 app-like pages (see
//! [`crate::appwatchers`]), with the goals: at least 0.9× the fair with
//! no sockets, time to see a change p99 at most 250 ms, at most 0.05 view
//! fetches per push per page, every page current, nothing lost.

use crate::appwatchers::AppWatchers;
use crate::crowd::Crowd;
use crate::crowd::SAMPLED;
use crate::load::Outcome;
use crate::report::{Figure, Report, Unit};
use crate::Results;

pub fn report(r: &mut Report, results: &Results) {
    let Some(app) = &results.appwatchers else {
        return;
    };
    let section = "fair, 200 app watchers";
    let before = results
        .fair
        .as_ref()
        .map_or(0.0, |f| f.updates.per_second());
    // The fair with no sockets before and after the watched run: the
    // ratio is to their mean, so the machine's drift cancels.
    let after = app.after.as_ref().map(Outcome::per_second);
    let no_sockets = match after {
        Some(after) if before > 0.0 && after > 0.0 => (before + after) / 2.0,
        _ => before,
    };
    let rps = app.updates_per_second();
    r.add(section, "updates over HTTP @50", rps, Unit::PerSecond)
        .goal(
            "≥ 0.9× with no sockets",
            no_sockets > 0.0 && rps >= 0.9 * no_sockets,
        )
        .note(format!(
            "{:.2}× the fair with no sockets ({no_sockets:.0}/s: {before:.0}/s before, {}/s after; {:.2}× the one before); {}",
            rps / no_sockets.max(1e-9),
            after.map_or("-".to_string(), |a| format!("{a:.0}")),
            rps / before.max(1e-9),
            app.error.as_deref().unwrap_or("no error")
        ));
    // CPU time per update does not depend on what else the machine runs,
    // as the rate does: the cost of the pages, told apart by process.
    if let (Some(fair), Some(watched)) = (&results.fair, &app.updates) {
        let per_update = |o: &crate::load::Outcome| {
            [
                o.runtime_cpu_ms(),
                o.server_cpu_ms(),
                o.cpu.client * 1e3 / o.latencies.len().max(1) as f64,
            ]
        };
        // Against the mean of the unwatched runs before and after.
        let mut before = per_update(&fair.updates);
        if let Some(again) = &app.after {
            let again = per_update(again);
            for (b, a) in before.iter_mut().zip(again) {
                *b = (*b + a) / 2.0;
            }
        }
        let after = per_update(watched);
        let rows = [
            ("runtime CPU per update (the object and the Worker)", 0),
            ("server CPU per update (runtime, local proxy, wrangler)", 1),
            ("bench client CPU per update (the pages' reading)", 2),
        ];
        for (figure, i) in rows {
            r.add(section, figure, after[i], Unit::Ms)
                .ratio(before[i], "the fair with no sockets (before and after)");
        }
    }
    // Sent over HTTP, 50 at a time, a change first waits its turn at the
    // object: the do-nothing round trip at the same concurrency, in the
    // same run, is the least any change can take before anyone sees it.
    let floor = results.fair.as_ref().map_or(0.0, |f| f.object_stats().p99);
    time_to_see(r, section, app).ratio(floor, "the do-nothing round trip @50, p99");
    if let Some(steady) = &app.steady {
        let lag = crate::http::Stats::of(&app.steady_lag);
        r.add(
            section,
            "at a person's pace: time to see, p50",
            lag.p50,
            Unit::Ms,
        )
        .note(format!(
            "200 people, a pause of 1–5 s before each update: {:.0} updates/s, n={}",
            steady.per_second(),
            lag.n
        ));
        r.add(
            section,
            "at a person's pace: time to see, p99",
            lag.p99,
            Unit::Ms,
        )
        .goal("≤ 250 ms", lag.n > 0 && lag.p99 <= 250.0);
    }
    let answered = crate::http::Stats::of(&app.lag_answered);
    r.add(
        section,
        "update answered → page holds it, p50",
        answered.p50,
        Unit::Ms,
    )
    .note("the push lag of the other live phases, with the apply");
    r.add(
        section,
        "update answered → page holds it, p99",
        answered.p99,
        Unit::Ms,
    );
    page_rows(r, section, app, "bytes per page (pushes + fetches)");
    r.detail("campus_fair_watched_by_200_app_pages", app.to_json());
}

/// The rows of the fair played by the pages (see [`crate::pages`]): the
/// same goals as the HTTP load watched by app-like pages, for the way the
/// web app itself sends its changes.
pub fn report_pages(r: &mut Report, results: &Results) {
    let Some(pages) = &results.pages else {
        return;
    };
    let section = "fair, 200 pages painting over their sockets";
    let rps = pages.updates_per_second();
    let http = results
        .fair
        .as_ref()
        .map_or(0.0, |f| f.updates.per_second());
    r.add(
        section,
        "updates over the pages' sockets @50",
        rps,
        Unit::PerSecond,
    )
    .ratio(http, "the fair over HTTP with no sockets")
    .goal(
        "no error",
        pages.error.is_none() && pages.updates.as_ref().is_some_and(|u| u.errors == 0),
    )
    .note(
        pages
            .error
            .clone()
            .unwrap_or_else(|| "each page waits for its ack before its next change".into()),
    );
    if let Some(updates) = &pages.updates {
        let stats = updates.stats();
        r.add(section, "update (send → ack) p99", stats.p99, Unit::Ms);
    }
    time_to_see(r, section, pages);
    let answered = crate::http::Stats::of(&pages.lag_answered);
    r.add(section, "ack → page holds it, p99", answered.p99, Unit::Ms);
    page_rows(r, section, pages, "bytes per page (pushes, acks + fetches)");
    r.detail("campus_fair_played_by_200_pages", pages.to_json());
}

/// The time from sending a change to a sampled page holding it, p50 and
/// p99 (the goal's row, returned).
fn time_to_see<'r>(r: &'r mut Report, section: &'static str, app: &AppWatchers) -> &'r mut Figure {
    let lag = app.lag_stats();
    r.add(
        section,
        "time to see (sent → page holds it), p50",
        lag.p50,
        Unit::Ms,
    )
    .note(format!(
        "{SAMPLED} sampled pages, n={}, never {}",
        lag.n, app.lag_never
    ));
    r.add(section, "time to see, p99", lag.p99, Unit::Ms).goal(
        "≤ 250 ms",
        lag.n > 0 && lag.p99 <= 250.0 && app.lag_never == 0,
    )
}

/// What the pages fetched and received, whether they all caught up, and
/// whether anything was lost.
fn page_rows(r: &mut Report, section: &'static str, app: &AppWatchers, bytes: &'static str) {
    let per_push = app.fetches_per_push();
    r.add(
        section,
        "view fetches per push per page",
        per_push,
        Unit::Times,
    )
    .goal("≤ 0.05", per_push <= 0.05)
    .note(format!(
        "{:.1} fetches, {:.1} pushes per page",
        Crowd::mean(&app.fetches),
        Crowd::mean(&app.pushes)
    ));
    r.add(section, bytes, Crowd::mean(&app.bytes), Unit::Bytes);
    r.add(
        section,
        "pages behind after the settle",
        app.behind as f64,
        Unit::Count,
    )
    .goal("0", app.behind == 0);
    r.add(section, "updates lost", app.check.lost as f64, Unit::Count)
        .goal("0", app.check.lost == 0);
}
