//! Timed HTTP over keep-alive connections. Each thread owns one
//! [`ureq::Agent`], so after its first request every request reuses one
//! TCP connection and the figures measure the server, not TCP set-up.
//! Unlike the tests' harness, nothing here inspects answers while the
//! clock runs.

use serde_json::Value;
use std::io::Read;
use std::time::{Duration, Instant};

/// A new keep-alive client (one connection per host).
pub fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(20))
        .redirects(0)
        .max_idle_connections_per_host(1)
        .build()
}

/// What came back, and how long it took from sending to the last body byte.
pub struct Answer {
    pub status: u16,
    pub elapsed: Duration,
    pub body: Vec<u8>,
    /// `x-rows-written`, sent by the availability update.
    pub rows_written: Option<u64>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// A one-line description for error samples.
    pub fn describe(&self) -> String {
        let text = String::from_utf8_lossy(&self.body);
        let text: String = text.chars().take(200).collect();
        format!("status {}: {text}", self.status)
    }
}

/// Sends one request; `Err` only for a transport failure (any status is an
/// [`Answer`]).
pub fn send(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<&[u8]>,
) -> Result<Answer, String> {
    send_with_headers(agent, method, url, token, body, &[])
}

/// [`send`] with extra request headers; the body is returned as it came
/// over the wire (a gzipped body stays gzipped).
pub fn send_with_headers(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<&[u8]>,
    headers: &[(&str, &str)],
) -> Result<Answer, String> {
    let mut request = agent.request(method, url);
    for (name, value) in headers {
        request = request.set(name, value);
    }
    if let Some(token) = token {
        request = request.set("Authorization", &format!("Bearer {token}"));
    }
    let started = Instant::now();
    let result = match body {
        Some(bytes) => request
            .set("Content-Type", "application/json")
            .send_bytes(bytes),
        None => request.call(),
    };
    let response = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => return Err(format!("{method} {url}: {e}")),
    };
    let status = response.status();
    let rows_written = response
        .header("x-rows-written")
        .and_then(|v| v.trim().parse().ok());
    let mut body = Vec::new();
    response
        .into_reader()
        .read_to_end(&mut body)
        .map_err(|e| format!("{method} {url}: reading the body: {e}"))?;
    Ok(Answer {
        status,
        elapsed: started.elapsed(),
        body,
        rows_written,
    })
}

/// Sends a setup request and insists on `expected`; the bench cannot go on
/// without it.
#[track_caller]
pub fn expect(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<&Value>,
    expected: &[u16],
) -> Answer {
    let bytes = body.map(|b| serde_json::to_vec(b).expect("serialise"));
    let answer = send(agent, method, url, token, bytes.as_deref())
        .unwrap_or_else(|e| panic!("setup request failed: {e}"));
    assert!(
        expected.contains(&answer.status),
        "setup request {method} {url} answered {}",
        answer.describe()
    );
    answer
}

/// Latency percentiles, in milliseconds.
#[derive(Clone, Copy, Debug, Default)]
pub struct Stats {
    pub n: usize,
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
    pub mean: f64,
}

impl Stats {
    /// Nearest-rank percentiles of the samples.
    pub fn of(samples: &[Duration]) -> Stats {
        if samples.is_empty() {
            return Stats::default();
        }
        let mut ms: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1e3).collect();
        ms.sort_by(f64::total_cmp);
        let rank = |p: f64| ms[((p * ms.len() as f64).ceil() as usize).clamp(1, ms.len()) - 1];
        Stats {
            n: ms.len(),
            p50: rank(0.50),
            p95: rank(0.95),
            p99: rank(0.99),
            max: ms[ms.len() - 1],
            mean: ms.iter().sum::<f64>() / ms.len() as f64,
        }
    }

    pub fn to_json(self) -> Value {
        serde_json::json!({
            "n": self.n, "p50_ms": self.p50, "p95_ms": self.p95,
            "p99_ms": self.p99, "max_ms": self.max, "mean_ms": self.mean,
        })
    }
}
