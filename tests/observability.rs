//! The dashboards and alerts kept as code (manifests/grafana, manifests/prometheus) use
//! only metrics that a running warroom really exports: the app is driven through what
//! makes each series appear (a declared incident, a button, an event, a forged request,
//! a reminder), then every `warroom_*` name in those files must be on its `/metrics`.

mod support;

use std::collections::BTreeSet;
use std::time::Duration;
use support::*;

const FILES: &[&str] = &[
    "manifests/prometheus/warroom-rules.yaml",
    "manifests/prometheus/warroom-rules.test.yaml",
    "manifests/grafana/warroom-dashboard.json",
];

/// Every `warroom_…` identifier in `text`.
fn metric_names(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let bytes = text.as_bytes();
    for (i, _) in text.match_indices("warroom_") {
        let starts_word = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        if !starts_word {
            continue;
        }
        let len = bytes[i..]
            .iter()
            .take_while(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || **b == b'_')
            .count();
        let name = &text[i..i + len];
        // `warroom_*` in prose names no metric.
        if !name.ends_with('_') {
            names.insert(name.to_string());
        }
    }
    names
}

/// The metric names of a Prometheus exposition text.
fn exported(exposition: &str) -> BTreeSet<String> {
    exposition
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split(['{', ' ']).next())
        .map(str::to_string)
        .collect()
}

#[test]
fn metric_name_scanner() {
    let text = r#"rate(warroom_deliveries_total{result="failed"}[5m]) / x_warroom_no
        "expr": "max(warroom_outbox_depth)" warroom_http_request_duration_seconds_bucket
        # every warroom_* metric"#;
    assert_eq!(
        metric_names(text).into_iter().collect::<Vec<_>>(),
        [
            "warroom_deliveries_total",
            "warroom_http_request_duration_seconds_bucket",
            "warroom_outbox_depth"
        ]
    );
    assert_eq!(
        exported("# TYPE a counter\na{x=\"1\"} 2\nb 3\n"),
        BTreeSet::from(["a".to_string(), "b".to_string()])
    );
}

both!(dashboards_and_alerts_use_exported_metrics, |b| async move {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut used = BTreeSet::new();
    for file in FILES {
        let text = std::fs::read_to_string(root.join(file)).expect(file);
        let names = metric_names(&text);
        assert!(!names.is_empty(), "{file} uses no warroom metric");
        used.extend(names);
    }
    // The rules file names itself and its test file; neither is a metric.
    used.retain(|n| !n.starts_with("warroom_rules"));

    let h = Harness::start(b).await;
    // A declared incident: commands, deliveries, the outbox and open-incident gauges.
    let channel = h.declare(ALICE, "P1 Checkout is down").await;
    // A button on the incident's card: interactions.
    let card = h.card(&channel);
    let first = card.buttons()[0].clone();
    assert_eq!(h.click(BOB, &card, &first).await.status, 200);
    // An event: events.
    let event =
        r#"{"type":"event_callback","event_id":"Ev0OBS1","event":{"type":"reaction_added"}}"#;
    let r = h
        .post_signed("/slack/events", "application/json", event.into())
        .await;
    assert_eq!(r.status, 200);
    // A forged request: rejections.
    let forged = h
        .http
        .post(h.url("/slack/commands"))
        .header("X-Slack-Request-Timestamp", "1")
        .header("X-Slack-Signature", "v0=00")
        .body("text=declare")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status().as_u16(), 401);
    // An update reminder falls due: notices.
    h.clock.advance(Duration::from_secs(31 * 60));
    h.app().service.scheduler_wake.notify_waiters();

    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let missing = loop {
        let names = exported(&h.get("/metrics").await.body);
        let missing: Vec<&String> = used.iter().filter(|n| !names.contains(*n)).collect();
        if missing.is_empty() || tokio::time::Instant::now() > deadline {
            break missing.into_iter().cloned().collect::<Vec<_>>();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(
        missing.is_empty(),
        "the dashboard or the alerts use metrics /metrics does not export: {missing:?}\n{}",
        h.get("/metrics").await.body
    );
    h.finish().await;
});
