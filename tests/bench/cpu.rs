//! Where the CPU time went during a load: the server (wrangler and
//! workerd, one process group), this client, and everything else on the
//! machine. On a shared two-core machine this tells a slow server from a
//! busy neighbour, and gives the server's CPU time per request.
//!
//! Of the server, the runtime alone is counted too: `wrangler dev` runs
//! node and two workerd processes, a proxy that listens on the public port
//! (`--socket-addr=entry=127.0.0.1:<port>`) and forwards to the runtime,
//! the workerd that runs our Worker and its Durable Objects. The runtime
//! is told apart as the one workerd holding files open under the persist
//! directory (the objects' SQLite and D1 live there; it opens them at
//! start-up), see [`find_runtime`].

use std::collections::BTreeMap;
use std::sync::OnceLock;
use std::time::Instant;
use support::group::ProcStat;

/// The server's process group, once it runs.
pub static SERVER_GROUP: OnceLock<u32> = OnceLock::new();
/// The runtime workerd's process id, once found.
pub static RUNTIME: OnceLock<u32> = OnceLock::new();

/// Linux's clock ticks per second for `/proc` times (`USER_HZ`).
const TICKS: f64 = 100.0;

#[derive(Clone)]
pub struct Snapshot {
    at: Instant,
    busy: f64,
    server: f64,
    /// The server's CPU seconds by process name (node, workerd, …).
    by_name: BTreeMap<String, f64>,
    /// The runtime workerd's CPU seconds.
    runtime: f64,
    client: f64,
}

/// CPU seconds used between two snapshots, and the wall time.
#[derive(Clone, Default, Debug)]
pub struct Usage {
    pub seconds: f64,
    pub server: f64,
    pub server_by_name: BTreeMap<String, f64>,
    /// The runtime workerd alone (part of `server`).
    pub runtime: f64,
    pub client: f64,
    /// Busy time of the whole machine that was neither server nor client.
    pub other: f64,
}

impl Usage {
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "wall_seconds": self.seconds,
            "server_cpu_seconds": self.server,
            "server_cpu_seconds_by_process": self.server_by_name,
            "runtime_workerd_cpu_seconds": self.runtime,
            "client_cpu_seconds": self.client,
            "other_cpu_seconds": self.other,
        })
    }
}

pub fn snapshot() -> Snapshot {
    let group = SERVER_GROUP.get().copied();
    let mut by_name = BTreeMap::new();
    if let (Some(group), Ok(entries)) = (group, std::fs::read_dir("/proc")) {
        for entry in entries.flatten() {
            if let Some(stat) = ProcStat::read(&entry.path().join("stat")) {
                if stat.group() == Some(group) {
                    *by_name.entry(stat.comm).or_insert(0.0) += times(&stat.fields);
                }
            }
        }
    }
    let client =
        ProcStat::read(std::path::Path::new("/proc/self/stat")).map_or(0.0, |s| times(&s.fields));
    let runtime = RUNTIME.get().map_or(0.0, |pid| {
        ProcStat::read(
            &std::path::Path::new("/proc")
                .join(pid.to_string())
                .join("stat"),
        )
        .map_or(0.0, |s| times(&s.fields))
    });
    Snapshot {
        at: Instant::now(),
        busy: machine_busy(),
        server: by_name.values().sum(),
        by_name,
        runtime,
        client,
    }
}

impl Snapshot {
    pub fn since(&self, earlier: &Snapshot) -> Usage {
        let server = self.server - earlier.server;
        let client = self.client - earlier.client;
        let server_by_name = self
            .by_name
            .iter()
            .map(|(name, t)| (name.clone(), t - earlier.by_name.get(name).unwrap_or(&0.0)))
            .collect();
        Usage {
            seconds: (self.at - earlier.at).as_secs_f64(),
            server,
            server_by_name,
            runtime: self.runtime - earlier.runtime,
            client,
            other: (self.busy - earlier.busy - server - client).max(0.0),
        }
    }
}

impl Usage {
    /// Adds another interval's figures to these.
    pub fn add(&mut self, other: &Usage) {
        self.seconds += other.seconds;
        self.server += other.server;
        self.runtime += other.runtime;
        self.client += other.client;
        self.other += other.other;
        for (name, t) in &other.server_by_name {
            *self.server_by_name.entry(name.clone()).or_insert(0.0) += t;
        }
    }
}

/// utime + stime (fields 14 and 15 of the file, 11 and 12 after comm), in
/// seconds; a process's own, so threads are included.
fn times(fields: &[String]) -> f64 {
    let tick = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (tick(11) + tick(12)) / TICKS
}

/// Busy seconds of all cores since boot (`/proc/stat`, less idle and iowait).
fn machine_busy() -> f64 {
    let text = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let values: Vec<f64> = text
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .skip(1)
        .take(8)
        .filter_map(|v| v.parse().ok())
        .collect();
    let idle = values.get(3).unwrap_or(&0.0) + values.get(4).unwrap_or(&0.0);
    (values.iter().sum::<f64>() - idle) / TICKS
}

/// The runtime workerd of process group `group`: the one workerd with a
/// file open under `persist_dir`. `None` unless exactly one has.
pub fn find_runtime(group: u32, persist_dir: &std::path::Path) -> Option<u32> {
    let holds_storage = |pid: &std::path::Path| {
        std::fs::read_dir(pid.join("fd")).is_ok_and(|fds| {
            fds.flatten().any(|fd| {
                std::fs::read_link(fd.path()).is_ok_and(|target| target.starts_with(persist_dir))
            })
        })
    };
    let found: Vec<u32> = std::fs::read_dir("/proc")
        .ok()?
        .flatten()
        .filter(|e| {
            ProcStat::read(&e.path().join("stat"))
                .is_some_and(|s| s.group() == Some(group) && s.comm == "workerd")
                && holds_storage(&e.path())
        })
        .filter_map(|e| e.file_name().to_str()?.parse().ok())
        .collect();
    match found[..] {
        [pid] => Some(pid),
        _ => None,
    }
}
