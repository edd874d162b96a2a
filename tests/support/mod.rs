//! The harness of the black-box tests: a real `wrangler dev` (real D1, real
//! Durable Object storage) on a free port with its own persist directory,
//! and plain HTTP helpers that check, on every single response, the rules
//! that hold everywhere: no 5xx, and no secret the test knows of (password,
//! token, token hash) and no hash-like field in any answer.
//!
//! Most tests share one server per configuration ([`Server::shared`]) and
//! stay independent through their own appointments and their own client
//! address; a test that kills, restarts or counts its server starts its own
//! ([`Server::start`]). Every server is started by `scripts/test-server.mjs`.
//! The Worker must have been built before (`sh scripts/build-worker.sh`);
//! the server reuses `build/worker/shim.mjs`.
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

pub use http::Resp;

use group::ProcessGroup;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

/// The repository root: the tests package lives in `<repo>/tests`.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

fn tool_path() -> String {
    format!(
        "{}/node_modules/.bin:{}",
        repo().display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// A `wrangler dev --local` under test. Either its own (see
/// [`Server::start`]), with its own state, stopped (the whole process group,
/// workerd included) and deleted on drop; or a view of the server this test
/// binary shares with every other test of the same configuration (see
/// [`Server::shared`]), with its own client address and its own secrets.
pub struct Server {
    root: PathBuf,
    port: u16,
    vars: Vec<(String, String)>,
    flags: Vec<String>,
    wrangler: Option<ProcessGroup>,
    /// Whether this value owns the process and `root` (else it is a view).
    own: bool,
    /// The `CF-Connecting-IP` every request of a shared view carries, so
    /// per-address limits never couple two tests.
    client: Option<String>,
    agent: ureq::Agent,
    secrets: Mutex<Vec<String>>,
}

/// The `--var` pairs a shared server was started with.
type Config = Vec<(String, String)>;

/// How many servers the tests of one configuration share, taking turns:
/// workerd serves on one thread, and the machine has two cores.
const POOL: usize = 2;

/// The shared servers of one configuration.
#[derive(Default)]
struct Pool {
    slots: [OnceLock<Shared>; POOL],
    next: AtomicUsize,
}

/// A server shared by the tests of one configuration: started on first
/// use, stopped when this test binary exits (the starter stops wrangler
/// when its stdin, held here, closes).
struct Shared {
    root: PathBuf,
    port: u16,
    _group: ProcessGroup,
}

impl Server {
    /// A fresh server of its own with empty storage and no extra variables:
    /// for a test that kills or restarts it, or counts everything on it.
    pub fn start() -> Server {
        Server::start_with_vars(&[])
    }

    /// A fresh server of its own with `--var NAME:VALUE` for each pair.
    pub fn start_with_vars(vars: &[(&str, &str)]) -> Server {
        Server::start_with(vars, &[])
    }

    /// A fresh server of its own with `--var NAME:VALUE` for each pair and
    /// these further `wrangler dev` flags (e.g. `--test-scheduled`).
    pub fn start_with(vars: &[(&str, &str)], flags: &[&str]) -> Server {
        let root = scratch_dir("api-tests");
        std::fs::create_dir_all(root.join("state")).expect("create the persist dir");
        let mut server = Server::view(root, 0, vars, flags, true, None);
        server.spawn();
        server
    }

    /// A server every test of this binary with the default configuration
    /// shares (one of [`POOL`], taking turns), started on first use. Each call is a new client: its own
    /// `CF-Connecting-IP` and its own known secrets. A test on it creates
    /// its own appointments and never counts what others do.
    pub fn shared() -> Server {
        Server::shared_with_vars(&[])
    }

    /// Like [`Server::shared`], for the server shared by the tests that
    /// need these `--var NAME:VALUE` pairs.
    pub fn shared_with_vars(vars: &[(&str, &str)]) -> Server {
        static SERVERS: Mutex<Vec<(Config, &'static Pool)>> = Mutex::new(Vec::new());
        static CLIENTS: AtomicUsize = AtomicUsize::new(1);
        let key: Config = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let pool: &'static Pool = {
            let mut servers = SERVERS.lock().unwrap_or_else(|e| e.into_inner());
            match servers.iter().find(|(k, _)| *k == key) {
                Some((_, pool)) => pool,
                None => {
                    let pool: &'static Pool = Box::leak(Box::default());
                    servers.push((key, pool));
                    pool
                }
            }
        };
        // Each slot starts on its first use; concurrent first uses of one
        // slot wait for the same start.
        let slot = &pool.slots[pool.next.fetch_add(1, Ordering::SeqCst) % POOL];
        let shared = slot.get_or_init(|| Shared::start(vars));
        let n = CLIENTS.fetch_add(1, Ordering::SeqCst);
        let client = format!("10.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255);
        Server::view(
            shared.root.clone(),
            shared.port,
            vars,
            &[],
            false,
            Some(client),
        )
    }

    fn view(
        root: PathBuf,
        port: u16,
        vars: &[(&str, &str)],
        flags: &[&str],
        own: bool,
        client: Option<String>,
    ) -> Server {
        Server {
            root,
            port,
            vars: vars
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            flags: flags.iter().map(|f| f.to_string()).collect(),
            wrangler: None,
            own,
            client,
            agent: ureq::AgentBuilder::new()
                .timeout(Duration::from_secs(60))
                .redirects(0)
                .build(),
            secrets: Mutex::new(Vec::new()),
        }
    }

    /// `http://127.0.0.1:<port>`, the origin every request goes to.
    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The `CF-Connecting-IP` this client sends, on a shared server.
    pub fn client_address(&self) -> Option<&str> {
        self.client.as_deref()
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

    /// Starts the server (`scripts/test-server.mjs`) on this one's persist
    /// directory, on its port when that is still free.
    fn spawn(&mut self) {
        let vars: Vec<(&str, &str)> = self
            .vars
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let flags: Vec<&str> = self.flags.iter().map(String::as_str).collect();
        let persist = self.root.join("state");
        let (group, port) = launch(&vars, &flags, Some(&persist), self.port, &self.log_path());
        self.wrangler = Some(group);
        self.port = port;
    }

    /// Stops wrangler and starts it again on the same persist directory
    /// (and the same port when it is still free).
    pub fn restart(&mut self) {
        assert!(self.own, "only a server of its own may be restarted");
        self.stop();
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
        assert!(self.own, "only a server of its own may be killed");
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
        if self.own {
            self.stop();
            let _ = std::fs::remove_dir_all(&self.root);
        }
    }
}

impl Shared {
    fn start(vars: &[(&str, &str)]) -> Shared {
        remove_stale_logs();
        let root = scratch_dir("api-shared");
        std::fs::create_dir_all(&root).expect("create the shared server's directory");
        let (group, port) = launch(vars, &[], None, 0, &root.join("wrangler.log"));
        Shared {
            root,
            port,
            _group: group,
        }
    }
}

/// Removes the shared servers' logs of test runs that have ended (a
/// shared server outlives every test, so no test removes its log).
fn remove_stale_logs() {
    let Ok(entries) = std::fs::read_dir(repo().join("target/test-server")) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let pid = name
            .strip_prefix("api-shared-")
            .and_then(|rest| rest.split('-').next());
        if pid.is_some_and(|pid| !Path::new("/proc").join(pid).exists()) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// A new directory under `target/test-server/`, named for this process.
fn scratch_dir(kind: &str) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    repo().join("target/test-server").join(format!(
        "{kind}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    ))
}

/// Runs `scripts/test-server.mjs` (the one starter of every test server)
/// as the leader of a process group of its own and waits for its `READY`
/// line; the group and the port it listens on. Its stdin stays open for as
/// long as this process lives: when it closes, the server stops.
/// `persist`: the state directory (`None`: a temporary one).
pub fn launch(
    vars: &[(&str, &str)],
    flags: &[&str],
    persist: Option<&Path>,
    port: u16,
    log: &Path,
) -> (ProcessGroup, u16) {
    launch_from(&repo(), vars, flags, persist, port, log)
}

/// Like [`launch`], with the Worker and web UI built in another checkout
/// `root` (the bench compares two builds that way).
pub fn launch_from(
    root: &Path,
    vars: &[(&str, &str)],
    flags: &[&str],
    persist: Option<&Path>,
    port: u16,
    log: &Path,
) -> (ProcessGroup, u16) {
    let mut cmd = Command::new("node");
    cmd.arg(repo().join("scripts/test-server.mjs"))
        .arg("--root")
        .arg(root)
        .arg("--log")
        .arg(log);
    if let Some(dir) = persist {
        cmd.arg("--persist").arg(dir);
    }
    if port != 0 {
        cmd.arg("--port").arg(port.to_string());
    }
    for (name, value) in vars {
        cmd.arg("--var").arg(format!("{name}:{value}"));
    }
    cmd.arg("--").args(flags);
    cmd.current_dir(repo())
        .env("PATH", tool_path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(
            File::options()
                .create(true)
                .append(true)
                .open(log)
                .expect("open the server's log"),
        );
    let mut group = ProcessGroup::spawn(&mut cmd).expect("run node scripts/test-server.mjs");
    // Never closed: the starter lives as long as this process does.
    std::mem::forget(group.take_stdin());
    let mut line = String::new();
    if let Some(stdout) = group.take_stdout() {
        let _ = BufReader::new(stdout).read_line(&mut line);
    }
    match line.trim().strip_prefix("READY http://127.0.0.1:") {
        Some(port) => (group, port.parse().expect("the starter prints a port")),
        None => {
            let status = group.exited();
            let log = std::fs::read_to_string(log).unwrap_or_default();
            panic!("the test server did not start ({status:?}):\n{log}");
        }
    }
}
