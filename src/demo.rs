//! `warroom demo`: the real app, in-process, against the built-in Slack emulator and a
//! throw-away SQLite database. A scripted incident — declare, roles, updates, a reminder,
//! an escalation, resolve, action items, post-mortem — is driven through signed requests
//! exactly as Slack would send them, and the channels are printed as people would read
//! them. No workspace and no network beyond loopback; it runs in seconds because the
//! clock is injected and moved forward instead of waited on.

use crate::app::{start, Options, RunningApp};
use crate::clock::Clock;
use crate::policy::Policy;
use crate::settings::Settings;
use anyhow::{anyhow, Context};
use slack_emulator::driver::SlackDriver;
use slack_emulator::{FakeSlack, Message};
use std::collections::HashMap;
use std::io::Write;
use std::time::Duration;

const SECRET: &str = "demo-signing-secret";
const TOKEN: &str = "xoxb-demo";
const GENERAL: &str = "C0GENERAL";
const ANNOUNCE: &str = "C0INCIDENTS";
const PEOPLE: [(&str, &str); 4] = [
    ("U0ALICE", "alice"),
    ("U0BOB", "bob"),
    ("U0CAROL", "carol"),
    ("U0DANA", "dana"),
];

struct Demo<'a, W: Write> {
    out: &'a mut W,
    slack: FakeSlack,
    app: RunningApp,
    driver: SlackDriver,
    clock: Clock,
    names: HashMap<String, String>,
    /// Messages already printed, per channel.
    seen: HashMap<String, usize>,
    ephemerals_seen: usize,
    incident_channel: Option<String>,
}

pub async fn run<W: Write>(out: &mut W) -> anyhow::Result<()> {
    run_with(out, false).await
}

/// The demo user the console signs in as (`warroom demo --console`).
const CONSOLE_USER: &str = "U0ALICE";

/// `warroom demo`, and with `console` (`--console`): afterwards keep the emulator and
/// warroom running, print the console's URL, and sign the visitor in as alice through the
/// emulator's Sign in with Slack, until Ctrl-C.
pub async fn run_with<W: Write>(out: &mut W, console: bool) -> anyhow::Result<()> {
    let slack = FakeSlack::start(TOKEN).await?;
    for (id, name) in PEOPLE {
        slack.add_user(id, name);
    }
    slack.add_channel(
        GENERAL,
        "general",
        &["U0ALICE", "U0BOB", "U0CAROL", "U0DANA"],
    );
    slack.add_channel(ANNOUNCE, "incidents", &["U0BOT", "U0DANA"]);
    let dir = std::env::temp_dir().join(format!("warroom-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let db = dir.join("demo.db");
    let _ = std::fs::remove_file(&db);
    let mut vars = vec![
        ("SLACK_SIGNING_SECRET", SECRET.to_string()),
        ("SLACK_BOT_TOKEN", TOKEN.to_string()),
        ("SLACK_API_URL", slack.api_url()),
        ("DATABASE_URL", format!("sqlite://{}", db.display())),
        ("WARROOM_LISTEN", "127.0.0.1:0".to_string()),
    ];
    if console {
        let secret: [u8; 32] = rand::random();
        vars.extend([
            ("SLACK_CLIENT_ID", "demo.console".to_string()),
            ("SLACK_CLIENT_SECRET", "demo-client-secret".to_string()),
            ("WARROOM_SESSION_SECRET", hex::encode(secret)),
        ]);
    }
    let settings = Settings::from_lookup(
        |k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone()),
        true,
    )?;
    let mut policy = Policy::builtin();
    policy.announce_channel = Some(ANNOUNCE.into());
    if let Some(p1) = policy.severities.iter_mut().find(|s| s.name == "P1") {
        p1.escalate_to = Some("U0DANA".into());
    }
    let clock = Clock::system();
    clock.freeze(chrono::Utc::now());
    let app = start(Options {
        settings,
        policy,
        clock: clock.clone(),
        scheduler: true,
        lease: crate::app::DEFAULT_LEASE,
    })
    .await?;
    // The driver signs at the app's (shifted) now, as Slack would at that moment.
    let signing_clock = clock.clone();
    let driver = SlackDriver::new(
        &app.url(),
        SECRET,
        slack_emulator::clock::Clock::from_fn(move || signing_clock.now().timestamp()),
    );
    let mut names: HashMap<String, String> = PEOPLE
        .iter()
        .map(|(id, n)| (id.to_string(), n.to_string()))
        .collect();
    names.insert("U0BOT".into(), "warroom".into());
    let mut demo = Demo {
        out,
        slack,
        app,
        driver,
        clock,
        names,
        seen: HashMap::new(),
        ephemerals_seen: 0,
        incident_channel: None,
    };
    let mut result = demo.script().await;
    if console && result.is_ok() {
        result = demo.keep_console_open().await;
    }
    demo.app.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
    result
}

impl<W: Write> Demo<'_, W> {
    /// Prints the console's URL — through the emulator's sign-in, so the visitor arrives
    /// signed in as alice — and waits for Ctrl-C.
    async fn keep_console_open(&mut self) -> anyhow::Result<()> {
        let origin = crate::console::origin_of(&self.slack.api_url());
        let next = format!("{}/", self.app.url());
        let url = format!(
            "{origin}/openid/emulator/sign-in?{}",
            serde_urlencoded::to_string([("user", CONSOLE_USER), ("next", next.as_str())])?
        );
        writeln!(
            self.out,
            "\nThe console is running at {next}\nOpen this link to sign in as alice (through the emulator's Sign in with Slack):\n  {url}\nCtrl-C stops the demo."
        )?;
        self.out.flush()?;
        tokio::signal::ctrl_c().await?;
        Ok(())
    }

    async fn script(&mut self) -> anyhow::Result<()> {
        writeln!(
            self.out,
            "warroom demo — a P1 incident, start to finish, against the built-in Slack emulator\n"
        )?;

        self.say(
            "alice",
            "#general",
            "/incident declare P1 Checkout API returns 500s",
        )
        .await?;
        let reply = self
            .driver
            .command("U0ALICE", GENERAL, "declare P1 Checkout API returns 500s")
            .await?;
        self.show_reply("alice", &reply.text())?;
        let channel = self.wait_for_incident_channel().await?;
        self.flush().await?;

        self.step("bob clicks \"Take role\" on the Incident Commander row of the card")?;
        let card = self.card(&channel)?;
        let take = card
            .buttons()
            .into_iter()
            .find(|b| b.text == "Take role" && b.block_id.ends_with(":ic"))
            .ok_or_else(|| anyhow!("the card has no Take role button for IC"))?;
        self.driver.click("U0BOB", &card, &take).await?;
        self.flush().await?;

        self.command("bob", "U0BOB", &channel, "role tech <@U0CAROL|carol>")
            .await?;
        self.advance(5)?;
        self.command("carol", "U0CAROL", &channel, "update Errors at 40% on /checkout since deploy 1234; investigating the payment gateway").await?;
        self.advance(6)?;
        self.command("bob", "U0BOB", &channel, "status identified")
            .await?;

        self.step("31 minutes pass without an update")?;
        self.advance(31)?;
        self.flush().await?;

        self.command(
            "bob",
            "U0BOB",
            &channel,
            "escalate payments gateway team needed",
        )
        .await?;
        self.command("carol", "U0CAROL", &channel, "status mitigating")
            .await?;
        self.command(
            "carol",
            "U0CAROL",
            &channel,
            "update Rolled back deploy 1234; error rate falling",
        )
        .await?;
        self.advance(20)?;
        self.command(
            "bob",
            "U0BOB",
            &channel,
            "resolve A config push disabled the gateway's connection pool; rolled back",
        )
        .await?;
        self.command(
            "bob",
            "U0BOB",
            &channel,
            "action Add a canary for config pushes <@U0CAROL> due 2026-12-01",
        )
        .await?;
        self.command("bob", "U0BOB", &channel, "postmortem").await?;
        self.print_canvas()?;
        self.command("bob", "U0BOB", &channel, "close --force")
            .await?;

        writeln!(self.out, "\n— done: the incident channel, the announcement and the post-mortem above were all produced by the real app.")?;
        Ok(())
    }

    fn step(&mut self, what: &str) -> std::io::Result<()> {
        writeln!(self.out, "\n▶ {what}")
    }

    async fn say(&mut self, who: &str, channel: &str, text: &str) -> std::io::Result<()> {
        writeln!(self.out, "\n▶ {who} in {channel}: {text}")
    }

    fn show_reply(&mut self, who: &str, text: &str) -> std::io::Result<()> {
        if !text.is_empty() {
            let text = self.readable(text);
            writeln!(self.out, "  (only {who} sees) {text}")?;
        }
        Ok(())
    }

    async fn command(
        &mut self,
        who: &str,
        user: &str,
        channel: &str,
        text: &str,
    ) -> anyhow::Result<()> {
        let name = self.channel_name(channel);
        self.say(who, &name, &format!("/incident {text}")).await?;
        let reply = self.driver.command(user, channel, text).await?;
        if reply.status != 200 {
            return Err(anyhow!("warroom answered {}: {}", reply.status, reply.body));
        }
        self.show_reply(who, &reply.text())?;
        self.flush().await
    }

    /// Moves the demo clock forward and lets the scheduler look at what became due.
    fn advance(&mut self, minutes: u64) -> std::io::Result<()> {
        self.clock.advance(Duration::from_secs(minutes * 60));
        self.app.service.scheduler_wake.notify_waiters();
        Ok(())
    }

    async fn wait_for_incident_channel(&mut self) -> anyhow::Result<String> {
        let found = self
            .slack
            .wait_until(Duration::from_secs(10), |s| {
                s.channels()
                    .iter()
                    .any(|c| c.name.starts_with("incident-") && !c.pins.is_empty())
            })
            .await;
        if !found {
            return Err(anyhow!("the incident channel never appeared"));
        }
        let channel = self
            .slack
            .channels()
            .into_iter()
            .find(|c| c.name.starts_with("incident-"))
            .map(|c| c.id)
            .ok_or_else(|| anyhow!("no incident channel"))?;
        self.incident_channel = Some(channel.clone());
        Ok(channel)
    }

    fn card(&self, channel: &str) -> anyhow::Result<Message> {
        let pins = self
            .slack
            .channel(channel)
            .map(|c| c.pins)
            .unwrap_or_default();
        self.slack
            .messages(channel)
            .into_iter()
            .find(|m| pins.contains(&m.ts))
            .context("no pinned card")
    }

    /// Waits for deliveries to finish, then prints what appeared since the last look.
    async fn flush(&mut self) -> anyhow::Result<()> {
        for _ in 0..400 {
            tokio::time::sleep(Duration::from_millis(10)).await;
            if self.app.service.store.outbox_depth().await? == 0
                && self
                    .app
                    .service
                    .store
                    .next_due_at()
                    .await?
                    .is_none_or(|t| t > self.clock.now_ms())
            {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(30)).await;
        let mut channels: Vec<String> = self.incident_channel.iter().cloned().collect();
        channels.push(ANNOUNCE.to_string());
        for channel in channels {
            let messages = self.slack.messages(&channel);
            let seen = self.seen.get(&channel).copied().unwrap_or(0);
            let name = self.channel_name(&channel);
            for m in messages.iter().skip(seen) {
                let author = self
                    .names
                    .get(&m.user)
                    .cloned()
                    .unwrap_or_else(|| m.user.clone());
                let thread = if m.thread_ts.is_some() {
                    " (thread)"
                } else {
                    ""
                };
                // Slack shows the blocks when there are any; `text` is only the fallback.
                let mut shown = m.clone();
                if shown.blocks.as_array().is_some_and(|b| !b.is_empty()) {
                    shown.text.clear();
                }
                let mut body = self.readable(&shown.plain_text());
                let buttons: Vec<String> = m
                    .buttons()
                    .into_iter()
                    .map(|b| format!("[{}]", b.text))
                    .collect();
                if !buttons.is_empty() {
                    let mut unique: Vec<String> = Vec::new();
                    for b in buttons {
                        if !unique.contains(&b) {
                            unique.push(b);
                        }
                    }
                    body.push_str(&format!("\n{}", unique.join(" ")));
                }
                let pinned = self
                    .slack
                    .channel(&channel)
                    .is_some_and(|c| c.pins.contains(&m.ts));
                let pin = if pinned { " 📌" } else { "" };
                let indented = body.replace('\n', "\n      ");
                writeln!(
                    self.out,
                    "  {name}{thread} — {author}{pin}:\n      {indented}"
                )?;
            }
            self.seen.insert(channel, messages.len());
        }
        let ephemerals = self.slack.ephemerals();
        for e in ephemerals.iter().skip(self.ephemerals_seen) {
            let who = self
                .names
                .get(&e.user)
                .cloned()
                .unwrap_or_else(|| e.user.clone());
            let text = self.readable(&e.text);
            writeln!(self.out, "  (only {who} sees) {text}")?;
        }
        self.ephemerals_seen = ephemerals.len();
        Ok(())
    }

    /// The incident channel's canvas as Slack shows it: canvas mentions as names.
    fn print_canvas(&mut self) -> std::io::Result<()> {
        let Some(channel) = self.incident_channel.clone() else {
            return Ok(());
        };
        if let Some(canvas) = self.slack.canvas_of(&channel) {
            let mut md = canvas.markdown;
            for (id, name) in &self.names {
                md = md.replace(&format!("![](@{id})"), &format!("@{name}"));
            }
            let name = self.channel_name(&channel);
            writeln!(self.out, "\n{name} canvas — the post-mortem draft:\n{md}")?;
        }
        Ok(())
    }

    fn channel_name(&self, id: &str) -> String {
        self.slack
            .channel(id)
            .map(|c| format!("#{}", c.name))
            .unwrap_or_else(|| id.to_string())
    }

    /// `<@U0BOB>` → `@bob`, `<#C…>` → `#name`, as Slack renders them.
    fn readable(&self, text: &str) -> String {
        use crate::slack::refs::{map_refs, Ref};
        map_refs(text, |r| match r {
            Ref::User(id) => format!("@{}", self.names.get(id).map(String::as_str).unwrap_or(id)),
            Ref::Channel(id) => self.channel_name(id),
            Ref::Group(id) => format!("@{id}"),
            Ref::Other(raw) => raw.to_string(),
        })
    }
}
