//! Declare end to end against a zero-latency emulator: command → channel created, card
//! pinned and announcement posted. The app runs in-process here so the emulator's state
//! can be watched without polling over HTTP.
//!
//! warroom paces itself by Slack's published limits whether or not the emulator enforces
//! them: 20 channel creations a minute (Tier 2) and one post a second into the one
//! announcement channel. So the declares are a little over a second apart and at most 19
//! in a minute: what is measured is warroom's own latency, not a queue behind Slack's limits.

use super::populate::{self, ANNOUNCE, GENERAL, SECRET};
use super::{percentile, Row};

use slack_emulator::driver::SlackDriver;
use warroom::clock::Clock;

use std::time::{Duration, Instant};

pub async fn run(quick: bool) -> anyhow::Result<Vec<Row>> {
    let n = if quick { 10 } else { 19 };
    let spacing = Duration::from_millis(1_250);
    let slack = populate::workspace().await?;
    let dir = populate::scratch_dir("declare")?;
    let clock = Clock::system();
    let app = populate::start_app(
        &slack,
        &populate::sqlite_url(&dir, "declare.db"),
        clock.clone(),
    )
    .await?;
    let driver = SlackDriver::new(&app.url(), SECRET, slack_emulator::clock::Clock::system());
    let calls_before = slack.calls().len();
    let mut samples = Vec::with_capacity(n);
    for i in 0..n {
        let started = Instant::now();
        let reply = driver
            .command(
                "U0ALICE",
                GENERAL,
                &format!("declare P1 Bench incident {i}"),
            )
            .await?;
        anyhow::ensure!(reply.status == 200, "declare answered {}", reply.status);
        let deadline = started + Duration::from_secs(10);
        loop {
            let pinned = slack.call_count("pins.add") > i;
            let announced = slack.messages(ANNOUNCE).len() > i;
            if pinned && announced {
                break;
            }
            anyhow::ensure!(
                Instant::now() < deadline,
                "declare {i} not delivered in 10 s"
            );
            tokio::time::sleep(Duration::from_micros(200)).await;
        }
        samples.push(started.elapsed().as_secs_f64() * 1000.0);
        tokio::time::sleep((started + spacing).saturating_duration_since(Instant::now())).await;
    }
    // Let the last ephemerals land before counting calls.
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Per declare: what setting one incident up takes. The reporter's name is looked up
    // once per person (`users.info`, cached), not once per declare: not counted.
    let calls = slack.calls()[calls_before..]
        .iter()
        .filter(|c| c.method != "users.info")
        .count() as f64
        / n as f64;
    app.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
    samples.sort_by(|a, b| a.total_cmp(b));
    let (p50, p99) = (percentile(&samples, 50.0), percentile(&samples, 99.0));
    Ok(vec![
        Row::new(
            &format!("declare → channel, pinned card, announcement (n={n}, 1.25 s apart) p50"),
            format!("{p50:.1} ms"),
            "< 50 ms",
            Some(p50 < 50.0),
        ),
        Row::new("declare end to end p99", format!("{p99:.1} ms"), "", None),
        Row::new(
            "Slack calls per declare (P1: incl. the status-page draft)",
            format!("{calls:.2}"),
            "<= 8",
            Some(calls <= 8.0),
        ),
    ])
}
