//! Web API methods over HTTP: channels, ephemerals, modals, uploads, message metadata,
//! profiles and channel canvases, checked through what the fake records.

use super::*;

#[tokio::test]
async fn create_name_taken_and_invalid_names() {
    let fake = fake().await;
    let reply = post_json(&fake, "conversations.create", json!({"name": "inc-1"})).await;
    let body = reply.json();
    assert_eq!(body["ok"], true, "{body}");
    let id = body["channel"]["id"].as_str().unwrap().to_owned();
    assert_eq!(fake.channel_by_name("inc-1").unwrap().id, id);

    let taken = post_form(&fake, "conversations.create", &[("name", "inc-1")]).await;
    assert_eq!(taken.json(), json!({"ok": false, "error": "name_taken"}));
    let bad = post_form(&fake, "conversations.create", &[("name", "Inc 1")]).await;
    assert_eq!(bad.json()["error"], "invalid_name_specials");
    assert_eq!(fake.channels().len(), 2);
    assert_eq!(fake.call_count("conversations.create"), 1);
}

#[tokio::test]
async fn ephemeral_checks_membership() {
    let fake = fake().await;
    let ok = post_json(
        &fake,
        "chat.postEphemeral",
        json!({"channel": "C0GENERAL", "user": "U1", "text": "psst"}),
    )
    .await
    .json();
    assert_eq!(ok["ok"], true);
    assert!(ok["message_ts"].is_string());
    let not_member = post_json(
        &fake,
        "chat.postEphemeral",
        json!({"channel": "C0GENERAL", "user": "U2", "text": "psst"}),
    )
    .await;
    assert_eq!(not_member.json()["error"], "user_not_in_channel");
    assert_eq!(fake.ephemerals().len(), 1);
}

#[tokio::test]
async fn views_open_trigger_is_single_use() {
    let fake = fake().await;
    let view = json!({"type": "modal", "title": {"type": "plain_text", "text": "Declare"},
                      "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}]});
    let first = post_json(
        &fake,
        "views.open",
        json!({"trigger_id": "123.456.abc", "view": view}),
    )
    .await
    .json();
    assert_eq!(first["ok"], true, "{first}");
    assert_eq!(first["view"]["title"]["text"], "Declare");
    let second = post_form(
        &fake,
        "views.open",
        &[("trigger_id", "123.456.abc"), ("view", &view.to_string())],
    )
    .await;
    assert_eq!(second.json()["error"], "exchanged_trigger_id");
    let views = fake.views();
    assert_eq!(views.len(), 1);
    assert_eq!(views[0].view, view);
}

#[tokio::test]
async fn file_upload_round_trip() {
    let fake = fake().await;
    let id = post_json(&fake, "conversations.create", json!({"name": "inc"}))
        .await
        .json()["channel"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let url = get(
        &fake,
        "files.getUploadURLExternal",
        &[("filename", "pm.md"), ("length", "9")],
    )
    .await
    .json();
    let upload_url = url["upload_url"].as_str().unwrap();
    let path = upload_url.split_once(&fake.addr.to_string()).unwrap().1;
    let uploaded = send(
        &fake,
        "POST",
        path,
        &[("Content-Type", "text/markdown")],
        b"# Summary",
    )
    .await;
    assert_eq!(uploaded.status, 200);
    assert_eq!(uploaded.body, "OK - 9");
    assert!(uploaded
        .header("content-type")
        .unwrap()
        .starts_with("text/plain"));
    let done = post_json(
        &fake,
        "files.completeUploadExternal",
        json!({"files": [{"id": url["file_id"], "title": "Post-mortem"}],
               "channel_id": id, "initial_comment": "Draft"}),
    )
    .await
    .json();
    assert_eq!(done["ok"], true, "{done}");
    let messages = fake.messages(&id);
    assert_eq!(messages[0].text, "Draft");
    assert_eq!(messages[0].files[0].content, "# Summary");
}

#[tokio::test]
async fn message_metadata_is_kept_and_returned_when_asked() {
    let fake = fake().await;
    let metadata = json!({"event_type": "warroom_effect", "event_payload": {"effect_id": 42}});
    let posted = post_json(
        &fake,
        "chat.postMessage",
        json!({"channel": "C0GENERAL", "text": "card", "metadata": metadata}),
    )
    .await
    .json();
    assert_eq!(posted["ok"], true, "{posted}");
    assert_eq!(posted["message"]["metadata"], metadata);
    // Form encoding carries it as JSON text.
    let form = post_form(
        &fake,
        "chat.postMessage",
        &[
            ("channel", "C0GENERAL"),
            ("text", "plain"),
            (
                "metadata",
                &json!({"event_type": "x", "event_payload": {}}).to_string(),
            ),
        ],
    )
    .await
    .json();
    assert_eq!(form["ok"], true);
    let bad = post_json(
        &fake,
        "chat.postMessage",
        json!({"channel": "C0GENERAL", "text": "x", "metadata": {"event_payload": {}}}),
    )
    .await
    .json();
    assert_eq!(bad["error"], "invalid_metadata_format");

    let history = get(&fake, "conversations.history", &[("channel", "C0GENERAL")])
        .await
        .json();
    assert!(history["messages"][1].get("metadata").is_none());
    let history = get(
        &fake,
        "conversations.history",
        &[
            ("channel", "C0GENERAL"),
            ("include_all_metadata", "true"),
            ("limit", "1"),
        ],
    )
    .await
    .json();
    assert_eq!(history["messages"].as_array().unwrap().len(), 1);
    assert_eq!(history["has_more"], true);
    assert_eq!(history["messages"][0]["metadata"]["event_type"], "x");
    assert_eq!(fake.messages("C0GENERAL")[0].metadata, Some(metadata));
}

#[tokio::test]
async fn users_info_reports_profile_names() {
    let fake = fake().await;
    assert!(fake.set_profile("U1", "Ali", "Alice Example"));
    assert!(!fake.set_profile("U404", "x", "y"));
    let info = get(&fake, "users.info", &[("user", "U1")]).await.json();
    assert_eq!(info["user"]["profile"]["display_name"], "Ali");
    assert_eq!(info["user"]["profile"]["real_name"], "Alice Example");
    assert_eq!(info["user"]["real_name"], "Alice Example");
    let missing = get(&fake, "users.info", &[("user", "U404")]).await.json();
    assert_eq!(missing["error"], "user_not_found");
}

#[tokio::test]
async fn channel_canvases_are_created_once_and_edited() {
    let fake = fake().await;
    let md = |text: &str| json!({"type": "markdown", "markdown": text});
    let created = post_json(
        &fake,
        "conversations.canvases.create",
        json!({"channel_id": "C0GENERAL", "document_content": md("# Post-mortem\n![](@U1)")}),
    )
    .await
    .json();
    assert_eq!(created["ok"], true, "{created}");
    let canvas_id = created["canvas_id"].as_str().unwrap().to_owned();
    let again = post_json(
        &fake,
        "conversations.canvases.create",
        json!({"channel_id": "C0GENERAL", "document_content": md("x")}),
    )
    .await
    .json();
    assert_eq!(again["error"], "channel_canvas_already_exists");
    let info = get(&fake, "conversations.info", &[("channel", "C0GENERAL")])
        .await
        .json();
    assert_eq!(
        info["channel"]["properties"]["canvas"]["file_id"],
        canvas_id
    );

    let edited = post_json(
        &fake,
        "canvases.edit",
        json!({"canvas_id": canvas_id, "changes": [{"operation": "replace", "document_content": md("# v2")}]}),
    )
    .await
    .json();
    assert_eq!(edited["ok"], true, "{edited}");
    let canvas = fake.canvas_of("C0GENERAL").unwrap();
    assert_eq!((canvas.markdown.as_str(), canvas.edits), ("# v2", 1));
    let unknown = post_json(
        &fake,
        "canvases.edit",
        json!({"canvas_id": "F404", "changes": [{"operation": "replace", "document_content": md("x")}]}),
    )
    .await
    .json();
    assert_eq!(unknown["error"], "canvas_not_found");

    // A workspace that cannot have channel canvases.
    post_json(&fake, "conversations.create", json!({"name": "inc"})).await;
    let inc = fake.channel_by_name("inc").unwrap().id;
    fake.refuse_canvases(Some(CANVAS_REFUSALS[0]));
    let refused = post_json(
        &fake,
        "conversations.canvases.create",
        json!({"channel_id": inc, "document_content": md("x")}),
    )
    .await
    .json();
    assert_eq!(refused["error"], "team_tier_cannot_create_channel_canvases");
    assert!(fake.canvas_of(&inc).is_none());
}
