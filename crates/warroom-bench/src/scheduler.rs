//! Scheduler: 10,000 open incidents whose update reminders fall due over 60 s. Prints the
//! lateness of each reminder (decided at − due) and the CPU the server burns while
//! nothing is due.

use super::populate;
use super::process;
use super::{percentile, Row};
use std::collections::HashMap;
use std::time::Duration;
use warroom::clock::Clock;

pub async fn run(quick: bool) -> anyhow::Result<Vec<Row>> {
    let (n, spread) = if quick {
        (1_000, 10_000i64)
    } else {
        (10_000, 60_000i64)
    };
    let slack = populate::workspace().await?;
    let dir = populate::scratch_dir("scheduler")?;
    let db = populate::sqlite_url(&dir, "scheduler.db");
    let store = populate::open_incidents(&db, n).await?;
    let ids: Vec<String> = store
        .open_incidents()
        .await?
        .into_iter()
        .map(|i| i.id)
        .collect();
    // Idle window first, then the reminders fall due evenly over `spread` ms.
    let clock = Clock::system();
    let idle_window = Duration::from_secs(if quick { 3 } else { 10 });
    let first_due = clock.now_ms() + 4_000 + idle_window.as_millis() as i64;
    let due: Vec<(String, i64)> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.clone(), first_due + spread * i as i64 / n as i64))
        .collect();
    store.set_reminders_due(&due).await?;
    store.close().await;

    let mut server = process::spawn(&["serve"], &process::env(&slack.api_url(), &db))?;
    server
        .wait_ready("/readyz", Duration::from_secs(10))
        .await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let cpu_before = server.cpu_time()?;
    tokio::time::sleep(idle_window).await;
    let idle_cpu = server.cpu_time()? - cpu_before;
    anyhow::ensure!(
        clock.now_ms() < first_due,
        "idle window overran the first due time"
    );

    // Wait for every reminder to be decided.
    let store = warroom::store::Store::connect(&db).await?;
    let deadline = first_due + spread + 30_000;
    let mut decided = Vec::new();
    while clock.now_ms() < deadline {
        tokio::time::sleep(Duration::from_secs(1)).await;
        decided = store.reminder_times().await?;
        if decided.len() >= n && clock.now_ms() > first_due + spread {
            break;
        }
    }
    let busy_cpu = server.cpu_time()? - cpu_before - idle_cpu;
    server.terminate();
    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);

    let due_at: HashMap<&str, i64> = due.iter().map(|(id, t)| (id.as_str(), *t)).collect();
    let mut lateness: Vec<f64> = decided
        .iter()
        .filter_map(|(id, at)| due_at.get(id.as_str()).map(|d| (at - d) as f64))
        .collect();
    lateness.sort_by(|a, b| a.total_cmp(b));
    let count = lateness.len();
    let (p50, p99, max) = (
        percentile(&lateness, 50.0),
        percentile(&lateness, 99.0),
        lateness.last().copied().unwrap_or(f64::NAN),
    );
    let idle_share = idle_cpu.as_secs_f64() / idle_window.as_secs_f64() * 100.0;
    Ok(vec![
        Row::new(
            &format!(
                "scheduler: reminders decided / due (n={n}, over {} s)",
                spread / 1000
            ),
            format!("{count} / {n}"),
            "all",
            Some(count == n),
        ),
        Row::new(
            "scheduler: reminder lateness p50",
            format!("{p50:.0} ms"),
            "",
            None,
        ),
        Row::new(
            "scheduler: reminder lateness p99",
            format!("{p99:.0} ms"),
            "< 1 s",
            Some(p99 < 1000.0),
        ),
        Row::new(
            "scheduler: reminder lateness max",
            format!("{max:.0} ms"),
            "",
            None,
        ),
        Row::new(
            &format!(
                "scheduler: CPU while nothing is due ({} s)",
                idle_window.as_secs()
            ),
            format!(
                "{:.0} ms ({idle_share:.2} %)",
                idle_cpu.as_secs_f64() * 1000.0
            ),
            "near zero",
            Some(idle_share < 1.0),
        ),
        Row::new(
            "scheduler: CPU while reminders fire (incl. delivery)",
            format!("{:.1} s", busy_cpu.as_secs_f64()),
            "",
            None,
        ),
    ])
}
