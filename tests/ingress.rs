//! Slack ingress: signatures, size limits, malformed payloads, Events API, and the
//! commands that need no incident (`help`, `list`, unknown).

mod support;

use support::*;

async fn post_raw(h: &Harness, path: &str, headers: &[(&str, String)], body: String) -> Reply {
    let mut req = h.http.post(h.url(path)).body(body);
    for (k, v) in headers {
        req = req.header(*k, v);
    }
    let res = req.send().await.unwrap();
    Reply {
        status: res.status().as_u16(),
        body: res.text().await.unwrap(),
    }
}

fn signed_headers(ts: i64, secret: &str, body: &str) -> Vec<(&'static str, String)> {
    vec![
        (
            "content-type",
            "application/x-www-form-urlencoded".to_string(),
        ),
        ("x-slack-request-timestamp", ts.to_string()),
        (
            "x-slack-signature",
            warroom::slack::verify::sign(secret, &ts.to_string(), body.as_bytes()),
        ),
    ]
}

both!(
    bad_requests_are_refused_and_change_nothing,
    |b| async move {
        let h = Harness::start(b).await;
        let now = h.clock.now().timestamp();
        let declare =
            slack_requests::slash_command_form(ALICE, GENERAL, "declare P1 Forged outage");

        // Unsigned.
        let r = post_raw(
            &h,
            "/slack/commands",
            &[("content-type", "application/x-www-form-urlencoded".into())],
            declare.clone(),
        )
        .await;
        assert_eq!(r.status, 401);
        // Forged: signed with another secret.
        let r = post_raw(
            &h,
            "/slack/commands",
            &signed_headers(now, "not-the-secret", &declare),
            declare.clone(),
        )
        .await;
        assert_eq!(r.status, 401);
        // Tampered after signing.
        let headers = signed_headers(now, SECRET, &declare);
        let r = post_raw(&h, "/slack/commands", &headers, declare.replace("P1", "P0")).await;
        assert_eq!(r.status, 401);
        // Replayed: ±600 s.
        for skew in [-600, 600] {
            let r = post_raw(
                &h,
                "/slack/commands",
                &signed_headers(now + skew, SECRET, &declare),
                declare.clone(),
            )
            .await;
            assert_eq!(r.status, 401, "skew {skew}");
        }
        // Oversized (over 256 KiB), even when correctly signed.
        let big = format!("{declare}&pad={}", "x".repeat(300 * 1024));
        let r = post_raw(
            &h,
            "/slack/commands",
            &signed_headers(now, SECRET, &big),
            big.clone(),
        )
        .await;
        assert_eq!(r.status, 413);
        // Verified but malformed: a form without user/channel, a payload that isn't JSON.
        let r = h
            .post_signed(
                "/slack/commands",
                "application/x-www-form-urlencoded",
                "text=declare+P1+x".into(),
            )
            .await;
        assert_eq!(r.status, 400);
        assert!(
            r.body.starts_with("bad request:") && r.body.trim().lines().count() == 1,
            "{}",
            r.body
        );
        let r = h
            .post_signed(
                "/slack/interactions",
                "application/x-www-form-urlencoded",
                "payload=%7Bnope".into(),
            )
            .await;
        assert_eq!(r.status, 400);
        let r = h
            .interact(serde_json::json!({"type": "block_actions", "actions": []}))
            .await;
        assert_eq!(r.status, 400, "block_actions without a user");
        // Well-formed clicks on elements warroom never posted (or with a value it cannot
        // read) are acknowledged and do nothing: Slack would show the user an error.
        for (action_id, value) in [
            ("not_a_warroom_button", "INC-20261122-001"),
            ("take_role", "no-colon"),
            ("action_done", "twelve"),
        ] {
            let r = h
                .interact(
                    serde_json::json!({"type": "block_actions", "user": {"id": ALICE},
                    "trigger_id": "1.2.3", "channel": {"id": GENERAL},
                    "actions": [{"action_id": action_id, "block_id": "x", "value": value}]}),
                )
                .await;
            assert_eq!(r.status, 200, "{action_id}: {}", r.body);
        }
        let r = h
            .post_signed("/slack/events", "application/json", "{\"type\":".into())
            .await;
        assert_eq!(r.status, 400);

        // Nothing was declared, nothing reached Slack.
        let list = h.command(ALICE, GENERAL, "list").await;
        assert!(list.text().contains("No open incidents"), "{}", list.body);
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert_eq!(h.slack.call_count("conversations.create"), 0);
        let metrics = h.get("/metrics").await.body;
        assert!(
            metrics.contains("warroom_slack_rejected_total{reason=\"bad_signature\"} 2"),
            "{metrics}"
        );
        assert!(
            metrics.contains("warroom_slack_rejected_total{reason=\"stale\"} 2"),
            "{metrics}"
        );
        assert!(
            metrics.contains("warroom_slack_rejected_total{reason=\"too_large\"} 1"),
            "{metrics}"
        );
        h.finish().await;
    }
);

both!(rotated_secrets_both_verify, |b| async move {
    let h = Harness::start(b).await;
    let now = h.clock.now().timestamp();
    let body = slack_requests::slash_command_form(ALICE, GENERAL, "help");
    // The harness configures "old-secret,<current>": both must be accepted.
    for secret in ["old-secret", SECRET] {
        let r = post_raw(
            &h,
            "/slack/commands",
            &signed_headers(now, secret, &body),
            body.clone(),
        )
        .await;
        assert_eq!(r.status, 200, "{secret}");
    }
    h.finish().await;
});

both!(help_list_and_unknown_commands, |b| async move {
    let h = Harness::start(b).await;
    let help = h.command(ALICE, GENERAL, "help").await;
    assert_eq!(help.status, 200);
    assert_eq!(help.json()["response_type"], "ephemeral");
    for needle in [
        "declare",
        "status",
        "severity",
        "role",
        "resolve",
        "P0|P1|P2|P3",
        "ic|tech|comms|scribe",
    ] {
        assert!(
            help.text().contains(needle),
            "help lacks {needle}: {}",
            help.text()
        );
    }
    let unknown = h.command(ALICE, GENERAL, "frobnicate the database").await;
    assert_eq!(unknown.json()["response_type"], "ephemeral");
    assert!(
        unknown.text().contains("frobnicate") && unknown.text().contains("help"),
        "{}",
        unknown.text()
    );
    // Text the grammar can't read is answered with the command's usage, and what was
    // typed is quoted, escaped: a mention-shaped broadcast stays text.
    for (text, answer) in [
        (
            "stats soon",
            "Usage: `/incident stats [30d] [drills]`",
        ),
        (
            "role ic <!channel>",
            "`&lt;!channel&gt;` is not a user mention: pick the person with @. Usage: `/incident role &lt;ic|tech|comms|scribe&gt; @user`",
        ),
        (
            "close now",
            "`close` takes no arguments. Usage: `/incident close`",
        ),
    ] {
        let r = h.command(ALICE, GENERAL, text).await;
        assert_eq!(r.json()["response_type"], "ephemeral", "{text}");
        assert_eq!(r.text(), answer, "{text}");
    }

    let empty = h.command(ALICE, GENERAL, "list").await;
    assert!(empty.text().contains("No open incidents"));
    let channel = h.declare(ALICE, "P1 Checkout API returns 500s").await;
    h.declare(BOB, "--private P2 Payroll export leaks").await;
    let list = h.command(CAROL, GENERAL, "list").await.text();
    assert!(
        list.contains("Checkout API returns 500s") && list.contains("P1 High"),
        "{list}"
    );
    assert!(list.contains(&format!("<#{channel}>")), "{list}");
    assert!(
        !list.contains("Payroll"),
        "private incidents are hidden from non-members: {list}"
    );
    let bobs = h.command(BOB, GENERAL, "list").await.text();
    assert!(bobs.contains("Payroll"), "{bobs}");
    // An in-channel command outside an incident channel says so.
    let r = h.command(ALICE, GENERAL, "status mitigating").await;
    assert!(r.text().contains("only in an incident"), "{}", r.text());
    h.finish().await;
});

both!(events_url_verification_and_retries, |b| async move {
    let h = Harness::start(b).await;
    let r = h
        .post_signed(
            "/slack/events",
            "application/json",
            r#"{"token":"x","challenge":"3eZbrw1a","type":"url_verification"}"#.into(),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["challenge"], "3eZbrw1a");
    let event =
        r#"{"type":"event_callback","event_id":"Ev0PV52K21","event":{"type":"reaction_added"}}"#;
    for _ in 0..3 {
        let r = h
            .post_signed("/slack/events", "application/json", event.into())
            .await;
        assert_eq!(r.status, 200);
    }
    let metrics = h.get("/metrics").await.body;
    assert!(
        metrics.contains("warroom_events_total{result=\"accepted\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("warroom_events_total{result=\"duplicate\"} 2"),
        "{metrics}"
    );
    h.finish().await;
});

both!(health_ready_metrics, |b| async move {
    let h = Harness::start(b).await;
    assert_eq!(h.get("/healthz").await.status, 200);
    assert_eq!(h.get("/readyz").await.status, 200);
    h.command(ALICE, GENERAL, "help").await;
    let m = h.get("/metrics").await.body;
    assert!(
        m.contains("warroom_http_requests_total{route=\"/slack/commands\",status=\"200\"} 1"),
        "{m}"
    );
    assert!(
        m.contains("warroom_http_request_duration_seconds_bucket{route=\"/slack/commands\""),
        "{m}"
    );
    assert!(m.contains("warroom_outbox_depth"), "{m}");
    assert!(
        m.contains("warroom_open_incidents{severity=\"P0\"} 0"),
        "{m}"
    );
    h.finish().await;
});
