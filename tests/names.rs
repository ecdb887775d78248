//! People's names where Slack mentions do not render (the post-mortem Markdown, the
//! webhook): looked up with `users.info` off the request path, cached, and never in the
//! way of an answer — with Slack down, renders show ids, at once.

mod support;

use std::time::{Duration, Instant};
use support::*;

both!(postmortem_md_shows_names, |b| async move {
    let h = Harness::start(b).await;
    let reply = h.command(ALICE, GENERAL, "declare P2 Disk full").await;
    let id = incident_id_in(&reply.text()).unwrap();
    let channel = h.channel_of(&id).await;
    h.command(ALICE, &channel, &format!("role ic <@{BOB}>"))
        .await;
    let path = format!("/api/incidents/{id}/postmortem.md");
    let deadline = Instant::now() + Duration::from_secs(30);
    let md = loop {
        let md = h.api(&path).await;
        assert_eq!(md.status, 200);
        if (md.body.contains("@alice") && md.body.contains("@bob")) || Instant::now() > deadline {
            break md.body;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(md.contains("by @alice"), "{md}");
    assert!(md.contains("@bob is Incident Commander"), "{md}");
    assert!(!md.contains("@U0ALICE") && !md.contains("@U0BOB"), "{md}");
    assert!(h.slack.call_count("users.info") >= 2);
    h.finish().await;
});

both!(slack_down_renders_ids_without_waiting, |b| async move {
    let h = Harness::start(b).await;
    // Slack answers nothing but slow 5xx from now on.
    h.slack.set_faults(Faults {
        error_5xx_ratio: 1.0,
        latency: Duration::from_secs(4),
        ..Faults::default()
    });
    let reply = h
        .command(CAROL, GENERAL, "declare P3 Printer on fire")
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let id = incident_id_in(&reply.text()).unwrap();
    let path = format!("/api/incidents/{id}/postmortem.md");
    for _ in 0..3 {
        let started = Instant::now();
        let md = h.api(&path).await;
        let took = started.elapsed();
        assert_eq!(md.status, 200);
        assert!(md.body.contains(&format!("by @{CAROL}")), "{}", md.body);
        assert!(
            took < Duration::from_secs(2),
            "the render waited on Slack: {took:?}"
        );
    }
    h.finish().await;
});
