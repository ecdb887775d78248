//! Set-up in round trips: with every Slack call taking `latency`, how long after a declare
//! are the responders invited, the topic set, the card pinned and the announcement posted?
//! Only three calls depend on each other (create the channel → post the card → pin it),
//! so the floor is 3 round trips; everything else goes out beside them.

use super::populate::{self, ANNOUNCE, GENERAL, SECRET};
use super::Row;
use slack_emulator::driver::SlackDriver;
use slack_emulator::{FakeSlack, Faults};
use std::time::{Duration, Instant};
use warroom::clock::Clock;

/// When each part of one incident's set-up appeared, in round trips after the declare.
#[derive(Debug, Default, Clone, Copy)]
pub struct SetupRtt {
    pub invited: f64,
    pub topic: f64,
    pub pinned: f64,
    pub announced: f64,
}

impl SetupRtt {
    /// The last of the four.
    pub fn complete(&self) -> f64 {
        self.invited
            .max(self.topic)
            .max(self.pinned)
            .max(self.announced)
    }
}

/// What the workspace shows of incident `i` ("Setup run {i}") right now.
fn observe(slack: &FakeSlack, i: usize) -> [bool; 4] {
    let slug = format!("-setup-run-{i}");
    let channel = slack
        .channels()
        .into_iter()
        .find(|c| c.name.ends_with(&slug));
    let announced = slack
        .messages(ANNOUNCE)
        .iter()
        .any(|m| m.thread_ts.is_none() && m.text.contains(&format!("Setup run {i} ")));
    match channel {
        // Invited: someone besides the bot is in the channel.
        Some(c) => [
            c.members.len() > 1,
            !c.topic.is_empty(),
            !c.pins.is_empty(),
            announced,
        ],
        None => [false, false, false, announced],
    }
}

/// Declares `n` incidents one after another with every call taking `latency`, on
/// `database_url` (a scratch SQLite file when None); the mean set-up per part.
pub async fn measure(
    database_url: Option<String>,
    n: usize,
    latency: Duration,
) -> anyhow::Result<SetupRtt> {
    let slack = populate::workspace().await?;
    let dir = populate::scratch_dir("setup")?;
    let db = database_url.unwrap_or_else(|| populate::sqlite_url(&dir, "setup.db"));
    let app = populate::start_app(&slack, &db, Clock::system()).await?;
    slack.set_faults(Faults {
        latency,
        ..Faults::default()
    });
    let driver = SlackDriver::new(&app.url(), SECRET, slack_emulator::clock::Clock::system());
    let mut total = SetupRtt::default();
    for i in 0..n {
        // One declare at a time, as incidents come: the announcement channel's post slot
        // (one a second) has freed since the last one.
        if i > 0 {
            tokio::time::sleep(Duration::from_millis(1_200)).await;
        }
        let started = Instant::now();
        let reply = driver
            .command("U0ALICE", GENERAL, &format!("declare P1 Setup run {i}"))
            .await?;
        anyhow::ensure!(reply.status == 200, "declare {i} answered {}", reply.status);
        let mut seen: [Option<f64>; 4] = [None; 4];
        let deadline = started + latency * 40 + Duration::from_secs(10);
        while seen.iter().any(Option::is_none) {
            anyhow::ensure!(Instant::now() < deadline, "declare {i} not set up in time");
            let rtt = started.elapsed().as_secs_f64() / latency.as_secs_f64();
            for (slot, now) in seen.iter_mut().zip(observe(&slack, i)) {
                if now && slot.is_none() {
                    *slot = Some(rtt);
                }
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        let [invited, topic, pinned, announced] = seen.map(Option::unwrap_or_default);
        total.invited += invited;
        total.topic += topic;
        total.pinned += pinned;
        total.announced += announced;
    }
    app.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
    let n = n.max(1) as f64;
    Ok(SetupRtt {
        invited: total.invited / n,
        topic: total.topic / n,
        pinned: total.pinned / n,
        announced: total.announced / n,
    })
}

pub async fn run(quick: bool) -> anyhow::Result<Vec<Row>> {
    let latency = Duration::from_millis(100);
    let n = if quick { 5 } else { 20 };
    let rtt = measure(None, n, latency).await?;
    let row = |what: &str, value: f64| {
        Row::new(
            &format!("set-up at 100 ms a call: {what}"),
            format!("{value:.1} RTT"),
            "<= 3.5 RTT",
            Some(value <= 3.5),
        )
    };
    Ok(vec![
        row("invited", rtt.invited),
        row("topic set", rtt.topic),
        row("card pinned", rtt.pinned),
        row("announced", rtt.announced),
    ])
}
