//! Test support: start the real app on port 0 against the stateful fake Slack and a
//! fresh database (SQLite file or uniquely named PostgreSQL database), and talk to it
//! exactly as Slack does — signed form posts, `payload=` interactions built from the
//! buttons and views the app really posted.
#![allow(dead_code)]

#[allow(unused_imports)]
pub use slack_emulator::requests as slack_requests;
#[allow(unused_imports)]
pub use slack_emulator::{
    hooks::HookSink, Button, Channel, FakeSlack, Faults, Message, Strictness, View,
};

use serde_json::Value;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use warroom::app::{start, Options, RunningApp};
use warroom::clock::Clock;
use warroom::policy::Policy;
use warroom::settings::Settings;

pub const SECRET: &str = "test-signing-secret";
pub const BOT_TOKEN: &str = "xoxb-test-token";
/// People in the fake workspace.
pub const ALICE: &str = "U0ALICE";
pub const BOB: &str = "U0BOB";
pub const CAROL: &str = "U0CAROL";
pub const ADMIN: &str = "U0ADMIN";
pub const ONCALL: &str = "U0ONCALL";
/// Where people type commands, and where incidents are announced.
pub const GENERAL: &str = "C0GENERAL";
pub const ANNOUNCE: &str = "C0ANNOUNCE";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs an async test body once per backend: `both!(name, |b| async move { … })`.
#[macro_export]
macro_rules! both {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                ($body)($crate::support::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                ($body)($crate::support::Backend::Postgres).await
            }
        }
    };
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

fn pg_admin_url() -> String {
    std::env::var("WARROOM_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A fresh, empty database for one test.
pub async fn fresh_database(backend: Backend) -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let pid = std::process::id();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join("warroom-tests");
            std::fs::create_dir_all(&dir).unwrap();
            let path = dir.join(format!("t{pid}-{n}-{nanos}.db"));
            format!("sqlite://{}", path.display())
        }
        Backend::Postgres => {
            use sqlx::Connection;
            let name = format!("warroom_t{pid}_{n}_{nanos}");
            let admin = pg_admin_url();
            let mut conn = sqlx::PgConnection::connect(&admin)
                .await
                .expect("PostgreSQL must be running for the postgres tests (see .ci/run)");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .await
                .unwrap();
            let base = admin.rsplit_once('/').unwrap().0;
            format!("{base}/{name}")
        }
    }
}

/// The policy the tests run under: built-in severities, an announce channel, an admin,
/// and an escalation target on P0/P1.
pub fn test_policy() -> Policy {
    let mut policy = Policy::builtin();
    policy.announce_channel = Some(ANNOUNCE.to_string());
    policy.admins = vec![ADMIN.to_string()];
    for sev in policy.severities.iter_mut() {
        if sev.name == "P0" || sev.name == "P1" {
            sev.escalate_to = Some("S0SENIOR".to_string());
        }
        if sev.name == "P0" {
            sev.auto_invite = vec![ONCALL.to_string()];
        }
    }
    policy
}

/// The emulator's rules for the suite: all of Slack's, with the links the policy shows
/// allowed (the built-in policy shows none).
pub fn strictness() -> Strictness {
    Strictness::default()
}

pub struct Harness {
    pub slack: FakeSlack,
    pub app: Option<RunningApp>,
    pub clock: Clock,
    pub database_url: String,
    pub policy: Policy,
    pub http: reqwest::Client,
    pub backend: Backend,
    /// `WARROOM_API_TOKEN` for the next boot.
    pub api_token: Option<String>,
    /// `SLACK_APP_TOKEN` (Socket Mode) for the next boot; unset by default.
    pub app_token: Option<String>,
    /// More environment for the next boot (PagerDuty, webhooks…).
    pub extra_env: Vec<(&'static str, String)>,
}

pub const API_TOKEN: &str = "test-api-token";

pub use slack_emulator::driver::Reply;
use slack_emulator::driver::SlackDriver;

impl Harness {
    pub async fn start(backend: Backend) -> Harness {
        Harness::with_policy(backend, test_policy()).await
    }

    pub async fn with_policy(backend: Backend, policy: Policy) -> Harness {
        let database_url = fresh_database(backend).await;
        let mut h = Harness::unbooted(backend, policy, database_url).await;
        h.boot().await;
        h
    }

    /// The fake workspace and a database prepared by the test (e.g. one written by an
    /// earlier version), without the app: set things up, then `boot()`.
    pub async fn unbooted(backend: Backend, policy: Policy, database_url: String) -> Harness {
        let slack = FakeSlack::start(BOT_TOKEN).await.unwrap();
        slack.set_strictness(strictness());
        for (id, name) in [
            (ALICE, "alice"),
            (BOB, "bob"),
            (CAROL, "carol"),
            (ADMIN, "admin"),
            (ONCALL, "oncall"),
        ] {
            slack.add_user(id, name);
        }
        slack.add_channel(GENERAL, "general", &[ALICE, BOB, CAROL, ADMIN]);
        slack.add_channel(ANNOUNCE, "incidents", &["U0BOT", ALICE, BOB]);
        Harness {
            slack,
            app: None,
            clock: Clock::system(),
            database_url,
            policy,
            http: reqwest::Client::new(),
            backend,
            api_token: Some(API_TOKEN.to_string()),
            app_token: None,
            extra_env: Vec::new(),
        }
    }

    pub fn settings(&self) -> Settings {
        let mut vars = vec![
            ("SLACK_SIGNING_SECRET", format!("old-secret,{SECRET}")),
            ("SLACK_BOT_TOKEN", BOT_TOKEN.to_string()),
            ("SLACK_API_URL", self.slack.api_url()),
            ("DATABASE_URL", self.database_url.clone()),
            ("WARROOM_LISTEN", "127.0.0.1:0".to_string()),
            (
                "WARROOM_API_TOKEN",
                self.api_token.clone().unwrap_or_default(),
            ),
        ];
        if let Some(token) = &self.app_token {
            vars.push(("SLACK_APP_TOKEN", token.clone()));
        }
        vars.extend(self.extra_env.iter().cloned());
        Settings::from_lookup(
            |k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone()),
            true,
        )
        .unwrap()
    }

    /// Starts (or restarts) the app on the same database and fake Slack.
    pub async fn boot(&mut self) {
        let app = start(Options {
            settings: self.settings(),
            policy: self.policy.clone(),
            clock: self.clock.clone(),
            scheduler: true,
            // Short, so a crashed instance's claims expire quickly on PostgreSQL.
            lease: Duration::from_secs(3),
        })
        .await
        .unwrap();
        self.app = Some(app);
    }

    pub fn app(&self) -> &RunningApp {
        self.app.as_ref().expect("app is running")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.app().url(), path)
    }

    /// Graceful stop.
    pub async fn stop(&mut self) {
        if let Some(app) = self.app.take() {
            app.shutdown().await;
        }
    }

    /// Abrupt stop, mid-flight.
    pub async fn crash(&mut self) {
        if let Some(app) = self.app.take() {
            app.abort().await;
        }
    }

    pub async fn restart(&mut self) {
        self.stop().await;
        self.boot().await;
    }

    /// Stops the app, drops the PostgreSQL database, and fails the test if the app sent
    /// Slack a broadcast, a link the policy does not configure, an answer Slack refuses, or a
    /// call Slack refuses for its shape.
    pub async fn finish(mut self) {
        self.stop().await;
        let violations = self.slack.violations();
        if self.backend == Backend::Postgres {
            use sqlx::Connection;
            let name = self.database_url.rsplit('/').next().unwrap().to_string();
            if let Ok(mut conn) = sqlx::PgConnection::connect(&pg_admin_url()).await {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn)
                    .await;
            }
        } else if let Some(path) = self.database_url.strip_prefix("sqlite://") {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{path}{suffix}"));
            }
        }
        if !violations.is_empty() || !self.slack.refused_calls().is_empty() {
            self.slack.assert_clean();
        }
    }

    /// Slack's side of the conversation, pointed at the running app.
    pub fn driver(&self) -> SlackDriver {
        // Signed at the harness clock's now, which tests may shift.
        let clock = self.clock.clone();
        // Every answer is checked as Slack reads it; what Slack would refuse is recorded in
        // the fake and fails the test at `finish`.
        SlackDriver::new(
            &self.app().url(),
            SECRET,
            slack_emulator::clock::Clock::from_fn(move || clock.now().timestamp()),
        )
        .checking_answers(&self.slack)
    }

    /// POSTs `body` to `path`, signed as Slack signs it at the harness clock's now.
    pub async fn post_signed(&self, path: &str, content_type: &str, body: String) -> Reply {
        self.driver()
            .post_signed(path, content_type, body)
            .await
            .unwrap()
    }

    /// `/incident {text}` typed by `user` in `channel`.
    pub async fn command(&self, user: &str, channel: &str, text: &str) -> Reply {
        self.driver().command(user, channel, text).await.unwrap()
    }

    /// An interaction payload, sent as Slack does (`payload=` form field).
    pub async fn interact(&self, payload: Value) -> Reply {
        self.driver().interact(payload).await.unwrap()
    }

    /// Clicks `button` on `message` as `user`.
    pub async fn click(&self, user: &str, message: &Message, button: &Button) -> Reply {
        self.driver().click(user, message, button).await.unwrap()
    }

    /// Picks `chosen` in the users_select of block `block_id` on `message`.
    pub async fn select_user(
        &self,
        user: &str,
        message: &Message,
        block_id: &str,
        chosen: &str,
    ) -> Reply {
        self.driver()
            .select_user(user, message, block_id, chosen)
            .await
            .unwrap()
    }

    /// Submits `view` (as the app opened it) with `fills` (block_id → value).
    pub async fn submit(&self, user: &str, view: &View, fills: &[(&str, &str)]) -> Reply {
        self.driver().submit(user, view, fills).await.unwrap()
    }

    /// Waits for the fake workspace to satisfy `pred` (deliveries are asynchronous).
    /// Moves the shared clock forward and lets the scheduler and the outbox catch up.
    pub async fn advance(&self, secs: u64) {
        self.clock.advance(Duration::from_secs(secs));
        self.app().service.scheduler_wake.notify_waiters();
        self.settle().await;
    }

    /// Waits until the scheduler has ticked everything due and the outbox is empty (and a
    /// little more, so nothing else is coming). Checking the due times too matters on a
    /// loaded machine: an empty outbox before the scheduler's tick is not "settled".
    pub async fn settle(&self) {
        let store = &self.app().service.store;
        for _ in 0..400 {
            tokio::time::sleep(Duration::from_millis(25)).await;
            // The incidents' committed due times, not the scheduler's index: while a tick
            // is in flight its lease hides the incident from the index.
            let now = self.clock.now_ms();
            let nothing_due = store
                .open_incidents()
                .await
                .unwrap()
                .iter()
                .all(|i| i.schedule.next_due_at().is_none_or(|t| t > now));
            if nothing_due && store.outbox_depth().await.unwrap() == 0 {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }

    pub async fn eventually(&self, what: &str, pred: impl Fn(&FakeSlack) -> bool) {
        // Generous: under 30 % 5xx a run of failures backs off for tens of seconds.
        let ok = self.slack.wait_until(Duration::from_secs(60), pred).await;
        if !ok {
            panic!("timed out waiting for: {what}\n{}", self.diagnosis().await);
        }
    }

    /// Why something may not have arrived: what Slack was asked (and answered) last, and
    /// what is still waiting in the outbox. Printed when a wait times out.
    pub async fn diagnosis(&self) -> String {
        let calls = self.slack.calls();
        let mut out = format!("last of {} Slack calls:\n", calls.len());
        for c in calls.iter().skip(calls.len().saturating_sub(40)) {
            let error = c.error.as_deref().unwrap_or("");
            out.push_str(&format!("  {} {} {error}\n", c.method, c.http_status));
        }
        let Some(app) = &self.app else {
            return out + "(the app is not running)";
        };
        let now = self.clock.now_ms();
        match app.service.store.pending_effects().await {
            Ok(pending) => {
                out.push_str(&format!("{} effects pending:\n", pending.len()));
                for e in pending {
                    out.push_str(&format!(
                        "  #{} {} {} attempts={} due_in={}ms lease_in={:?}ms after={:?} error={:?}\n",
                        e.id,
                        e.lane,
                        e.kind,
                        e.attempts,
                        e.next_attempt_at - now,
                        e.lease_until.map(|t| t - now),
                        e.after_id,
                        e.last_error
                    ));
                }
            }
            Err(e) => out.push_str(&format!("outbox unreadable: {e}\n")),
        }
        out
    }

    /// Declares `P{sev} {title}` from #general as `user` and waits until the card is
    /// pinned; returns the new channel's id.
    pub async fn declare(&self, user: &str, text: &str) -> String {
        let reply = self
            .command(user, GENERAL, &format!("declare {text}"))
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        let id =
            incident_id_in(&reply.text()).unwrap_or_else(|| panic!("no id in {:?}", reply.body));
        self.channel_of(&id).await
    }

    /// Waits for incident `id`'s channel to exist with its card pinned; returns its id.
    pub async fn channel_of(&self, id: &str) -> String {
        let id = id.to_string();
        self.eventually(&format!("{id} has a channel with a pinned card"), |s| {
            s.channels().iter().any(|c| {
                !c.pins.is_empty()
                    && s.messages(&c.id)
                        .iter()
                        .any(|m| c.pins.contains(&m.ts) && m.text.contains(&id))
            })
        })
        .await;
        self.slack
            .channels()
            .into_iter()
            .find(|c| {
                self.slack
                    .messages(&c.id)
                    .iter()
                    .any(|m| c.pins.contains(&m.ts) && m.text.contains(&id))
            })
            .map(|c| c.id)
            .unwrap()
    }

    /// The pinned card of an incident channel.
    pub fn card(&self, channel: &str) -> Message {
        let ch = self.slack.channel(channel).unwrap();
        self.slack
            .messages(channel)
            .into_iter()
            .find(|m| ch.pins.contains(&m.ts))
            .expect("a pinned card")
    }

    /// Messages in `channel` whose text (including blocks) contains `needle`.
    pub fn messages_with(&self, channel: &str, needle: &str) -> Vec<Message> {
        self.slack
            .messages(channel)
            .into_iter()
            .filter(|m| m.plain_text().contains(needle))
            .collect()
    }

    /// Ephemerals to `user` containing `needle`.
    pub fn ephemerals_to(&self, user: &str, needle: &str) -> Vec<String> {
        self.slack
            .ephemerals()
            .into_iter()
            .filter(|e| e.user == user && e.text.contains(needle))
            .map(|e| e.text)
            .collect()
    }

    /// Was `user` told `needle` — ephemerally, or in their DM with the app when they
    /// can't see ephemerals in that channel?
    pub fn told(&self, user: &str, needle: &str) -> bool {
        let dm = format!("D{}", &user[1..]);
        !self.ephemerals_to(user, needle).is_empty()
            || self
                .slack
                .messages(&dm)
                .iter()
                .any(|m| m.text.contains(needle))
    }

    /// The most recent view opened with a `callback_id`.
    pub fn last_view(&self, callback_id: &str) -> View {
        self.slack
            .views()
            .into_iter()
            .rev()
            .find(|v| v.view["callback_id"] == callback_id)
            .unwrap_or_else(|| panic!("no view {callback_id} was opened"))
    }

    /// `GET` with the API's bearer token.
    pub async fn api(&self, path: &str) -> Reply {
        let res = self
            .http
            .get(self.url(path))
            .bearer_auth(API_TOKEN)
            .send()
            .await
            .unwrap();
        Reply {
            status: res.status().as_u16(),
            body: res.text().await.unwrap(),
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        let res = self.http.get(self.url(path)).send().await.unwrap();
        Reply {
            status: res.status().as_u16(),
            body: res.text().await.unwrap(),
        }
    }
}

/// Finds `INC-YYYY-MM-DD-NNN` in a text.
pub fn incident_id_in(text: &str) -> Option<String> {
    let start = text.find("INC-")?;
    let id: String = text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    (id.len() == "INC-2026-11-22-001".len()).then_some(id)
}

/// The button labelled `text` on `message`.
pub fn button(message: &Message, text: &str) -> Button {
    message
        .buttons()
        .into_iter()
        .find(|b| b.text == text)
        .unwrap_or_else(|| panic!("no button {text:?} on message {:?}", message.text))
}
