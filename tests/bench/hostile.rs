//! What hostile clients cost the runtime's memory: 10 MB chunked bodies
//! (no `Content-Length`) sent to every endpoint that takes JSON, four at a
//! time, and eight concurrent downloads of the worst availability file
//! (1,000 participants × 4,464 slots, alternating levels), as browsers
//! fetch it (gzip) and by clients that take no compression. Each figure is
//! the resident memory of the server's workerd processes gained across the
//! step. A body past 64 KiB is not kept but is read to its end (see
//! `api::body`), so its row has no goal: it shows that memory stays far
//! below what the bodies carry (160 MB here).

use crate::http;
use crate::setup::Bench;
use crate::view::{workerd_rss_kb, worst_case, PARTICIPANTS};
use serde_json::json;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// What each hostile body offers to send.
const BODY_BYTES: usize = 10 * 1024 * 1024;
/// Concurrent downloads of the file.
const DOWNLOADS: usize = 8;

/// Resident memory before and after one step (kB), and what it moved.
#[derive(Default, Clone, Copy)]
pub struct Step {
    pub before_kb: u64,
    pub after_kb: u64,
    /// Requests made, and bytes each carried (sent or received).
    pub requests: usize,
    pub bytes: usize,
}

impl Step {
    pub fn added_bytes(&self) -> f64 {
        self.after_kb.saturating_sub(self.before_kb) as f64 * 1024.0
    }

    fn to_json(self) -> serde_json::Value {
        json!({"workerd_rss_before_kb": self.before_kb, "workerd_rss_after_kb": self.after_kb,
               "requests": self.requests, "bytes_each": self.bytes})
    }
}

#[derive(Default)]
pub struct Hostile {
    pub bodies: Step,
    pub csv_gzip: Step,
    pub csv_plain: Step,
    pub error: Option<String>,
}

impl Hostile {
    pub fn to_json(&self) -> serde_json::Value {
        json!({"bodies": self.bodies.to_json(), "csv_gzip": self.csv_gzip.to_json(),
               "csv_plain": self.csv_plain.to_json(), "error": self.error})
    }
}

pub fn run(bench: &Bench, cap: Duration) -> Hostile {
    let mut out = Hostile::default();
    if let Err(e) = measure(bench, cap, &mut out) {
        eprintln!("bench: hostile clients: {e}");
        out.error = Some(e);
    }
    out
}

fn measure(bench: &Bench, cap: Duration, out: &mut Hostile) -> Result<(), String> {
    let deadline = bench.deadline(cap);
    let agent = http::agent();
    let (id, painter) = worst_case(bench, &agent, "hostile", deadline)?;

    // Four at a time to each endpoint that takes JSON.
    let port = bench.base.rsplit(':').next().and_then(|p| p.parse().ok());
    let port: u16 = port.ok_or("the server's port")?;
    let update = format!(
        "/api/appointments/{id}/participants/{}/availability",
        painter.pid
    );
    let endpoints = [
        ("POST", "/api/appointments".to_string()),
        ("POST", format!("/api/appointments/{id}/participants")),
        ("PATCH", update),
        ("PATCH", format!("/api/appointments/{id}")),
    ];
    out.bodies.before_kb = workerd_rss_kb();
    for (method, path) in &endpoints {
        let answers: Vec<Result<u16, String>> = std::thread::scope(|s| {
            let sending: Vec<_> = (0..4)
                .map(|_| s.spawn(|| chunked(port, method, path, Some(&painter.token))))
                .collect();
            sending
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|_| Err("panicked".into())))
                .collect()
        });
        for answer in answers {
            match answer? {
                413 => out.bodies.requests += 1,
                other => return Err(format!("{method} {path}: {other}, not 413")),
            }
        }
    }
    out.bodies.after_kb = workerd_rss_kb();
    out.bodies.bytes = BODY_BYTES;

    let url = bench.url(&format!("/api/appointments/{id}/availability.csv"));
    for (step, encoding) in [
        (&mut out.csv_gzip, "gzip"),
        (&mut out.csv_plain, "identity"),
    ] {
        step.before_kb = workerd_rss_kb();
        let sizes: Vec<Result<usize, String>> = std::thread::scope(|s| {
            let downloads: Vec<_> = (0..DOWNLOADS)
                .map(|_| {
                    s.spawn(|| {
                        let agent = http::agent();
                        let headers = [("Accept-Encoding", encoding)];
                        let answer =
                            http::send_with_headers(&agent, "GET", &url, None, None, &headers)?;
                        match answer.status {
                            200 => Ok(answer.body.len()),
                            _ => Err(format!("csv: {}", answer.describe())),
                        }
                    })
                })
                .collect();
            downloads
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|_| Err("panicked".into())))
                .collect()
        });
        step.after_kb = workerd_rss_kb();
        for size in sizes {
            step.bytes = size?;
            step.requests += 1;
        }
    }
    Ok(())
}

/// Sends a chunked body of up to [`BODY_BYTES`], stopping once an answer
/// comes; its status.
fn chunked(port: u16, method: &str, path: &str, token: Option<&str>) -> Result<u16, String> {
    let mut tcp = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    let auth = token.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\n{auth}Connection: close\r\n\r\n"
    );
    tcp.write_all(head.as_bytes()).map_err(|e| e.to_string())?;
    tcp.set_read_timeout(Some(Duration::from_millis(1)))
        .map_err(|e| e.to_string())?;
    let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, "x".repeat(64 * 1024));
    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    let mut sent = 0;
    while sent < BODY_BYTES {
        if tcp.write_all(chunk.as_bytes()).is_err() {
            break;
        }
        sent += 64 * 1024;
        if let Ok(n) = tcp.read(&mut buf) {
            if n > 0 {
                raw.extend_from_slice(&buf[..n]);
                break;
            }
        }
    }
    let _ = tcp.write_all(b"0\r\n\r\n");
    tcp.set_read_timeout(Some(Duration::from_secs(30)))
        .map_err(|e| e.to_string())?;
    while raw.len() < 12 {
        match tcp.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
        }
    }
    let text = String::from_utf8_lossy(&raw);
    text.split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("{method} {path}: no answer: {text:?}"))
}

impl Hostile {
    /// The phase's rows: memory added by each step, with the goal of the
    /// worst file's downloads.
    pub fn report(&self, r: &mut crate::report::Report) {
        use crate::report::Unit;
        const GOAL: f64 = 32.0 * 1024.0 * 1024.0;
        let note = |s: &Step| {
            format!(
                "{} → {} kB; {} requests of {} B",
                s.before_kb, s.after_kb, s.requests, s.bytes
            )
        };
        r.add(
            "hostile clients",
            "workerd memory added by 10 MB chunked bodies, 4 at a time to each JSON endpoint (413)",
            self.bodies.added_bytes(),
            Unit::Bytes,
        )
        .note(note(&self.bodies));
        for (step, how) in [
            (&self.csv_gzip, "gzip"),
            (&self.csv_plain, "no compression"),
        ] {
            r.add(
                "hostile clients",
                format!(
                    "workerd memory added by {DOWNLOADS} concurrent downloads of the worst CSV \
                     ({PARTICIPANTS} × 4,464), {how}"
                ),
                step.added_bytes(),
                Unit::Bytes,
            )
            .goal(
                "≤ 32 MB",
                self.error.is_none() && step.added_bytes() <= GOAL,
            )
            .note(note(step));
        }
        r.detail("hostile", self.to_json());
        if let Some(e) = &self.error {
            r.warnings.push(format!("hostile clients: {e}"));
        }
    }
}
