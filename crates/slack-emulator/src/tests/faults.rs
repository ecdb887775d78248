//! Slack's failure modes, injected with `Faults` and `RateTiers`: 429 with `Retry-After`,
//! 5xx, latency, and answers lost after the call was applied. A refused call changes
//! nothing; a lost answer's call did.

use super::*;

#[tokio::test]
async fn rate_limit_burst_answers_429_with_retry_after_and_changes_nothing() {
    let fake = fake().await;
    fake.set_faults(Faults {
        rate_limit_burst: 2,
        retry_after_secs: 7,
        ..Faults::default()
    });
    for _ in 0..2 {
        let reply = post_json(&fake, "conversations.create", json!({"name": "inc"})).await;
        assert_eq!(reply.status, 429);
        assert_eq!(reply.header("retry-after"), Some("7"));
        assert_eq!(reply.json(), json!({"ok": false, "error": "ratelimited"}));
    }
    assert!(fake.channel_by_name("inc").is_none());
    assert_eq!(fake.faults().rate_limit_burst, 0);
    let reply = post_json(&fake, "conversations.create", json!({"name": "inc"})).await;
    assert_eq!(reply.status, 200);
    assert!(fake.channel_by_name("inc").is_some());
    let statuses: Vec<u16> = fake.calls().iter().map(|c| c.http_status).collect();
    assert_eq!(statuses, vec![429, 429, 200]);
    assert_eq!(fake.calls()[0].args, json!({"name": "inc"}));
    assert_eq!(fake.call_count("conversations.create"), 1);
}

#[tokio::test]
async fn every_call_fails_with_5xx_at_ratio_one() {
    let fake = fake().await;
    fake.set_faults(Faults {
        error_5xx_ratio: 1.0,
        ..Faults::default()
    });
    for _ in 0..5 {
        let reply = post_json(
            &fake,
            "chat.postMessage",
            json!({"channel": "C0GENERAL", "text": "x"}),
        )
        .await;
        assert!(matches!(reply.status, 500 | 502 | 503), "{}", reply.status);
        assert!(reply.json().is_null(), "5xx bodies are not Slack JSON");
    }
    assert!(fake.messages("C0GENERAL").is_empty());
    assert_eq!(fake.calls().len(), 5);
    assert!(fake
        .calls()
        .iter()
        .all(|c| !c.ok && c.error.as_deref().is_some_and(|e| e.starts_with("http_5"))));
    assert_eq!(fake.call_count("chat.postMessage"), 0);
}

#[tokio::test]
async fn latency_delays_every_answer() {
    let fake = fake().await;
    fake.set_faults(Faults {
        latency: Duration::from_millis(150),
        ..Faults::default()
    });
    let started = Instant::now();
    let reply = get(&fake, "auth.test", &[]).await;
    assert_eq!(reply.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(150));
}

#[tokio::test]
async fn lost_answers_apply_the_call_then_answer_503() {
    let fake = fake().await;
    fake.set_faults(Faults {
        lost_answer_ratio: 1.0,
        ..Faults::default()
    });
    let reply = post_json(&fake, "conversations.create", json!({"name": "inc"})).await;
    assert_eq!(reply.status, 503);
    let channel = fake
        .channel_by_name("inc")
        .expect("the channel was created");
    let call = &fake.calls()[0];
    assert_eq!((call.http_status, call.ok), (503, true));
    // The retry meets what the lost call did.
    fake.set_faults(Faults::default());
    let again = post_json(&fake, "conversations.create", json!({"name": "inc"}))
        .await
        .json();
    assert_eq!(again["error"], "name_taken");
    let info = get(&fake, "conversations.info", &[("channel", &channel.id)])
        .await
        .json();
    assert_eq!(info["channel"]["creator"], "U0BOT");
    assert!(info["channel"]["created"].as_i64().unwrap() > 1_700_000_000);
    let list = get(&fake, "conversations.list", &[]).await.json();
    assert!(list["channels"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["name"] == "inc" && c["creator"] == "U0BOT"));
}

#[tokio::test]
async fn rate_tiers_answer_429_with_retry_after() {
    let fake = fake().await;
    fake.enforce_rate_tiers(Some(RateTiers {
        tier2_per_minute: 2,
        ..RateTiers::default()
    }));
    for name in ["a", "b"] {
        let reply = post_json(&fake, "conversations.create", json!({"name": name})).await;
        assert_eq!(reply.status, 200);
    }
    let reply = post_json(&fake, "conversations.create", json!({"name": "c"})).await;
    assert_eq!(reply.status, 429);
    assert_eq!(reply.json()["error"], "ratelimited");
    let retry: u64 = reply.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert!(
        fake.channel_by_name("c").is_none(),
        "a limited call changes nothing"
    );

    // One post a second per channel.
    let first = post_json(
        &fake,
        "chat.postMessage",
        json!({"channel": "C0GENERAL", "text": "1"}),
    )
    .await;
    assert_eq!(first.status, 200);
    let second = post_json(
        &fake,
        "chat.postMessage",
        json!({"channel": "C0GENERAL", "text": "2"}),
    )
    .await;
    assert_eq!(second.status, 429);
    assert_eq!(second.header("retry-after"), Some("1"));

    fake.enforce_rate_tiers(None);
    let reply = post_json(&fake, "conversations.create", json!({"name": "c"})).await;
    assert_eq!(reply.status, 200);
}
