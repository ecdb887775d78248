//! Fault runs: incidents declared while Slack misbehaves (30 % 5xx, 429 bursts, 1 s
//! latency) must be delivered exactly once; and a server killed with SIGKILL at random
//! points during delivery and restarted must lose nothing (duplicates are possible only
//! in the documented window: between Slack's answer and the commit of that answer).

use super::populate::{self, ANNOUNCE, GENERAL, SECRET};
use super::process;
use super::Row;
use rand::Rng;
use slack_emulator::driver::SlackDriver;
use slack_emulator::{FakeSlack, Faults};
use std::time::{Duration, Instant};
use warroom::clock::Clock;

/// What the workspace holds for incident `i` (title "Fault run {i}").
#[derive(Default, Debug)]
pub struct Tally {
    pub channels: usize,
    pub cards: usize,
    pub announcements: usize,
    pub updates: usize,
}

pub fn tally(slack: &FakeSlack, i: usize) -> Tally {
    let slug = format!("-fault-run-{i}");
    let mut t = Tally::default();
    for c in slack.channels() {
        if !(c.name.ends_with(&slug) || c.name.contains(&format!("{slug}-"))) {
            continue;
        }
        t.channels += 1;
        for m in slack.messages(&c.id) {
            if m.buttons().iter().any(|b| b.text == "Take role")
                && m.thread_ts.is_none()
                && m.text.contains(": Fault run")
            {
                t.cards += 1;
            }
            if m.text.contains(&format!("Progress on {i}.")) {
                t.updates += 1;
            }
        }
    }
    t.announcements = slack
        .messages(ANNOUNCE)
        .iter()
        .filter(|m| {
            m.thread_ts.is_none()
                && m.text
                    .ends_with(&format!("Fault run {i} — P1 High Investigating"))
        })
        .count();
    t
}

/// Channels that may belong to incident `i`.
fn candidates(slack: &FakeSlack, i: usize) -> Vec<String> {
    let slug = format!("-fault-run-{i}");
    slack
        .channels()
        .into_iter()
        .filter(|c| c.name.ends_with(&slug) || c.name.contains(&format!("{slug}-")))
        .map(|c| c.id)
        .collect()
}

/// Declares `n` incidents, then posts one update in each incident's channel.
pub async fn declare_and_update(
    slack: &FakeSlack,
    driver: &SlackDriver,
    n: usize,
    timeout: Duration,
) -> anyhow::Result<()> {
    for i in 0..n {
        let r = driver
            .command("U0ALICE", GENERAL, &format!("declare P1 Fault run {i}"))
            .await?;
        anyhow::ensure!(r.status == 200, "declare {i}: {}", r.status);
    }
    anyhow::ensure!(
        post_updates(slack, driver, n, timeout).await?,
        "channels not created in time"
    );
    Ok(())
}

/// Posts `update Progress on {i}.` in each incident's channel as soon as it exists;
/// false when `timeout` passes first.
async fn post_updates(
    slack: &FakeSlack,
    driver: &SlackDriver,
    n: usize,
    timeout: Duration,
) -> anyhow::Result<bool> {
    let deadline = Instant::now() + timeout;
    let mut updated = vec![false; n];
    while updated.iter().any(|u| !u) {
        if Instant::now() > deadline {
            return Ok(false);
        }
        for (i, done) in updated.iter_mut().enumerate() {
            // After a crash in the answer-before-commit window the incident may own
            // `…-2` while an orphan `…` exists: try every candidate.
            for channel in candidates(slack, i) {
                if *done {
                    break;
                }
                let r = driver
                    .command("U0ALICE", &channel, &format!("update Progress on {i}."))
                    .await?;
                *done = r.status == 200 && !r.text().contains("works only");
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(true)
}

/// Runs until `done()` or `timeout`.
async fn until(timeout: Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if done() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    done()
}

fn complete(slack: &FakeSlack, n: usize) -> bool {
    (0..n).all(|i| {
        let t = tally(slack, i);
        t.channels >= 1 && t.cards >= 1 && t.announcements >= 1 && t.updates >= 1
    })
}

/// Declares `n` incidents (and an update each) against a flaky Slack on `database_url`
/// (a scratch SQLite file when None); returns how many were not delivered exactly once.
pub async fn flaky_slack(
    database_url: Option<String>,
    n: usize,
    latency: Duration,
) -> anyhow::Result<(usize, Duration)> {
    let faults = Faults {
        error_5xx_ratio: 0.3,
        rate_limit_burst: 20,
        retry_after_secs: 1,
        latency,
        ..Faults::default()
    };
    let (tallies, took) = run_with_faults(database_url, n, faults).await?;
    let wrong = tallies.iter().filter(|t| !t.exactly_once()).count();
    Ok((wrong, took))
}

/// What a run against lost answers left behind.
pub struct LostAnswers {
    /// Calls Slack applied and then answered 503.
    pub lost: usize,
    pub duplicate_channels: usize,
    pub duplicate_messages: usize,
    pub missing: usize,
}

/// Declares `n` incidents (and an update each) while Slack applies one call in `one_in`
/// and then answers 503 (the answer is lost, the effect is not).
pub async fn lost_answers(
    database_url: Option<String>,
    n: usize,
    one_in: u32,
) -> anyhow::Result<LostAnswers> {
    let faults = Faults {
        lost_answer_ratio: 1.0 / f64::from(one_in.max(1)),
        latency: Duration::from_millis(20),
        ..Faults::default()
    };
    let slack_calls = std::sync::Arc::new(std::sync::Mutex::new(0usize));
    let (tallies, _) = run_with_faults_counting(database_url, n, faults, &slack_calls).await?;
    let lost = *slack_calls
        .lock()
        .map_err(|_| anyhow::anyhow!("poisoned"))?;
    let mut out = LostAnswers {
        lost,
        duplicate_channels: 0,
        duplicate_messages: 0,
        missing: 0,
    };
    for t in &tallies {
        out.duplicate_channels += t.channels.saturating_sub(1);
        out.duplicate_messages += t.cards.saturating_sub(1)
            + t.announcements.saturating_sub(1)
            + t.updates.saturating_sub(1);
        out.missing += [t.channels, t.cards, t.announcements, t.updates]
            .iter()
            .filter(|c| **c == 0)
            .count();
    }
    Ok(out)
}

impl Tally {
    fn exactly_once(&self) -> bool {
        (self.channels, self.cards, self.announcements, self.updates) == (1, 1, 1, 1)
    }
}

async fn run_with_faults(
    database_url: Option<String>,
    n: usize,
    faults: Faults,
) -> anyhow::Result<(Vec<Tally>, Duration)> {
    let unused = std::sync::Arc::new(std::sync::Mutex::new(0usize));
    run_with_faults_counting(database_url, n, faults, &unused).await
}

/// Runs the declares and updates under `faults`; tallies each incident once nothing is
/// pending. `lost` receives how many answers Slack lost.
async fn run_with_faults_counting(
    database_url: Option<String>,
    n: usize,
    faults: Faults,
    lost: &std::sync::Mutex<usize>,
) -> anyhow::Result<(Vec<Tally>, Duration)> {
    let slack = populate::workspace().await?;
    let dir = populate::scratch_dir("faults")?;
    let db = database_url.unwrap_or_else(|| populate::sqlite_url(&dir, "faults.db"));
    let clock = Clock::system();
    let app = populate::start_app(&slack, &db, clock.clone()).await?;
    slack.set_faults(faults);
    let driver = SlackDriver::new(&app.url(), SECRET, slack_emulator::clock::Clock::system());
    let started = Instant::now();
    declare_and_update(&slack, &driver, n, Duration::from_secs(600)).await?;
    let ok = until(Duration::from_secs(900), || complete(&slack, n)).await;
    anyhow::ensure!(ok, "not everything was delivered");
    // Nothing pending any more, then count.
    until(Duration::from_secs(60), || true).await;
    for _ in 0..600 {
        if app.service.store.outbox_depth().await? == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let took = started.elapsed();
    let tallies = (0..n).map(|i| tally(&slack, i)).collect();
    if let Ok(mut count) = lost.lock() {
        *count = slack.lost_answers();
    }
    app.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
    Ok((tallies, took))
}

/// Result of the SIGKILL run.
pub struct KillRun {
    pub kills: usize,
    pub lost: usize,
    pub duplicates: usize,
}

/// Kills a `warroom serve` child with SIGKILL `kills` times while it delivers `n`
/// declares, restarting it on the same database (a scratch SQLite file when None).
pub async fn sigkill(
    database_url: Option<String>,
    n: usize,
    kills: usize,
) -> anyhow::Result<KillRun> {
    let slack = populate::workspace().await?;
    slack.set_faults(Faults {
        latency: Duration::from_millis(40),
        ..Faults::default()
    });
    let dir = populate::scratch_dir("sigkill")?;
    let db = database_url.unwrap_or_else(|| populate::sqlite_url(&dir, "sigkill.db"));
    let mut env = process::env(&slack.api_url(), &db);
    env.push(("WARROOM_CONFIG", populate::policy_file(&dir)?));
    let mut server = process::spawn(&["serve"], &env)?;
    server
        .wait_ready("/readyz", Duration::from_secs(10))
        .await?;
    let driver = SlackDriver::new(&server.url, SECRET, slack_emulator::clock::Clock::system());
    for i in 0..n {
        driver
            .command("U0ALICE", GENERAL, &format!("declare P1 Fault run {i}"))
            .await?;
    }
    let mut killed = 0;
    while killed < kills {
        let wait = rand::thread_rng().gen_range(100..400);
        tokio::time::sleep(Duration::from_millis(wait)).await;
        server.kill();
        killed += 1;
        server = process::spawn(&["serve"], &env)?;
        server
            .wait_ready("/readyz", Duration::from_secs(10))
            .await?;
    }
    let driver = SlackDriver::new(&server.url, SECRET, slack_emulator::clock::Clock::system());
    // Updates go to channels that exist by now (or once they do).
    post_updates(&slack, &driver, n, Duration::from_secs(120)).await?;
    until(Duration::from_secs(120), || complete(&slack, n)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    server.terminate();
    let mut lost = 0;
    let mut duplicates = 0;
    for i in 0..n {
        let t = tally(&slack, i);
        for count in [t.channels, t.cards, t.announcements, t.updates] {
            if count == 0 {
                lost += 1;
            } else {
                duplicates += count - 1;
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(KillRun {
        kills: killed,
        lost,
        duplicates,
    })
}

pub async fn run(quick: bool) -> anyhow::Result<Vec<Row>> {
    // warroom paces itself by Slack's Tier 2 (20 channel creations a minute): 60 declares
    // take three minutes of creations however fast the rest goes.
    let (n, latency) = if quick {
        (20, Duration::from_millis(200))
    } else {
        (60, Duration::from_secs(1))
    };
    let (wrong, took) = flaky_slack(None, n, latency).await?;
    let (kn, kills) = if quick { (10, 3) } else { (50, 10) };
    let k = sigkill(None, kn, kills).await?;
    let ln = if quick { 8 } else { 40 };
    let lost = lost_answers(None, ln, 5).await?;
    Ok(vec![
        Row::new(
            &format!(
                "faults: {n} declares + updates, 30% 5xx, 429s, {} ms latency",
                latency.as_millis()
            ),
            format!("{wrong} not exactly once"),
            "0",
            Some(wrong == 0),
        ),
        Row::new(
            "faults: time until all delivered",
            format!("{:.1} s", took.as_secs_f64()),
            "",
            None,
        ),
        Row::new(
            &format!(
                "SIGKILL: {kn} incidents, {} kills mid-delivery — lost",
                k.kills
            ),
            k.lost.to_string(),
            "0",
            Some(k.lost == 0),
        ),
        Row::new(
            "SIGKILL: duplicates (answer-before-commit window)",
            k.duplicates.to_string(),
            "0",
            Some(k.duplicates == 0),
        ),
        Row::new(
            &format!(
                "lost answers: {ln} incidents, 1 call in 5 applied then 503 ({} lost)",
                lost.lost
            ),
            format!(
                "{} channels, {} messages doubled",
                lost.duplicate_channels, lost.duplicate_messages
            ),
            "0, 0",
            Some(lost.duplicate_channels == 0 && lost.duplicate_messages == 0 && lost.missing == 0),
        ),
    ])
}
