//! The binary itself: `check-config`, `migrate`, `serve` start-up failures, and a graceful
//! stop on SIGTERM.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn warroom() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_warroom"));
    cmd.env_clear().env("RUST_LOG", "warn");
    cmd
}

/// A scratch directory, removed when dropped.
struct Temp(std::path::PathBuf);

impl std::ops::Deref for Temp {
    type Target = std::path::Path;
    fn deref(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn temp(name: &str) -> Temp {
    let dir = std::env::temp_dir().join(format!("warroom-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    Temp(dir)
}

#[test]
fn check_config_reports_the_line_and_the_reason() {
    let dir = temp("check");
    let good = dir.join("good.toml");
    std::fs::write(&good, "announce_channel = \"C0ANNOUNCE\"\n[[severity]]\nname = \"SEV1\"\nupdate_every = \"10m\"\n").unwrap();
    let bad = dir.join("policy.toml");
    std::fs::write(
        &bad,
        "channel_prefix = \"inc\"\n[[severity]]\nname = \"SEV1\"\nupdate_every = \"15 minuets\"\n",
    )
    .unwrap();
    let out = warroom()
        .args(["check-config"])
        .env("SLACK_SIGNING_SECRET", "s")
        .env("SLACK_BOT_TOKEN", "xoxb-1")
        .env("WARROOM_CONFIG", &good)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 severities (SEV1)"));

    let out = warroom()
        .args(["check-config"])
        .env("SLACK_SIGNING_SECRET", "s")
        .env("SLACK_BOT_TOKEN", "xoxb-1")
        .env("WARROOM_CONFIG", &bad)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("policy.toml:4:") && err.contains("15 minuets"),
        "{err}"
    );

    let out = warroom().args(["check-config"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("SLACK_SIGNING_SECRET is required"));

    // `serve` refuses to start on a bad policy too, before listening.
    let out = warroom()
        .args(["serve"])
        .env("SLACK_SIGNING_SECRET", "s")
        .env("SLACK_BOT_TOKEN", "xoxb-1")
        .env("WARROOM_CONFIG", &bad)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.join("x.db").display()),
        )
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("policy.toml:4:"));
}

#[test]
fn migrate_creates_the_sqlite_database() {
    let dir = temp("migrate");
    let db = dir.join("warroom.db");
    let out = warroom()
        .args(["migrate"])
        .env("DATABASE_URL", format!("sqlite://{}", db.display()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(db.exists());
    // Idempotent.
    let again = warroom()
        .args(["migrate"])
        .env("DATABASE_URL", format!("sqlite://{}", db.display()))
        .output()
        .unwrap();
    assert!(again.status.success());
}

#[test]
fn sigterm_stops_serve_gracefully() {
    let dir = temp("sigterm");
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut child = warroom()
        .args(["serve"])
        .env("SLACK_SIGNING_SECRET", "s")
        .env("SLACK_BOT_TOKEN", "xoxb-1")
        .env("SLACK_API_URL", "http://127.0.0.1:9")
        .env("WARROOM_LISTEN", format!("127.0.0.1:{port}"))
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.join("w.db").display()),
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "serve never listened"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let stopping = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "exit status {status}");
            break;
        }
        assert!(
            stopping.elapsed() < Duration::from_secs(10),
            "did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
        "still listening"
    );
}

/// Every variable of the product is a flag, and `--help` lists it with its name (for the
/// default command and for `serve`); values of secrets never show.
#[test]
fn help_lists_every_environment_variable() {
    const VARS: [&str; 13] = [
        "SLACK_SIGNING_SECRET",
        "SLACK_BOT_TOKEN",
        "SLACK_API_URL",
        "DATABASE_URL",
        "WARROOM_LISTEN",
        "WARROOM_CONFIG",
        "WARROOM_API_TOKEN",
        "SLACK_APP_TOKEN",
        "PAGERDUTY_ROUTING_KEY",
        "PAGERDUTY_EVENTS_URL",
        "WARROOM_WEBHOOK_URL",
        "WARROOM_WEBHOOK_SECRET",
        "RUST_LOG",
    ];
    for args in [
        &["--help"][..],
        &["serve", "--help"],
        &["check-config", "--help"],
    ] {
        let out = warroom()
            .args(args)
            .env("SLACK_SIGNING_SECRET", "topsecret")
            .env("DATABASE_URL", "postgres://u:hunter2@h/db")
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}");
        let help = String::from_utf8_lossy(&out.stdout);
        for var in VARS {
            assert!(
                help.contains(&format!("[env: {var}")),
                "{var} missing from {args:?}:\n{help}"
            );
        }
        assert!(help.contains("[default: 0.0.0.0:3000]"), "{help}");
        assert!(
            !help.contains("topsecret") && !help.contains("hunter2"),
            "{help}"
        );
    }
}

/// A flag does what its variable does.
#[test]
fn flags_stand_in_for_variables() {
    let out = warroom()
        .args([
            "check-config",
            "--slack-signing-secret",
            "s",
            "--slack-bot-token=xoxb-1",
            "--listen",
            "nowhere",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("WARROOM_LISTEN is invalid"), "{err}");
}
