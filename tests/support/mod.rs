//! The harness of the black-box tests: a real `wrangler dev` (real D1, real
//! Durable Object storage) on a free port with its own persist directory,
//! and plain HTTP helpers that check, on every single response, the rules
//! that hold everywhere: no 5xx, and no secret the test knows of (password,
//! token, token hash) and no hash-like field in any answer.
//!
//! Each test function starts its own [`Server`], so tests are independent
//! and may run in parallel. The Worker must have been built before
//! (`sh scripts/build-worker.sh`); the server reuses `build/worker/shim.mjs`.
//!
//! It is the library of the tests package, so every test binary and the
//! bench share one copy (`use support::…`).

pub mod api;
pub mod group;
pub mod http;
pub mod ics;
pub mod live;
pub mod logs;
pub mod model;
pub mod port;

pub use http::Resp;

use group::ProcessGroup;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The repository root: the tests package lives in `<repo>/tests`.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

fn tool_path() -> String {
    let repo = repo();
    format!(
        "{}/node_modules/.bin:{}/.tools/bin:{}",
        repo.display(),
        repo.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// A running `wrangler dev --local` with its own state, stopped (the whole
/// process group, workerd included) and deleted on drop.
pub struct Server {
    root: PathBuf,
    port: u16,
    vars: Vec<(String, String)>,
    flags: Vec<String>,
    wrangler: Option<ProcessGroup>,
    agent: ureq::Agent,
    secrets: Mutex<Vec<String>>,
}

impl Server {
    /// A fresh server with empty storage and no extra variables.
    pub fn start() -> Server {
        Server::start_with_vars(&[])
    }

    /// A fresh server with `--var NAME:VALUE` for each pair.
    pub fn start_with_vars(vars: &[(&str, &str)]) -> Server {
        Server::start_with(vars, &[])
    }

    /// A fresh server with `--var NAME:VALUE` for each pair and these
    /// further `wrangler dev` flags (e.g. `--test-scheduled`).
    pub fn start_with(vars: &[(&str, &str)], flags: &[&str]) -> Server {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let root = std::env::temp_dir().join(format!(
            "api-tests-{}-{}-{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(root.join("state")).expect("create the persist dir");
        let mut server = Server {
            root,
            port: port::free_port(),
            vars: vars
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            flags: flags.iter().map(|f| f.to_string()).collect(),
            wrangler: None,
            agent: ureq::AgentBuilder::new()
                .timeout(Duration::from_secs(60))
                .redirects(0)
                .build(),
            secrets: Mutex::new(Vec::new()),
        };
        server.migrate();
        server.spawn();
        server
    }

    /// `http://127.0.0.1:<port>`, the origin every request goes to.
    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    fn persist_dir(&self) -> PathBuf {
        self.root.join("state")
    }

    fn log_path(&self) -> PathBuf {
        self.root.join("wrangler.log")
    }

    /// The tail of what wrangler printed, for failure messages.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(self.log_path()).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(80)..].join("\n")
    }

    /// What wrangler printed from byte `start` of its log on.
    fn log_since(&self, start: usize) -> String {
        let log = std::fs::read(self.log_path()).unwrap_or_default();
        String::from_utf8_lossy(log.get(start..).unwrap_or_default()).into_owned()
    }

    fn migrate(&self) {
        let out = Command::new("wrangler")
            .args(["d1", "migrations", "apply", "DB", "--local", "--persist-to"])
            .arg(self.persist_dir())
            .current_dir(repo())
            .env("PATH", tool_path())
            .env("WRANGLER_SEND_METRICS", "false")
            .env("CI", "true")
            .stdin(Stdio::null())
            .output()
            .expect("run `wrangler d1 migrations apply` (is node_modules installed?)");
        assert!(
            out.status.success(),
            "wrangler d1 migrations apply failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Starts wrangler and waits until it is healthy; when another process
    /// took the port first, starts it again on another one.
    fn spawn(&mut self) {
        const ATTEMPTS: usize = 5;
        for attempt in 1..=ATTEMPTS {
            match self.try_spawn() {
                Ok(()) => return,
                Err(output) if attempt < ATTEMPTS && port::was_taken(&output) => {
                    eprintln!("port {} was taken; starting wrangler on another", self.port);
                    self.stop();
                    self.port = port::free_port();
                }
                Err(output) => panic!("wrangler dev exited before it was healthy:\n{output}"),
            }
        }
    }

    /// One start of wrangler; `Err` holds its output when it exited before
    /// it was healthy.
    fn try_spawn(&mut self) -> Result<(), String> {
        let log = File::options()
            .create(true)
            .append(true)
            .open(self.log_path())
            .expect("open the wrangler log");
        let mut cmd = Command::new("wrangler");
        cmd.args(["dev", "--local", "--ip", "127.0.0.1", "--port"])
            .arg(self.port.to_string())
            .arg("--persist-to")
            .arg(self.persist_dir())
            .args([
                "--show-interactive-dev-session=false",
                "--inspector-port",
                "0",
            ]);
        for (name, value) in &self.vars {
            cmd.arg("--var").arg(format!("{name}:{value}"));
        }
        cmd.args(&self.flags);
        cmd.current_dir(repo())
            .env("PATH", tool_path())
            .env("SKIP_WORKER_BUILD", "1")
            .env("WRANGLER_SEND_METRICS", "false")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("clone the log handle"))
            .stderr(log);
        let log_start = std::fs::metadata(self.log_path()).map_or(0, |m| m.len() as usize);
        self.wrangler = Some(ProcessGroup::spawn(&mut cmd).expect("spawn wrangler dev"));
        self.wait_healthy(log_start)
    }

    /// Waits for this wrangler's own "Ready on" line (so that a port taken
    /// by someone else in the meantime is never mistaken for ours; wrangler
    /// may also have moved to another port), then for `/api/health` → 200.
    fn wait_healthy(&mut self, log_start: usize) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(60);
        let probe = ureq::AgentBuilder::new()
            .timeout(Duration::from_secs(2))
            .build();
        let mut ready = false;
        loop {
            if let Some(status) = self.wrangler.as_mut().and_then(ProcessGroup::exited) {
                return Err(format!("({status})\n{}", self.log_since(log_start)));
            }
            if !ready {
                if let Some(port) = ready_port(&self.log_since(log_start)) {
                    self.port = port;
                    ready = true;
                }
            }
            let url = format!("{}/api/health", self.base());
            if ready && probe.get(&url).call().is_ok_and(|r| r.status() == 200) {
                return Ok(());
            }
            if Instant::now() > deadline {
                let tail = self.log_tail();
                self.stop();
                panic!("GET /api/health did not answer 200 within 60 s:\n{tail}");
            }
            std::thread::sleep(Duration::from_millis(150));
        }
    }

    /// Stops wrangler and starts it again on the same persist directory
    /// (and the same port when it is still free).
    pub fn restart(&mut self) {
        self.stop();
        if !port::is_free(self.port) {
            self.port = port::free_port();
        }
        self.spawn();
    }

    /// Stops wrangler's whole process group (see [`ProcessGroup::stop`]).
    pub fn stop(&mut self) {
        if let Some(wrangler) = self.wrangler.take() {
            wrangler.stop();
        }
    }

    /// Kills the whole process group at once with SIGKILL, as a crash or a
    /// pulled plug would: nothing gets to shut down or flush. Other threads
    /// may be sending requests meanwhile; [`Server::restart`] starts the
    /// server again on the same storage.
    pub fn kill_hard(&self) {
        if let Some(wrangler) = &self.wrangler {
            assert!(wrangler.kill_hard(), "wrangler survived SIGKILL");
        }
    }

    /// Runs the Worker's scheduled handler now, as the cron `cron` would
    /// (the server must have been started with `--test-scheduled`).
    pub fn run_scheduled(&self, cron: &str) {
        let r = self
            .get(&format!("/__scheduled?cron={}", cron.replace(' ', "+")))
            .expect(200)
            .body
            .clone();
        assert!(
            r.contains("Ran scheduled event"),
            "the scheduled handler ran: {r}"
        );
    }

    /// Remembers a secret that no later response may contain. Tokens are
    /// remembered with their SHA-256 in hex and base64, the likely stored
    /// forms of a token hash.
    pub fn remember_secret(&self, secret: &str) {
        use base64::Engine;
        use sha2::Digest;
        let digest = sha2::Sha256::digest(secret.as_bytes());
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        let mut secrets = self.secrets.lock().unwrap();
        secrets.push(secret.to_string());
        secrets.push(hex);
        secrets.push(base64::engine::general_purpose::STANDARD_NO_PAD.encode(digest));
        secrets.push(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest));
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "---- wrangler output (last lines) ----\n{}\n----",
                self.log_tail()
            );
        }
        self.stop();
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// The port of the first `Ready on http://127.0.0.1:PORT` line.
fn ready_port(log: &str) -> Option<u16> {
    let rest = &log[log.find("Ready on http://127.0.0.1:")? + "Ready on http://127.0.0.1:".len()..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}
