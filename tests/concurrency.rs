//! Many people at once: 50 join in parallel (and 8 race for one name),
//! then all 50 paint at the same
//! time, 10 different updates each. No update is lost, every change counts
//! exactly once in `version`, and counts and best windows agree with a
//! reference model of everyone's last update.

use chrono::Days;
use serde_json::json;
use std::collections::BTreeSet;
use support::api::*;
use support::model::{self, Level, Rng};
use support::Server;

const PEOPLE: usize = 50;
const UPDATES: usize = 10;
const PER_DAY: usize = 18;
const SLOTS: usize = 3 * PER_DAY;

/// One participant's run: their final state and, per update, whether it
/// changed anything and the version it answered.
struct Painted {
    pid: String,
    state: Vec<Level>,
    log: Vec<(bool, i64)>,
}

#[test]
fn fifty_people_painting_at_once_lose_no_update() {
    let server = Server::shared();
    let d1 = today_in("Asia/Seoul") + Days::new(5);
    let created = create(
        &server,
        &json!({"title": "모두 모여", "timezone": "Asia/Seoul",
                "dates": [iso(d1), iso(d1 + Days::new(1)), iso(d1 + Days::new(2))],
                "start": "09:00", "end": "18:00", "slot_minutes": 30}),
    );
    let id = created.id.as_str();
    assert_eq!(created.view["slots"].as_array().map(Vec::len), Some(SLOTS));

    // 50 joins from 10 threads; every fifth name is protected.
    let joined: Vec<Joined> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..10)
            .map(|t| {
                let server = &server;
                s.spawn(move || {
                    (0..PEOPLE / 10)
                        .map(|k| {
                            let n = t * (PEOPLE / 10) + k;
                            let pw = format!("password-of-{n:02}");
                            let j = join(
                                server,
                                id,
                                &format!("Person {n:02}"),
                                n.is_multiple_of(5).then_some(pw.as_str()),
                            );
                            assert_eq!(j.status, 201);
                            j
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let ids: BTreeSet<&str> = joined.iter().map(|j| j.pid.as_str()).collect();
    assert_eq!(ids.len(), PEOPLE, "every participant has its own id");
    assert_eq!(version(&server, id), 1 + PEOPLE as i64);

    // One new name joined from 8 threads at once, spelled differently:
    // one participant is created, everyone else signs back in to it.
    let racers: Vec<Joined> = std::thread::scope(|s| {
        let spellings = ["Racer", "racer", "RACER", " Racer ", "rAcEr"];
        let handles: Vec<_> = (0..8)
            .map(|t| {
                let server = &server;
                s.spawn(move || join(server, id, spellings[t % spellings.len()], None))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let created = racers.iter().filter(|j| j.status == 201).count();
    let racer_ids: BTreeSet<&str> = racers.iter().map(|j| j.pid.as_str()).collect();
    assert_eq!(
        (created, racer_ids.len()),
        (1, 1),
        "one participant, one 201"
    );
    let racer = &racers[0];
    let path = format!("/api/appointments/{id}/participants/{}", racer.pid);
    server.delete(&path, Some(&racer.token)).expect(204);
    assert_eq!(version(&server, id), 3 + PEOPLE as i64);

    // Everyone paints at once; each response shows that participant's state.
    let results: Vec<Painted> = std::thread::scope(|s| {
        let handles: Vec<_> = joined
            .iter()
            .enumerate()
            .map(|(n, j)| {
                let server = &server;
                s.spawn(move || {
                    let mut rng = Rng::new(n as u64 + 1);
                    let mut state = vec![Level::None; SLOTS];
                    let mut log = Vec::new();
                    for _ in 0..UPDATES {
                        let changes = rng.update(SLOTS);
                        let before = state.clone();
                        model::apply(&mut state, &changes);
                        let r = update(
                            server,
                            id,
                            &j.pid,
                            Some(&j.token),
                            model::changes_json(&changes),
                        );
                        r.expect(200);
                        let p = &r.json["participant"];
                        assert_eq!(
                            model::shown(p),
                            (
                                model::ranges(&state, Level::Available),
                                model::ranges(&state, Level::IfNeeded)
                            ),
                            "the answer shows the state after this update:\n{r}"
                        );
                        log.push((
                            before != state,
                            r.json["version"].as_i64().expect("version"),
                        ));
                    }
                    Painted {
                        pid: j.pid.clone(),
                        state,
                        log,
                    }
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });

    let v = view(&server, id);
    for Painted { pid, state, .. } in &results {
        let p = participant(&v, pid);
        assert_eq!(
            model::shown(p),
            (
                model::ranges(state, Level::Available),
                model::ranges(state, Level::IfNeeded)
            ),
            "participant {pid} shows their last update"
        );
    }
    assert_eq!(
        v["counts"],
        model::counts(results.iter().map(|r| &r.state), SLOTS)
    );
    let people: Vec<(String, Vec<Level>)> = results
        .iter()
        .map(|r| (r.pid.clone(), r.state.clone()))
        .collect();
    let day_of: Vec<usize> = (0..SLOTS).map(|i| i / PER_DAY).collect();
    assert_eq!(
        normalise_best(&v["best"]),
        model::best(&day_of, &people, 1),
        "best"
    );

    // Each update that changed something took its own version number.
    let mut versions: Vec<i64> = results
        .iter()
        .flat_map(|r| {
            r.log
                .iter()
                .filter(|(changed, _)| *changed)
                .map(|(_, v)| *v)
        })
        .collect();
    versions.sort();
    let first = 4 + PEOPLE as i64;
    let expected: Vec<i64> = (first..first + versions.len() as i64).collect();
    assert_eq!(
        versions, expected,
        "one version step per change, none shared"
    );
    assert_eq!(v["version"], json!(first - 1 + versions.len() as i64));
}
