//! The server under test: `wrangler dev --local` on a free loopback port
//! with its own empty persist directory, in its own process group, stopped
//! as a group (workerd included) and deleted on drop.
//!
//! Its own starter rather than the tests' harness: the bench runs wrangler
//! at `--log-level warn`, because the per-request log line is work on the
//! same two cores as the server, and no server in production does it.

use std::fs::File;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where wrangler runs: this repository, or another checkout with its own
/// build when `BENCH_SERVER_DIR` names one (to compare two builds).
pub fn server_dir() -> PathBuf {
    std::env::var_os("BENCH_SERVER_DIR").map_or_else(support::repo, PathBuf::from)
}

pub struct Server {
    root: PathBuf,
    port: u16,
    child: Option<Child>,
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
        let child = wrangler()
            .args([
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
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("clone the log handle"))
            .stderr(log)
            .process_group(0)
            .spawn()
            .expect("spawn wrangler dev");
        let mut server = Server {
            root,
            port,
            child: Some(child),
        };
        server.wait_healthy();
        server
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The process group of wrangler and workerd.
    pub fn group(&self) -> u32 {
        self.child.as_ref().map_or(0, Child::id)
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
            if let Some(Ok(Some(status))) = self.child.as_mut().map(Child::try_wait) {
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
        if let Some(mut child) = self.child.take() {
            let group = child.id();
            signal_group(group, "TERM");
            let deadline = Instant::now() + Duration::from_secs(10);
            while group_alive(group) && Instant::now() < deadline {
                let _ = child.try_wait();
                std::thread::sleep(Duration::from_millis(50));
            }
            if group_alive(group) {
                signal_group(group, "KILL");
            }
            let _ = child.wait();
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

fn signal_group(group: u32, signal: &str) {
    let _ = Command::new("kill")
        .args([&format!("-{signal}"), "--", &format!("-{group}")])
        .stderr(Stdio::null())
        .status();
}

/// Whether a live (non-zombie) process is still in the group.
fn group_alive(group: u32) -> bool {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return false;
    };
    entries.flatten().any(|entry| {
        let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
        // "pid (comm) state ppid pgrp ...": comm may hold spaces.
        let fields: Vec<&str> = stat
            .rfind(')')
            .map(|i| stat[i + 1..].split_whitespace().collect())
            .unwrap_or_default();
        fields.len() > 2 && fields[2] == group.to_string() && fields[0] != "Z"
    })
}
