//! A child process that leads a process group of its own, so that stopping
//! it stops everything it started: `wrangler dev` runs node and two workerd
//! processes, and signalling wrangler alone leaves workerd running (and
//! whoever waits on it hanging). The tests' server and the bench's both
//! run wrangler this way.

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// A running command in its own process group; dropping it (or
/// [`ProcessGroup::stop`]) stops the whole group.
pub struct ProcessGroup {
    leader: Child,
}

impl ProcessGroup {
    /// Spawns `command` as the leader of a new process group.
    pub fn spawn(command: &mut Command) -> std::io::Result<ProcessGroup> {
        let leader = command.process_group(0).spawn()?;
        Ok(ProcessGroup { leader })
    }

    /// The group's id, which is the leader's process id.
    pub fn id(&self) -> u32 {
        self.leader.id()
    }

    /// The leader's stdin, when it was spawned with a pipe there.
    pub fn take_stdin(&mut self) -> Option<ChildStdin> {
        self.leader.stdin.take()
    }

    /// The leader's stdout, when it was spawned with a pipe there.
    pub fn take_stdout(&mut self) -> Option<ChildStdout> {
        self.leader.stdout.take()
    }

    /// How the leader exited, if it has.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.leader.try_wait().ok().flatten()
    }

    /// Kills every process of the group at once with SIGKILL, as a crash or
    /// a pulled plug would, and waits up to 10 s for them to go; whether
    /// they all went. The leader is not reaped until the group is stopped,
    /// so the group id cannot pass to anyone else meanwhile.
    pub fn kill_hard(&self) -> bool {
        let pgid = self.id();
        signal(pgid, "KILL");
        let deadline = Instant::now() + Duration::from_secs(10);
        while any_live(pgid) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        !any_live(pgid)
    }

    /// Stops the whole group: SIGTERM, up to 10 s to shut down, then
    /// SIGKILL and up to 5 s more; the leader is reaped. Dropping the
    /// group does the same.
    pub fn stop(self) {
        drop(self);
    }

    /// Waits up to `within` for every process of the group to end, reaping
    /// the leader as soon as it does; whether they all ended.
    fn wait_gone(&mut self, within: Duration) -> bool {
        let pgid = self.id();
        let deadline = Instant::now() + within;
        while any_live(pgid) && Instant::now() < deadline {
            let _ = self.leader.try_wait();
            std::thread::sleep(Duration::from_millis(50));
        }
        !any_live(pgid)
    }
}

impl Drop for ProcessGroup {
    fn drop(&mut self) {
        let pgid = self.id();
        signal(pgid, "TERM");
        if !self.wait_gone(Duration::from_secs(10)) {
            signal(pgid, "KILL");
            self.wait_gone(Duration::from_secs(5));
        }
        let _ = self.leader.wait();
    }
}

/// Sends `signal` (a name such as `TERM`) to every process of the group.
fn signal(pgid: u32, signal: &str) {
    let _ = Command::new("kill")
        .args([&format!("-{signal}"), "--", &format!("-{pgid}")])
        .stderr(Stdio::null())
        .status();
}

/// Whether any process of the group still runs.
fn any_live(pgid: u32) -> bool {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return false;
    };
    entries.flatten().any(|entry| {
        ProcStat::read(&entry.path().join("stat"))
            .is_some_and(|stat| stat.group() == Some(pgid) && stat.is_live())
    })
}

/// One `/proc/<pid>/stat` line, `pid (comm) state ppid pgrp …`, split
/// where it is safe to: `comm` may hold spaces and parentheses.
pub struct ProcStat {
    /// The process's name.
    pub comm: String,
    /// The fields after `comm`: the state is field 0, the process group
    /// field 2, user and system CPU time fields 11 and 12.
    pub fields: Vec<String>,
}

impl ProcStat {
    /// Reads and splits a stat file; `None` when the process is gone.
    pub fn read(path: &Path) -> Option<ProcStat> {
        let stat = std::fs::read_to_string(path).ok()?;
        let (open, close) = (stat.find('(')?, stat.rfind(')')?);
        Some(ProcStat {
            comm: stat.get(open + 1..close)?.to_string(),
            fields: stat[close + 1..]
                .split_whitespace()
                .map(String::from)
                .collect(),
        })
    }

    /// The process group it belongs to.
    pub fn group(&self) -> Option<u32> {
        self.fields.get(2)?.parse().ok()
    }

    /// Whether it still runs: neither a zombie (`Z`) waiting to be reaped
    /// nor dead (`X`).
    fn is_live(&self) -> bool {
        !matches!(
            self.fields.first().map(String::as_str),
            Some("Z" | "X") | None
        )
    }
}
