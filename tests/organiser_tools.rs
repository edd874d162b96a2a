//! The organiser's tools, set with `PATCH /api/appointments/{id}` and shown
//! in the view: the names they expect (and who of them is still waiting),
//! a deadline after which no new names and no changes are taken, who must
//! come and how many (which the best times then meet, each naming who
//! cannot come), and private answers. Each is checked whole: a bad value
//! refuses the whole edit and changes nothing.

use serde_json::{json, Value};
use std::time::{Duration, Instant};
use support::api::*;
use support::live::{Event, Live};
use support::Server;

/// `PATCH` as the organiser; asserts 200 and returns the view it answers.
#[track_caller]
fn organise(server: &Server, c: &Created, body: Value) -> Value {
    let r = patch_appointment(server, &c.id, Some(&c.admin_token), body);
    r.expect(200);
    r.json.clone()
}

#[test]
fn expected_names_wait_until_someone_of_that_name_joins_in_any_spelling() {
    let server = Server::shared();
    let (c, _) = create_two_days(&server);
    assert!(c.view.get("expected").is_none() && c.view.get("waiting").is_none());
    let mut socket = Live::connect(&server, &c.id, "watcher");
    let v = organise(
        &server,
        &c,
        json!({"expected": ["Kim", " Lee ", "kim", "지수"]}),
    );
    assert_eq!(v["expected"], json!(["Kim", "Lee", "지수"]));
    assert_eq!(v["waiting"], json!(["Kim", "Lee", "지수"]));
    // The tools alone are a change of the view: one version step, pushed.
    assert_eq!(v["version"], 2);
    socket.expect_view(2);

    join(&server, &c.id, "KIM", None);
    join(&server, &c.id, "Park", None);
    assert_eq!(view(&server, &c.id)["waiting"], json!(["Lee", "지수"]));

    // Bad lists refuse the whole edit.
    let before = view(&server, &c.id);
    let many: Vec<String> = (0..201).map(|i| format!("n{i}")).collect();
    for bad in [json!(many), json!(["ok", " "]), json!("Kim"), json!([7])] {
        patch_appointment(
            &server,
            &c.id,
            Some(&c.admin_token),
            json!({"title": "renamed", "expected": bad}),
        )
        .expect_error(400, "invalid_expected");
    }
    assert_eq!(
        view(&server, &c.id),
        before,
        "a refused edit changes nothing"
    );
    let v = organise(&server, &c, json!({"expected": null}));
    assert!(v.get("expected").is_none() && v.get("waiting").is_none());
}

#[test]
fn best_times_keep_only_windows_the_required_and_enough_people_can_make() {
    let server = Server::shared();
    let (c, _) = create_two_days(&server);
    let x = join(&server, &c.id, "Xavier", None);
    let y = join(&server, &c.id, "Yuna", None);
    let z = join(&server, &c.id, "Zed", None);
    paint(&server, &c.id, &x, "available", &[(0, 6)]);
    paint(&server, &c.id, &y, "available", &[(0, 3)]);
    paint(&server, &c.id, &z, "if_needed", &[(4, 6)]);

    let open = view(&server, &c.id);
    assert_eq!(open["required"], json!([]));
    assert_eq!(open["min_people"], Value::Null);
    let morning = open["best"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["start"] == 0)
        .unwrap();
    assert_eq!(
        morning["missing"],
        json!([z.pid]),
        "who cannot come: {morning}"
    );

    let v = organise(&server, &c, json!({"required": [z.pid]}));
    assert_eq!(v["required"], json!([z.pid]));
    let best = v["best"].as_array().unwrap();
    assert!(!best.is_empty());
    for w in best {
        let can: Vec<&Value> = w["available"]
            .as_array()
            .unwrap()
            .iter()
            .chain(w["if_needed"].as_array().unwrap())
            .collect();
        assert!(can.contains(&&json!(z.pid)), "{w}");
    }
    let v = organise(&server, &c, json!({"required": null, "min_people": 2}));
    for w in v["best"].as_array().unwrap() {
        let n = w["available"].as_array().unwrap().len() + w["if_needed"].as_array().unwrap().len();
        assert!(n >= 2, "{w}");
    }

    // Someone who answered nothing cannot come at any time: the view says so.
    let w = join(&server, &c.id, "Wanda", None);
    let v = organise(
        &server,
        &c,
        json!({"required": [w.pid, x.pid], "min_people": null}),
    );
    assert_eq!(v["best"], json!([]));
    assert_eq!(v["best_filtered"]["unreachable"], json!([w.pid]));
    assert_eq!(v["best_filtered"]["most_people"], 2);
    // A removed participant drops out of `required`.
    server
        .delete(
            &format!("/api/appointments/{}/participants/{}", c.id, w.pid),
            Some(&c.admin_token),
        )
        .expect(204);
    let v = view(&server, &c.id);
    assert_eq!(v["required"], json!([x.pid]));
    assert!(v.get("best_filtered").is_none());

    // Bad values refuse the whole edit.
    let before = view(&server, &c.id);
    for (body, code) in [
        (json!({"required": ["nobody"]}), "invalid_required"),
        (json!({"required": [x.pid, 5]}), "invalid_required"),
        (json!({"min_people": 0}), "invalid_min_people"),
        (json!({"min_people": -3}), "invalid_min_people"),
        (json!({"min_people": 2.5}), "invalid_min_people"),
        (
            json!({"min_people": 2, "required": ["nobody"]}),
            "invalid_required",
        ),
        (json!({"private": "yes"}), "invalid_body"),
    ] {
        patch_appointment(&server, &c.id, Some(&c.admin_token), body).expect_error(400, code);
    }
    assert_eq!(
        view(&server, &c.id),
        before,
        "a refused edit changes nothing"
    );
}

#[test]
fn after_the_deadline_no_new_names_and_no_changes_until_the_organiser_moves_it() {
    let server = Server::shared();
    let (c, _) = create_two_days(&server);
    let ann = join(&server, &c.id, "Ann", None);
    for bad in ["tomorrow", "2026-12-01", "2026-12-01 09:00:00Z", ""] {
        patch_appointment(
            &server,
            &c.id,
            Some(&c.admin_token),
            json!({ "deadline": bad }),
        )
        .expect_error(400, "invalid_deadline");
    }

    // A deadline a few seconds ahead: the alarm tells every socket.
    let at = chrono::Utc::now() + chrono::Duration::seconds(3);
    let v = organise(&server, &c, json!({"deadline": at.to_rfc3339()}));
    assert_eq!(v["deadline_passed"], false);
    assert_eq!(
        parse_utc(v["deadline"].as_str().unwrap()).timestamp(),
        at.timestamp()
    );
    let version = v["version"].as_i64().unwrap();
    let mut socket = Live::connect(&server, &c.id, "ann's phone");
    socket.sign_in(&ann.token, &ann.pid);
    socket.set_read_timeout(Duration::from_millis(200));
    let pushed = socket.next_json();
    assert_eq!(pushed, json!({"type": "view", "version": version + 1}));
    assert!(
        chrono::Utc::now() >= at,
        "told no earlier than the deadline"
    );
    let v = view(&server, &c.id);
    assert_eq!(
        (v["deadline_passed"].clone(), v["version"].clone()),
        (json!(true), json!(version + 1))
    );

    join_raw(&server, &c.id, "Latecomer", None).expect_error(409, "deadline_passed");
    update(
        &server,
        &c.id,
        &ann.pid,
        Some(&ann.token),
        json!([{"level": "available", "slots": [[0, 2]]}]),
    )
    .expect_error(409, "deadline_passed");
    let answer = socket.update(1, &json!([{"level": "available", "slots": [[0, 2]]}]), None);
    assert_eq!(answer["error"]["code"], "deadline_passed", "{answer}");
    assert_eq!(view(&server, &c.id), v, "nothing changed");
    // Signing back in still works.
    assert_eq!(join(&server, &c.id, "ann", None).status, 200);

    // Moved ahead, it takes answers again.
    let later = chrono::Utc::now() + chrono::Duration::hours(1);
    let v = organise(&server, &c, json!({"deadline": later.to_rfc3339()}));
    assert_eq!(v["deadline_passed"], false);
    paint(&server, &c.id, &ann, "available", &[(0, 2)]);
    join(&server, &c.id, "Latecomer", None);
    let v = organise(&server, &c, json!({"deadline": null}));
    assert_eq!(v["deadline"], Value::Null);
}

/// Asserts that `text` (what `who` got from `what`) names none of `others`
/// (names and ids of other participants).
#[track_caller]
fn no_one_else(text: &str, others: &[String], who: &str, what: &str) {
    for hidden in others {
        assert!(
            !text.contains(hidden.as_str()),
            "{who} got {hidden:?} from {what}:\n{text}"
        );
    }
}

/// The participants a view or push carries: only `me` (or none).
#[track_caller]
fn only_me(value: &Value, me: Option<&str>, what: &str) {
    let ids: Vec<&str> = value["participants"]
        .as_array()
        .unwrap_or_else(|| panic!("{what} has participants: {value}"))
        .iter()
        .filter_map(|p| p["id"].as_str())
        .collect();
    assert_eq!(ids, me.into_iter().collect::<Vec<_>>(), "{what}: {value}");
}

/// Everything a socket hears until `quiet` passes with nothing new.
fn drain(socket: &mut Live, quiet: Duration) -> Vec<String> {
    let mut heard = Vec::new();
    while let Some(Event::Text(text)) = socket.event_before(Instant::now() + quiet) {
        heard.push(text);
    }
    heard
}

#[test]
fn a_private_appointment_shows_no_one_else_to_a_participant_or_a_stranger_anywhere() {
    let server = Server::shared();
    let (c, _) = create_two_days(&server);
    let id = c.id.as_str();
    let me = join(&server, id, "Mina", None);
    let bravo = join(&server, id, "Bravo-Hidden", None);
    let charlie = join(&server, id, "Charlie-Hidden", Some("charlie-pw"));
    paint(&server, id, &bravo, "available", &[(0, 4)]);
    paint(&server, id, &charlie, "if_needed", &[(2, 6)]);
    paint(&server, id, &me, "available", &[(1, 3)]);
    let v = organise(
        &server,
        &c,
        json!({"private": true, "expected": ["Delta-Hidden", "Mina"], "required": [bravo.pid],
               "final": {"start": 2, "end": 3}}),
    );
    assert_eq!(v["private"], true);
    let others = vec![
        bravo.pid.clone(),
        charlie.pid.clone(),
        "Bravo-Hidden".to_string(),
        "Charlie-Hidden".to_string(),
        "Delta-Hidden".to_string(),
    ];
    // Their levels, looked for in JSON answers (in a page or an image a
    // few base64 letters could turn up by chance).
    let levels: Vec<String> = [&bravo, &charlie]
        .iter()
        .map(|p| {
            format!(
                "\"{}\"",
                participant(&v, &p.pid)["levels"].as_str().unwrap()
            )
        })
        .collect();
    let others_and_levels: Vec<String> = others.iter().chain(&levels).cloned().collect();

    // Sockets: a stranger's, mine (signed in), the organiser's.
    let mut stranger = Live::connect(&server, id, "stranger");
    let mut mine = Live::connect(&server, id, "mine");
    mine.sign_in(&me.token, &me.pid);
    let mut organiser = Live::connect(&server, id, "organiser");
    assert_eq!(
        organiser.auth(&c.admin_token),
        json!({"type": "auth", "participant": null, "admin": true})
    );
    let mut painter = Live::connect(&server, id, "bravo's phone");
    painter.sign_in(&bravo.token, &bravo.pid);

    let path = format!("/api/appointments/{id}");
    let mut tags = Vec::new();
    for (who, token, mine_id) in [
        ("a stranger", None, None),
        ("Mina", Some(me.token.as_str()), Some(me.pid.as_str())),
    ] {
        let r = server.req("GET", &path).token(token).send();
        r.expect(200);
        no_one_else(&r.body, &others_and_levels, who, "the view");
        only_me(&r.json, mine_id, "the view");
        assert!(r.json["best"][0]["available"].is_u64(), "{}", r.body);
        assert_eq!(r.json["waiting"], 1);
        assert_eq!(r.json["counts"], v["counts"], "counts are everyone's");
        let tag = r.header("etag").unwrap().to_string();
        let again = server
            .req("GET", &path)
            .token(token)
            .header("if-none-match", &tag)
            .send();
        again.expect(304);
        assert!(again.body.is_empty());
        let head = server.req("HEAD", &path).token(token).send();
        head.expect(200);
        assert!(head.body.is_empty());
        let csv = server
            .req("GET", &format!("{path}/availability.csv"))
            .token(token)
            .send();
        match token {
            None => csv.expect_error(401, "unauthorized"),
            Some(_) => csv.expect_error(403, "private_appointment"),
        };
        for extra in ["/calendar.ics", "/qr.svg"] {
            let r = server
                .req("GET", &format!("{path}{extra}"))
                .token(token)
                .send();
            r.expect(200);
            no_one_else(&r.body, &others, who, extra);
        }
        let page = server.req("GET", &format!("/a/{id}")).token(token).send();
        page.expect(200);
        no_one_else(&page.body, &others, who, "the page");
        tags.push(tag);
    }
    // The organiser sees everything, under a tag of their own.
    let full = server.req("GET", &path).token(Some(&c.admin_token)).send();
    full.expect(200);
    assert!(full.body.contains("Bravo-Hidden") && full.body.contains("Delta-Hidden"));
    tags.push(full.header("etag").unwrap().to_string());
    // A stranger sending Mina's tag does not get Mina's 304.
    let r = server
        .req("GET", &path)
        .header("if-none-match", &tags[1])
        .send();
    r.expect(200);
    no_one_else(&r.body, &others_and_levels, "a stranger", "the view");
    tags.sort();
    tags.dedup();
    assert_eq!(
        tags.len(),
        3,
        "each reader has a tag of their own: {tags:?}"
    );
    let csv = server
        .req("GET", &format!("{path}/availability.csv"))
        .token(Some(&c.admin_token))
        .send();
    csv.expect(200);
    assert!(csv.body.contains("Bravo-Hidden"));

    // Joining, signing in, painting, leaving: each answer is mine alone.
    // A name without a password does not sign in here, even one's own: the
    // token on the device that joined is the way back.
    let back = join_raw(&server, id, "MINA", None);
    back.expect_error(409, "name_private");
    no_one_else(&back.body, &others_and_levels, "Mina", "signing back in");
    let painted = paint(&server, id, &me, "if_needed", &[(4, 5)]);
    no_one_else(&painted.body, &others_and_levels, "Mina", "an update");
    let echo = join(&server, id, "Echo", None);
    let left = server.delete(
        &format!("{path}/participants/{}", echo.pid),
        Some(&echo.token),
    );
    left.expect(204);
    assert!(left.body.is_empty());

    // Others paint, over HTTP and over their socket, while all listen.
    paint(&server, id, &charlie, "available", &[(6, 9)]);
    let ack = painter.update(
        7,
        &json!([{"level": "if_needed", "slots": [[8, 12]]}]),
        None,
    );
    assert_eq!(ack["type"], "ack", "{ack}");
    let ack = mine.update(
        8,
        &json!([{"level": "available", "slots": [[10, 12]]}]),
        None,
    );
    assert_eq!(ack["participant"]["id"], json!(me.pid), "{ack}");
    no_one_else(&ack.to_string(), &others_and_levels, "Mina", "an ack");
    // What the organiser hears of the paints, before a title change, which
    // pushes `view` (and may fold pending pushes into it, as coalescing does).
    let mut organiser_heard = drain(&mut organiser, Duration::from_millis(800));
    organise(&server, &c, json!({"title": "renamed"}));
    let quiet = Duration::from_millis(800);
    let heard_by_mine: Vec<String> = mine
        .take_pushes()
        .into_iter()
        .map(|(_, p)| p.to_string())
        .chain(drain(&mut mine, quiet))
        .collect();
    let heard_by_stranger = drain(&mut stranger, quiet);
    organiser_heard.extend(drain(&mut organiser, quiet));
    let heard_by_organiser = organiser_heard.join("\n");
    for (who, heard, me_id) in [
        ("Mina's socket", &heard_by_mine, Some(me.pid.as_str())),
        ("a stranger's socket", &heard_by_stranger, None),
    ] {
        assert!(
            heard.iter().any(|t| t.contains("\"update\"")),
            "{who} heard pushes: {heard:?}"
        );
        assert!(
            heard.iter().any(|t| t.contains("\"view\"")),
            "{who} heard the view change"
        );
        for text in heard {
            no_one_else(text, &others_and_levels, who, "the socket");
            let push: Value = serde_json::from_str(text).unwrap();
            if push["type"] == "update" {
                let ids: Vec<&str> = push["participants"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(|p| p["id"].as_str())
                    .collect();
                assert!(ids.iter().all(|p| Some(*p) == me_id), "{who}: {text}");
                if let Some(best) = push["best"].as_array() {
                    assert!(best.iter().all(|w| w["available"].is_u64()), "{text}");
                }
            }
        }
    }
    assert!(
        heard_by_organiser.contains(&charlie.pid) && heard_by_organiser.contains("Charlie-Hidden"),
        "the organiser's socket hears everyone: {heard_by_organiser}"
    );

    // Public again: everyone sees everyone.
    organise(&server, &c, json!({"private": false}));
    let r = server.get(&path);
    assert!(r.body.contains("Bravo-Hidden"));
    assert!(r.json["best"][0]["available"].is_array());
}

#[test]
fn in_a_private_appointment_a_name_without_a_password_is_not_a_key_to_its_answers() {
    let server = Server::shared();
    let (c, _) = create_two_days(&server);
    let open = join(&server, &c.id, "Minji", None);
    let locked = join(&server, &c.id, "Seoyeon", Some("seoyeon-pw"));
    update(
        &server,
        &c.id,
        &open.pid,
        Some(&open.token),
        json!([{"level": "available", "slots": [[0, 4]]}]),
    )
    .expect(200);
    // Before the appointment is private, a name is how people sign back in.
    assert_eq!(join(&server, &c.id, "minji", None).status, 200);
    let v = organise(&server, &c, json!({"private": true}));
    let version = v["version"].clone();

    // Now typing someone's name (in any spelling) opens nothing of theirs.
    for name in ["Minji", "MINJI", "Мinji"] {
        let r = join_raw(&server, &c.id, name, None);
        r.expect_error(409, "name_private");
        no_one_else(
            &r.body,
            std::slice::from_ref(&open.pid),
            "a stranger",
            "the refused sign-in",
        );
    }
    assert_eq!(view(&server, &c.id)["version"], version, "nothing changed");
    // Her own device still holds her token; a password still opens its name.
    let mine = server
        .req("GET", &format!("/api/appointments/{}", c.id))
        .token(Some(&open.token))
        .send();
    mine.expect(200);
    only_me(&mine.json, Some(&open.pid), "her own view");
    let back = join(&server, &c.id, "seoyeon", Some("seoyeon-pw"));
    assert_eq!((back.status, back.pid.as_str()), (200, locked.pid.as_str()));
    join_raw(&server, &c.id, "Seoyeon", None).expect_error(401, "password_required");
    // A new name still joins, with or without a password.
    assert_eq!(join(&server, &c.id, "Jisu", None).status, 201);
}
