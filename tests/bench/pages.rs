//! The fair as 200 pages play it. Every participant's page loads the
//! view, opens its socket and signs in there, as the web app does, and
//! sends its changes over that socket (the page's way while its socket
//! is open), naming its participant and the layout it painted on: the
//! fair's 20 updates of about 100 slots each, 50 pages at a time, each
//! waiting for its `ack` before its next change (a page has one update in
//! flight). Every page keeps its copy of the view as [`crate::page`]
//! says, its own changes included (an `ack` puts the painter's
//! participant in its copy). Measured: the rate, the time
//! from a page sending a change to the sampled pages holding it, view
//! fetches per push and bytes per page, and nothing lost.

use crate::appwatchers::AppWatchers;
use crate::fair::{self, CONCURRENCY, PARTICIPANTS, UPDATES_EACH, UPDATE_SLOTS};
use crate::http;
use crate::load;
use crate::page::{self, Watcher};
use crate::setup::{self, Bench, Painter};
use std::time::Duration;

pub fn run(bench: &Bench, cap: Duration) -> AppWatchers {
    let mut out = AppWatchers::default();
    if let Err(e) = run_inner(bench, cap, &mut out) {
        eprintln!("bench: the fair played by the pages: {e}");
        out.error = Some(e);
    }
    out
}

fn run_inner(bench: &Bench, cap: Duration, out: &mut AppWatchers) -> Result<(), String> {
    let agent = http::agent();
    let id = setup::create(bench, &agent, "박람회, 페이지로", fair::SHAPE)?;
    let (joins, painters) = fair::join_all(bench, &id, PARTICIPANTS, true, CONCURRENCY, cap);
    out.joins = Some(joins);
    let version_before = setup::version(bench, &agent, &id);
    let mut pages = page::open_pages(bench, &id, painters.len())?;
    for (page, painter) in pages.iter_mut().zip(&painters) {
        page.sign_in(painter)?;
    }
    let seats: Vec<(Painter, Watcher)> = painters.into_iter().zip(pages).collect();
    let joined = seats.len();
    let (mut updates, seats) = load::run(
        seats,
        CONCURRENCY,
        bench.deadline(cap),
        |_, (painter, page), rec, deadline| {
            painter.paint_with(rec, deadline, UPDATES_EACH, UPDATE_SLOTS, |body| {
                page.socket.update(body)
            });
        },
    );
    updates.errors += PARTICIPANTS - joined;
    out.updates = Some(updates);
    let (painters, pages): (Vec<Painter>, Vec<Watcher>) = seats.into_iter().unzip();
    out.behind = page::settle(bench, &agent, &id, &pages);
    let refs: Vec<&Painter> = painters.iter().collect();
    out.check = setup::check(bench, &agent, &id, &refs, version_before);
    out.check.lost += PARTICIPANTS - painters.len();
    let sampled = out.close(pages);
    out.lags(&painters, &sampled);
    Ok(())
}
