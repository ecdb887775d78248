//! Escalation chains with acknowledgement, driven by an injected clock: each step mentions
//! its target in the channel with "I'm on it" (and DMs a user, pages PagerDuty), an
//! unacknowledged step moves on to the next after its delay, and the first "I'm on it"
//! stops the chain and records who took it — across a restart.

mod support;

use std::time::Duration;
use support::*;
use warroom::policy::{EscalationStep, EscalationTarget, Policy};

const MIN: u64 = 60;

/// P1's chain: on-call after 5 minutes, the seniors group 10 minutes later, PagerDuty 15
/// minutes after that.
fn chained_policy() -> Policy {
    let mut policy = test_policy();
    let step = |min: u64, to| EscalationStep {
        after: Duration::from_secs(min * MIN),
        to,
    };
    for sev in policy.severities.iter_mut().filter(|s| s.name == "P1") {
        sev.escalation = vec![
            step(5, EscalationTarget::User(ONCALL.into())),
            step(10, EscalationTarget::Group("S0SENIOR".into())),
            step(15, EscalationTarget::PagerDuty),
        ];
    }
    policy
}

fn steps(h: &Harness, channel: &str) -> Vec<Message> {
    h.messages_with(channel, "Escalation step")
}

fn triggers(pagerduty: &HookSink) -> usize {
    pagerduty
        .received()
        .iter()
        .filter(|r| r.json()["event_action"] == "trigger")
        .count()
}

both!(steps_escalate_until_someone_is_on_it, |b| async move {
    let database = fresh_database(b).await;
    let mut h = Harness::unbooted(b, chained_policy(), database).await;
    let pagerduty = HookSink::start().await.unwrap();
    h.extra_env = vec![
        ("PAGERDUTY_ROUTING_KEY", "R0UTINGKEY".to_string()),
        (
            "PAGERDUTY_EVENTS_URL",
            format!("{}/v2/enqueue", pagerduty.url()),
        ),
    ];
    h.boot().await;
    // Two incidents on one clock: nobody answers the first, the second is taken.
    let ignored = h.declare(ALICE, "P1 Payments <!channel> timing out").await;
    let taken = h.declare(BOB, "P1 Search degraded").await;
    h.settle().await;
    let paged_at_declare = triggers(&pagerduty);
    assert_eq!(paged_at_declare, 2, "P1 pages when declared");

    h.advance(4 * MIN).await;
    assert!(steps(&h, &ignored).is_empty(), "step 1 is due after 5m");
    h.advance(2 * MIN).await;
    for channel in [&ignored, &taken] {
        let first = steps(&h, channel);
        assert_eq!(first.len(), 1, "step 1 once in {channel}");
        assert!(first[0].text.contains("step 1 of 3"), "{}", first[0].text);
        assert!(
            first[0].text.contains(&format!("<@{ONCALL}>")),
            "{}",
            first[0].text
        );
        let labels: Vec<String> = first[0].buttons().into_iter().map(|b| b.text).collect();
        assert_eq!(labels, ["I'm on it"]);
    }
    // The user called is DM'd, one DM per incident, with the same button; the title a
    // person typed stays text.
    let dms = h.messages_with(&format!("D{}", &ONCALL[1..]), "You are called");
    assert_eq!(dms.len(), 2, "{dms:?}");
    let dm_ignored = dms.iter().find(|m| m.text.contains("Payments")).unwrap();
    assert!(
        dm_ignored.text.contains("&lt;!channel&gt;"),
        "{}",
        dm_ignored.text
    );
    let dm_taken = dms.iter().find(|m| m.text.contains("Search")).unwrap();

    // On-call takes the second incident from the DM.
    let r = h
        .click(ONCALL, dm_taken, &button(dm_taken, "I'm on it"))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    h.eventually("the acknowledgement is said in the channel", |s| {
        s.messages(&taken)
            .iter()
            .any(|m| m.text.contains("is on it") && m.text.contains(&format!("<@{ONCALL}>")))
    })
    .await;
    // A second press, by someone else, changes nothing and says who took it.
    let r = h
        .click(CAROL, dm_taken, &button(dm_taken, "I'm on it"))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    h.eventually("Carol is told who took it", |_| {
        h.told(CAROL, "already took the escalation")
    })
    .await;

    // A restart keeps the chains where they are.
    h.restart().await;
    h.advance(10 * MIN).await;
    let second = steps(&h, &ignored);
    assert_eq!(second.len(), 2, "step 2 once after the restart");
    assert!(second[1].text.contains("step 2 of 3"), "{}", second[1].text);
    assert!(
        second[1].text.contains("<!subteam^S0SENIOR>"),
        "{}",
        second[1].text
    );
    assert_eq!(steps(&h, &taken).len(), 1, "acknowledged: no step 2");

    h.advance(15 * MIN).await;
    let third = steps(&h, &ignored);
    assert_eq!(third.len(), 3);
    assert!(third[2].text.contains("PagerDuty"), "{}", third[2].text);
    assert_eq!(
        triggers(&pagerduty),
        paged_at_declare + 1,
        "the last step pages"
    );
    // The chain has ended: nothing more, however long nobody answers.
    h.advance(60 * MIN).await;
    assert_eq!(steps(&h, &ignored).len(), 3);
    assert_eq!(steps(&h, &taken).len(), 1);

    // The timeline keeps who took it.
    let taken_id = h
        .app()
        .service
        .store
        .open_incidents()
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.title == "Search degraded")
        .unwrap();
    assert_eq!(taken_id.schedule.chain_acked_by.as_deref(), Some(ONCALL));
    let timeline = h.app().service.store.timeline(&taken_id.id).await.unwrap();
    assert!(
        timeline
            .iter()
            .any(|e| e.kind == "escalation_acknowledged" && e.actor == ONCALL),
        "{timeline:?}"
    );
    h.finish().await;
});

both!(resolving_stops_the_chain, |b| async move {
    let h = Harness::with_policy(b, chained_policy()).await;
    let channel = h.declare(ALICE, "P1 Queue backlog").await;
    h.settle().await;
    h.command(ALICE, &channel, "resolve Drained").await;
    h.advance(40 * MIN).await;
    assert!(steps(&h, &channel).is_empty());
    h.finish().await;
});

/// Second-scale steps: on-call, the seniors, then Carol, a second apart.
fn fast_chain() -> Policy {
    let text = r#"
announce_channel = "C0ANNOUNCE"
[[severity]]
name = "P1"
label = "High"
[[severity.escalation]]
after = "1s"
to = "U0ONCALL"
[[severity.escalation]]
after = "1s"
to = "S0SENIOR"
[[severity.escalation]]
after = "1s"
to = "U0CAROL"
"#;
    Policy::from_toml_str(text, "chain.toml").unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_on_postgres_call_each_step_once() {
    let mut h = Harness::with_policy(Backend::Postgres, fast_chain()).await;
    let first = h.app.take().unwrap();
    h.boot().await; // a second instance on the same database
    let second = h.app.take().unwrap();
    h.app = Some(first);
    let channel = h.declare(ALICE, "P1 Replicated chain").await;
    let all_three = h
        .slack
        .wait_until(Duration::from_secs(60), |_| steps(&h, &channel).len() >= 3)
        .await;
    assert!(all_three, "{} steps", steps(&h, &channel).len());
    // The chain has ended; wait until both replicas have nothing left to deliver.
    let store = h.app().service.store.clone();
    for _ in 0..400 {
        let nothing_due = store
            .open_incidents()
            .await
            .unwrap()
            .iter()
            .all(|i| i.schedule.chain_next_at.is_none());
        if nothing_due && store.outbox_depth().await.unwrap() == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    second.shutdown().await;
    let posted = steps(&h, &channel);
    let numbers: Vec<&str> = posted
        .iter()
        .map(|m| {
            ["step 1 of 3", "step 2 of 3", "step 3 of 3"]
                .into_iter()
                .find(|s| m.text.contains(s))
                .unwrap_or("?")
        })
        .collect();
    assert_eq!(numbers, ["step 1 of 3", "step 2 of 3", "step 3 of 3"]);
    for user in [ONCALL, CAROL] {
        let dms = h.messages_with(&format!("D{}", &user[1..]), "You are called");
        assert_eq!(dms.len(), 1, "{user} called once: {dms:?}");
    }
    h.finish().await;
}
