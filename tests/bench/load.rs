//! Concurrent load: a fixed number of worker threads ("N at a time"), each
//! with its own keep-alive client, take the next item of a list (a
//! participant and its series of requests) until the list is done or the
//! deadline passes. Counting and timing are per request.

use crate::cpu::{self, Usage};
use crate::http::{self, Stats};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Barrier, Mutex};
use std::time::{Duration, Instant};

/// What one worker thread saw.
#[derive(Default)]
pub struct Recorder {
    latencies: Vec<Duration>,
    errors: usize,
    samples: Vec<String>,
    truncated: bool,
}

impl Recorder {
    /// A request that succeeded, and how long it took.
    pub fn ok(&mut self, latency: Duration) {
        self.latencies.push(latency);
    }

    /// A request that failed (a transport error, an unexpected status or a
    /// wrong answer); the first few messages are kept.
    pub fn error(&mut self, message: String) {
        self.errors += 1;
        if self.samples.len() < 3 {
            self.samples.push(message);
        }
    }

    /// Whether the deadline has passed; remembers that it cut the load short.
    pub fn past(&mut self, deadline: Instant) -> bool {
        let past = Instant::now() >= deadline;
        self.truncated |= past;
        past
    }
}

/// What the whole load saw.
pub struct Outcome {
    pub latencies: Vec<Duration>,
    pub errors: usize,
    pub error_samples: Vec<String>,
    pub elapsed: Duration,
    pub truncated: bool,
    pub concurrency: usize,
    /// CPU time of the server, the client and the rest of the machine.
    pub cpu: Usage,
}

impl Outcome {
    /// Successful requests per second of wall time.
    pub fn per_second(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    pub fn stats(&self) -> Stats {
        Stats::of(&self.latencies)
    }

    /// The server's CPU milliseconds per successful request.
    pub fn server_cpu_ms(&self) -> f64 {
        self.cpu.server * 1e3 / self.latencies.len().max(1) as f64
    }

    /// The runtime workerd's CPU milliseconds per successful request.
    pub fn runtime_cpu_ms(&self) -> f64 {
        self.cpu.runtime * 1e3 / self.latencies.len().max(1) as f64
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "concurrency": self.concurrency,
            "ok": self.latencies.len(),
            "errors": self.errors,
            "error_samples": self.error_samples,
            "seconds": self.elapsed.as_secs_f64(),
            "per_second": self.per_second(),
            "latency": self.stats().to_json(),
            "truncated_at_deadline": self.truncated,
            "cpu": self.cpu.to_json(),
            "server_cpu_ms_per_request": self.server_cpu_ms(),
            "runtime_cpu_ms_per_request": self.runtime_cpu_ms(),
        })
    }
}

/// Runs `work` on every item, `concurrency` items at a time, and gives the
/// items back (with whatever state `work` kept in them). The clock starts
/// when every thread is ready and stops when the last one is done.
pub fn run<T, F>(items: Vec<T>, concurrency: usize, deadline: Instant, work: F) -> (Outcome, Vec<T>)
where
    T: Send,
    F: Fn(&ureq::Agent, &mut T, &mut Recorder, Instant) + Sync,
{
    let count = items.len();
    let slots: Vec<Mutex<Option<T>>> = items.into_iter().map(|t| Mutex::new(Some(t))).collect();
    let next = AtomicUsize::new(0);
    let ready = Barrier::new(concurrency + 1);
    let (recorders, elapsed, usage) = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..concurrency)
            .map(|_| {
                scope.spawn(|| {
                    let agent = http::agent();
                    let mut recorder = Recorder::default();
                    ready.wait();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= count || recorder.past(deadline) {
                            break;
                        }
                        let mut item = slots[i].lock().unwrap().take().expect("each item once");
                        work(&agent, &mut item, &mut recorder, deadline);
                        *slots[i].lock().unwrap() = Some(item);
                    }
                    recorder
                })
            })
            .collect();
        ready.wait();
        let started = Instant::now();
        let before = cpu::snapshot();
        let recorders: Vec<Recorder> = handles
            .into_iter()
            .map(|h| h.join().expect("a load thread panicked"))
            .collect();
        let elapsed = started.elapsed();
        (recorders, elapsed, cpu::snapshot().since(&before))
    });
    let mut outcome = Outcome {
        latencies: Vec::new(),
        errors: 0,
        error_samples: Vec::new(),
        elapsed,
        truncated: false,
        concurrency,
        cpu: usage,
    };
    for r in recorders {
        outcome.latencies.extend(r.latencies);
        outcome.errors += r.errors;
        outcome.truncated |= r.truncated;
        for s in r.samples {
            if outcome.error_samples.len() < 5 {
                outcome.error_samples.push(s);
            }
        }
    }
    let items = slots
        .into_iter()
        .map(|m| m.into_inner().unwrap().expect("every item returned"))
        .collect();
    (outcome, items)
}
