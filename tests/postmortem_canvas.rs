//! The post-mortem draft as the incident channel's canvas: created by the first
//! `/incident postmortem`, replaced by later ones, linked from the card, adopted rather
//! than duplicated when an earlier create's answer was lost, and uploaded as a Markdown
//! file where the workspace has no channel canvases.

mod support;

use support::*;

fn canvases_in(h: &Harness, channel: &str) -> usize {
    h.slack
        .canvases()
        .iter()
        .filter(|c| c.channel == channel)
        .count()
}

both!(create_then_replace_and_link_from_the_card, |b| async move {
    let h = Harness::start(b).await;
    let channel = h.declare(ALICE, "P2 Search is slow").await;
    let reply = h.command(ALICE, &channel, "postmortem").await;
    assert!(reply.text().contains("canvas"), "{}", reply.body);
    h.eventually("the channel canvas", |s| s.canvas_of(&channel).is_some())
        .await;
    let first = h.slack.canvas_of(&channel).unwrap();
    assert!(first.markdown.starts_with("# Post-Mortem: Search is slow"));
    assert!(
        first.markdown.contains(&format!("![](@{ALICE})")),
        "people are canvas mentions: {}",
        first.markdown
    );
    assert_eq!(first.edits, 0);
    let link = format!("https://example.slack.com/docs/T0001/{}", first.id);
    h.eventually("the card links to the canvas", |s| {
        let card = s
            .messages(&channel)
            .into_iter()
            .find(|m| s.channel(&channel).unwrap().pins.contains(&m.ts));
        card.is_some_and(|m| m.blocks.to_string().contains(&link))
    })
    .await;

    h.command(ALICE, &channel, "note The index was rebuilt at 10:02")
        .await;
    h.command(ALICE, &channel, "postmortem").await;
    h.eventually("the canvas is replaced", |s| {
        s.canvas_of(&channel).is_some_and(|c| c.edits == 1)
    })
    .await;
    let second = h.slack.canvas_of(&channel).unwrap();
    assert_eq!(second.id, first.id, "the same canvas");
    assert!(second.markdown.contains("The index was rebuilt at 10:02"));
    assert_eq!(canvases_in(&h, &channel), 1);
    assert_eq!(h.slack.call_count("conversations.canvases.create"), 1);
    h.finish().await;
});

both!(a_canvas_made_by_a_lost_attempt_is_adopted, |b| async move {
    let h = Harness::start(b).await;
    let channel = h.declare(ALICE, "P3 Flaky login").await;
    // An earlier attempt's create reached Slack but its answer never came back: the
    // channel already has its canvas when the effect is delivered (again).
    let made: serde_json::Value = h
        .http
        .post(format!(
            "{}/conversations.canvases.create",
            h.slack.api_url()
        ))
        .bearer_auth(BOT_TOKEN)
        .json(&serde_json::json!({"channel_id": channel,
            "document_content": {"type": "markdown", "markdown": "half-written"}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(made["ok"], true, "{made}");
    h.command(ALICE, &channel, "postmortem").await;
    h.eventually("the draft replaces the content", |s| {
        s.canvas_of(&channel)
            .is_some_and(|c| c.markdown.starts_with("# Post-Mortem: Flaky login"))
    })
    .await;
    assert_eq!(canvases_in(&h, &channel), 1, "no second canvas");
    assert_eq!(
        h.slack.canvas_of(&channel).unwrap().id,
        made["canvas_id"].as_str().unwrap()
    );
    h.finish().await;
});

both!(
    without_canvases_the_draft_is_uploaded_as_a_file,
    |b| async move {
        for code in slack_emulator::CANVAS_REFUSALS {
            let h = Harness::start(b).await;
            h.slack.refuse_canvases(Some(code));
            let channel = h.declare(ALICE, "P2 Queue backlog").await;
            h.command(BOB, &channel, &format!("role ic <@{BOB}>")).await;
            h.command(ALICE, &channel, "postmortem").await;
            h.eventually("the draft as a file", |s| {
                s.messages(&channel).iter().any(|m| !m.files.is_empty())
            })
            .await;
            let message = h
                .slack
                .messages(&channel)
                .into_iter()
                .find(|m| !m.files.is_empty())
                .unwrap();
            assert!(message.text.contains(code), "says why: {}", message.text);
            let file = &message.files[0];
            assert!(file.title.contains("Post-mortem draft"), "{}", file.title);
            assert!(file.content.starts_with("# Post-Mortem: Queue backlog"));
            assert!(
                !file.content.contains("![](@"),
                "files render no canvas mentions"
            );
            assert!(h.slack.canvases().is_empty());
            h.finish().await;
        }
    }
);
