//! Everyone's availability as a spreadsheet (`availability.csv`): a row per
//! slot in the appointment's zone, a column per person, the counts last;
//! UTF-8 with a byte-order mark so Korean names survive a spreadsheet app,
//! and no name that the app would run as a formula.

use chrono::Days;
use serde_json::json;
use support::api::*;
use support::Server;

const ZONE: &str = "Asia/Seoul";
const BOM: char = '\u{FEFF}';

fn csv_path(id: &str) -> String {
    format!("/api/appointments/{id}/availability.csv")
}

/// The file's records, split as RFC 4180 says (quoted fields may hold
/// commas, quotes and line breaks).
fn records(text: &str) -> Vec<Vec<String>> {
    let mut out = vec![vec![String::new()]];
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        let field = out.last_mut().unwrap().last_mut().unwrap();
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => out.last_mut().unwrap().push(String::new()),
            (false, '\r') => {
                assert_eq!(chars.next(), Some('\n'), "lines end in CRLF");
                out.push(vec![String::new()]);
            }
            (false, '\n') => panic!("a bare LF ends a line:\n{text}"),
            (false, c) => field.push(c),
        }
    }
    assert_eq!(
        out.pop(),
        Some(vec![String::new()]),
        "the file ends with CRLF"
    );
    out
}

#[test]
fn the_file_has_a_row_per_slot_a_column_per_person_and_the_counts() {
    let server = Server::shared();
    let (created, d1) = create_two_days(&server);
    let id = created.id.as_str();
    let min = join(&server, id, "민상연", None);
    let formula = join(&server, id, "=HYPERLINK(\"http://x\",\"y\")", None);
    let plus = join(&server, id, "+82 10", None);
    paint(&server, id, &min, "available", &[(0, 3), (6, 7)]);
    paint(&server, id, &formula, "if_needed", &[(1, 2)]);
    paint(&server, id, &plus, "available", &[(2, 4)]);

    let r = server.get(&csv_path(id));
    r.expect(200).expect_content_type("text/csv");
    assert_eq!(r.header("content-type"), Some("text/csv; charset=utf-8"));
    let saved_as = r.header("content-disposition").unwrap_or_default();
    assert!(
        saved_as.starts_with("attachment;")
            && saved_as
                .contains("filename*=UTF-8''%EB%8F%99%EC%95%84%EB%A6%AC%20%ED%9A%8C%EC%9D%98.csv"),
        "saved under the title: {saved_as}"
    );
    assert!(r.body.starts_with(BOM), "a byte-order mark first:\n{r}");
    let rows = records(&r.body[BOM.len_utf8()..]);
    assert_eq!(
        rows[0],
        [
            "start (Asia/Seoul)",
            "민상연",
            "'=HYPERLINK(\"http://x\",\"y\")",
            "'+82 10",
            "available",
            "if_needed"
        ],
        "{}",
        r.body
    );
    assert_eq!(rows.len(), 1 + 12, "a row per slot:\n{}", r.body);
    let day = |d: chrono::NaiveDate, h: u32| format!("{} {h:02}:00", iso(d));
    let d2 = d1 + Days::new(1);
    assert_eq!(
        rows[1],
        [
            day(d1, 9),
            "available".into(),
            "".into(),
            "".into(),
            "1".into(),
            "0".into()
        ]
    );
    assert_eq!(
        rows[2],
        [
            day(d1, 10),
            "available".into(),
            "if_needed".into(),
            "".into(),
            "1".into(),
            "1".into()
        ]
    );
    assert_eq!(
        rows[3],
        [
            day(d1, 11),
            "available".into(),
            "".into(),
            "available".into(),
            "2".into(),
            "0".into()
        ]
    );
    assert_eq!(rows[7][0], day(d2, 9));
    assert_eq!(rows[7][1], "available");
    assert_eq!(
        rows[12],
        [
            day(d2, 14),
            "".into(),
            "".into(),
            "".into(),
            "0".into(),
            "0".into()
        ]
    );
    // The counts are the view's.
    let v = view(&server, id);
    for (i, row) in rows[1..].iter().enumerate() {
        assert_eq!(row[4], v["counts"]["available"][i].to_string());
        assert_eq!(row[5], v["counts"]["if_needed"][i].to_string());
    }
}

#[test]
fn a_weekly_file_names_each_slot_by_day_and_time() {
    let server = Server::shared();
    let created = create(
        &server,
        &json!({"title": "Weekly, \"quoted\"", "timezone": ZONE, "weekdays": ["wed", "mon"],
                "start": "09:00", "end": "10:00", "slot_minutes": 30}),
    );
    let r = server.get(&csv_path(&created.id));
    r.expect(200);
    let rows = records(r.body.trim_start_matches(BOM));
    let starts: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        starts,
        [
            "start (Asia/Seoul)",
            "mon 09:00",
            "mon 09:30",
            "wed 09:00",
            "wed 09:30"
        ]
    );
    assert!(
        rows.iter().all(|r| r.len() == 3),
        "no one yet: the counts only"
    );
}

#[test]
fn the_file_follows_the_version_answers_head_and_is_read_only() {
    let server = Server::shared();
    let (created, _) = create_two_days(&server);
    let id = created.id.as_str();
    let path = csv_path(id);
    let first = server.get(&path);
    let etag = first
        .expect(200)
        .header("etag")
        .expect("an ETag")
        .to_string();
    server
        .req("GET", &path)
        .header("If-None-Match", &etag)
        .send()
        .expect(304);
    let head = server.req("HEAD", &path).send();
    head.expect(200);
    assert_eq!(head.header("etag"), Some(etag.as_str()));
    assert_eq!(head.header("content-type"), first.header("content-type"));
    assert!(head.body.is_empty(), "HEAD has no body:\n{head}");

    let alice = join(&server, id, "Alice", None);
    paint(&server, id, &alice, "available", &[(0, 1)]);
    let second = server
        .req("GET", &path)
        .header("If-None-Match", &etag)
        .send();
    second.expect(200);
    assert_ne!(second.header("etag"), Some(etag.as_str()));
    assert!(second.body.contains(",Alice,"), "{second}");

    for method in ["POST", "PUT", "PATCH", "DELETE"] {
        let r = server.req(method, &path).send();
        r.expect_error(405, "method_not_allowed");
        assert_eq!(r.header("allow"), Some("GET, HEAD"), "{r}");
    }
    server
        .get(&csv_path("NoSuchAppointment1"))
        .expect_error(404, "not_found");
    server
        .get("/api/appointments/bad%20id/availability.csv")
        .expect_error(404, "not_found");
    server
        .delete(
            &format!("/api/appointments/{id}"),
            Some(&created.admin_token),
        )
        .expect(204);
    server.get(&path).expect_error(404, "not_found");
}

#[test]
fn with_lang_ko_the_files_words_are_korean_and_its_tag_its_own() {
    let server = Server::shared();
    let created = create(
        &server,
        &json!({"title": "주간 회의", "timezone": ZONE, "weekdays": ["tue", "sun"],
                "start": "09:00", "end": "10:00", "slot_minutes": 60}),
    );
    let id = created.id.as_str();
    let minji = join(&server, id, "민지", None);
    paint(&server, id, &minji, "available", &[(0, 1)]);
    paint(&server, id, &minji, "if_needed", &[(1, 2)]);
    let path = csv_path(id);

    // The API's words by default and with lang=en: one file, one tag.
    let english = server.get(&path);
    english.expect(200);
    let en_tag = english.header("etag").expect("an ETag").to_string();
    assert_eq!(
        records(english.body.trim_start_matches(BOM)),
        [
            ["start (Asia/Seoul)", "민지", "available", "if_needed"],
            ["tue 09:00", "available", "1", "0"],
            ["sun 09:00", "if_needed", "0", "1"],
        ],
        "{english}"
    );
    let en = server.get(&format!("{path}?lang=en"));
    en.expect(200);
    assert_eq!(en.body, english.body);
    assert_eq!(en.header("etag"), Some(en_tag.as_str()));

    // The page's words in Korean, the BOM and file name as ever.
    let korean = server.get(&format!("{path}?lang=ko"));
    korean.expect(200).expect_content_type("text/csv");
    assert!(korean.body.starts_with(BOM), "{korean}");
    assert_eq!(
        records(korean.body.trim_start_matches(BOM)),
        [
            ["시작 (Asia/Seoul)", "민지", "가능", "필요하면 가능"],
            ["화 09:00", "가능", "1", "0"],
            ["일 09:00", "필요하면 가능", "0", "1"],
        ],
        "{korean}"
    );
    assert_eq!(
        korean.header("content-disposition"),
        english.header("content-disposition")
    );
    let ko_tag = korean.header("etag").expect("an ETag").to_string();
    assert_ne!(ko_tag, en_tag, "each language has its own tag");

    // A copy in one language is not current in the other.
    let asked = |query: &str, tag: &str| {
        server
            .req("GET", &format!("{path}{query}"))
            .header("If-None-Match", tag)
            .send()
    };
    asked("?lang=ko", &ko_tag).expect(304);
    asked("?lang=ko", &en_tag).expect(200);
    asked("", &ko_tag).expect(200);
    asked("", &en_tag).expect(304);
    let head = server.req("HEAD", &format!("{path}?lang=ko")).send();
    head.expect(200);
    assert_eq!(head.header("etag"), Some(ko_tag.as_str()));
    assert!(head.body.is_empty());

    // Any other language is a clear 400.
    for bad in ["fr", "", "KO", "ko,en"] {
        server
            .get(&format!("{path}?lang={bad}"))
            .expect_error(400, "invalid_query");
    }
    server.get(&format!("{path}?lang=ko")).expect(200);
}
