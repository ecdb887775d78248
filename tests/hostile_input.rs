//! What people type reaches Slack as text, never as Slack syntax: broadcasts, links and
//! mentions a user writes into a title, a note, an update, a resolve summary or an action are
//! shown, not executed (in the post-mortem canvas too, where Markdown links and canvas
//! mentions would render); long texts are cut or split, never refused by Slack. Judged by the
//! strict emulator (`Harness::finish` fails on any broadcast, unconfigured link or Block Kit
//! violation it recorded). On SQLite and PostgreSQL.

mod support;

use support::*;

const HOSTILE: &str =
    "<!channel> <!here> <!everyone> <!subteam^S1> <@U0X> <https://evil.example|log in> & *bold* [log in](https://evil.example) ![](@U0X)";

/// Declares with a hostile title, then sends every other kind of user text through the app.
async fn hostile_run(b: Backend, payload: &str) {
    let h = Harness::start(b).await;
    let channel = h.declare(ALICE, &format!("P1 {payload}")).await;
    for command in [
        format!("note {payload}"),
        format!("update {payload}"),
        format!("action {payload}"),
        format!("resolve {payload}"),
        "postmortem".to_string(),
    ] {
        let reply = h.command(ALICE, &channel, &command).await;
        assert_eq!(reply.status, 200, "{command}: {}", reply.body);
    }
    // Messages and the card's edits go out in lanes of their own: wait for both.
    h.eventually("the resolve reached the channel", |s| {
        s.messages(&channel)
            .iter()
            .any(|m| m.plain_text().contains("Resolved"))
    })
    .await;
    // The text is still readable: the words people typed are there.
    h.eventually("user text shown in the channel", |_| {
        h.messages_with(&channel, "log in").len() >= 2
    })
    .await;
    h.eventually("the post-mortem canvas", |s| {
        s.canvas_of(&channel).is_some()
    })
    .await;
    let canvas = h.slack.canvas_of(&channel).unwrap().markdown;
    assert!(canvas.contains("log in"), "user text lost: {canvas}");
    h.finish().await;
}

both!(
    broadcasts_links_and_mentions_typed_by_people_are_shown_not_executed,
    |b| async move { hostile_run(b, HOSTILE).await }
);

both!(
    five_thousand_characters_are_cut_or_split_not_refused,
    |b| async move {
        let long = format!("{HOSTILE} {}", "x".repeat(5_000));
        hostile_run(b, &long).await
    }
);
