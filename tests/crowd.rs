//! A public link survives the one person who wants to spoil it: names that
//! only look different are the same person, one address cannot flood an
//! appointment, a guesser locks out only themself, tokens do not pile up,
//! the organiser can close the door, and the HTTP edges answer as the spec
//! says.

use serde_json::{json, Value};
use std::io::Read;
use support::api::*;
use support::{Resp, Server};

fn join_from(server: &Server, id: &str, address: &str, name: &str, password: Option<&str>) -> Resp {
    let mut body = json!({ "name": name });
    if let Some(pw) = password {
        body["password"] = json!(pw);
    }
    server
        .req("POST", &format!("/api/appointments/{id}/participants"))
        .header("CF-Connecting-IP", address)
        .json(&body)
        .send()
}

fn participant_count(server: &Server, id: &str) -> usize {
    view(server, id)["participants"]
        .as_array()
        .map(Vec::len)
        .unwrap_or(0)
}

#[test]
fn look_alike_names_are_the_same_person_and_invisible_names_are_refused() {
    let server = Server::shared();
    let c = create(&server, &create_with("title", json!("names")));
    let id = c.id.as_str();
    let kim = join(&server, id, "Kim", None);
    assert_eq!(kim.status, 201);
    let look_alikes = [
        "KIM",
        "kim",
        "kIm",
        "\u{41A}im",                   // Cyrillic К
        "\u{41A}\u{456}m",             // Cyrillic К and і
        "\u{212A}im",                  // Kelvin sign
        "\u{FF2B}\u{FF49}\u{FF4D}",    // full-width
        "\u{1D40A}\u{1D422}\u{1D426}", // mathematical bold
        "\u{1D542}\u{1D55A}\u{1D55E}", // double-struck
        "\u{1D5AA}\u{1D5C2}\u{1D5C6}", // sans-serif
        "K\u{200B}im",                 // zero-width space
        "Ki\u{200C}m",                 // zero-width non-joiner
        "Ki\u{200D}m",                 // zero-width joiner
        "K\u{2060}im",                 // word joiner
        "\u{FEFF}Kim",                 // byte-order mark
        "K\u{AD}im",                   // soft hyphen
        "Ki\u{200E}m",                 // left-to-right mark
        "Kim\u{FE0F}",                 // variation selector
        "Kim\u{E0041}",                // tag character
        "K\u{34F}im",                  // combining grapheme joiner
        "K\u{180E}im",                 // Mongolian vowel separator
        "Kirn",                        // r n looks like m
        "  Kim  ",
        "K\u{200B}\u{200B}IM",
        "\u{FF2B}\u{200D}im",
        "Ki\u{1D426}",
    ];
    for name in look_alikes {
        let r = join_raw(&server, id, name, None);
        match r.status {
            200 => assert_eq!(
                r.json["participant"]["id"], kim.pid,
                "{name:?} is Kim:\n{r}"
            ),
            400 => {
                r.expect_error(400, "invalid_name");
            }
            _ => panic!("{name:?} must sign in as Kim or be refused:\n{r}"),
        }
    }
    assert_eq!(participant_count(&server, id), 1, "no impostor joined");

    for invisible in [
        "\u{200B}\u{200B}\u{200B}",
        "\u{301}",
        "\u{202E}",
        "\u{3164}",
        "\u{115F}",
        "Kim\u{202E}",
        "\u{2066}Kim",
    ] {
        join_raw(&server, id, invisible, None).expect_error(400, "invalid_name");
    }
    assert_eq!(participant_count(&server, id), 1);

    // Names that differ for real stay apart.
    for name in ["Kin", "Jim", "Kimberly", "김"] {
        assert_eq!(join(&server, id, name, None).status, 201, "{name}");
    }
    assert_eq!(participant_count(&server, id), 5);
}

#[test]
fn one_address_is_throttled_others_still_join_and_a_closed_door_keeps_sign_ins() {
    let server = Server::shared();
    let c = create(&server, &create_with("title", json!("fair")));
    let id = c.id.as_str();
    let flood = "198.51.100.7";
    for n in 0..100 {
        join_from(&server, id, flood, &format!("Bot {n:03}"), None).expect(201);
    }
    let refused = join_from(&server, id, flood, "Bot 100", None);
    refused.expect_error(429, "too_many_attempts");
    let wait: u64 = refused
        .header("retry-after")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    assert!((1..=600).contains(&wait), "Retry-After:\n{refused}");
    // A bad request from the flooding address is refused for what it is.
    join_from(&server, id, flood, "", None).expect_error(400, "invalid_name");
    // Signing back in is not joining.
    join_from(&server, id, flood, "Bot 000", None).expect(200);
    assert_eq!(participant_count(&server, id), 100);

    let student = join_from(&server, id, "203.0.113.20", "민지", Some("secret-1"));
    student.expect(201);

    let admin = Some(c.admin_token.as_str());
    let closed = patch_appointment(&server, id, admin, json!({"closed": true}));
    assert_eq!(closed.expect(200).json["closed"], true);
    join_from(&server, id, "203.0.113.21", "Late", None).expect_error(409, "appointment_closed");
    join_from(&server, id, "203.0.113.22", "민지", Some("secret-1")).expect(200);
    let open = patch_appointment(&server, id, admin, json!({"closed": false}));
    assert_eq!(open.expect(200).json["closed"], false);
    join_from(&server, id, "203.0.113.21", "Late", None).expect(201);
}

#[test]
fn a_guesser_locks_out_only_their_own_address_and_old_tokens_expire() {
    let server = Server::shared();
    let c = create(&server, &create_with("title", json!("guard")));
    let id = c.id.as_str();
    join_from(&server, id, "192.0.2.1", "Owner", Some("right-password")).expect(201);
    let guesser = "198.51.100.66";
    for _ in 0..10 {
        join_from(&server, id, guesser, "Owner", Some("wrong-guess"))
            .expect_error(401, "wrong_password");
    }
    join_from(&server, id, guesser, "Owner", Some("right-password"))
        .expect_error(429, "too_many_attempts");
    let owner = join_from(&server, id, "192.0.2.1", "Owner", Some("right-password"));
    owner.expect(200);

    // 25 sign-ins: the 20 newest tokens work, the older ones do not.
    let tokens: Vec<String> = (0..25)
        .map(|_| {
            let r = join_from(&server, id, "192.0.2.1", "Owner", Some("right-password"));
            r.expect(200).json["token"].as_str().unwrap().to_string()
        })
        .collect();
    let pid = owner.json["participant"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let one = json!([{"level": "available", "slots": [[0, 1]]}]);
    for (n, token) in tokens.iter().enumerate() {
        let r = update(&server, id, &pid, Some(token), one.clone());
        if n < 5 {
            r.expect_error(401, "unauthorized");
        } else {
            r.expect(200);
        }
    }
}

#[test]
fn http_edges_refuse_odd_methods_and_compare_etags_weakly() {
    let server = Server::shared();
    let c = create(&server, &create_with("title", json!("edges")));
    let path = format!("/api/appointments/{}", c.id);
    // (A method the runtime itself does not know, such as FOO, never
    // reaches the Worker: local workerd answers it 501 on its own.)
    for method in ["QUERY", "PROPFIND"] {
        let r = server.req(method, &path).send();
        r.expect_error(405, "method_not_allowed");
        assert!(r.header("allow").is_some_and(|a| a.contains("GET")), "{r}");
    }
    let get = server.get(&path);
    let etag = get.expect(200).header("etag").unwrap().to_string();
    assert!(etag.starts_with("W/"), "{get}");
    let strong = etag.trim_start_matches("W/");
    server
        .req("GET", &path)
        .header("If-None-Match", strong)
        .send()
        .expect(304);
    server
        .req("GET", &path)
        .header("If-None-Match", &etag)
        .send()
        .expect(304);

    let head = server.req("HEAD", &path).send();
    head.expect(200);
    assert_eq!(head.header("etag"), Some(etag.as_str()));
    assert!(head.body.is_empty(), "HEAD has no body:\n{head}");
    let filtered = format!("{path}?min_slots=2");
    let head2 = server.req("HEAD", &filtered).send();
    let get2 = server.get(&filtered);
    assert_eq!(head2.header("etag"), get2.header("etag"));
    assert_ne!(
        head2.header("etag"),
        Some(etag.as_str()),
        "the ETag varies with the query"
    );
    server
        .req("HEAD", &path)
        .header("If-None-Match", &etag)
        .send()
        .expect(304);
    let view: Value = get.json.clone();
    assert_eq!(view["closed"], false);
}

#[test]
fn the_view_of_a_thousand_alternating_patterns_on_the_largest_grid_stays_under_2_mb() {
    read_worst_case(|server, c| {
        let id = c.id.as_str();
        let slots = LARGEST_GRID;
        let v = server.get(&format!("/api/appointments/{id}"));
        v.expect(200);
        assert_eq!(v.json["participants"].as_array().map(Vec::len), Some(1000));
        assert_eq!(v.json["participants"][0]["slots"], slots / 2);
        assert!(
            v.body.len() <= 2_000_000,
            "the worst view is {} bytes, over the 2 MB budget",
            v.body.len()
        );

        // A browser takes gzip: the same view, kept gzipped by the object.
        let url = format!("{}/api/appointments/{id}", server.base());
        let gz = ureq::get(&url)
            .set("Accept-Encoding", "gzip, deflate, br")
            .call()
            .expect("the view, gzipped");
        assert_eq!(gz.header("content-encoding"), Some("gzip"));
        assert_eq!(gz.header("etag"), v.header("etag"), "one entity, one tag");
        assert_eq!(gz.header("vary"), Some("accept-encoding"));
        let mut packed = Vec::new();
        gz.into_reader()
            .read_to_end(&mut packed)
            .expect("the gzipped body");
        let mut unpacked = String::new();
        flate2::read::GzDecoder::new(packed.as_slice())
            .read_to_string(&mut unpacked)
            .expect("a gzip stream");
        assert_eq!(unpacked, v.body, "gunzipped, it is the view byte for byte");
        assert!(
            packed.len() * 10 < v.body.len(),
            "{} B gzipped of {} B",
            packed.len(),
            v.body.len()
        );
        let head = ureq::head(&url)
            .set("Accept-Encoding", "gzip")
            .call()
            .expect("HEAD of the view");
        assert_eq!(
            (head.header("content-encoding"), head.header("etag")),
            (Some("gzip"), v.header("etag")),
            "HEAD answers GET's headers"
        );
    });
}
