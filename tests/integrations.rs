//! PagerDuty (Events API v2) and the signed outbound webhook, through the outbox, against
//! local recording receivers.

mod support;

use std::time::Duration;
use support::*;

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
        ("WARROOM_WEBHOOK_SECRET", "hook-secret".to_string()),
    ];
    h.restart().await;
    (h, pagerduty, webhook)
}

async fn wait(what: &str, pred: impl Fn() -> bool) {
    for _ in 0..600 {
        if pred() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("timed out waiting for {what}");
}

both!(pages_paging_severities_and_resolves, |b| async move {
    let (h, pagerduty, _) = with_integrations(b).await;
    let channel = h.declare(ALICE, "P1 Payments down").await; // P1 pages by default
    wait("trigger", || !pagerduty.received().is_empty()).await;
    let trigger = pagerduty.received()[0].json();
    assert_eq!(pagerduty.received()[0].path, "/v2/enqueue");
    assert_eq!(trigger["routing_key"], "R0UTINGKEY");
    assert_eq!(trigger["event_action"], "trigger");
    let id = trigger["dedup_key"].as_str().unwrap().to_string();
    assert!(id.starts_with("INC-"));
    assert_eq!(trigger["payload"]["severity"], "error");
    assert_eq!(trigger["payload"]["source"], "warroom");
    assert!(trigger["payload"]["summary"]
        .as_str()
        .unwrap()
        .contains("Payments down"));
    // A P2 does not page.
    h.declare(BOB, "P2 Slow reports").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(pagerduty.received().len(), 1);
    // Resolving resolves the page, by the same dedup key.
    h.command(ALICE, &channel, "resolve fixed").await;
    wait("resolve", || pagerduty.received().len() == 2).await;
    let resolve = pagerduty.received()[1].json();
    assert_eq!(resolve["event_action"], "resolve");
    assert_eq!(resolve["dedup_key"], id.as_str());
    h.finish().await;
});

both!(
    webhooks_are_signed_and_retried_without_blocking_slack,
    |b| async move {
        let (h, _, webhook) = with_integrations(b).await;
        webhook.fail_next(2, 503);
        let channel = h.declare(ALICE, "P2 Queue lag").await; // the Slack lane is not held up
        h.command(ALICE, &channel, "status mitigating").await;
        h.command(ALICE, &channel, "severity P1").await;
        h.command(ALICE, &channel, "resolve drained").await;
        let events = || -> Vec<String> {
            let mut seen: Vec<String> = Vec::new();
            for r in webhook.received() {
                let e = r.json()["event"].as_str().unwrap_or("").to_string();
                if seen.last() != Some(&e) {
                    seen.push(e);
                }
            }
            seen
        };
        wait("four events", || events().len() == 4).await;
        assert_eq!(
            events(),
            [
                "incident.declared",
                "incident.status_changed",
                "incident.severity_changed",
                "incident.resolved"
            ]
        );
        let received = webhook.received();
        assert_eq!(
            received
                .iter()
                .filter(|r| r.json()["event"] == "incident.declared")
                .count(),
            3,
            "two 503s, then delivered"
        );
        for r in &received {
            let ts = r.header("x-warroom-timestamp").unwrap();
            let expected = warroom::integrations::sign_webhook("hook-secret", ts, &r.body);
            assert_eq!(r.header("x-warroom-signature"), Some(expected.as_str()));
            assert_eq!(r.path, "/hooks/warroom");
        }
        let severity = received
            .iter()
            .find(|r| r.json()["event"] == "incident.severity_changed")
            .unwrap()
            .json();
        assert_eq!(severity["detail"]["from"], "P2");
        assert_eq!(severity["detail"]["to"], "P1");
        assert_eq!(severity["incident"]["severity"], "P1");
        // Receivers outside Slack get the reporter's name once it is cached, its id before.
        for r in &received {
            let name = r.json()["people"][ALICE].clone();
            assert!(name == "alice" || name == ALICE, "{name}");
        }
        h.finish().await;
    }
);
