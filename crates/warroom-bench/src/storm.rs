//! A storm under Slack's real rate tiers: 23 P3 incidents declared at once, then a P0 a
//! few seconds later, against an emulator that enforces the published tiers
//! (`conversations.create`, `setTopic`, `pins.add` 20 a minute; invites and edits 50 a
//! minute; about one post a second per channel). The P0 must be set up within 15 s,
//! Slack should almost never have to answer 429, and the whole storm should take little
//! longer than the tiers' floor (24 creations at 20 a minute: about 60 s).

use super::populate::{self, ANNOUNCE, GENERAL, SECRET};
use super::Row;
use slack_emulator::driver::SlackDriver;
use slack_emulator::{FakeSlack, RateTiers};
use std::time::{Duration, Instant};
use warroom::clock::Clock;

/// What the storm came to.
#[derive(Debug)]
pub struct Storm {
    /// From the P0's declare to its channel, invite, topic, pinned card and announcement.
    pub grave_set_up: Duration,
    /// From the first declare until every incident is set up.
    pub all_set_up: Duration,
    /// Calls Slack answered 429.
    pub rate_limited: usize,
}

/// Is incident `title` (slug `slug`) fully set up?
fn set_up(slack: &FakeSlack, slug: &str, title: &str) -> bool {
    let channel = slack
        .channels()
        .into_iter()
        .find(|c| c.name.ends_with(slug));
    let Some(c) = channel else {
        return false;
    };
    c.members.len() > 1
        && !c.topic.is_empty()
        && !c.pins.is_empty()
        && slack
            .messages(ANNOUNCE)
            .iter()
            .any(|m| m.thread_ts.is_none() && m.text.contains(title))
}

/// Declares `ordinary` P3 incidents, waits `gap`, declares one P0, and measures.
pub async fn run_storm(
    database_url: Option<String>,
    ordinary: usize,
    gap: Duration,
    tiers: RateTiers,
) -> anyhow::Result<Storm> {
    let slack = populate::workspace().await?;
    let dir = populate::scratch_dir("storm")?;
    let db = database_url.unwrap_or_else(|| populate::sqlite_url(&dir, "storm.db"));
    let app = populate::start_app(&slack, &db, Clock::system()).await?;
    slack.enforce_rate_tiers(Some(tiers));
    let driver = SlackDriver::new(&app.url(), SECRET, slack_emulator::clock::Clock::system());
    let started = Instant::now();
    for i in 0..ordinary {
        let r = driver
            .command("U0ALICE", GENERAL, &format!("declare P3 Storm minor {i}"))
            .await?;
        anyhow::ensure!(r.status == 200, "declare {i} answered {}", r.status);
    }
    tokio::time::sleep(gap).await;
    let grave_at = Instant::now();
    let r = driver
        .command("U0ALICE", GENERAL, "declare P0 Storm major outage")
        .await?;
    anyhow::ensure!(r.status == 200, "the P0 declare answered {}", r.status);
    let deadline = Instant::now() + Duration::from_secs(300);
    let mut grave_set_up = None;
    loop {
        anyhow::ensure!(
            Instant::now() < deadline,
            "the storm was not set up in 5 minutes"
        );
        if grave_set_up.is_none() && set_up(&slack, "-storm-major-outage", "Storm major outage") {
            grave_set_up = Some(grave_at.elapsed());
        }
        let all = grave_set_up.is_some()
            && (0..ordinary).all(|i| {
                set_up(
                    &slack,
                    &format!("-storm-minor-{i}"),
                    &format!("Storm minor {i} "),
                )
            });
        if all {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let all_set_up = started.elapsed();
    let rate_limited = slack
        .calls()
        .iter()
        .filter(|c| c.http_status == 429)
        .count();
    app.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(Storm {
        grave_set_up: grave_set_up.unwrap_or_default(),
        all_set_up,
        rate_limited,
    })
}

pub async fn run(_quick: bool) -> anyhow::Result<Vec<Row>> {
    // The storm is the storm at any size: the tiers are per minute.
    let storm = run_storm(None, 23, Duration::from_secs(3), RateTiers::default()).await?;
    let floor = 60.0;
    let all = storm.all_set_up.as_secs_f64();
    Ok(vec![
        Row::new(
            "storm: 23 P3 then a P0 at Slack's tiers — P0 set up",
            format!("{:.1} s", storm.grave_set_up.as_secs_f64()),
            "<= 15 s",
            Some(storm.grave_set_up <= Duration::from_secs(15)),
        ),
        Row::new(
            "storm: all 24 set up",
            format!("{all:.1} s"),
            "<= 66 s",
            Some(all <= floor * 1.1),
        ),
        Row::new(
            "storm: answers 429",
            storm.rate_limited.to_string(),
            "<= 6",
            Some(storm.rate_limited <= 6),
        ),
    ])
}
