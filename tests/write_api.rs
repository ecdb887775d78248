//! The write API and alert intake, end to end: requests as tools and Alertmanager/Grafana
//! send them, the incident as the fake workspace then shows it.

mod support;

use serde_json::{json, Value};
use std::time::Duration;
use support::*;

const ALERTS_SECRET: &str = "alerts-secret";

struct Sent {
    status: u16,
    body: Value,
    replayed: bool,
}

async fn post(h: &Harness, path: &str, bearer: &str, key: Option<&str>, body: &str) -> Sent {
    let mut req = h
        .http
        .post(h.url(path))
        .bearer_auth(bearer)
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(key) = key {
        req = req.header("Idempotency-Key", key);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let replayed = res.headers().contains_key("idempotent-replayed");
    let text = res.text().await.unwrap();
    Sent {
        status,
        body: serde_json::from_str(&text).unwrap_or(Value::String(text)),
        replayed,
    }
}

async fn incident(h: &Harness, id: &str) -> Value {
    let reply = h.api(&format!("/api/incidents/{id}")).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}

/// Waits until the incident's channel exists, and returns its id.
async fn channel_of(h: &Harness, id: &str) -> String {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(ch) = incident(h, id).await["channel"]["id"].as_str() {
            return ch.to_string();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no channel for {id}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn channel_says(h: &Harness, channel: &str, needle: &str) -> bool {
    h.slack
        .wait_until(Duration::from_secs(60), |s| {
            s.messages(channel).iter().any(|m| m.text.contains(needle))
        })
        .await
}

both!(
    declare_update_resolve_with_idempotency,
    |backend| async move {
        let h = Harness::start(backend).await;
        let body = json!({"title": "Payments API 5xx", "severity": "P1", "service": "payments",
        "description": "error rate 12%", "reporter": ALICE})
        .to_string();

        // Without the token, or with a wrong one: nothing happens.
        assert_eq!(
            post(&h, "/api/incidents", "wrong", None, &body)
                .await
                .status,
            401
        );

        let first = post(&h, "/api/incidents", API_TOKEN, Some("deploy-42"), &body).await;
        assert_eq!(first.status, 201, "{}", first.body);
        assert!(!first.replayed);
        let id = first.body["id"].as_str().unwrap().to_string();
        assert_eq!(first.body["severity"], "P1");
        assert_eq!(first.body["reporter"], ALICE);

        // A retry with the same key: the same incident, 200, no second one.
        let again = post(&h, "/api/incidents", API_TOKEN, Some("deploy-42"), &body).await;
        assert_eq!(again.status, 200);
        assert!(again.replayed);
        assert_eq!(again.body, first.body);
        // The same key with another request is refused.
        let other = json!({"title": "Something else", "severity": "P3"}).to_string();
        let clash = post(&h, "/api/incidents", API_TOKEN, Some("deploy-42"), &other).await;
        assert_eq!(clash.status, 422, "{}", clash.body);
        let list: Value = serde_json::from_str(&h.api("/api/incidents").await.body).unwrap();
        assert_eq!(list["incidents"].as_array().unwrap().len(), 1, "{list}");

        // The incident is set up in Slack like any other, and the reporter is invited.
        let channel = channel_of(&h, &id).await;
        assert!(
            h.slack
                .wait_until(Duration::from_secs(60), |s| s
                    .channel(&channel)
                    .is_some_and(|c| c.members.iter().any(|m| m == ALICE)))
                .await
        );

        // Bad requests: clear answers, nothing changed.
        let bad = post(&h, "/api/incidents", API_TOKEN, None, "{\"title\": ").await;
        assert_eq!(bad.status, 400);
        assert!(bad.body["error"].as_str().unwrap().contains("invalid JSON"));
        let unknown = json!({"title": "x", "severity": "P9"}).to_string();
        let refused = post(&h, "/api/incidents", API_TOKEN, None, &unknown).await;
        assert_eq!(refused.status, 422);
        assert_eq!(refused.body["refusal"]["reason"], "unknown_severity");
        let bad_reporter = json!({"title": "x", "severity": "P2", "reporter": "<!channel>"});
        let r = post(
            &h,
            "/api/incidents",
            API_TOKEN,
            None,
            &bad_reporter.to_string(),
        )
        .await;
        assert_eq!(r.status, 400);

        // An update, posted in the channel, once even when retried.
        let update =
            json!({"text": "Rolled back to v41; error rate falling", "status": "mitigating"});
        let path = format!("/api/incidents/{id}/updates");
        let u1 = post(&h, &path, API_TOKEN, Some("u-1"), &update.to_string()).await;
        assert_eq!(u1.status, 200, "{}", u1.body);
        assert_eq!(u1.body["status"], "mitigating");
        let u2 = post(&h, &path, API_TOKEN, Some("u-1"), &update.to_string()).await;
        assert_eq!((u2.status, u2.replayed), (200, true));
        assert!(channel_says(&h, &channel, "Rolled back to v41").await);
        assert_eq!(
            incident(&h, &id).await["updates"].as_array().unwrap().len(),
            1
        );
        let empty = post(&h, &path, API_TOKEN, None, "{\"text\": \"  \"}").await;
        assert_eq!(empty.status, 400);
        let bad_status = json!({"text": "x", "status": "fixed"}).to_string();
        assert_eq!(
            post(&h, &path, API_TOKEN, None, &bad_status).await.status,
            400
        );

        // Resolve: the API acts with an admin's rights; a second resolve is refused.
        let rpath = format!("/api/incidents/{id}/resolve");
        let summary = json!({"summary": "Bad deploy rolled back"}).to_string();
        let r1 = post(&h, &rpath, API_TOKEN, None, &summary).await;
        assert_eq!(r1.status, 200, "{}", r1.body);
        assert_eq!(r1.body["status"], "resolved");
        assert_eq!(r1.body["resolve_summary"], "Bad deploy rolled back");
        let r2 = post(&h, &rpath, API_TOKEN, None, &summary).await;
        assert_eq!(r2.status, 422);
        assert_eq!(r2.body["refusal"]["reason"], "already_resolved");
        let missing = post(
            &h,
            "/api/incidents/INC-1999-01-01-001/resolve",
            API_TOKEN,
            None,
            "",
        )
        .await;
        assert_eq!(missing.status, 404);
        h.finish().await;
    }
);

fn alert(name: &str, fingerprint: &str, status: &str, severity: &str) -> Value {
    json!({
        "status": status,
        "labels": {"alertname": name, "severity": severity, "service": "checkout"},
        "annotations": {"summary": format!("{name} on checkout")},
        "startsAt": "2026-11-30T00:00:00Z",
        "endsAt": "0001-01-01T00:00:00Z",
        "generatorURL": "http://prometheus.local/graph",
        "fingerprint": fingerprint
    })
}

fn alertmanager(status: &str, alerts: Vec<Value>) -> String {
    json!({
        "version": "4",
        "groupKey": "{}:{alertname=\"CheckoutDown\"}",
        "truncatedAlerts": 0,
        "status": status,
        "receiver": "warroom",
        "groupLabels": {"alertname": "CheckoutDown"},
        "commonLabels": {"alertname": "CheckoutDown", "severity": "critical", "service": "checkout"},
        "commonAnnotations": {"summary": "Checkout is down"},
        "externalURL": "http://alertmanager.local",
        "alerts": alerts
    })
    .to_string()
}

both!(alert_groups_declare_once_and_follow, |backend| async move {
    let mut policy = test_policy();
    policy.alerts.severities = vec![("critical".into(), "P1".into())];
    let database_url = fresh_database(backend).await;
    let mut h = Harness::unbooted(backend, policy, database_url).await;
    h.boot().await;
    let hook = "/hooks/alertmanager";
    let firing = alertmanager(
        "firing",
        vec![alert("CheckoutDown", "aaa1", "firing", "critical")],
    );
    // Without WARROOM_ALERTS_SECRET the hooks do not exist.
    assert_eq!(
        post(&h, hook, ALERTS_SECRET, None, &firing).await.status,
        404
    );
    h.extra_env
        .push(("WARROOM_ALERTS_SECRET", ALERTS_SECRET.into()));
    h.restart().await;
    assert_eq!(post(&h, hook, "nope", None, &firing).await.status, 401);
    assert_eq!(
        post(&h, hook, ALERTS_SECRET, None, "{\"alerts\": 3}")
            .await
            .status,
        400
    );

    // The same first notification twice at once (Alertmanager retries): one incident.
    let (a, b) = tokio::join!(
        post(&h, hook, ALERTS_SECRET, None, &firing),
        post(&h, hook, ALERTS_SECRET, None, &firing)
    );
    let mut actions = vec![a.body["action"].clone(), b.body["action"].clone()];
    actions.sort_by_key(|v| v.to_string());
    assert_eq!(
        actions,
        [json!("declared"), json!("unchanged")],
        "{} {}",
        a.body,
        b.body
    );
    let id = a.body["incident"].as_str().unwrap().to_string();
    assert_eq!(b.body["incident"], a.body["incident"]);
    let inc = incident(&h, &id).await;
    assert_eq!(inc["severity"], "P1", "severity from the label mapping");
    assert_eq!(inc["title"], "CheckoutDown: Checkout is down");
    assert_eq!(inc["reporter"], "alertmanager");
    assert_eq!(inc["service"], "checkout");
    let alerts_on_timeline = |inc: &Value| {
        inc["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "alert")
            .count()
    };
    assert_eq!(alerts_on_timeline(&inc), 1);

    // A later alert of the same group goes on the timeline; a repeat changes nothing.
    let more = alertmanager(
        "firing",
        vec![
            alert("CheckoutDown", "aaa1", "firing", "critical"),
            alert("CheckoutLatency", "bbb2", "firing", "critical"),
        ],
    );
    let noted = post(&h, hook, ALERTS_SECRET, None, &more).await;
    assert_eq!(
        (
            noted.body["action"].as_str(),
            noted.body["incident"].as_str()
        ),
        (Some("noted"), Some(id.as_str()))
    );
    let again = post(&h, hook, ALERTS_SECRET, None, &more).await;
    assert_eq!(again.body["action"], "unchanged");
    assert_eq!(alerts_on_timeline(&incident(&h, &id).await), 2);

    // The group resolves: said in the channel, the incident stays open.
    let channel = channel_of(&h, &id).await;
    let resolved = alertmanager(
        "resolved",
        vec![
            alert("CheckoutDown", "aaa1", "resolved", "critical"),
            alert("CheckoutLatency", "bbb2", "resolved", "critical"),
        ],
    );
    let r = post(&h, hook, ALERTS_SECRET, None, &resolved).await;
    assert_eq!(r.body["action"], "resolved_noticed", "{}", r.body);
    assert!(channel_says(&h, &channel, "reports the alert group resolved").await);
    assert_eq!(incident(&h, &id).await["status"], "investigating");
    assert_eq!(
        post(&h, hook, ALERTS_SECRET, None, &resolved).await.body["action"],
        "ignored"
    );

    // Grafana's payload (Alertmanager's shape plus its own fields) declares its own group.
    let grafana = json!({
        "receiver": "warroom", "status": "firing", "orgId": 1, "state": "alerting",
        "title": "[FIRING:1] DiskFull", "message": "disk", "groupKey": "{}/{}:{alertname=\"DiskFull\"}",
        "groupLabels": {"alertname": "DiskFull"}, "commonLabels": {"alertname": "DiskFull"},
        "commonAnnotations": {}, "externalURL": "http://grafana.local", "version": "1",
        "truncatedAlerts": 0,
        "alerts": [{"status": "firing", "labels": {"alertname": "DiskFull"}, "annotations": {},
            "startsAt": "2026-11-30T00:00:00Z", "fingerprint": "ccc3", "values": {"A": 97}}]
    })
    .to_string();
    let g = post(&h, "/hooks/grafana", ALERTS_SECRET, None, &grafana).await;
    assert_eq!(g.status, 201, "{}", g.body);
    let gid = g.body["incident"].as_str().unwrap();
    assert_ne!(gid, id);
    assert_eq!(
        incident(&h, gid).await["severity"],
        "P3",
        "unmapped: least severe"
    );
    h.finish().await;
});

both!(
    ids_that_cannot_be_incidents_are_404_not_503,
    |b| async move {
        let h = Harness::start(b).await;
        // PostgreSQL refuses a NUL byte outright; the id never reaches it.
        for path in [
            "/api/incidents/a%00b/updates",
            "/api/incidents/a%00b/resolve",
            "/api/incidents/x..y%20z/resolve",
        ] {
            let sent = post(&h, path, API_TOKEN, Some("k1"), r#"{"text": "hi"}"#).await;
            assert_eq!(sent.status, 404, "{path}: {:?}", sent.body);
            assert_eq!(sent.body["refusal"]["reason"], "no_such_incident", "{path}");
        }
        h.finish().await;
    }
);
