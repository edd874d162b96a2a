//! The live socket with a crowd on it: fifty phones watch while ten people
//! paint, half over HTTP and half over their own sockets. Every phone ends
//! on the final version, replaying what it heard rebuilds the final view,
//! and pushes are coalesced (at most one per socket per 50 ms).

use chrono::Days;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use support::api::*;
use support::live::{Event, Live};
use support::model::{self, Level, Rng};
use support::Server;

const PER_DAY: usize = 18;
const SLOTS: usize = 3 * PER_DAY;
const SOCKETS: usize = 50;
const WRITERS: usize = 10;
const UPDATES_EACH: usize = 20;
/// The spec's coalescing window: at most one push per socket per window.
const WINDOW: Duration = Duration::from_millis(50);
/// How long a socket that heard the final version keeps listening, to be
/// sure nothing later arrives.
const SETTLE: Duration = Duration::from_millis(400);

/// A three-day appointment in Seoul, 09:00–18:00 in 30-minute slots (54).
fn create_fair(server: &Server) -> Created {
    let d1 = today_in("Asia/Seoul") + Days::new(4);
    let created = create(
        server,
        &json!({"title": "축제", "timezone": "Asia/Seoul",
                "dates": [iso(d1), iso(d1 + Days::new(1)), iso(d1 + Days::new(2))],
                "start": "09:00", "end": "18:00", "slot_minutes": 30}),
    );
    assert_eq!(created.view["slots"].as_array().map(Vec::len), Some(SLOTS));
    created
}

/// The view's participants by id.
fn people_of(view: &Value) -> BTreeMap<String, Value> {
    view["participants"]
        .as_array()
        .expect("participants")
        .iter()
        .map(|p| (p["id"].as_str().expect("id").to_string(), p.clone()))
        .collect()
}

/// Everything one socket heard after its hello, with arrival times.
struct Heard {
    name: String,
    messages: Vec<(Instant, Value)>,
}

impl Heard {
    fn new(n: usize) -> Heard {
        Heard {
            name: format!("#{n}"),
            messages: Vec::new(),
        }
    }

    fn versions(&self) -> impl Iterator<Item = i64> + '_ {
        self.messages
            .iter()
            .filter_map(|(_, m)| m["version"].as_i64())
    }

    /// Pushes only (`update`, `view`): what the server sent unasked.
    fn pushes(&self) -> impl Iterator<Item = &(Instant, Value)> + '_ {
        self.messages
            .iter()
            .filter(|(_, m)| matches!(m["type"].as_str(), Some("update" | "view")))
    }

    /// The participants after replaying, on `start`, every pushed
    /// participant object and removal, and the participant of every `ack`
    /// this socket got for its own edits.
    fn replay(&self, start: &BTreeMap<String, Value>) -> BTreeMap<String, Value> {
        let mut people = start.clone();
        for (_, m) in &self.messages {
            let changed: &[Value] = match m["type"].as_str() {
                Some("update") => m["participants"].as_array().map_or(&[], Vec::as_slice),
                Some("ack") => std::slice::from_ref(&m["participant"]),
                _ => &[],
            };
            for p in changed {
                let id = p["id"].as_str().expect("a pushed participant has an id");
                people.insert(id.to_string(), p.clone());
            }
            for gone in m["removed"].as_array().map_or(&[][..], Vec::as_slice) {
                people.remove(gone.as_str().expect("removed ids are strings"));
            }
        }
        people
    }
}

/// Listens until `target` (the final version, 0 while unknown) has been
/// heard and then [`SETTLE`] passes quietly, or 15 s after the target is
/// known, or `abort` is set.
fn listen(live: &mut Live, heard: &mut Heard, target: &AtomicI64, abort: &AtomicBool) {
    live.set_read_timeout(Duration::from_millis(50));
    heard.messages.extend(live.take_pushes());
    let mut target_known_at: Option<Instant> = None;
    let mut quiet_since = Instant::now();
    while !abort.load(Ordering::SeqCst) {
        let want = target.load(Ordering::SeqCst);
        if want > 0 {
            let known = *target_known_at.get_or_insert_with(Instant::now);
            let reached = heard.versions().last() == Some(want);
            if (reached && quiet_since.elapsed() >= SETTLE)
                || known.elapsed() > Duration::from_secs(15)
            {
                return;
            }
        }
        match live.event_before(Instant::now() + Duration::from_millis(50)) {
            Some(Event::Text(text)) => {
                let message: Value = serde_json::from_str(&text)
                    .unwrap_or_else(|e| panic!("socket {}: {text:?} is not JSON: {e}", heard.name));
                heard.messages.push((Instant::now(), message));
                quiet_since = Instant::now();
            }
            Some(Event::Closed(code)) => {
                panic!("socket {}: closed ({code:?}) while listening", heard.name)
            }
            None => {}
        }
    }
}

/// Tells every other thread to stop when this one panics.
struct AbortOnPanic<'a>(&'a AtomicBool);

impl Drop for AbortOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.store(true, Ordering::SeqCst);
        }
    }
}

/// What a writer did: its participant and the state it left.
struct Wrote {
    pid: String,
    state: Vec<Level>,
}

#[test]
fn fifty_sockets_watching_ten_writers_all_end_on_the_final_view_with_coalesced_pushes() {
    let server = Server::shared();
    let created = create_fair(&server);
    let id = created.id.as_str();
    let writers: Vec<Joined> = (0..WRITERS)
        .map(|i| join(&server, id, &format!("작성자 {i}"), None))
        .collect();
    let leaver = join(&server, id, "떠날 사람", Some("leaver-password"));

    let mut sockets: Vec<Live> = (0..SOCKETS)
        .map(|n| Live::connect(&server, id, &format!("#{n}")))
        .collect();
    let hellos: Vec<i64> = sockets.iter().map(|s| s.hello).collect();
    let start = view(&server, id);
    let v0 = start["version"].as_i64().expect("version");
    assert!(
        hellos.iter().all(|&h| h == v0),
        "every hello carries the current version {v0}: {hellos:?}"
    );
    let start_people = people_of(&start);
    // Writers with an odd number edit over sockets #1, #3, …, which keep
    // listening too.
    for (n, w) in writers.iter().enumerate().filter(|(n, _)| n % 2 == 1) {
        sockets[n].sign_in(&w.token, &w.pid);
    }

    let target = AtomicI64::new(0);
    let abort = AtomicBool::new(false);
    let writing = AtomicUsize::new(WRITERS);
    let writes_started = Instant::now();
    let (wrote, heard, writing_took) = std::thread::scope(|s| {
        let (server, target, abort, writing) = (&server, &target, &abort, &writing);
        let _guard = AbortOnPanic(abort);
        let mut sockets: Vec<Option<Live>> = sockets.into_iter().map(Some).collect();
        let mut handles = Vec::new();
        for (n, w) in writers.iter().enumerate() {
            let live = if n % 2 == 1 { sockets[n].take() } else { None };
            let leaver = &leaver;
            handles.push(s.spawn(move || {
                let _guard = AbortOnPanic(abort);
                let mut own = live.map(|live| (live, Heard::new(n)));
                let wrote = write(server, id, n, w, own.as_mut(), leaver);
                writing.fetch_sub(1, Ordering::SeqCst);
                let heard = own.map(|(mut live, mut heard)| {
                    listen(&mut live, &mut heard, target, abort);
                    heard
                });
                (Some(wrote), heard)
            }));
        }
        for (n, live) in sockets.into_iter().enumerate() {
            if let Some(mut live) = live {
                handles.push(s.spawn(move || {
                    let _guard = AbortOnPanic(abort);
                    let mut heard = Heard::new(n);
                    listen(&mut live, &mut heard, target, abort);
                    (None, Some(heard))
                }));
            }
        }
        // Once every writer is done, the view's version is the final one.
        while writing.load(Ordering::SeqCst) > 0 && !abort.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(20));
        }
        let writing_took = writes_started.elapsed();
        if !abort.load(Ordering::SeqCst) {
            target.store(version(server, id), Ordering::SeqCst);
        }
        let mut wrote = Vec::new();
        let mut heard = Vec::new();
        let mut failure = None;
        for h in handles {
            match h.join() {
                Ok((w, h)) => {
                    wrote.extend(w);
                    heard.extend(h);
                }
                Err(panic) => {
                    failure.get_or_insert(panic);
                }
            }
        }
        if let Some(panic) = failure {
            std::panic::resume_unwind(panic);
        }
        (wrote, heard, writing_took)
    });
    assert_eq!(heard.len(), SOCKETS);

    let end = view(&server, id);
    let last = end["version"].as_i64().expect("version");
    let end_people = people_of(&end);
    // No update was lost: every writer's last state is in the final view.
    for w in &wrote {
        assert_eq!(
            model::levels_of(&end_people[&w.pid], SLOTS),
            w.state,
            "writer {}'s last update is what the view shows",
            w.pid
        );
    }
    assert!(!end_people.contains_key(&leaver.pid), "the leaver is gone");
    assert_eq!(
        end_people.len(),
        WRITERS + 1,
        "ten writers and the latecomer"
    );

    let mut counts = Vec::new();
    for h in &heard {
        let text = |m: &Value| m.to_string();
        for (_, m) in &h.messages {
            assert!(
                matches!(m["type"].as_str(), Some("update" | "ack")),
                "socket {}: only updates (and acks of its own edits) while people paint: {m}",
                h.name
            );
        }
        assert_eq!(
            h.versions().last(),
            Some(last),
            "socket {}: its last message carries the final version {last}; it heard {:?}",
            h.name,
            h.versions().collect::<Vec<_>>()
        );
        // A push of no change (`since` = `version`) brings best times
        // held back; every other push moves the version on.
        let (same, changes): (Vec<_>, Vec<_>) =
            h.pushes().partition(|(_, m)| m["since"] == m["version"]);
        for (_, m) in &same {
            assert!(
                m["participants"] == json!([]) && m["removed"] == json!([]) && m["best"].is_array(),
                "socket {}: a push of no change brings best times and nothing else: {m}",
                h.name
            );
        }
        let pushed: Vec<i64> = changes
            .iter()
            .filter_map(|(_, m)| m["version"].as_i64())
            .collect();
        assert!(
            pushed.windows(2).all(|w| w[0] < w[1]) && pushed.first().is_none_or(|&v| v > v0),
            "socket {}: pushed versions only grow from the hello's {v0}: {pushed:?}",
            h.name
        );
        let replayed = h.replay(&start_people);
        assert_eq!(
            replayed.keys().collect::<Vec<_>>(),
            end_people.keys().collect::<Vec<_>>(),
            "socket {}: replaying its pushes gives the final view's participants",
            h.name
        );
        for (pid, person) in &end_people {
            assert_eq!(
                &replayed[pid],
                person,
                "socket {}: replaying its pushes gives participant {pid} as the view shows it \
                 (pushes: {})",
                h.name,
                h.pushes()
                    .map(|(_, m)| text(m))
                    .collect::<Vec<_>>()
                    .join("\n")
            );
        }
        // Coalescing: n pushes at least 50 ms apart span (n − 1) × 50 ms,
        // all of it between the first write and the last arrival.
        let n = h.pushes().count();
        let last_arrival = h.pushes().last().map_or(writes_started, |(at, _)| *at);
        let span = last_arrival.saturating_duration_since(writes_started);
        let bound = (span.as_millis() / WINDOW.as_millis()) as usize + 2;
        assert!(
            n <= bound && n < WRITERS * UPDATES_EACH,
            "socket {}: {n} pushes in {span:?}; coalesced, at most {bound} and far fewer than \
             the {} updates",
            h.name,
            WRITERS * UPDATES_EACH
        );
        counts.push(n);
    }
    counts.sort_unstable();
    eprintln!(
        "{} updates from version {v0} to {last} in {writing_took:?}: \
         pushes per socket min {}, median {}, max {}",
        WRITERS * UPDATES_EACH,
        counts[0],
        counts[counts.len() / 2],
        counts[counts.len() - 1]
    );
}

/// Writer `n` sends its updates: over its own signed-in socket when it has
/// one (keeping what the socket hears), else over HTTP. Writer 0 also makes the leaver leave half
/// way, and writer 2 lets a latecomer join.
fn write(
    server: &Server,
    id: &str,
    n: usize,
    w: &Joined,
    mut own: Option<&mut (Live, Heard)>,
    leaver: &Joined,
) -> Wrote {
    let mut rng = Rng::new(1000 + n as u64);
    let mut state = vec![Level::None; SLOTS];
    for k in 1..=UPDATES_EACH {
        let changes = rng.update(SLOTS);
        model::apply(&mut state, &changes);
        let body = model::changes_json(&changes);
        let participant = if let Some((live, heard)) = own.as_mut() {
            let ack = live.update(k as u64, &body, None);
            heard.messages.extend(live.take_pushes());
            heard.messages.push((Instant::now(), ack.clone()));
            assert_eq!(
                (&ack["type"], &ack["seq"]),
                (&json!("ack"), &json!(k)),
                "writer {n}: update {k} over the socket is acknowledged: {ack}"
            );
            assert!(ack["version"].is_i64(), "an ack carries the version: {ack}");
            ack["participant"].clone()
        } else {
            let resp = update(server, id, &w.pid, Some(&w.token), body);
            resp.expect(200);
            resp.json["participant"].clone()
        };
        assert_eq!(participant["id"], w.pid, "writer {n}: {participant}");
        assert_eq!(
            model::levels_of(&participant, SLOTS),
            state,
            "writer {n}: update {k} answers the state it made"
        );
        if k == UPDATES_EACH / 2 {
            match n {
                0 => {
                    let path = format!("/api/appointments/{id}/participants/{}", leaver.pid);
                    server.delete(&path, Some(&leaver.token)).expect(204);
                }
                2 => {
                    join(server, id, "늦은 사람", None);
                }
                _ => {}
            }
        }
    }
    Wrote {
        pid: w.pid.clone(),
        state,
    }
}
