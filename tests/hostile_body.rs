//! Bodies are capped while they stream: a chunked body with no
//! `Content-Length` is kept only up to 64 KiB + 1 byte (the rest is read
//! and dropped, so the runtime's memory stays flat: see the bench's
//! `hostile` phase) and gets 413 on every endpoint that takes JSON, four
//! at a time, and changes nothing.

use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;
use support::api::*;
use support::Server;

/// How much each request offers to send.
const OFFERED: usize = 10 * 1024 * 1024;

/// What a chunked request got: status, JSON body, and the body bytes the
/// client had written when the answer came.
struct Answer {
    status: u16,
    json: Value,
    sent: usize,
}

/// Sends `method path` with a chunked JSON body of up to [`OFFERED`] bytes
/// (a JSON string that never closes), reading for an answer between
/// chunks, and stops sending as soon as one came.
fn send_chunked(server: &Server, method: &str, path: &str, token: Option<&str>) -> Answer {
    let mut tcp = TcpStream::connect(("127.0.0.1", server.port())).expect("connect");
    let auth = token.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\nCF-Connecting-IP: 198.51.100.19\r\n{auth}Connection: close\r\n\r\n"
    );
    tcp.write_all(head.as_bytes()).expect("send the head");
    tcp.set_read_timeout(Some(Duration::from_millis(1)))
        .expect("read timeout");
    let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, "x".repeat(64 * 1024));
    let mut sent = 0;
    let mut raw = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    let mut first = true;
    while sent < OFFERED {
        let piece = if first {
            first = false;
            format!(
                "{:x}\r\n{{\"name\":\"{}\r\n",
                64 * 1024,
                "x".repeat(64 * 1024 - 9)
            )
        } else {
            chunk.clone()
        };
        if tcp.write_all(piece.as_bytes()).is_err() {
            break;
        }
        sent += 64 * 1024;
        match tcp.read(&mut buf) {
            Ok(n) if n > 0 => {
                raw.extend_from_slice(&buf[..n]);
                break;
            }
            _ => {}
        }
    }
    let _ = tcp.write_all(b"0\r\n\r\n");
    tcp.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("read timeout");
    loop {
        match tcp.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
        }
    }
    let text = String::from_utf8_lossy(&raw);
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{method} {path}: no HTTP answer: {text:?}"));
    let body = text.split("\r\n\r\n").nth(1).unwrap_or("");
    // A chunked answer: the JSON sits between the chunk-size lines.
    let json = body
        .lines()
        .find_map(|l| serde_json::from_str(l).ok())
        .unwrap_or(Value::Null);
    Answer { status, json, sent }
}

#[test]
fn a_ten_megabyte_chunked_body_gets_413_on_every_json_endpoint_and_changes_nothing() {
    let server = Server::shared();
    let (created, _) = create_two_days(&server);
    let id = created.id.as_str();
    let ann = join(&server, id, "Ann", None);
    let before = view(&server, id);
    let endpoints = [
        ("POST", "/api/appointments".to_string(), None),
        ("POST", format!("/api/appointments/{id}/participants"), None),
        (
            "PATCH",
            format!(
                "/api/appointments/{id}/participants/{}/availability",
                ann.pid
            ),
            Some(ann.token.as_str()),
        ),
        (
            "PATCH",
            format!("/api/appointments/{id}"),
            Some(created.admin_token.as_str()),
        ),
    ];
    for (method, path, token) in &endpoints {
        // Four at once: none may be cut off with a 5xx on the way.
        let answers: Vec<Answer> = std::thread::scope(|s| {
            let sending: Vec<_> = (0..4)
                .map(|_| s.spawn(|| send_chunked(&server, method, path, *token)))
                .collect();
            sending
                .into_iter()
                .map(|h| h.join().expect("sent"))
                .collect()
        });
        for answer in answers {
            println!(
                "{method} {path}: {} after {} KiB sent",
                answer.status,
                answer.sent / 1024
            );
            assert_eq!(answer.status, 413, "{method} {path}: {}", answer.json);
            assert_eq!(
                answer.json["error"]["code"], "payload_too_large",
                "{method} {path}: the JSON error"
            );
        }
    }
    assert_eq!(view(&server, id), before, "nothing changed");
    // The service still takes ordinary requests.
    join(&server, id, "Bob", None);
}
