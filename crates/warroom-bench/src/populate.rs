//! Fixtures shared by the benchmarks: the emulated workspace, throw-away databases, and
//! many open incidents written straight through the store.

use slack_emulator::FakeSlack;
use std::path::PathBuf;
use warroom::clock::Clock;
use warroom::incident::decide::{declare, Ctx, DeclareRequest};
use warroom::policy::Policy;
use warroom::store::Store;

pub const SECRET: &str = "bench-signing-secret";
pub const TOKEN: &str = "xoxb-bench";
pub const GENERAL: &str = "C0GENERAL";
pub const ANNOUNCE: &str = "C0ANNOUNCE";
pub const USERS: [&str; 4] = ["U0ALICE", "U0BOB", "U0CAROL", "U0DANA"];

pub async fn workspace() -> anyhow::Result<FakeSlack> {
    let slack = FakeSlack::start(TOKEN).await?;
    for u in USERS {
        slack.add_user(u, &u[2..].to_lowercase());
    }
    slack.add_channel(GENERAL, "general", &USERS);
    slack.add_channel(ANNOUNCE, "incidents", &["U0BOT"]);
    Ok(slack)
}

pub fn policy() -> Policy {
    let mut p = Policy::builtin();
    p.announce_channel = Some(ANNOUNCE.into());
    p
}

/// A fresh directory under the system temp dir, removed by the caller when done.
pub fn scratch_dir(name: &str) -> anyhow::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("warroom-bench-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

pub fn sqlite_url(dir: &std::path::Path, file: &str) -> String {
    format!("sqlite://{}", dir.join(file).display())
}

/// Declares `n` open P1 incidents through the store, as if their Slack effects had all
/// been delivered (so a server started on this database has nothing to catch up on).
pub async fn open_incidents(database_url: &str, n: usize) -> anyhow::Result<Store> {
    let store = Store::connect(database_url).await?;
    store.migrate().await?;
    let policy = policy();
    let clock = Clock::system();
    for i in 0..n {
        let now = clock.now_ms();
        let day = warroom::clock::from_ms(now).format("%Y-%m-%d").to_string();
        let req = DeclareRequest {
            title: format!("Synthetic incident {i}"),
            severity: "P1".into(),
            private: false,
            drill: false,
            reporter: USERS[i % USERS.len()].into(),
            origin_channel: GENERAL.into(),
            description: String::new(),
            service: String::new(),
            impact: String::new(),
        };
        let ctx = Ctx {
            policy: &policy,
            now,
            actor: USERS[i % USERS.len()],
            paging: false,
            webhooks: false,
            statuspage: false,
            public_story: false,
        };
        let outcome = store
            .declare(&day, now, |id| declare(id, req, &ctx))
            .await?
            .map_err(|r| anyhow::anyhow!("{r}"))?;
        store
            .set_channel(
                &outcome.incident.id,
                &format!("C{i:010}"),
                &format!("incident-bench-{i}"),
            )
            .await?;
    }
    store.mark_all_delivered().await?;
    Ok(store)
}

/// The real app, in this process, against `slack` and `database_url`.
pub async fn start_app(
    slack: &FakeSlack,
    database_url: &str,
    clock: Clock,
) -> anyhow::Result<warroom::app::RunningApp> {
    let mut vars = super::process::env(&slack.api_url(), database_url);
    vars.push(("WARROOM_LISTEN", "127.0.0.1:0".into()));
    let settings = warroom::settings::Settings::from_lookup(
        |k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone()),
        true,
    )?;
    warroom::app::start(warroom::app::Options {
        settings,
        policy: policy(),
        clock,
        scheduler: true,
        lease: warroom::app::DEFAULT_LEASE,
    })
    .await
}

/// A policy file like [`policy`] (announcements on) for child processes; returns its path.
pub fn policy_file(dir: &std::path::Path) -> anyhow::Result<String> {
    let path = dir.join("policy.toml");
    std::fs::write(&path, format!("announce_channel = \"{ANNOUNCE}\"\n"))?;
    Ok(path.display().to_string())
}
