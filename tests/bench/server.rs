//! The server under test: `wrangler dev --local` on a free loopback port
//! with its own empty persist directory, in its own process group, stopped
//! as a group (workerd included) and deleted on drop; started by
//! `scripts/test-server.mjs`, as every test server is.
//!
//! It runs wrangler at `--log-level warn`, because the per-request log line
//! is work on the same two cores as the server, and no server in
//! production does it.

use std::path::PathBuf;
use support::group::ProcessGroup;

/// Where wrangler runs: this repository, or another checkout with its own
/// build when `BENCH_SERVER_DIR` names one (to compare two builds).
pub fn server_dir() -> PathBuf {
    std::env::var_os("BENCH_SERVER_DIR").map_or_else(support::repo, PathBuf::from)
}

pub struct Server {
    root: PathBuf,
    port: u16,
    wrangler: Option<ProcessGroup>,
}

impl Server {
    /// Starts wrangler on a new persist directory (the D1 migrations
    /// applied) and waits until `GET /api/health` answers 200.
    pub fn start(log_level: &str) -> Server {
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let root = std::env::temp_dir().join(format!("bench-{}-{stamp}", std::process::id()));
        let state = root.join("state");
        std::fs::create_dir_all(&state).expect("create the persist dir");
        // More `NAME:value` variables, e.g. `REQUEST_LOG:off`.
        let extra = std::env::var("BENCH_WRANGLER_VARS").unwrap_or_default();
        let mut vars: Vec<(&str, &str)> = vec![
            // The bench creates 200 appointments from one address in seconds.
            ("CREATE_LIMIT_PER_MINUTE", "1000000"),
            ("JOIN_LIMIT", "1000000"),
        ];
        vars.extend(
            extra
                .split_whitespace()
                .map(|v| v.split_once(':').unwrap_or((v, ""))),
        );
        let (group, port) = support::launch_from(
            &server_dir(),
            &vars,
            &["--log-level", log_level],
            Some(&state),
            0,
            &root.join("wrangler.log"),
        );
        Server {
            root,
            port,
            wrangler: Some(group),
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Where the server keeps its state (D1 and the objects' SQLite).
    pub fn state_dir(&self) -> PathBuf {
        self.root.join("state")
    }

    /// The process group of wrangler and workerd.
    pub fn group(&self) -> u32 {
        self.wrangler.as_ref().map_or(0, ProcessGroup::id)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(wrangler) = self.wrangler.take() {
            wrangler.stop();
        }
        let _ = std::fs::remove_dir_all(&self.root);
    }
}
