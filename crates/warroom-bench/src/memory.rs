//! Memory (RSS idle, and with 10,000 open incidents) and start-up time (process start →
//! `/readyz` 200 on SQLite), each on a `warroom serve` child process.

use super::populate;
use super::process;
use super::{percentile, Row};
use std::time::Duration;

pub async fn run_memory(quick: bool) -> anyhow::Result<Vec<Row>> {
    let n = if quick { 1_000 } else { 10_000 };
    let slack = populate::workspace().await?;
    let dir = populate::scratch_dir("memory")?;

    let empty = populate::sqlite_url(&dir, "empty.db");
    let mut server = process::spawn(&["serve"], &process::env(&slack.api_url(), &empty))?;
    server
        .wait_ready("/readyz", Duration::from_secs(10))
        .await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle = server.rss_mib()?;
    server.terminate();

    let full = populate::sqlite_url(&dir, "full.db");
    drop(populate::open_incidents(&full, n).await?);
    let mut server = process::spawn(&["serve"], &process::env(&slack.api_url(), &full))?;
    server
        .wait_ready("/readyz", Duration::from_secs(10))
        .await?;
    // Exercise the paths that read every open incident: metrics and `list`.
    let driver = slack_emulator::driver::SlackDriver::new(
        &server.url,
        populate::SECRET,
        slack_emulator::clock::Clock::system(),
    );
    let client = reqwest::Client::new();
    for _ in 0..3 {
        client
            .get(format!("{}/metrics", server.url))
            .send()
            .await?
            .bytes()
            .await?;
        driver.command("U0ALICE", populate::GENERAL, "list").await?;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let loaded = server.rss_mib()?;
    server.terminate();
    let _ = std::fs::remove_dir_all(&dir);
    Ok(vec![
        Row::new(
            "RSS idle after start",
            format!("{idle:.1} MiB"),
            "< 40 MB",
            Some(idle < 38.1),
        ),
        Row::new(
            &format!("RSS with {n} open incidents (after list, metrics)"),
            format!("{loaded:.1} MiB"),
            "< 150 MB",
            Some(loaded < 143.0),
        ),
    ])
}

pub async fn run_startup() -> anyhow::Result<Vec<Row>> {
    let slack = populate::workspace().await?;
    let dir = populate::scratch_dir("startup")?;
    let mut samples = Vec::new();
    for i in 0..5 {
        // A fresh database each time: start-up includes creating and migrating it.
        let db = populate::sqlite_url(&dir, &format!("start{i}.db"));
        let mut server = process::spawn(&["serve"], &process::env(&slack.api_url(), &db))?;
        let took = server
            .wait_ready("/readyz", Duration::from_secs(10))
            .await?;
        samples.push(took.as_secs_f64() * 1000.0);
        server.terminate();
    }
    let _ = std::fs::remove_dir_all(&dir);
    samples.sort_by(|a, b| a.total_cmp(b));
    let median = percentile(&samples, 50.0);
    Ok(vec![Row::new(
        "start-up: process start → /readyz 200 (SQLite, median of 5)",
        format!("{median:.1} ms"),
        "< 200 ms",
        Some(median < 200.0),
    )])
}
