//! Socket Mode: with `SLACK_APP_TOKEN`, the same commands, interactions and events arrive over
//! a WebSocket the app opens with `apps.connections.open`, and are acknowledged on it — with
//! the same effects and the same answers as over HTTP.

mod support;

use serde_json::{json, Value};
use std::time::{Duration, Instant};
use support::*;

const APP_TOKEN: &str = "xapp-1-A123456-1700000000-socketmodetest";
/// Generous, for loaded CI machines; the 3 s budget is asserted separately.
const ACK_WAIT: Duration = Duration::from_secs(10);

/// A harness whose app runs with an app-level token, connected over Socket Mode.
async fn socket_harness(b: Backend) -> Harness {
    let mut h = Harness::start(b).await;
    h.app_token = Some(APP_TOKEN.to_string());
    h.restart().await;
    let connected = h
        .slack
        .wait_until(ACK_WAIT, |s| s.socket_connections() == 1)
        .await;
    assert!(connected, "the app opened a Socket Mode connection");
    h
}

/// A slash command's fields as the JSON object Socket Mode carries (the same fields as the
/// HTTP form).
fn command_payload(user: &str, channel: &str, text: &str) -> Value {
    let form = slack_requests::slash_command_form(user, channel, text);
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(&form).unwrap();
    Value::Object(
        pairs
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect(),
    )
}

/// Sends an envelope and waits for its ack.
async fn roundtrip(h: &Harness, envelope_type: &str, payload: Value) -> Value {
    let id = h.slack.socket_send(envelope_type, payload).await;
    let ack = h
        .slack
        .socket_ack(&id, ACK_WAIT)
        .await
        .unwrap_or_else(|| panic!("no ack for {envelope_type} envelope {id}"));
    assert_eq!(ack["envelope_id"], id.as_str(), "{ack}");
    ack
}

/// `/incident {text}` over the socket; returns the ack.
async fn socket_command(h: &Harness, user: &str, channel: &str, text: &str) -> Value {
    roundtrip(h, "slash_commands", command_payload(user, channel, text)).await
}

fn button_action(button: &Button) -> Value {
    json!({"type": "button", "action_id": button.action_id, "block_id": button.block_id,
        "text": {"type": "plain_text", "text": button.text, "emoji": true},
        "value": button.value, "action_ts": "1700000050.123456"})
}

fn take_role_button(card: &Message, role: &str) -> Button {
    card.buttons()
        .into_iter()
        .find(|b| b.text == "Take role" && b.block_id.ends_with(&format!(":{role}")))
        .unwrap_or_else(|| panic!("no Take role button for {role}"))
}

both!(slash_commands_over_the_socket, |b| async move {
    let h = socket_harness(b).await;

    // help: the ack carries the ephemeral answer, in time, identical to the HTTP one.
    let started = Instant::now();
    let id = h
        .slack
        .socket_send("slash_commands", command_payload(ALICE, GENERAL, "help"))
        .await;
    let ack = h.slack.socket_ack(&id, ACK_WAIT).await.expect("help acked");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "acked after {:?}",
        started.elapsed()
    );
    assert_eq!(ack["payload"]["response_type"], "ephemeral", "{ack}");
    let help = ack["payload"]["text"].as_str().unwrap_or_default();
    assert!(help.contains("/incident declare"), "{help}");
    let over_http = h.command(ALICE, GENERAL, "help").await;
    assert_eq!(ack["payload"], over_http.json());

    // declare: the workspace ends up exactly as when declared over HTTP.
    let ack = socket_command(&h, ALICE, GENERAL, "declare P1 Checkout API returns 500s").await;
    assert_eq!(ack["payload"]["response_type"], "ephemeral", "{ack}");
    let text = ack["payload"]["text"].as_str().unwrap_or_default();
    let id = incident_id_in(text).unwrap_or_else(|| panic!("no incident id in {text:?}"));
    let channel_id = h.channel_of(&id).await;
    let channel = h.slack.channel(&channel_id).unwrap();
    assert!(
        channel.name.starts_with("incident-")
            && channel.name.ends_with("checkout-api-returns-500s"),
        "{}",
        channel.name
    );
    assert!(
        channel.members.iter().any(|m| m == ALICE),
        "reporter invited"
    );
    let card = h.card(&channel_id);
    let card_text = card.plain_text();
    for needle in [id.as_str(), "P1", "Checkout API returns 500s"] {
        assert!(
            card_text.contains(needle),
            "card lacks {needle}: {card_text}"
        );
    }
    let take = card
        .buttons()
        .into_iter()
        .filter(|b| b.text == "Take role")
        .count();
    assert_eq!(take, 4, "a Take role button per role");
    h.eventually("announced", |s| {
        s.messages(ANNOUNCE)
            .iter()
            .any(|m| m.plain_text().contains(&id))
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(h.slack.call_count("conversations.create"), 1);
    assert_eq!(h.slack.call_count("pins.add"), 1);

    // An in-channel command over the socket acts on the incident.
    socket_command(&h, ALICE, &channel_id, "note Rolled back the deploy").await;
    let timeline = socket_command(&h, ALICE, &channel_id, "timeline").await;
    let timeline = timeline["payload"]["text"].as_str().unwrap_or_default();
    assert!(timeline.contains("Rolled back the deploy"), "{timeline}");
    h.finish().await;
});

both!(button_click_over_the_socket, |b| async move {
    let h = socket_harness(b).await;
    let channel = h.declare(ALICE, "P1 Payments timing out").await;
    let card = h.card(&channel);
    let take_ic = take_role_button(&card, "ic");
    let payload = slack_requests::block_actions(BOB, &card, button_action(&take_ic));
    let ack = roundtrip(&h, "interactive", payload).await;
    assert!(
        ack.get("payload").is_none(),
        "a click has nothing to say: {ack}"
    );
    h.eventually("card shows Bob as IC", |_| {
        h.card(&channel)
            .plain_text()
            .contains(&format!("*Incident Commander*: <@{BOB}>"))
    })
    .await;
    h.eventually("topic shows Bob", |s| {
        s.channel(&channel)
            .unwrap()
            .topic
            .ends_with(&format!("IC: <@{BOB}>"))
    })
    .await;
    h.finish().await;
});

both!(view_submission_errors_over_the_socket, |b| async move {
    let h = socket_harness(b).await;
    // `/incident` alone opens the declare modal (views.open, inline).
    socket_command(&h, ALICE, GENERAL, "").await;
    let view = h.last_view("declare_incident");
    // No title, no severity: field errors in the ack, nothing declared.
    let ack = roundtrip(
        &h,
        "interactive",
        slack_requests::view_submission(ALICE, &view, &[]),
    )
    .await;
    assert_eq!(ack["payload"]["response_action"], "errors", "{ack}");
    let errors = ack["payload"]["errors"]
        .as_object()
        .expect("errors by block");
    assert!(!errors.is_empty(), "{ack}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(h.slack.call_count("conversations.create"), 0);
    h.finish().await;
});

both!(reconnects_on_disconnect_and_keeps_serving, |b| async move {
    let h = socket_harness(b).await;
    assert_eq!(h.slack.call_count("apps.connections.open"), 1);
    let ack = socket_command(&h, ALICE, GENERAL, "help").await;
    assert_eq!(ack["payload"]["response_type"], "ephemeral");

    h.slack.socket_disconnect();
    let reconnected = h
        .slack
        .wait_until(ACK_WAIT, |s| s.socket_connections() == 2)
        .await;
    assert!(reconnected, "a new connection after disconnect");
    assert_eq!(h.slack.call_count("apps.connections.open"), 2);

    // The new connection serves commands.
    let ack = socket_command(&h, ALICE, GENERAL, "declare P2 Search is slow").await;
    let text = ack["payload"]["text"].as_str().unwrap_or_default();
    let id = incident_id_in(text).unwrap_or_else(|| panic!("no incident id in {text:?}"));
    h.channel_of(&id).await;
    // And only one connection is open at a time: no extra ones appear.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(h.slack.socket_connections(), 2);
    h.finish().await;
});

both!(events_and_malformed_envelopes_are_acked, |b| async move {
    let h = socket_harness(b).await;
    let event = json!({
        "token": "gIkuvaNzQIHg97ATvDxqgjtO",
        "team_id": "T0001",
        "api_app_id": "A123456",
        "event": {"type": "app_mention", "user": ALICE, "text": "<@U0BOT> status?",
            "ts": "1700000100.000100", "channel": GENERAL, "event_ts": "1700000100.000100"},
        "type": "event_callback",
        "event_id": "Ev0SOCKET0001",
        "event_time": 1700000100
    });
    let id = h.slack.socket_send("events_api", event.clone()).await;
    let ack = h
        .slack
        .socket_ack(&id, ACK_WAIT)
        .await
        .expect("event acked");
    assert_eq!(ack, json!({"envelope_id": id}));
    // A redelivery goes through the same deduplication as over HTTP.
    roundtrip(&h, "events_api", event).await;
    let metrics = h.get("/metrics").await.body;
    assert!(
        metrics.contains("warroom_events_total{result=\"accepted\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("warroom_events_total{result=\"duplicate\"} 1"),
        "{metrics}"
    );

    // Malformed payloads (the handlers answer 400) are acked bare, and change nothing.
    for (kind, payload) in [
        ("slash_commands", json!({"text": "declare P1 No user"})),
        ("slash_commands", json!("declare P1 Not an object")),
        (
            "interactive",
            json!({"type": "block_actions", "actions": []}),
        ),
        ("events_api", json!({"type": 5})),
        ("something_new", json!({})),
    ] {
        let ack = roundtrip(&h, kind, payload).await;
        assert!(ack.get("payload").is_none(), "{kind}: {ack}");
    }
    // Still serving.
    let ack = socket_command(&h, ALICE, GENERAL, "list").await;
    let list = ack["payload"]["text"].as_str().unwrap_or_default();
    assert!(list.contains("No open incidents"), "{ack}");
    assert_eq!(h.slack.call_count("conversations.create"), 0);
    h.finish().await;
});

both!(no_app_token_no_socket, |b| async move {
    let h = Harness::start(b).await;
    // The app is up and serving over HTTP…
    assert_eq!(h.command(ALICE, GENERAL, "help").await.status, 200);
    tokio::time::sleep(Duration::from_millis(500)).await;
    // …and never asked for a Socket Mode connection.
    assert!(
        h.slack
            .calls()
            .iter()
            .all(|c| c.method != "apps.connections.open"),
        "apps.connections.open was called"
    );
    assert_eq!(h.slack.socket_connections(), 0);
    h.finish().await;
});

both!(stops_cleanly, |b| async move {
    let mut h = socket_harness(b).await;
    let ack = socket_command(&h, ALICE, GENERAL, "help").await;
    assert!(ack.get("payload").is_some());
    // Graceful shutdown returns promptly with the socket worker among the workers.
    let stopped = tokio::time::timeout(Duration::from_secs(10), h.stop()).await;
    assert!(stopped.is_ok(), "shutdown hung");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        h.slack.socket_connections(),
        1,
        "no reconnect after stopping"
    );
    h.finish().await;
});

both!(retries_with_backoff_until_slack_answers, |b| async move {
    let mut h = Harness::start(b).await;
    // Slack refuses the first two `apps.connections.open` calls.
    h.slack.set_faults(Faults {
        rate_limit_burst: 2,
        retry_after_secs: 1,
        ..Default::default()
    });
    h.app_token = Some(APP_TOKEN.to_string());
    h.restart().await;
    let started = Instant::now();
    let connected = h
        .slack
        .wait_until(Duration::from_secs(20), |s| s.socket_connections() == 1)
        .await;
    assert!(connected, "connected once Slack answers");
    let opens: Vec<_> = h
        .slack
        .calls()
        .into_iter()
        .filter(|c| c.method == "apps.connections.open")
        .collect();
    let refused = opens.iter().filter(|c| c.http_status == 429).count();
    assert_eq!(refused, 2, "{opens:?}");
    assert_eq!(opens.len(), 3, "{opens:?}");
    // Backoff: 1 s, then 2 s (plus jitter) between the attempts — not a hot loop.
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    let ack = socket_command(&h, ALICE, GENERAL, "help").await;
    assert_eq!(ack["payload"]["response_type"], "ephemeral");
    h.finish().await;
});
