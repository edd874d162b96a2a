//! The availability file is built once per version and kept gzipped: a
//! client that takes gzip gets those bytes (with their length, on HEAD
//! too), any other the same file unpacked as it streams, and a change
//! makes a new file.

use serde_json::json;
use std::io::Read;
use support::api::*;
use support::Server;

/// GET or HEAD of `path` as raw bytes, with `Accept-Encoding`.
fn fetch(
    server: &Server,
    method: &str,
    path: &str,
    encoding: &str,
) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let url = format!("{}{path}", server.base());
    let answer = ureq::request(method, &url)
        .set("Accept-Encoding", encoding)
        .call()
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    let headers = answer
        .headers_names()
        .into_iter()
        .map(|n| {
            let v = answer.header(&n).unwrap_or_default().to_string();
            (n.to_ascii_lowercase(), v)
        })
        .collect();
    let status = answer.status();
    let mut body = Vec::new();
    answer
        .into_reader()
        .take(64 << 20)
        .read_to_end(&mut body)
        .expect("the body");
    (status, headers, body)
}

fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("gzip");
    out
}

#[test]
fn the_gzipped_file_is_the_plain_file_and_head_carries_its_length() {
    let server = Server::shared();
    let today = today_in("Asia/Seoul");
    let dates: Vec<String> = (1..=31)
        .map(|i| iso(today + chrono::Days::new(i)))
        .collect();
    let created = create(
        &server,
        &json!({"title": "큰 표", "timezone": "Asia/Seoul", "dates": dates,
                "start": "00:00", "end": "24:00", "slot_minutes": 10}),
    );
    let id = created.id.as_str();
    for n in 0..30 {
        let p = join(&server, id, &format!("사람{n}"), None);
        let slots: Vec<[usize; 2]> = (n % 3..4464).step_by(3).map(|i| [i, i + 1]).collect();
        let level = if n % 2 == 0 { "available" } else { "if_needed" };
        update(
            &server,
            id,
            &p.pid,
            Some(&p.token),
            json!([{"level": level, "slots": slots}]),
        )
        .expect(200);
    }
    let path = format!("/api/appointments/{id}/availability.csv");
    let (status, plain_headers, plain) = fetch(&server, "GET", &path, "identity");
    assert_eq!(status, 200);
    assert!(
        plain.len() > 512 * 1024,
        "several chunks: {} bytes",
        plain.len()
    );
    assert_eq!(header(&plain_headers, "content-encoding"), None);
    let text = String::from_utf8(plain.clone()).expect("UTF-8");
    assert_eq!(text.matches("\r\n").count(), 1 + 4464, "a row per slot");

    let (status, packed_headers, packed) = fetch(&server, "GET", &path, "gzip");
    assert_eq!(status, 200);
    assert_eq!(header(&packed_headers, "content-encoding"), Some("gzip"));
    assert!(
        packed.len() * 5 < plain.len(),
        "{} of {}",
        packed.len(),
        plain.len()
    );
    assert_eq!(gunzip(&packed), plain, "the same file");

    let (status, head_headers, body) = fetch(&server, "HEAD", &path, "gzip");
    assert_eq!(status, 200);
    assert!(body.is_empty());
    let length = packed.len().to_string();
    assert_eq!(
        header(&head_headers, "content-length"),
        Some(length.as_str())
    );
    assert_eq!(
        header(&head_headers, "etag"),
        header(&packed_headers, "etag")
    );

    // A change makes a new file.
    join(&server, id, "늦은 사람", None);
    let (_, _, after) = fetch(&server, "GET", &path, "gzip");
    let after = String::from_utf8(gunzip(&after)).expect("UTF-8");
    assert!(after.contains("늦은 사람"), "the new version's file");
    let (_, _, again) = fetch(&server, "GET", &path, "identity");
    assert_eq!(String::from_utf8(again).expect("UTF-8"), after);
}
