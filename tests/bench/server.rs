//! The server under test: `wrangler dev --local` on a free loopback port
//! with its own empty persist directory, in its own process group, stopped
//! as a group (workerd included) and deleted on drop.
//!
//! Its own starter rather than the tests' [`support::Server`]: the bench
//! runs wrangler at `--log-level warn`, because the per-request log line is
//! work on the same two cores as the server, and no server in production
//! does it; at that level wrangler never prints the "Ready on" line the
//! tests' starter waits for. The process group, the port and the
//! repository root are the tests' own.

use std::fs::File;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
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
    /// Applies the D1 migrations to a new persist directory, starts
    /// wrangler on it and waits until `GET /api/health` answers 200.
    pub fn start(log_level: &str) -> Server {
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let root = std::env::temp_dir().join(format!("bench-{}-{stamp}", std::process::id()));
        let state = root.join("state");
        std::fs::create_dir_all(&state).expect("create the persist dir");
        let port = support::port::free_port();
        let out = wrangler()
            .args(["d1", "migrations", "apply", "DB", "--local", "--persist-to"])
            .arg(&state)
            .stdin(Stdio::null())
            .output()
            .expect("run `wrangler d1 migrations apply` (is node_modules installed?)");
        assert!(
            out.status.success(),
            "wrangler d1 migrations apply failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let log = File::create(root.join("wrangler.log")).expect("create the wrangler log");
        let mut dev = wrangler();
        dev.args([
            "dev",
            "--local",
            "--ip",
            "127.0.0.1",
            "--port",
            &port.to_string(),
        ])
        .arg("--persist-to")
        .arg(&state)
        .args([
            "--show-interactive-dev-session=false",
            "--inspector-port",
            "0",
        ])
        .args(["--log-level", log_level])
        // The bench creates 200 appointments from one address in seconds.
        .args(["--var", "CREATE_LIMIT_PER_MINUTE:1000000"])
        .args(["--var", "JOIN_LIMIT:1000000"])
        // More `NAME:value` variables, e.g. `REQUEST_LOG:off`.
        .args(
            std::env::var("BENCH_WRANGLER_VARS")
                .unwrap_or_default()
                .split_whitespace()
                .flat_map(|v| ["--var".to_string(), v.to_string()]),
        )
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("clone the log handle"))
        .stderr(log);
        let mut server = Server {
            root,
            port,
            wrangler: Some(ProcessGroup::spawn(&mut dev).expect("spawn wrangler dev")),
        };
        server.wait_healthy();
        server
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

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(self.root.join("wrangler.log")).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }

    fn wait_healthy(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        let probe = ureq::AgentBuilder::new()
            .timeout(Duration::from_secs(2))
            .build();
        let url = format!("{}/api/health", self.base());
        loop {
            if let Some(status) = self.wrangler.as_mut().and_then(ProcessGroup::exited) {
                panic!("wrangler dev exited with {status}:\n{}", self.log_tail());
            }
            if probe.get(&url).call().is_ok_and(|r| r.status() == 200) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "GET /api/health did not answer 200 within 60 s:\n{}",
                self.log_tail()
            );
            std::thread::sleep(Duration::from_millis(150));
        }
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

/// `wrangler` from the repository's `node_modules` (it needs its Node 22),
/// reusing the built Worker.
fn wrangler() -> Command {
    let repo = server_dir();
    let path = format!(
        "{}/node_modules/.bin:{}",
        repo.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = Command::new("wrangler");
    cmd.current_dir(&repo)
        .env("PATH", path)
        .env("SKIP_WORKER_BUILD", "1")
        .env("WRANGLER_SEND_METRICS", "false")
        .env("CI", "true");
    cmd
}
