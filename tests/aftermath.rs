//! After the incident: notes, the timeline and its shortcut, action items, the
//! post-mortem (golden file), statistics and the JSON API.

mod support;

use chrono::TimeZone;
use serde_json::Value;
use std::time::Duration;
use support::*;

async fn settle(h: &Harness) {
    for _ in 0..200 {
        tokio::time::sleep(Duration::from_millis(25)).await;
        if h.app().service.store.outbox_depth().await.unwrap() == 0 {
            break;
        }
    }
}

both!(notes_timeline_and_the_shortcut, |b| async move {
    let h = Harness::start(b).await;
    let channel = h.declare(ALICE, "P2 Flaky deploys").await;
    let r = h
        .command(
            BOB,
            &channel,
            &format!("note Suspect runner <@{CAROL}|carol> changed"),
        )
        .await;
    assert!(r.text().contains("Added to the timeline"), "{}", r.body);
    // "Add to timeline" on somebody's message: copied with its author and original time.
    let ts = h
        .slack
        .post_user_message(
            &channel,
            CAROL,
            "Rolled back deploy 1234; error rate falling",
            None,
        )
        .unwrap();
    let payload = serde_json::json!({
        "type": "message_action", "token": "x", "action_ts": "1700000100.000001",
        "team": {"id": "T0001", "domain": "example"},
        "user": {"id": BOB, "username": "bob", "team_id": "T0001", "name": "bob"},
        "channel": {"id": channel, "name": "incident"}, "is_enterprise_install": false, "enterprise": null,
        "callback_id": warroom::slack::ids::ADD_TO_TIMELINE, "trigger_id": slack_requests::new_trigger(),
        "response_url": "https://hooks.slack.com/app/T0001/123/abc", "message_ts": ts,
        "message": {"type": "message", "user": CAROL, "ts": ts, "text": "Rolled back deploy 1234; error rate falling"}
    });
    assert_eq!(h.interact(payload).await.status, 200);
    let timeline = h.command(BOB, &channel, "timeline").await;
    assert_eq!(timeline.json()["response_type"], "ephemeral");
    let t = timeline.text();
    let original = chrono::Utc
        .timestamp_opt(ts.split('.').next().unwrap().parse().unwrap(), 0)
        .unwrap();
    assert!(t.contains("(UTC)"), "{t}");
    assert!(
        t.contains(&format!("<@{ALICE}> — Declared P2 Medium: Flaky deploys")),
        "{t}"
    );
    assert!(
        t.contains(&format!("<@{BOB}> — Suspect runner <@{CAROL}> changed")),
        "{t}"
    );
    assert!(
        t.contains(&format!(
            "<@{CAROL}> at {}: Rolled back deploy 1234",
            original.format("%Y-%m-%d %H:%M UTC")
        )),
        "{t}"
    );
    // The shortcut outside an incident channel explains itself.
    let ts = h
        .slack
        .post_user_message(GENERAL, CAROL, "hello", None)
        .unwrap();
    let payload = serde_json::json!({"type": "message_action", "user": {"id": BOB}, "channel": {"id": GENERAL},
        "callback_id": "add_to_timeline", "trigger_id": "1.2.3", "message_ts": ts, "message": {"ts": ts, "user": CAROL, "text": "hello"}});
    h.interact(payload).await;
    h.eventually("explained", |_| {
        !h.ephemerals_to(BOB, "works on messages in an incident")
            .is_empty()
    })
    .await;
    h.finish().await;
});

both!(action_items_with_owners_and_done_buttons, |b| async move {
    let h = Harness::start(b).await;
    let channel = h.declare(ALICE, "P1 Cert expired").await;
    h.command(ALICE, &channel, &format!("role ic <@{ALICE}>"))
        .await;
    h.command(
        ALICE,
        &channel,
        &format!("action Automate cert renewal <@{BOB}|bob> due 2026-12-01"),
    )
    .await;
    h.command(ALICE, &channel, "action Add expiry alert").await;
    let r = h
        .command(ALICE, &channel, "action Fix it due someday")
        .await;
    assert!(r.text().contains("YYYY-MM-DD"), "{}", r.text());
    // Bob is not in the channel: he hears about it in his DM with the app.
    let dm = format!("D{}", &BOB[1..]);
    h.eventually("owner told", |s| {
        s.messages(&dm).iter().any(|m| {
            m.text.contains("gave you an action item") && m.text.contains("Automate cert renewal")
        })
    })
    .await;
    h.eventually("items posted", |_| {
        h.messages_with(&channel, ":memo: Action item").len() == 2
    })
    .await;
    h.command(ALICE, &channel, "actions").await;
    h.eventually("list posted", |_| {
        !h.messages_with(&channel, "Action items of").is_empty()
    })
    .await;
    let list = h.messages_with(&channel, "Action items of").remove(0);
    let done = list.buttons();
    assert_eq!(done.len(), 2, "a Done button per open item");
    assert!(list.plain_text().contains(&format!(
        "Automate cert renewal — <@{BOB}> — due 2026-12-01"
    )));
    h.click(BOB, &list, &done[0]).await;
    h.eventually("marked done", |_| {
        h.messages_with(&channel, "done: Automate cert renewal")
            .len()
            == 1
    })
    .await;
    h.click(CAROL, &list, &done[0]).await;
    h.eventually("already done explained", |_| h.told(CAROL, "already done"))
        .await;
    // Close lists what is still open; action items can still be completed after close.
    h.command(ALICE, &channel, "resolve Renewed the cert").await;
    h.command(ALICE, &channel, "close --force").await;
    h.eventually("close lists open items", |_| {
        h.messages_with(&channel, "*Closed*").iter().any(|m| {
            m.text.contains("1 action item(s) still open") && m.text.contains("Add expiry alert")
        })
    })
    .await;
    h.click(ALICE, &list, &done[1]).await;
    h.eventually("done after close", |_| {
        h.messages_with(&channel, "done: Add expiry alert").len() == 1
    })
    .await;
    h.finish().await;
});

/// Declare, roles, 3 updates, status changes, resolve, 2 action items — on a frozen clock.
async fn scripted_incident(h: &Harness) -> (String, String) {
    let t0 = chrono::Utc
        .with_ymd_and_hms(2026, 11, 22, 14, 0, 0)
        .unwrap();
    h.clock.freeze(t0);
    let min = |m: u64| Duration::from_secs(60 * m);
    let reply = h
        .command(ALICE, GENERAL, "declare P1 Checkout API returns 500s")
        .await;
    let id = incident_id_in(&reply.text()).unwrap();
    let channel = h.channel_of(&id).await;
    h.clock.advance(min(4));
    h.command(BOB, &channel, &format!("role ic <@{BOB}>")).await;
    h.clock.advance(min(1));
    h.command(BOB, &channel, &format!("role tech <@{CAROL}>"))
        .await;
    h.command(BOB, &channel, &format!("role comms <@{ALICE}>"))
        .await;
    h.clock.advance(min(5));
    h.command(
        BOB,
        &channel,
        "update Errors at 40% on /checkout; investigating the payment gateway",
    )
    .await;
    h.clock.advance(min(10));
    h.command(BOB, &channel, "status identified").await;
    h.clock.advance(min(5));
    h.command(CAROL, &channel, "status mitigating").await;
    h.command(
        CAROL,
        &channel,
        "update Rolled back deploy 1234 | error rate falling",
    )
    .await;
    h.clock.advance(min(20));
    h.command(BOB, &channel, "status monitoring").await;
    h.command(
        ALICE,
        &channel,
        "update Error rate at baseline for 15 minutes",
    )
    .await;
    h.clock.advance(min(15));
    h.command(
        BOB,
        &channel,
        "resolve A config push disabled the payment gateway's connection pool; rolled back",
    )
    .await;
    h.clock.advance(min(2));
    h.command(
        BOB,
        &channel,
        &format!("action Add a canary for config pushes <@{CAROL}> due 2026-12-01"),
    )
    .await;
    h.command(BOB, &channel, "action Alert on checkout 5xx above 1%")
        .await;
    settle(h).await;
    (id, channel)
}

/// The people of the scripted incident, as the fake workspace names them.
const NAMES: [(&str, &str); 3] = [(ALICE, "alice"), (BOB, "bob"), (CAROL, "carol")];

both!(postmortem_matches_the_golden_file, |b| async move {
    let h = Harness::start(b).await;
    let (id, channel) = scripted_incident(&h).await;
    // Names are looked up in the background: the first renders may still show ids.
    let path = format!("/api/incidents/{id}/postmortem.md");
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let md = loop {
        let md = h.api(&path).await;
        assert_eq!(md.status, 200);
        if !md.body.contains("@U0") || std::time::Instant::now() > deadline {
            break md;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let golden_path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/postmortem.md");
    if std::env::var("UPDATE_GOLDEN").is_ok() {
        std::fs::write(golden_path, &md.body).unwrap();
    }
    let golden = std::fs::read_to_string(golden_path).unwrap();
    assert_eq!(
        md.body, golden,
        "post-mortem differs from tests/golden/postmortem.md"
    );
    // `postmortem` writes the same document into the channel's canvas, whole, with
    // people as canvas mentions.
    h.command(BOB, &channel, "postmortem").await;
    settle(&h).await;
    h.eventually("the channel canvas", |s| s.canvas_of(&channel).is_some())
        .await;
    let canvas = h.slack.canvas_of(&channel).unwrap();
    let mut expected = golden.clone();
    for (id, name) in NAMES {
        expected = expected.replace(&format!("@{name}"), &format!("![](@{id})"));
    }
    assert_eq!(
        canvas.markdown, expected,
        "the canvas holds the whole draft"
    );
    h.finish().await;
});

both!(long_postmortems_are_whole_in_the_canvas, |b| async move {
    let h = Harness::start(b).await;
    let channel = h.declare(ALICE, "P2 Noisy incident").await;
    for i in 0..60 {
        h.command(
            ALICE,
            &channel,
            &format!("note Observation {i}: {}", "detail ".repeat(20)),
        )
        .await;
    }
    h.command(ALICE, &channel, "postmortem").await;
    h.eventually("the channel canvas", |s| s.canvas_of(&channel).is_some())
        .await;
    let all = h.slack.canvas_of(&channel).unwrap().markdown;
    assert!(all.len() > 8_000, "{} bytes", all.len());
    for i in 0..60 {
        assert!(
            all.contains(&format!("Observation {i}:")),
            "observation {i} lost"
        );
    }
    h.finish().await;
});

both!(stats_command_and_api, |b| async move {
    let h = Harness::start(b).await;
    let t0 = chrono::Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
    h.clock.freeze(t0);
    let a = h.declare(ALICE, "P1 One").await;
    h.clock.advance(Duration::from_secs(6 * 60));
    h.command(BOB, &a, &format!("role ic <@{BOB}>")).await; // TTA 6m
    h.clock.advance(Duration::from_secs(54 * 60));
    h.command(BOB, &a, "resolve done").await; // TTR 60m
    let c = h.declare(ALICE, "P1 Two").await;
    h.clock.advance(Duration::from_secs(2 * 60));
    h.command(ALICE, &c, &format!("role ic <@{ALICE}>")).await; // TTA 2m
    h.clock.advance(Duration::from_secs(28 * 60));
    h.command(ALICE, &c, "resolve done").await; // TTR 30m
    h.declare(BOB, "P3 Three").await; // open
    let text = h.command(CAROL, GENERAL, "stats 30d").await.text();
    assert!(text.contains("(3 incidents)"), "{text}");
    assert!(
        text.contains("*P1*: 2 — MTTA 4m (2 acknowledged) · MTTR 45m (2 resolved)"),
        "{text}"
    );
    assert!(text.contains("*P3*: 1 — MTTA — (0 acknowledged)"), "{text}");
    assert!(text.contains("2026-11: P1 2, P3 1"), "{text}");
    let json: Value = h.api("/api/stats?window=30d").await.json();
    assert_eq!(json["total"], 3);
    assert_eq!(json["by_severity"][1]["severity"], "P1");
    assert_eq!(json["by_severity"][1]["mtta_seconds"], 240);
    assert_eq!(json["by_severity"][1]["mttr_seconds"], 2700);
    assert_eq!(json["by_month"]["2026-11"]["P3"], 1);
    assert_eq!(h.api("/api/stats?window=soon").await.status, 400);
    h.finish().await;
});

both!(api_auth_filters_pagination_and_shapes, |b| async move {
    let mut h = Harness::start(b).await;
    // Auth: no token → 401, wrong token → 401.
    assert_eq!(h.get("/api/incidents").await.status, 401);
    let wrong = h
        .http
        .get(h.url("/api/incidents"))
        .bearer_auth("nope")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status().as_u16(), 401);
    let (id, _) = scripted_incident(&h).await;
    h.clock.advance(Duration::from_secs(60));
    for i in 0..4 {
        h.declare(BOB, &format!("P2 Batch {i}")).await;
        h.clock.advance(Duration::from_secs(60));
    }
    // Filters.
    let all: Value = h.api("/api/incidents").await.json();
    assert_eq!(all["incidents"].as_array().unwrap().len(), 5);
    assert_eq!(all["incidents"][0]["title"], "Batch 3", "newest first");
    let p1: Value = h.api("/api/incidents?severity=p1").await.json();
    assert_eq!(p1["incidents"].as_array().unwrap().len(), 1);
    let resolved: Value = h.api("/api/incidents?status=resolved").await.json();
    assert_eq!(resolved["incidents"][0]["id"], id);
    assert_eq!(
        resolved["incidents"][0]["roles"]["ic"]["user"], BOB,
        "roles in the list too"
    );
    let recent: Value = h
        .api("/api/incidents?since=2026-11-22T15:02:30Z")
        .await
        .json();
    assert_eq!(recent["incidents"].as_array().unwrap().len(), 4);
    for bad in [
        "status=fixed",
        "severity=P9",
        "since=yesterday",
        "limit=0",
        "limit=1000",
        "cursor=zzz",
    ] {
        assert_eq!(
            h.api(&format!("/api/incidents?{bad}")).await.status,
            400,
            "{bad}"
        );
    }
    // Pagination: 2 + 2 + 1, no repeats.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/incidents?limit=2&cursor={c}"),
            None => "/api/incidents?limit=2".to_string(),
        };
        let page: Value = h.api(&path).await.json();
        for inc in page["incidents"].as_array().unwrap() {
            seen.push(inc["id"].as_str().unwrap().to_string());
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 5);
    seen.dedup();
    assert_eq!(seen.len(), 5);
    // Shape of one incident.
    let detail: Value = h.api(&format!("/api/incidents/{id}")).await.json();
    assert_eq!(detail["severity"], "P1");
    assert_eq!(detail["status"], "resolved");
    assert_eq!(detail["declared_at"], "2026-11-22T14:00:00.000Z");
    assert_eq!(detail["roles"]["ic"]["user"], BOB);
    assert_eq!(detail["updates"].as_array().unwrap().len(), 3);
    assert_eq!(detail["action_items"].as_array().unwrap().len(), 2);
    assert_eq!(detail["action_items"][0]["owner"], CAROL);
    assert!(detail["timeline"].as_array().unwrap().len() >= 10);
    assert!(detail["channel"]["id"].is_string());
    assert_eq!(h.api("/api/incidents/INC-1999-01-01-001").await.status, 404);
    // Without WARROOM_API_TOKEN the API does not exist.
    h.api_token = None;
    h.restart().await;
    assert_eq!(h.api("/api/incidents").await.status, 404);
    h.finish().await;
});
