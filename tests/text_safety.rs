//! Text safety end to end: whatever people type — broadcasts, user-group pings, disguised
//! links, entities, 5,000-character walls — reaches Slack as readable text, never as a
//! broadcast, a link or a mention nobody made. Asserted on everything the fake workspace
//! received: messages (text and mrkdwn in blocks), thread replies, ephemerals, topics.

mod support;

use serde_json::Value;
use support::*;

/// Everything Slack would turn into a ping, a link or a formatted reference.
const HOSTILE: &str =
    "<!channel> <!here> <!everyone> <!subteam^S1> <@U0X> <https://evil.example|x> & *bold*";

/// The user id typed (as a mention) in [`HOSTILE`]: the one mention a person made.
const TYPED_MENTION: &str = "U0X";

/// A 5,000-character text made of hostile pieces.
fn long_text() -> String {
    let mut text = String::new();
    while text.chars().count() + HOSTILE.len() + 1 < 5_000 {
        text.push_str(HOSTILE);
        text.push(' ');
    }
    while text.chars().count() < 5_000 {
        text.push('x');
    }
    text
}

/// What a reader sees of mrkdwn text.
fn unescape(text: &str) -> String {
    warroom::render::mrkdwn::unescape(text)
}

/// Every `<…>` reference in `text`, as written.
fn references(text: &str) -> Vec<String> {
    let mut refs = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        let tail = &rest[start..];
        match tail.find('>') {
            Some(end) => {
                refs.push(tail[..=end].to_string());
                rest = &tail[end + 1..];
            }
            None => break,
        }
    }
    refs
}

/// The mrkdwn texts of a Block Kit array: message-level text is checked separately;
/// `plain_text` objects are shown literally by Slack and never ping or link.
fn mrkdwn_texts(blocks: &Value, out: &mut Vec<String>) {
    match blocks {
        Value::Array(items) => items.iter().for_each(|v| mrkdwn_texts(v, out)),
        Value::Object(map) => {
            if map.get("type").and_then(Value::as_str) == Some("mrkdwn") {
                if let Some(t) = map.get("text").and_then(Value::as_str) {
                    out.push(t.to_string());
                }
            }
            map.values().for_each(|v| mrkdwn_texts(v, out));
        }
        _ => {}
    }
}

/// Every piece of Slack-formatted text the app sent, labelled by where it went.
fn everything_sent(h: &Harness) -> Vec<(String, String)> {
    let mut sent = Vec::new();
    let mut channels: Vec<String> = h.slack.channels().into_iter().map(|c| c.id).collect();
    for user in [ALICE, BOB, CAROL, ADMIN, ONCALL] {
        channels.push(format!("D{}", &user[1..]));
    }
    for channel in channels {
        if let Some(c) = h.slack.channel(&channel) {
            sent.push((format!("topic of {channel}"), c.topic.clone()));
        }
        for m in h.slack.messages(&channel) {
            // Only what the app (the bot user) posted; people's own messages are theirs.
            if m.user != "U0BOT" {
                continue;
            }
            sent.push((format!("message in {channel}"), m.text.clone()));
            let mut texts = Vec::new();
            mrkdwn_texts(&m.blocks, &mut texts);
            for t in texts {
                sent.push((format!("block in {channel}"), t));
            }
        }
    }
    for e in h.slack.ephemerals() {
        sent.push((format!("ephemeral to {}", e.user), e.text.clone()));
    }
    sent
}

/// No broadcast, no link, no user group but the policy's, no mention of anyone who was
/// not mentioned by a person or chosen through a parsed argument.
fn assert_safe(label: &str, text: &str) {
    let people = [ALICE, BOB, CAROL, ADMIN, ONCALL, TYPED_MENTION];
    for r in references(text) {
        let ok = r == "<!subteam^S0SENIOR>"
            || r.strip_prefix("<#C").is_some_and(|id| {
                id.trim_end_matches('>')
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric())
            })
            || r.strip_prefix("<@")
                .map(|id| id.trim_end_matches('>'))
                .is_some_and(|id| people.contains(&id));
        assert!(ok, "{label} carries {r}: {text}");
    }
    for forbidden in ["<!channel", "<!here", "<!everyone", "<http", "<!subteam^S1"] {
        assert!(!text.contains(forbidden), "{label}: {text}");
    }
}

both!(hostile_text_is_shown_not_obeyed, |b| async move {
    let h = Harness::start(b).await;
    // A title full of syntax, by command.
    let channel = h.declare(ALICE, &format!("P1 {HOSTILE}")).await;
    let r = h
        .command(BOB, &channel, &format!("role ic <@{BOB}|bob>"))
        .await;
    assert_eq!(r.status, 200);
    for command in [
        format!("note {HOSTILE}"),
        format!("update {HOSTILE}"),
        format!("action {HOSTILE} <@{CAROL}|carol>"),
        format!("escalate {HOSTILE}"),
        format!("resolve {HOSTILE}"),
    ] {
        let r = h.command(BOB, &channel, &command).await;
        assert_eq!(r.status, 200, "{command}: {}", r.body);
        assert_safe(&command, &r.text());
    }
    h.eventually("resolved in the channel and the announcement thread", |s| {
        s.messages(&channel)
            .iter()
            .any(|m| m.text.contains("*Resolved*"))
            && s.messages(ANNOUNCE)
                .iter()
                .any(|m| m.thread_ts.is_some() && m.text.contains("*Resolved*"))
    })
    .await;
    h.eventually("the action item's owner was told", |_| {
        h.told(CAROL, "gave you an action item")
    })
    .await;
    h.eventually("escalated", |_| {
        !h.messages_with(&channel, "*Escalation*").is_empty()
    })
    .await;
    // Modal-declared: title, description and service.
    h.command(ALICE, GENERAL, "").await;
    let view = h.last_view("declare_incident");
    let r = h
        .submit(
            ALICE,
            &view,
            &[
                ("title", &format!("Modal {HOSTILE}")),
                ("severity", "P2"),
                ("service", HOSTILE),
                ("description", HOSTILE),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let list = h.command(ALICE, GENERAL, "list").await;
    assert_safe("list", &list.text());
    let timeline = h.command(BOB, &channel, "timeline").await;
    assert_safe("timeline", &timeline.text());
    assert!(
        unescape(&timeline.text()).contains(HOSTILE),
        "the note reads as typed: {}",
        timeline.text()
    );
    let second = h
        .channel_of(&incident_id_in(&list.text()).unwrap_or_default())
        .await;
    let card = h.card(&second);
    let mut card_texts = Vec::new();
    mrkdwn_texts(&card.blocks, &mut card_texts);
    assert!(
        card_texts
            .iter()
            .any(|t| unescape(t).contains(&format!("*Service:* {HOSTILE}"))),
        "{card_texts:?}"
    );

    let sent = everything_sent(&h);
    for (label, text) in &sent {
        assert_safe(label, text);
    }
    // Still readable: what was typed is what people read.
    for needle in [
        format!("Current Status:* Investigating — {HOSTILE}"),
        format!(">{HOSTILE}"),
        format!("Action item: {HOSTILE} (owner <@{CAROL}>)"),
        format!("escalated: {HOSTILE}"),
        "INC-".to_string(),
    ] {
        assert!(
            sent.iter().any(|(_, t)| unescape(t).contains(&needle)),
            "nobody reads {needle:?}"
        );
    }
    let announcement = h
        .slack
        .messages(ANNOUNCE)
        .into_iter()
        .find(|m| m.thread_ts.is_none())
        .expect("announced");
    assert!(
        unescape(&announcement.text).contains(HOSTILE),
        "{}",
        announcement.text
    );
    h.finish().await;
});

both!(long_text_is_cut_or_split_never_lost, |b| async move {
    let h = Harness::start(b).await;
    let long = long_text();
    assert_eq!(long.chars().count(), 5_000);
    let channel = h.declare(ALICE, &format!("P1 {long}")).await;
    // Channel name, header and topic keep within Slack's limits.
    let ch = h.slack.channel(&channel).unwrap();
    assert!(ch.name.len() <= 80, "{}", ch.name);
    assert!(ch.topic.chars().count() <= 250);
    let card = h.card(&channel);
    let header = card.blocks[0]["text"]["text"].as_str().unwrap().to_string();
    assert!(
        header.chars().count() <= 150 && header.ends_with('…'),
        "{header}"
    );
    let mut texts = Vec::new();
    mrkdwn_texts(&card.blocks, &mut texts);
    assert!(texts.iter().all(|t| t.chars().count() <= 3_000));

    h.command(ALICE, &channel, &format!("note {long}")).await;
    h.command(ALICE, &channel, &format!("update {long}")).await;
    h.eventually("the update is posted", |s| {
        s.messages(&channel)
            .iter()
            .any(|m| m.text.contains("Status Update"))
    })
    .await;
    let update = h
        .messages_with(&channel, "Status Update")
        .into_iter()
        .next()
        .expect("an update")
        .text;
    assert!(
        unescape(&update).contains(&long),
        "the whole update reaches the channel"
    );
    let timeline = h.command(ALICE, &channel, "timeline").await;
    assert!(unescape(&timeline.text()).contains(&long));
    for (label, text) in everything_sent(&h) {
        assert_safe(&label, &text);
        assert!(text.chars().count() <= 40_000, "{label}");
    }
    h.finish().await;
});

both!(
    outbox_rows_of_the_previous_version_still_deliver,
    |b| async move {
        let mut h = Harness::start(b).await;
        let channel = h.declare(ALICE, "P1 Upgrade in flight").await;
        h.eventually("announced", |s| !s.messages(ANNOUNCE).is_empty())
            .await;
        let id = incident_id_in(&h.card(&channel).text).unwrap();
        h.stop().await;
        // Rows exactly as the previous version stored them.
        let rows = [
            (
                "post",
                format!(
                    r#"{{"kind":"post","text":"legacy post <@{BOB}>","blocks":[{{"type":"section","text":{{"type":"mrkdwn","text":"legacy block"}}}}]}}"#
                ),
            ),
            (
                "post",
                r#"{"kind":"post","text":"legacy plain"}"#.to_string(),
            ),
            (
                "post_in_announcement_thread",
                r#"{"kind":"post_in_announcement_thread","text":"legacy thread"}"#.to_string(),
            ),
            (
                "ephemeral",
                format!(r#"{{"kind":"ephemeral","user":"{ALICE}","text":"legacy ephemeral"}}"#),
            ),
            ("set_topic", r#"{"kind":"set_topic"}"#.to_string()),
        ];
        insert_outbox_rows(&h, &id, &rows).await;
        h.boot().await;
        h.eventually("legacy rows delivered", |s| {
            let msgs = s.messages(&channel);
            msgs.iter().any(|m| {
                m.text == format!("legacy post <@{BOB}>")
                    && m.blocks.to_string().contains("legacy block")
            }) && msgs.iter().any(|m| m.text == "legacy plain")
                && s.messages(ANNOUNCE)
                    .iter()
                    .any(|m| m.thread_ts.is_some() && m.text == "legacy thread")
                && s.ephemerals()
                    .iter()
                    .any(|e| e.user == ALICE && e.text == "legacy ephemeral")
        })
        .await;
        h.finish().await;
    }
);

/// Writes outbox rows straight into the database, as an older warroom left them.
async fn insert_outbox_rows(h: &Harness, lane: &str, rows: &[(&str, String)]) {
    use sqlx::Connection;
    let now = chrono::Utc::now().timestamp_millis();
    let sql = "INSERT INTO outbox (lane, kind, payload, state, attempts, next_attempt_at, created_at) VALUES ($1, $2, $3, 'pending', 0, $4, $4)";
    match h.backend {
        Backend::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(&h.database_url)
                .await
                .unwrap();
            for (kind, payload) in rows {
                sqlx::query(sql)
                    .bind(lane)
                    .bind(*kind)
                    .bind(payload)
                    .bind(now)
                    .execute(&mut conn)
                    .await
                    .unwrap();
            }
        }
        Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(&h.database_url).await.unwrap();
            for (kind, payload) in rows {
                sqlx::query(sql)
                    .bind(lane)
                    .bind(*kind)
                    .bind(payload)
                    .bind(now)
                    .execute(&mut conn)
                    .await
                    .unwrap();
            }
        }
    }
}
