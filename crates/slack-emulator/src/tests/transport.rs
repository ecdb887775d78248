//! The HTTP surface as any client meets it: the API URL, Slack's auth answers (HTTP 200
//! with an error code), and the same method over every argument encoding (JSON body, form
//! body, GET query).

use super::*;

#[tokio::test]
async fn api_url_points_at_the_server() {
    let fake = fake().await;
    assert_eq!(fake.api_url(), format!("http://{}/api", fake.addr));
    let reply = get(&fake, "auth.test", &[]).await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    let body = reply.json();
    assert_eq!(body["ok"], true);
    assert_eq!(body["user_id"], "U0BOT");
}

#[tokio::test]
async fn auth_failures_answer_200_with_slack_codes() {
    let fake = fake().await;
    let missing = send(&fake, "POST", "/api/auth.test", &[], b"").await;
    assert_eq!(missing.status, 200);
    assert_eq!(missing.json(), json!({"ok": false, "error": "not_authed"}));
    let wrong = send(
        &fake,
        "POST",
        "/api/auth.test",
        &[("Authorization", "Bearer xoxb-wrong")],
        b"",
    )
    .await;
    assert_eq!(wrong.json()["error"], "invalid_auth");
    // A token argument works where the header is missing.
    let form = send(
        &fake,
        "POST",
        "/api/auth.test",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        b"token=xoxb-test-token",
    )
    .await;
    assert_eq!(form.json()["ok"], true);
    let unknown = post_json(&fake, "chat.scheduleMessage", json!({})).await;
    assert_eq!(unknown.json()["error"], "unknown_method");
    let calls = fake.calls();
    assert_eq!(calls.len(), 4);
    assert_eq!(calls[0].error.as_deref(), Some("not_authed"));
    assert!(calls[2].ok);
    assert_eq!(calls[2].args, json!({}), "the token is not recorded");
    assert_eq!(fake.call_count("auth.test"), 1);
}

#[tokio::test]
async fn invite_with_csv_and_json_array() {
    let fake = fake().await;
    let id = post_json(&fake, "conversations.create", json!({"name": "inc"}))
        .await
        .json()["channel"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let csv = post_form(
        &fake,
        "conversations.invite",
        &[("channel", &id), ("users", "U1")],
    )
    .await;
    assert_eq!(csv.json()["ok"], true);
    let again = post_json(
        &fake,
        "conversations.invite",
        json!({"channel": id, "users": ["U1"]}),
    )
    .await;
    assert_eq!(again.json()["error"], "already_in_channel");
    let array = post_json(
        &fake,
        "conversations.invite",
        json!({"channel": id, "users": ["U1", "U2"]}),
    )
    .await;
    assert_eq!(array.json()["channel"]["num_members"], 3);
    assert_eq!(
        fake.channel(&id).unwrap().members,
        vec!["U0BOT", "U1", "U2"]
    );
}

#[tokio::test]
async fn post_thread_update_pin_over_every_encoding() {
    let fake = fake().await;
    let id = post_json(&fake, "conversations.create", json!({"name": "inc"}))
        .await
        .json()["channel"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let blocks = json!([{"type": "section", "block_id": "b",
                         "text": {"type": "mrkdwn", "text": "*INC-1* declared"},
                         "accessory": {"type": "button", "action_id": "take_role", "value": "ic",
                                       "text": {"type": "plain_text", "text": "Take IC"}}}]);
    // Blocks as JSON text in a form field.
    let posted = post_form(
        &fake,
        "chat.postMessage",
        &[
            ("channel", &id),
            ("text", "INC-1"),
            ("blocks", &blocks.to_string()),
        ],
    )
    .await
    .json();
    assert_eq!(posted["ok"], true, "{posted}");
    let ts = posted["ts"].as_str().unwrap().to_owned();
    let reply = post_json(
        &fake,
        "chat.postMessage",
        json!({"channel": id, "text": "update 1", "thread_ts": ts}),
    )
    .await
    .json();
    assert_eq!(reply["message"]["thread_ts"], ts.as_str());
    let updated = post_json(
        &fake,
        "chat.update",
        json!({"channel": id, "ts": ts, "text": "INC-1 (P1)"}),
    )
    .await
    .json();
    assert_eq!(updated["ok"], true);
    let pinned = post_form(&fake, "pins.add", &[("channel", &id), ("timestamp", &ts)]).await;
    assert_eq!(pinned.json(), json!({"ok": true}));

    // Reads over GET with a query string.
    let info = get(&fake, "conversations.info", &[("channel", &id)])
        .await
        .json();
    assert_eq!(info["channel"]["name"], "inc");

    let messages = fake.messages(&id);
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[0].text, "INC-1 (P1)");
    assert_eq!(messages[0].edits, 1);
    assert_eq!(messages[0].blocks, blocks);
    assert_eq!(messages[0].buttons()[0].action_id, "take_role");
    assert!(messages[0].plain_text().contains("*INC-1* declared"));
    assert_eq!(messages[1].thread_ts.as_deref(), Some(ts.as_str()));
    assert_eq!(fake.channel(&id).unwrap().pins, vec![ts]);
    let transcript = fake.transcript(&id);
    assert!(
        transcript.starts_with("warroom (edited): INC-1 (P1)"),
        "{transcript}"
    );
    assert!(
        transcript.contains("    ↳ warroom: update 1"),
        "{transcript}"
    );
}
