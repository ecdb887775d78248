//! Upgrades never lose data: a database written by the first landed version, and one
//! written by the last landed version (their schemas, their rows, effects still pending in
//! the outbox), opens under this version, migrates, keeps every incident, timeline entry
//! and update, and delivers the pending effects exactly once.

mod support;

use serde_json::Value;
use std::time::Duration;
use support::*;

/// The migrations of the first landed version, when the fixture's rows were written.
/// Never edited, so the files in `migrations/` are exactly what that version applied.
const FIRST_LANDED: &[&str] = &["20261122000001_initial.sql"];

const FIXTURE: &str = include_str!("fixtures/upgrade/v1-data.sql");

/// The migration files the last landed version applied, with their SHA-256: the files in
/// `migrations/` must still match them byte for byte (sqlx refuses to open a database
/// whose applied migrations were edited since).
const LAST_LANDED: &str = include_str!("fixtures/upgrade/landed-migrations.sha256");

/// `backend`'s landed migration files, checked against `migrations/`: panics, naming the
/// file, when one was edited or removed since it landed.
fn landed_migrations(backend: Backend) -> Vec<String> {
    use sha2::{Digest, Sha256};
    let dir = migrations_dir(backend);
    let prefix = format!("{}/", dir.trim_start_matches("migrations/"));
    let mut files = Vec::new();
    for line in LAST_LANDED.lines().filter(|l| !l.starts_with('#')) {
        let Some((path, sum)) = line.split_once(' ') else {
            continue;
        };
        let Some(file) = path.strip_prefix(&prefix) else {
            continue;
        };
        let now = std::fs::read(format!("{dir}/{file}"))
            .unwrap_or_else(|e| panic!("landed migration {dir}/{file} is gone: {e}"));
        assert_eq!(
            hex::encode(Sha256::digest(&now)),
            sum,
            "landed migration {dir}/{file} was edited: restore it and add a new migration"
        );
        files.push(file.to_string());
    }
    assert!(!files.is_empty(), "no landed migrations listed for {dir}");
    files
}

fn migrations_dir(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "migrations/sqlite",
        Backend::Postgres => "migrations/postgres",
    }
}

/// Applies `files` from `source` with sqlx's migrator (recording their checksums as that
/// version did), then the fixture's rows.
async fn write_with_migrations(backend: Backend, url: &str, source: &str, files: &[&str]) {
    let url = match backend {
        Backend::Sqlite => format!("{url}?mode=rwc"),
        Backend::Postgres => url.to_string(),
    };
    let dir = std::env::temp_dir().join(format!(
        "warroom-upgrade-{}-{}",
        std::process::id(),
        url.len() ^ (url.as_ptr() as usize)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    for file in files {
        std::fs::copy(format!("{source}/{file}"), dir.join(file)).unwrap();
    }
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&url).await.unwrap();
    sqlx::migrate::Migrator::new(dir.as_path())
        .await
        .unwrap()
        .run(&pool)
        .await
        .unwrap();
    for statement in FIXTURE.split(";\n") {
        let sql: String = statement
            .lines()
            .filter(|l| !l.trim_start().starts_with("--"))
            .collect::<Vec<_>>()
            .join("\n");
        if !sql.trim().is_empty() {
            sqlx::query(&sql).execute(&pool).await.unwrap();
        }
    }
    pool.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// Writes the fixture's rows (incidents, roles, timeline, updates, action items and
/// effects still pending) under the schema `files` make, as the version that shipped them
/// would have, then boots this version on that database: every pending effect is
/// delivered once and everything written is still there.
async fn upgrades_in_place(backend: Backend, files: &[&str]) {
    let url = fresh_database(backend).await;
    write_with_migrations(backend, &url, migrations_dir(backend), files).await;

    // The fake workspace as the previous version left it: the incident channel with the
    // pinned card that the pending `update_card` will edit.
    let mut h = Harness::unbooted(backend, test_policy(), url.clone()).await;
    h.slack.add_channel(
        "C0UPGRADE",
        "incident-20261120-checkout-latency",
        &["U0BOT", ALICE, BOB],
    );
    let card_ts = h
        .slack
        .post_user_message("C0UPGRADE", "U0BOT", "card as v1 posted it", None)
        .unwrap();
    let sqlite_mode = if backend == Backend::Sqlite {
        "?mode=rw"
    } else {
        ""
    };
    let pool = sqlx::AnyPool::connect(&format!("{url}{sqlite_mode}"))
        .await
        .unwrap();
    sqlx::query("UPDATE incidents SET card_ts = $1 WHERE id = 'INC-2026-11-20-001'")
        .bind(&card_ts)
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    h.boot().await;

    // Every pending effect of the previous version is delivered, once.
    let delivered = h
        .slack
        .wait_until(Duration::from_secs(60), |s| {
            let posted = s
                .messages("C0UPGRADE")
                .iter()
                .any(|m| m.text.contains("Rolled back deploy 412"));
            let ephemeral = s
                .ephemerals()
                .iter()
                .any(|e| e.user == BOB && e.text.contains("Communications Lead"));
            let card_edited = s
                .messages("C0UPGRADE")
                .iter()
                .any(|m| m.ts == card_ts && m.text != "card as v1 posted it");
            let topic = s
                .channel("C0UPGRADE")
                .is_some_and(|c| c.topic.contains("INC-2026-11-20-001"));
            posted && ephemeral && card_edited && topic
        })
        .await;
    assert!(
        delivered,
        "pending v1 effects not delivered: {:#?}",
        h.slack.calls()
    );
    let notes = h
        .slack
        .messages("C0UPGRADE")
        .iter()
        .filter(|m| m.text.contains("Rolled back deploy 412"))
        .count();
    assert_eq!(notes, 1, "the pending post was delivered more than once");

    // Incidents, timeline, updates and action items are all there.
    let open = h.api("/api/incidents/INC-2026-11-20-001").await;
    assert_eq!(open.status, 200, "{}", open.body);
    let open: Value = serde_json::from_str(&open.body).unwrap();
    assert_eq!(open["title"], "Checkout latency above 2 s");
    assert_eq!(open["status"], "identified");
    assert_eq!(open["roles"]["ic"]["user"], ALICE);
    assert_eq!(open["roles"]["comms"]["user"], BOB);
    assert_eq!(open["timeline"].as_array().unwrap().len(), 5);
    assert_eq!(open["updates"].as_array().unwrap().len(), 1);
    assert_eq!(
        open["action_items"][0]["text"],
        "Alert on cache TTL changes"
    );
    let closed = h.api("/api/incidents/INC-2026-11-20-002").await;
    let closed: Value = serde_json::from_str(&closed.body).unwrap();
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["resolve_summary"], "Reindexed");

    // The old incident keeps working, and new ids continue the old day's sequence.
    let reply = h
        .command(ALICE, "C0UPGRADE", "note upgraded and still here")
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let after = h.api("/api/incidents/INC-2026-11-20-001").await;
    let after: Value = serde_json::from_str(&after.body).unwrap();
    assert_eq!(after["timeline"].as_array().unwrap().len(), 6);
    h.finish().await;
}

both!(
    previous_version_database_upgrades_in_place,
    |backend| async move { upgrades_in_place(backend, FIRST_LANDED).await }
);

both!(
    last_landed_version_database_migrates_and_keeps_everything,
    |backend| async move {
        let files = landed_migrations(backend);
        let files: Vec<&str> = files.iter().map(String::as_str).collect();
        upgrades_in_place(backend, &files).await;
    }
);
