//! Ack path: signed `/incident list` over loopback at 32 concurrent connections, next to
//! a bare axum hello-world served the same way (a child process each), and the ratio.

use super::populate::{self, SECRET};
use super::process;
use super::{percentile, Row};
use slack_emulator::requests::slash_command_form;
use std::sync::Arc;
use std::time::{Duration, Instant};
use warroom::clock::Clock;

const CONNECTIONS: usize = 32;

struct Load {
    requests_per_sec: f64,
    p50_ms: f64,
    p99_ms: f64,
    errors: usize,
}

/// `CONNECTIONS` tasks send requests back to back for `duration`.
async fn load(url: String, signed: bool, duration: Duration) -> anyhow::Result<Load> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CONNECTIONS)
        .build()?;
    let clock = Clock::system();
    let deadline = Instant::now() + duration;
    let url = Arc::new(url);
    let mut tasks = Vec::new();
    for _ in 0..CONNECTIONS {
        let client = client.clone();
        let url = url.clone();
        let clock = clock.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0usize;
            while Instant::now() < deadline {
                let body = slash_command_form("U0ALICE", populate::GENERAL, "list");
                let ts = clock.now().timestamp().to_string();
                let mut req = client
                    .post(url.as_str())
                    .header("content-type", "application/x-www-form-urlencoded");
                if signed {
                    let sig = slack_emulator::signing::sign(SECRET, &ts, body.as_bytes());
                    req = req
                        .header("x-slack-request-timestamp", ts)
                        .header("x-slack-signature", sig);
                }
                let started = Instant::now();
                match req.body(body).send().await {
                    Ok(res) if res.status().is_success() => {
                        let _ = res.bytes().await;
                        latencies.push(started.elapsed().as_secs_f64() * 1000.0);
                    }
                    _ => errors += 1,
                }
            }
            (latencies, errors)
        }));
    }
    let started = Instant::now();
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await?;
        all.extend(l);
        errors += e;
    }
    let elapsed = started.elapsed().as_secs_f64().max(duration.as_secs_f64());
    all.sort_by(|a, b| a.total_cmp(b));
    Ok(Load {
        requests_per_sec: all.len() as f64 / elapsed,
        p50_ms: percentile(&all, 50.0),
        p99_ms: percentile(&all, 99.0),
        errors,
    })
}

pub async fn run(quick: bool) -> anyhow::Result<Vec<Row>> {
    let duration = if quick {
        Duration::from_secs(2)
    } else {
        Duration::from_secs(10)
    };
    let slack = populate::workspace().await?;
    let dir = populate::scratch_dir("ack")?;
    let db = populate::sqlite_url(&dir, "ack.db");
    // A realistic list: a handful of open incidents.
    drop(populate::open_incidents(&db, 5).await?);
    let mut warroom = process::spawn(&["serve"], &process::env(&slack.api_url(), &db))?;
    warroom
        .wait_ready("/readyz", Duration::from_secs(10))
        .await?;
    let mut hello = process::spawn_program(process::Program::Bench, &["--serve-hello"], &[])?;
    hello.wait_ready("/", Duration::from_secs(10)).await?;
    // Warm both up, then measure one after the other on the same machine.
    load(
        format!("{}/slack/commands", warroom.url),
        true,
        Duration::from_millis(500),
    )
    .await?;
    load(format!("{}/", hello.url), false, Duration::from_millis(500)).await?;
    let ours = load(format!("{}/slack/commands", warroom.url), true, duration).await?;
    let bare = load(format!("{}/", hello.url), false, duration).await?;
    warroom.terminate();
    hello.kill();
    let _ = std::fs::remove_dir_all(&dir);
    let ratio = ours.requests_per_sec / bare.requests_per_sec;
    Ok(vec![
        Row::new(
            "ack: signed /incident list, 32 conns — req/s",
            format!("{:.0}", ours.requests_per_sec),
            "",
            None,
        ),
        Row::new(
            "ack: p50 latency",
            format!("{:.2} ms", ours.p50_ms),
            "",
            None,
        ),
        Row::new(
            "ack: p99 latency",
            format!("{:.2} ms", ours.p99_ms),
            "< 5 ms",
            Some(ours.p99_ms < 5.0),
        ),
        Row::new(
            "ack: errors",
            ours.errors.to_string(),
            "0",
            Some(ours.errors == 0),
        ),
        Row::new(
            "hello-world axum, same load — req/s",
            format!("{:.0}", bare.requests_per_sec),
            "",
            None,
        ),
        Row::new(
            "hello-world p50 / p99",
            format!("{:.2} / {:.2} ms", bare.p50_ms, bare.p99_ms),
            "",
            None,
        ),
        Row::new(
            "ack req/s as share of hello-world",
            format!("{:.0} %", ratio * 100.0),
            ">= 75 %",
            Some(ratio >= 0.75),
        ),
    ])
}

/// `warroom-bench --serve-hello`: the baseline, a bare axum hello-world.
pub async fn serve_hello() -> anyhow::Result<()> {
    let listen = std::env::var("WARROOM_LISTEN").unwrap_or_else(|_| "127.0.0.1:3001".into());
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    let app = axum::Router::new().route("/", axum::routing::any(|| async { "Hello, World!" }));
    axum::serve(listener, app).await?;
    Ok(())
}
