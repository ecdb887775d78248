//! Child processes (`warroom serve`, the hello-world baseline): started on a free port with a given environment,
//! polled until ready, measured (RSS, CPU), killed.

use anyhow::{anyhow, Context};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Server {
    pub child: Child,
    pub url: String,
}

static BINARY: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();

/// The `warroom` binary to start (tests point this at cargo's build of it). Otherwise
/// `WARROOM_BIN`, else the `warroom` next to this executable (cargo builds both into the
/// same `target/<profile>/`).
pub fn set_binary(path: impl Into<std::path::PathBuf>) {
    let _ = BINARY.set(path.into());
}

fn warroom_binary() -> anyhow::Result<std::path::PathBuf> {
    if let Some(path) = BINARY.get() {
        return Ok(path.clone());
    }
    if let Some(path) = std::env::var_os("WARROOM_BIN") {
        return Ok(path.into());
    }
    let me = std::env::current_exe().context("locating the bench binary")?;
    let sibling = me.with_file_name(format!("warroom{}", std::env::consts::EXE_SUFFIX));
    anyhow::ensure!(
        sibling.exists(),
        "no warroom binary at {} (build it: `cargo build --release --workspace`, or set WARROOM_BIN)",
        sibling.display()
    );
    Ok(sibling)
}

/// Which program a child runs.
pub enum Program {
    /// `warroom {args}`: the server under test.
    Warroom,
    /// This bench binary (`--serve-hello`): the bare axum baseline.
    Bench,
}

/// A port nobody listens on right now.
pub fn free_port() -> anyhow::Result<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(l.local_addr()?.port())
}

/// Starts `warroom {args}` with `env` on a fresh port (WARROOM_LISTEN is set here).
pub fn spawn(args: &[&str], env: &[(&str, String)]) -> anyhow::Result<Server> {
    spawn_program(Program::Warroom, args, env)
}

/// Starts `program {args}` with `env` on a fresh port (WARROOM_LISTEN is set here).
pub fn spawn_program(
    program: Program,
    args: &[&str],
    env: &[(&str, String)],
) -> anyhow::Result<Server> {
    let port = free_port()?;
    let exe = match program {
        Program::Warroom => warroom_binary()?,
        Program::Bench => std::env::current_exe().context("locating the bench binary")?,
    };
    let mut cmd = Command::new(&exe);
    cmd.args(args)
        .env_clear()
        .env("WARROOM_LISTEN", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let child = cmd
        .spawn()
        .with_context(|| format!("starting {}", exe.display()))?;
    Ok(Server {
        child,
        url: format!("http://127.0.0.1:{port}"),
    })
}

impl Server {
    /// Polls `path` every millisecond until it answers 200; returns how long it took.
    pub async fn wait_ready(&mut self, path: &str, timeout: Duration) -> anyhow::Result<Duration> {
        let started = Instant::now();
        let client = reqwest::Client::new();
        loop {
            if let Ok(res) = client.get(format!("{}{path}", self.url)).send().await {
                if res.status().is_success() {
                    return Ok(started.elapsed());
                }
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(anyhow!("warroom exited during start-up: {status}"));
            }
            if started.elapsed() > timeout {
                return Err(anyhow!("warroom not ready after {timeout:?}"));
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident set size, in MiB.
    pub fn rss_mib(&self) -> anyhow::Result<f64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()))?;
        let kb: f64 = status
            .lines()
            .find(|l| l.starts_with("VmRSS:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| anyhow!("no VmRSS"))?;
        Ok(kb / 1024.0)
    }

    /// User + system CPU time consumed so far.
    pub fn cpu_time(&self) -> anyhow::Result<Duration> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid()))?;
        // Fields after the parenthesised command name; utime and stime are 14th and 15th.
        let after = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
        let fields: Vec<&str> = after.split_whitespace().collect();
        let ticks: u64 = fields.get(11).and_then(|v| v.parse().ok()).unwrap_or(0)
            + fields.get(12).and_then(|v| v.parse().ok()).unwrap_or(0);
        // Linux reports CPU time in clock ticks of 1/100 s (USER_HZ).
        Ok(Duration::from_millis(ticks * 10))
    }

    /// SIGKILL: no shutdown, no flush.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM and wait: the graceful path.
    pub fn terminate(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            self.kill();
        }
    }
}

/// The environment of a server against `slack_api_url` and `database_url`.
pub fn env(slack_api_url: &str, database_url: &str) -> Vec<(&'static str, String)> {
    vec![
        ("SLACK_SIGNING_SECRET", super::populate::SECRET.to_string()),
        ("SLACK_BOT_TOKEN", super::populate::TOKEN.to_string()),
        ("SLACK_API_URL", slack_api_url.to_string()),
        ("DATABASE_URL", database_url.to_string()),
    ]
}
