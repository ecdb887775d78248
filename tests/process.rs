//! The incident process around the core loop, driven as Slack drives it: drills, the
//! timeline by reaction, subscriptions.

mod support;

use serde_json::Value;
use slack_emulator::hooks::HookSink;
use std::time::Duration;
use support::*;

/// The harness with PagerDuty and the outbound webhook pointed at recording receivers.
async fn with_integrations(b: Backend) -> (Harness, HookSink, HookSink) {
    let mut h = Harness::start(b).await;
    let pagerduty = HookSink::start().await.unwrap();
    let webhook = HookSink::start().await.unwrap();
    h.extra_env = vec![
        ("PAGERDUTY_ROUTING_KEY", "R0UTINGKEY".to_string()),
        (
            "PAGERDUTY_EVENTS_URL",
            format!("{}/v2/enqueue", pagerduty.url()),
        ),
        (
            "WARROOM_WEBHOOK_URL",
            format!("{}/hooks/warroom", webhook.url()),
        ),
    ];
    h.restart().await;
    (h, pagerduty, webhook)
}

async fn wait(what: &str, pred: impl Fn() -> bool) {
    for _ in 0..2400 {
        if pred() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("timed out waiting for {what}");
}

both!(drills_are_labelled_and_page_nobody, |b| async move {
    let (h, pagerduty, webhook) = with_integrations(b).await;
    // P1 pages and calls the webhook when real; as a drill it does neither.
    let reply = h
        .command(
            ALICE,
            GENERAL,
            "declare --drill P1 Game day: primary DB failover",
        )
        .await;
    assert!(reply.text().contains("a drill"), "{}", reply.body);
    let drill_id = incident_id_in(&reply.text()).unwrap();
    let channel = h.channel_of(&drill_id).await;
    let ch = h.slack.channel(&channel).unwrap();
    assert!(ch.name.starts_with("incident-drill-"), "{}", ch.name);
    assert!(ch.topic.starts_with("DRILL | "), "{}", ch.topic);
    assert!(h.card(&channel).plain_text().contains("DRILL | "));
    h.eventually("the announcement says drill", |s| {
        s.messages(ANNOUNCE)
            .iter()
            .any(|m| m.plain_text().contains(&drill_id) && m.plain_text().contains("*DRILL*"))
    })
    .await;
    h.command(ALICE, &channel, "resolve failover worked").await;
    h.eventually("the drill is resolved", |_| {
        !h.messages_with(&channel, "*Resolved*").is_empty()
    })
    .await;

    // A real incident afterwards pages and notifies: the receivers work, the drill
    // never reached them.
    let real = h.declare(BOB, "P1 Checkout down").await;
    wait("the real page", || !pagerduty.received().is_empty()).await;
    wait("the real webhook", || !webhook.received().is_empty()).await;
    h.command(BOB, &real, "status mitigating").await;
    wait("the webhook for the real status change", || {
        webhook.received().len() >= 2
    })
    .await;
    let mentions_drill =
        |r: &slack_emulator::hooks::Received| r.json().to_string().contains(&drill_id);
    assert!(!pagerduty.received().iter().any(mentions_drill));
    assert!(!webhook.received().iter().any(mentions_drill));
    assert_eq!(pagerduty.received().len(), 1);

    // Stats leave the drill out unless asked for.
    let stats: Value = h.api("/api/stats?window=30d").await.json();
    assert_eq!(stats["total"], 1, "{stats}");
    assert_eq!(stats["drills"], false);
    let stats: Value = h.api("/api/stats?window=30d&drills=true").await.json();
    assert_eq!(stats["total"], 2, "{stats}");
    let text = h.command(ALICE, GENERAL, "stats 30d").await.text();
    assert!(text.contains("(1 incidents)"), "{text}");
    let text = h.command(ALICE, GENERAL, "stats 30d drills").await.text();
    assert!(text.contains("(2 incidents, drills included)"), "{text}");
    let api: Value = h.api(&format!("/api/incidents/{drill_id}")).await.json();
    assert_eq!(api["drill"], true);
    h.finish().await;
});

both!(the_declare_form_has_a_drill_checkbox, |b| async move {
    let h = Harness::start(b).await;
    h.command(BOB, GENERAL, "declare").await;
    let view = h.last_view("declare_incident");
    assert!(view.view.to_string().contains("\"block_id\":\"drill\""));
    let reply = h
        .submit(
            BOB,
            &view,
            &[
                ("title", "Tabletop: region loss"),
                ("severity", "P2"),
                ("drill", "drill"),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    h.eventually("a drill channel exists", |s| {
        s.channels().iter().any(|c| {
            c.name.starts_with("incident-drill-") && c.name.ends_with("tabletop-region-loss")
        })
    })
    .await;
    let list = h.command(BOB, GENERAL, "list").await.text();
    assert!(list.contains("DRILL"), "{list}");
    h.finish().await;
});

/// Sends a reaction event as Slack's Events API delivers it.
async fn react(
    h: &Harness,
    kind: &str,
    user: &str,
    reaction: &str,
    channel: &str,
    ts: &str,
    author: &str,
) {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let body = serde_json::json!({
        "token": "x", "team_id": "T0TEAM", "api_app_id": "A0APP", "type": "event_callback",
        "event_id": format!("Ev{kind}{n}{}", ts.replace('.', "")), "event_time": 1_764_460_800,
        "event": {"type": kind, "user": user, "reaction": reaction, "item_user": author,
            "item": {"type": "message", "channel": channel, "ts": ts},
            "event_ts": "1764460800.000900"}
    });
    let r = h
        .post_signed("/slack/events", "application/json", body.to_string())
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
}

fn timeline_of(api: &Value) -> Vec<Value> {
    api["timeline"].as_array().cloned().unwrap_or_default()
}

both!(
    a_pushpin_adds_the_message_to_the_timeline_once,
    |b| async move {
        let h = Harness::start(b).await;
        let reply = h.command(ALICE, GENERAL, "declare P2 Search is slow").await;
        let id = incident_id_in(&reply.text()).unwrap();
        let channel = h.channel_of(&id).await;
        let ts = h
            .slack
            .post_user_message(
                &channel,
                BOB,
                "Rolled back deploy 4512, <@U0ALICE> watching",
                None,
            )
            .unwrap();
        let other = h
            .slack
            .post_user_message(&channel, CAROL, "lunch?", None)
            .unwrap();
        let outside = h
            .slack
            .post_user_message(GENERAL, CAROL, "unrelated <!channel>", None)
            .unwrap();

        react(&h, "reaction_added", CAROL, "pushpin", &channel, &ts, BOB).await;
        // Someone else pins the same message: still one entry.
        react(&h, "reaction_added", ALICE, "pushpin", &channel, &ts, BOB).await;
        // Other emoji, and messages outside incident channels, are not for the timeline.
        react(&h, "reaction_added", ALICE, "eyes", &channel, &other, CAROL).await;
        react(
            &h,
            "reaction_added",
            ALICE,
            "pushpin",
            GENERAL,
            &outside,
            CAROL,
        )
        .await;
        // Removing the reaction erases nothing.
        react(&h, "reaction_removed", CAROL, "pushpin", &channel, &ts, BOB).await;

        let api: Value = h.api(&format!("/api/incidents/{id}")).await.json();
        let pinned: Vec<Value> = timeline_of(&api)
            .into_iter()
            .filter(|e| {
                e["text"]
                    .as_str()
                    .unwrap_or("")
                    .contains("Rolled back deploy 4512")
            })
            .collect();
        assert_eq!(pinned.len(), 1, "{api}");
        let text = pinned[0]["text"].as_str().unwrap();
        assert!(text.starts_with(&format!("@{BOB} at ")), "{text}");
        assert!(
            text.ends_with("Rolled back deploy 4512, @U0ALICE watching"),
            "{text}"
        );
        assert_eq!(pinned[0]["actor"], CAROL);
        let all = api.to_string();
        assert!(
            !all.contains("lunch?") && !all.contains("unrelated"),
            "{all}"
        );
        h.eventually("Carol is told it was added", |_| {
            h.told(CAROL, "Added to the timeline")
        })
        .await;
        // The timeline command shows it with the author and the message's own time.
        let timeline = h.command(ALICE, &channel, "timeline").await.text();
        assert!(timeline.contains("Rolled back deploy 4512"), "{timeline}");
        h.finish().await;
    }
);

/// The DMs the app sent `user`.
fn dms(h: &Harness, user: &str) -> Vec<String> {
    h.slack
        .messages(&format!("D{}", &user[1..]))
        .into_iter()
        .map(|m| m.text)
        .collect()
}

both!(
    subscribers_get_each_update_by_dm_until_close,
    |b| async move {
        let h = Harness::start(b).await;
        let reply = h
            .command(ALICE, GENERAL, "declare P2 Exports <stuck> & late")
            .await;
        let id = incident_id_in(&reply.text()).unwrap();
        let channel = h.channel_of(&id).await;
        h.eventually("announced", |s| {
            s.messages(ANNOUNCE).iter().any(|m| m.text.contains(&id))
        })
        .await;
        let announcement = h
            .slack
            .messages(ANNOUNCE)
            .into_iter()
            .find(|m| m.text.contains(&id))
            .unwrap();
        // Carol subscribes from the announcement, Bob with the command.
        let r = h
            .click(CAROL, &announcement, &button(&announcement, "Subscribe"))
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        h.eventually("Carol is told", |_| h.told(CAROL, "by DM until it closes"))
            .await;
        let r = h.command(BOB, &channel, "subscribe").await;
        assert!(r.text().contains("by DM until it closes"), "{}", r.body);
        let r = h.command(BOB, &channel, "subscribe").await;
        assert!(r.text().contains("already subscribed"), "{}", r.body);

        h.command(ALICE, &channel, "status mitigating").await;
        h.command(ALICE, &channel, "update Replaying the queue <!here>")
            .await;
        h.eventually("both got the update by DM", |_| {
            [CAROL, BOB].iter().all(|u| {
                dms(&h, u).iter().any(|t| t.contains("Replaying the queue"))
                    && dms(&h, u).iter().any(|t| t.contains("Mitigating"))
            })
        })
        .await;
        let dm = dms(&h, CAROL)
            .into_iter()
            .find(|t| t.contains("Replaying the queue"))
            .unwrap();
        assert!(
            dm.contains(&id) && dm.contains("Exports &lt;stuck&gt; &amp; late"),
            "{dm}"
        );
        assert!(!dm.contains("<!here>"), "{dm}");

        // Bob stops; Carol hears the rest until close, then nothing.
        let r = h.command(BOB, &channel, "unsubscribe").await;
        assert!(r.text().contains("no longer"), "{}", r.body);
        let bob_before = dms(&h, BOB).len();
        h.command(ALICE, &channel, "resolve queue drained").await;
        // The checklist is not the point here: close over it.
        h.command(ALICE, &channel, "close --force").await;
        h.eventually("Carol got the close", |_| {
            dms(&h, CAROL).iter().any(|t| t.contains("queue drained"))
                && dms(&h, CAROL)
                    .iter()
                    .any(|t| t.contains("Closed") || t.contains("closed"))
        })
        .await;
        let carol_after_close = dms(&h, CAROL).len();
        let r = h.command(ALICE, &channel, "note late note").await;
        assert!(r.text().contains("Added to the timeline"), "{}", r.body);
        // Deliveries are in one lane: anything for subscribers would have gone before this.
        h.command(ALICE, &channel, "roles").await;
        h.eventually("the role board is posted", |_| {
            h.messages_with(&channel, "Incident Commander").len() >= 2
        })
        .await;
        assert_eq!(dms(&h, CAROL).len(), carol_after_close);
        assert_eq!(dms(&h, BOB).len(), bob_before);
        let r = h.command(CAROL, &channel, "subscribe").await;
        assert!(r.text().contains("is closed"), "{}", r.body);
        h.finish().await;
    }
);

both!(close_needs_the_checklist_or_an_override, |b| async move {
    let h = Harness::start(b).await;
    let reply = h
        .command(ALICE, GENERAL, "declare P2 Billing emails delayed")
        .await;
    let id = incident_id_in(&reply.text()).unwrap();
    let channel = h.channel_of(&id).await;
    h.command(ALICE, &channel, &format!("role ic <@{ALICE}>"))
        .await;
    h.command(ALICE, &channel, "resolve queue drained").await;
    h.eventually("the checklist is posted", |_| {
        !h.messages_with(&channel, "Post-resolution checklist")
            .is_empty()
    })
    .await;
    let list = h.messages_with(&channel, "Post-resolution checklist")[0].clone();
    let blocks = list.blocks.clone();
    let element = &blocks[1]["elements"][0];
    let options = element["options"].as_array().unwrap().clone();
    assert_eq!(options.len(), 7, "{blocks}");
    // Bob ticks all but the last item.
    let ticked: Vec<Value> = options[..6]
        .iter()
        .map(|o| serde_json::json!({"text": o["text"], "value": o["value"]}))
        .collect();
    let action = serde_json::json!({"type": "checkboxes", "action_id": element["action_id"],
        "block_id": blocks[1]["block_id"], "selected_options": ticked, "action_ts": "1764460800.000200"});
    let r = h
        .interact(slack_requests::block_actions(BOB, &list, action))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let last = options[6]["text"]["text"].as_str().unwrap().to_string();
    let r = h.command(ALICE, &channel, "close").await;
    let text = r.text();
    assert!(
        text.contains("can't close yet") && text.contains("1 item(s) left"),
        "{text}"
    );
    assert!(text.contains(&last), "{text}");
    // Only the IC (or an admin) may override.
    let r = h.command(BOB, &channel, "close --force").await;
    assert!(
        r.text().contains("Incident Commander") || r.text().contains("IC"),
        "{}",
        r.body
    );
    let api: Value = h.api(&format!("/api/incidents/{id}")).await.json();
    assert_eq!(api["status"], "resolved", "{api}");
    h.command(ALICE, &channel, "close --force").await;
    let api: Value = h.api(&format!("/api/incidents/{id}")).await.json();
    assert_eq!(api["status"], "closed", "{api}");
    let overrides: Vec<Value> = timeline_of(&api)
        .into_iter()
        .filter(|e| e["text"].as_str().unwrap_or("").contains("override by @"))
        .collect();
    assert_eq!(overrides.len(), 1, "{api}");
    assert!(overrides[0]["text"].as_str().unwrap().contains(&last));
    assert_eq!(overrides[0]["actor"], ALICE);
    h.finish().await;
});

/// Moves the harness clock on by `secs`, wakes the scheduler and waits until nothing of
/// `ids` is due any more and the outbox is empty.
async fn advance(h: &Harness, secs: u64, ids: &[&str]) {
    h.clock.advance(Duration::from_secs(secs));
    h.app().service.scheduler_wake.notify_waiters();
    let store = &h.app().service.store;
    for _ in 0..800 {
        tokio::time::sleep(Duration::from_millis(25)).await;
        let now = h.clock.now_ms();
        let mut due = false;
        for id in ids {
            let inc = store.incident(id).await.unwrap().unwrap();
            due |= inc.schedule.next_due_at().is_some_and(|t| t <= now);
        }
        if !due && store.outbox_depth().await.unwrap() == 0 {
            return;
        }
    }
    panic!("the scheduler and the outbox did not settle");
}

both!(
    closed_channels_are_archived_after_the_policy_delay,
    |b| async move {
        const DAY: u64 = 86_400;
        // The built-in policy: archive_after = 7d, announced a day ahead.
        let h = Harness::start(b).await;
        let declare = |text: &'static str| {
            let h = &h;
            async move {
                let reply = h.command(ALICE, GENERAL, text).await;
                let id = incident_id_in(&reply.text()).unwrap();
                let channel = h.channel_of(&id).await;
                (id, channel)
            }
        };
        let (closed_id, closed) = declare("declare P3 Docs site slow").await;
        let (open_id, open) = declare("declare P3 Status page stale").await;
        h.command(ALICE, &closed, "resolve cache purged").await;
        h.command(ALICE, &closed, "close --force").await;
        h.eventually("the incident is closed", |_| {
            !h.messages_with(&closed, "Closed").is_empty()
        })
        .await;
        let ids = [closed_id.as_str(), open_id.as_str()];
        let notice = |h: &Harness| h.messages_with(&closed, ":file_cabinet:");
        let archived = |h: &Harness, c: &str| h.slack.channel(c).unwrap().is_archived;

        advance(&h, 6 * DAY - 60, &ids).await;
        assert!(notice(&h).is_empty(), "not a day before yet");
        assert!(!archived(&h, &closed));
        advance(&h, 120, &ids).await;
        let said = notice(&h);
        assert_eq!(said.len(), 1);
        assert!(
            said[0].text.contains("will be archived at"),
            "{}",
            said[0].text
        );
        assert!(!archived(&h, &closed));

        advance(&h, DAY, &ids).await;
        h.eventually("the closed incident's channel is archived", |s| {
            s.channel(&closed).unwrap().is_archived
        })
        .await;
        // An incident that is not closed keeps its channel, however old.
        assert!(!archived(&h, &open));
        let api: Value = h.api(&format!("/api/incidents/{closed_id}")).await.json();
        let entries: Vec<Value> = timeline_of(&api)
            .into_iter()
            .filter(|e| e["kind"] == "archived")
            .collect();
        assert_eq!(entries.len(), 1, "{api}");
        assert_eq!(entries[0]["actor"], "warroom");

        // Once: more time passing archives nothing more, and says nothing more.
        advance(&h, 3 * DAY, &ids).await;
        assert_eq!(h.slack.call_count("conversations.archive"), 1);
        assert_eq!(notice(&h).len(), 1);
        h.finish().await;
    }
);
