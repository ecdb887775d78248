//! The console's speed figure: 10,000 incidents and 200,000 timeline entries in the store,
//! then the list, an incident page and the 12-month report timed over HTTP as a signed-in
//! (non-admin) visitor. Prints p50/p99 and page sizes; ignored by a plain `cargo test`:
//!
//!     cargo test --release --test console_bench -- --ignored --nocapture
//!
//! (Self-contained so it can move to the bench crate as is.)

mod support;

use sqlx::any::AnyPoolOptions;
use std::time::{Duration, Instant};
use support::*;

const INCIDENTS: usize = 10_000;
const TIMELINE_PER_INCIDENT: usize = 20;
const SAMPLES: usize = 200;
const SEVERITIES: [&str; 4] = ["P0", "P1", "P2", "P3"];
const STATUSES: [&str; 3] = ["investigating", "resolved", "closed"];

/// Fills the store with SQL (the fast way; the figure is about reading). Incidents spread
/// over the last 13 months, 1 % private, each with an IC, 20 timeline entries and an
/// action item (a third still open).
async fn populate(database_url: &str, now: i64) {
    sqlx::any::install_default_drivers();
    let pool = AnyPoolOptions::new()
        .max_connections(1)
        .connect(database_url)
        .await
        .unwrap();
    let span = 395 * 86_400_000i64;
    let mut tx = pool.begin().await.unwrap();
    for chunk in (0..INCIDENTS).collect::<Vec<_>>().chunks(200) {
        let mut incidents = Vec::new();
        let mut roles = Vec::new();
        let mut items = Vec::new();
        let mut timeline = Vec::new();
        for &i in chunk {
            let declared = now - span + (i as i64) * (span / INCIDENTS as i64);
            let id = format!("INC-BENCH-{i:05}");
            let sev = SEVERITIES[i % 4];
            let status = STATUSES[i % 3];
            let resolved = if status == "investigating" {
                "NULL".to_string()
            } else {
                (declared + 3_600_000 * (1 + (i % 7) as i64)).to_string()
            };
            let private = i64::from(i % 100 == 0);
            incidents.push(format!(
                "('{id}', 'Bench incident {i} checkout latency', '{sev}', '{status}', {private}, 'U0ALICE', {declared}, {}, {resolved}, {declared}, 'CB{i:07}', 'incident-bench-{i}')",
                declared + 60_000 * (1 + (i % 20) as i64)
            ));
            roles.push(format!("('{id}', 'ic', 'U0BOB', {declared})"));
            items.push(format!(
                "('{id}', 'Follow-up for {i}', 'U0CAROL', {}, 'U0ALICE', {declared})",
                i64::from(i % 3 != 0)
            ));
            for t in 0..TIMELINE_PER_INCIDENT {
                timeline.push(format!(
                    "('{id}', {}, 'U0BOB', 'note', 'Timeline entry {t} of incident {i}: looked at dashboards')",
                    declared + (t as i64) * 60_000
                ));
            }
        }
        for (sql, rows) in [
            ("INSERT INTO incidents (id, title, severity, status, private, reporter, declared_at, first_ic_at, resolved_at, severity_since, channel_id, channel_name) VALUES ", &incidents),
            ("INSERT INTO incident_roles (incident_id, role_key, user_id, assigned_at) VALUES ", &roles),
            ("INSERT INTO action_items (incident_id, text, owner, done, created_by, created_at) VALUES ", &items),
            ("INSERT INTO timeline (incident_id, at, actor, kind, text) VALUES ", &timeline),
        ] {
            sqlx::query(&format!("{sql}{}", rows.join(", ")))
                .execute(&mut *tx)
                .await
                .unwrap();
        }
    }
    tx.commit().await.unwrap();
    // Fresh statistics, as a long-running database would have (both backends speak it).
    sqlx::query("ANALYZE").execute(&pool).await.unwrap();
    pool.close().await;
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let i = ((samples.len() as f64 * p).ceil() as usize).clamp(1, samples.len()) - 1;
    samples[i]
}

async fn time_pages(
    http: &reqwest::Client,
    cookie: &str,
    urls: impl Iterator<Item = String>,
) -> (Duration, Duration, usize) {
    let mut samples = Vec::new();
    let mut largest = 0;
    for url in urls {
        let started = Instant::now();
        let res = http
            .get(&url)
            .header("cookie", cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{url}");
        let body = res.text().await.unwrap();
        samples.push(started.elapsed());
        largest = largest.max(body.len());
    }
    let p50 = percentile(&mut samples, 0.50);
    let p99 = percentile(&mut samples, 0.99);
    (p50, p99, largest)
}

async fn bench(backend: Backend) {
    let mut h = Harness::start(backend).await;
    h.extra_env = vec![
        ("SLACK_CLIENT_ID", "1234.5678".to_string()),
        ("SLACK_CLIENT_SECRET", "bench-client-secret".to_string()),
        (
            "WARROOM_SESSION_SECRET",
            "bench-session-secret-0123456789abcdef".to_string(),
        ),
    ];
    h.restart().await;
    let loading = Instant::now();
    populate(&h.database_url, h.clock.now_ms()).await;
    let loaded = loading.elapsed();

    // Sign in through the emulator as alice (not an admin: the private filter is on).
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let login = http.get(h.url("/auth/login")).send().await.unwrap();
    let login_cookie = login.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let authorize = login.headers()["location"].to_str().unwrap().to_string();
    let slack = http
        .get(format!("{authorize}&user={ALICE}"))
        .send()
        .await
        .unwrap();
    let callback = slack.headers()["location"].to_str().unwrap().to_string();
    let done = http
        .get(&callback)
        .header("cookie", &login_cookie)
        .send()
        .await
        .unwrap();
    let session = done
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|c| c.to_str().unwrap())
        .find(|c| c.starts_with("warroom_session="))
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();

    // Warm the name and membership caches once.
    http.get(h.url("/"))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    let list = time_pages(
        &http,
        &session,
        (0..SAMPLES).map(|i| match i % 4 {
            0 => h.url(&format!("/?page={}", 1 + i % 150)),
            1 => h.url("/?severity=P1"),
            2 => h.url("/?q=latency&status=resolved"),
            _ => h.url("/"),
        }),
    )
    .await;
    let incident = time_pages(
        &http,
        &session,
        // Spread over the store, skipping the private ones (alice is in none of them).
        (0..SAMPLES).map(|i| {
            let n = (i * 47 + 1) % INCIDENTS;
            let n = if n.is_multiple_of(100) { n + 1 } else { n };
            h.url(&format!("/incidents/INC-BENCH-{n:05}"))
        }),
    )
    .await;
    let report = time_pages(&http, &session, (0..20).map(|_| h.url("/reports"))).await;
    let csv = time_pages(
        &http,
        &session,
        (0..20).map(|_| h.url("/reports?format=csv")),
    )
    .await;
    println!(
        "console bench ({backend:?}): {INCIDENTS} incidents, {} timeline entries (loaded in {:.1?})",
        INCIDENTS * TIMELINE_PER_INCIDENT,
        loaded
    );
    for (name, (p50, p99, size)) in [
        ("list /", list),
        ("incident page", incident),
        ("12-month report", report),
        ("report CSV", csv),
    ] {
        println!(
            "  {name:<16} p50 {:>7.1} ms   p99 {:>7.1} ms   largest page {:>6.1} KB",
            p50.as_secs_f64() * 1000.0,
            p99.as_secs_f64() * 1000.0,
            size as f64 / 1024.0
        );
        assert!(size < 100 * 1024, "{name}: page over 100 KB");
    }
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: cargo test --release --test console_bench -- --ignored --nocapture"]
async fn console_bench_sqlite() {
    bench(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: cargo test --release --test console_bench -- --ignored --nocapture"]
async fn console_bench_postgres() {
    bench(Backend::Postgres).await;
}
