//! Strictness: Slack's rules over HTTP. Broken Block Kit and missing arguments are refused
//! with Slack's codes and messages; broadcasts, unconfigured links and wrong answers to
//! commands and interactions are recorded as violations.

use super::*;

#[tokio::test]
async fn invalid_blocks_are_refused_with_every_reason() {
    let fake = fake().await;
    let blocks = json!([
        {"type": "header", "text": {"type": "mrkdwn", "text": "x"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "y".repeat(3001)}},
    ]);
    let out = post_json(
        &fake,
        "chat.postMessage",
        json!({"channel": "C0GENERAL", "text": "x", "blocks": blocks}),
    )
    .await
    .json();
    assert_eq!(out["ok"], false);
    assert_eq!(out["error"], "invalid_blocks");
    assert_eq!(
        out["response_metadata"]["messages"],
        json!([
            "[ERROR] must be a plain_text object [json-pointer:/blocks/0/text/type]",
            "[ERROR] must be less than 3001 characters [json-pointer:/blocks/1/text/text]"
        ])
    );
    assert!(fake.messages("C0GENERAL").is_empty());

    // A view breaking a rule: invalid_arguments.
    let view = json!({"type": "modal", "title": {"type": "plain_text", "text": "a title over 24 characters"},
        "blocks": []});
    let out = post_json(
        &fake,
        "views.open",
        json!({"trigger_id": "1.2.3", "view": view}),
    )
    .await
    .json();
    assert_eq!(out["error"], "invalid_arguments");
    assert_eq!(
        out["response_metadata"]["messages"][0],
        "[ERROR] must be less than 25 characters [json-pointer:/view/title/text]"
    );

    // Switched off, the same blocks are posted.
    fake.set_strictness(Strictness {
        block_kit: false,
        ..Strictness::default()
    });
    let out = post_json(
        &fake,
        "chat.postMessage",
        json!({"channel": "C0GENERAL", "text": "x", "blocks": blocks}),
    )
    .await
    .json();
    assert_eq!(out["ok"], true, "{out}");
}

#[tokio::test]
async fn missing_required_arguments_and_limits() {
    let fake = fake().await;
    let out = post_json(
        &fake,
        "chat.update",
        json!({"channel": "C0GENERAL", "text": "x"}),
    )
    .await
    .json();
    assert_eq!(out["error"], "invalid_arguments");
    assert_eq!(
        out["response_metadata"]["messages"],
        json!(["[ERROR] missing required field: ts"])
    );
    let out = post_json(
        &fake,
        "chat.postEphemeral",
        json!({"channel": "C0GENERAL", "text": "x"}),
    )
    .await
    .json();
    assert_eq!(out["error"], "invalid_arguments");
    // Slack's own answer for a message without a channel.
    let out = post_json(&fake, "chat.postMessage", json!({"text": "x"}))
        .await
        .json();
    assert_eq!(out["error"], "channel_not_found");
    let out = post_json(
        &fake,
        "chat.postMessage",
        json!({"channel": "C0GENERAL", "text": "x".repeat(40_001)}),
    )
    .await
    .json();
    assert_eq!(out["error"], "msg_too_long");
    for (name, code) in [
        ("", "invalid_name_required"),
        ("Has Caps", "invalid_name_specials"),
        ("x".repeat(81).as_str(), "invalid_name_maxlength"),
    ] {
        let out = post_json(&fake, "conversations.create", json!({"name": name}))
            .await
            .json();
        assert_eq!(out["error"], code, "{name}");
    }
    let out = post_json(&fake, "conversations.create", json!({"name": "inc"}))
        .await
        .json();
    let id = out["channel"]["id"].as_str().unwrap().to_owned();
    let out = post_json(
        &fake,
        "conversations.setTopic",
        json!({"channel": id, "topic": "t".repeat(251)}),
    )
    .await
    .json();
    assert_eq!(out["error"], "too_long");
}

#[tokio::test]
async fn broadcasts_and_unconfigured_links_are_recorded() {
    let fake = fake().await;
    fake.allow_links(&["https://runbooks.example/"]);
    let blocks = json!([{"type": "section", "text": {"type": "mrkdwn",
        "text": "see <https://runbooks.example/db|the runbook> and <https://evil.example|log in>"}}]);
    let out = post_json(
        &fake,
        "chat.postMessage",
        json!({"channel": "C0GENERAL", "text": "hey <!channel>", "blocks": blocks}),
    )
    .await
    .json();
    assert_eq!(out["ok"], true, "Slack posts it: the check is the test's");
    let escaped = "&lt;!here&gt; &lt;https://evil.example|x&gt;";
    post_json(
        &fake,
        "chat.postMessage",
        json!({"channel": "C0GENERAL", "text": escaped}),
    )
    .await;
    let found: Vec<(String, &str, String)> = fake
        .violations()
        .into_iter()
        .map(|v| (v.method, v.rule, v.found))
        .collect();
    assert_eq!(
        found,
        vec![
            (
                "chat.postMessage".to_owned(),
                "broadcast",
                "<!channel>".to_owned()
            ),
            (
                "chat.postMessage".to_owned(),
                "link",
                "<https://evil.example|log in>".to_owned()
            ),
        ]
    );
    let caught = std::panic::catch_unwind(|| fake.assert_text_safe());
    assert!(caught.is_err(), "assert_text_safe fails the test");
}

#[tokio::test]
async fn answers_are_checked_and_recorded() {
    let fake = fake().await;
    assert!(fake.check_command_answer(200, "").is_empty());
    assert_eq!(
        fake.check_command_answer(200, r#"{"response_type":"secret","text":"x"}"#)
            .len(),
        1
    );
    let click = json!({"type": "block_actions", "user": {"id": "U1"}});
    assert_eq!(fake.check_interaction_answer(&click, 200, "ok").len(), 1);
    assert_eq!(fake.violations().len(), 2);
    assert!(fake.violations().iter().all(|v| v.rule == "answer"));
    fake.set_strictness(Strictness {
        answers: false,
        ..Strictness::default()
    });
    assert!(fake.check_interaction_answer(&click, 500, "").is_empty());
    assert_eq!(fake.violations().len(), 2);
}
