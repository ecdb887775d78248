//! Cadences, reminders, targets and escalation, driven by an injected clock (minutes
//! pass in milliseconds) or second-scale policy durations; restarts and two replicas.

mod support;

use std::time::Duration;
use support::*;
use warroom::policy::Policy;

const MIN: u64 = 60;

fn reminders(h: &Harness, channel: &str) -> Vec<Message> {
    h.messages_with(channel, ":alarm_clock:")
}

both!(reminders_follow_the_cadence, |b| async move {
    let h = Harness::start(b).await;
    let channel = h.declare(ALICE, "P1 Orders stuck").await; // P1: updates every 30m
    h.advance(29 * MIN).await;
    assert_eq!(reminders(&h, &channel).len(), 0, "not due yet");
    h.advance(2 * MIN).await;
    let first = reminders(&h, &channel);
    assert_eq!(first.len(), 1);
    // Nobody holds IC or comms: the reporter is reminded. Buttons to act.
    assert!(
        first[0].text.contains(&format!("<@{ALICE}>")),
        "{}",
        first[0].text
    );
    let labels: Vec<String> = first[0].buttons().into_iter().map(|b| b.text).collect();
    assert_eq!(
        labels,
        ["Post update", "Snooze 15m", "Snooze 30m", "Snooze 1h"]
    );

    // With an IC and a comms lead, both are mentioned (and not the reporter).
    h.command(BOB, &channel, &format!("role ic <@{BOB}>")).await;
    h.command(BOB, &channel, &format!("role comms <@{CAROL}>"))
        .await;
    h.advance(30 * MIN).await;
    let second = reminders(&h, &channel);
    assert_eq!(second.len(), 2, "repeats at the cadence");
    assert!(
        second[1].text.contains(&format!("<@{BOB}> <@{CAROL}>")),
        "{}",
        second[1].text
    );
    assert!(!second[1].text.contains(&format!("<@{ALICE}>")));

    // "Post update" on the reminder opens the modal; an update silences reminders.
    h.click(BOB, &second[1], &button(&second[1], "Post update"))
        .await;
    let view = h.last_view("post_update");
    h.submit(BOB, &view, &[("summary", "Replaying the queue")])
        .await;
    h.advance(29 * MIN).await;
    assert_eq!(reminders(&h, &channel).len(), 2, "quiet after an update");
    h.advance(2 * MIN).await;
    assert_eq!(
        reminders(&h, &channel).len(),
        3,
        "due again a cadence after the update"
    );

    // Snooze 1h: nothing for an hour.
    let third = reminders(&h, &channel).pop().unwrap();
    h.click(CAROL, &third, &button(&third, "Snooze 1h")).await;
    h.settle().await;
    assert_eq!(
        h.messages_with(&channel, "snoozed the update reminder")
            .len(),
        1
    );
    h.advance(59 * MIN).await;
    assert_eq!(reminders(&h, &channel).len(), 3, "snoozed");
    h.advance(2 * MIN).await;
    assert_eq!(reminders(&h, &channel).len(), 4);

    // Resolved: reminders stop for good.
    h.command(BOB, &channel, "resolve Queue drained").await;
    h.advance(5 * 60 * MIN).await;
    assert_eq!(reminders(&h, &channel).len(), 4, "stopped at resolve");
    h.finish().await;
});

both!(severity_change_rebases_the_cadence, |b| async move {
    let h = Harness::start(b).await;
    let channel = h.declare(ALICE, "P2 Reports slow").await; // P2: every 2h
    h.advance(60 * MIN).await;
    h.command(ALICE, &channel, "severity P0").await; // P0: every 15m, from now
    h.advance(14 * MIN).await;
    assert_eq!(reminders(&h, &channel).len(), 0);
    h.advance(2 * MIN).await;
    assert_eq!(
        reminders(&h, &channel).len(),
        1,
        "15m after the change, not 2h after declare"
    );
    h.command(ALICE, &channel, "severity P3").await; // P3: no cadence
    h.advance(10 * 60 * MIN).await;
    assert_eq!(
        reminders(&h, &channel).len(),
        1,
        "P3 has no update reminders"
    );
    h.finish().await;
});

both!(no_ic_nag_until_someone_takes_the_role, |b| async move {
    let h = Harness::start(b).await;
    let channel = h.declare(ALICE, "P1 DNS flapping").await; // respond_within 15m, cadence 30m
    let nags = |h: &Harness| h.messages_with(&channel, "has no Incident Commander").len();
    h.advance(14 * MIN).await;
    assert_eq!(nags(&h), 0);
    h.advance(2 * MIN).await;
    assert_eq!(nags(&h), 1);
    let nag = h
        .messages_with(&channel, "has no Incident Commander")
        .remove(0);
    h.advance(30 * MIN).await;
    assert_eq!(nags(&h), 2, "once per cadence");
    // The nag's button takes the role.
    h.click(BOB, &nag, &button(&nag, "Take Incident Commander"))
        .await;
    h.eventually("Bob is IC", |s| {
        s.channel(&channel)
            .unwrap()
            .topic
            .ends_with(&format!("<@{BOB}>"))
    })
    .await;
    h.advance(90 * MIN).await;
    assert_eq!(nags(&h), 2, "no nag once an IC is assigned");
    h.finish().await;
});

both!(
    resolution_targets_warn_at_80_and_breach_at_100,
    |b| async move {
        let h = Harness::start(b).await;
        let channel = h.declare(ALICE, "P1 Billing drift").await; // resolve_within 4h
        h.command(BOB, &channel, &format!("role ic <@{BOB}>")).await;
        let warnings = |h: &Harness| {
            h.messages_with(&channel, "has used 80% of its 4h resolution target")
                .len()
        };
        let breaches = |h: &Harness| {
            h.messages_with(&channel, "breached its 4h resolution target")
                .len()
        };
        h.advance(191 * MIN).await;
        assert_eq!((warnings(&h), breaches(&h)), (0, 0));
        h.advance(2 * MIN).await; // 3h13m > 80% of 4h
        assert_eq!((warnings(&h), breaches(&h)), (1, 0));
        h.advance(48 * MIN).await; // 4h01m
        assert_eq!((warnings(&h), breaches(&h)), (1, 1));
        h.advance(6 * 60 * MIN).await;
        assert_eq!((warnings(&h), breaches(&h)), (1, 1), "each once");
        h.finish().await;
    }
);

both!(three_causes_of_escalation, |b| async move {
    let h = Harness::start(b).await;
    // Manual: `escalate reason`, in the channel and the announcement thread.
    let channel = h.declare(ALICE, "P1 Login storms").await; // escalate_after 2h to S0SENIOR
    h.command(BOB, &channel, &format!("role ic <@{BOB}>")).await;
    h.command(BOB, &channel, "escalate need the DB team").await;
    let escalations = |h: &Harness, ch: &str| h.messages_with(ch, "<!subteam^S0SENIOR>").len();
    h.settle().await;
    assert_eq!(escalations(&h, &channel), 1);
    assert!(h.messages_with(&channel, "need the DB team").len() == 1);
    let thread = h
        .slack
        .messages(ANNOUNCE)
        .into_iter()
        .filter(|m| m.thread_ts.is_some() && m.text.contains("S0SENIOR"))
        .count();
    assert_eq!(thread, 1, "escalation mirrored in the announcement thread");

    // Two reminders in a row ignored (updates keep the timer cause away: post one first).
    h.command(BOB, &channel, "update looking").await;
    h.advance(31 * MIN).await;
    assert_eq!(
        escalations(&h, &channel),
        1,
        "one ignored reminder is not enough"
    );
    h.advance(30 * MIN).await;
    assert_eq!(escalations(&h, &channel), 2);
    assert_eq!(
        h.messages_with(&channel, "two update reminders in a row went unanswered")
            .len(),
        1
    );
    h.advance(30 * MIN).await;
    assert_eq!(
        h.messages_with(&channel, "two update reminders in a row went unanswered")
            .len(),
        1,
        "once per cause"
    );

    // Timer: 2h unresolved.
    h.advance(30 * MIN).await; // 2h01m since declare
    assert_eq!(h.messages_with(&channel, "unresolved after 2h").len(), 1);
    h.advance(3 * 60 * MIN).await;
    assert_eq!(
        h.messages_with(&channel, "unresolved after 2h").len(),
        1,
        "once"
    );
    let timeline = h.command(BOB, &channel, "timeline").await.text();
    assert_eq!(
        timeline.matches("Escalated to S0SENIOR").count(),
        3,
        "{timeline}"
    );
    let metrics = h.get("/metrics").await.body;
    assert!(
        metrics.contains("warroom_notices_total{kind=\"escalated\"} 3"),
        "{metrics}"
    );

    // A severity with no escalation target explains itself.
    let quiet = h.declare(ALICE, "P3 Typo on status page").await;
    let r = h.command(ALICE, &quiet, "escalate").await;
    assert!(r.text().contains("No escalation target"), "{}", r.text());
    h.finish().await;
});

both!(
    restart_resumes_schedules_with_one_catch_up,
    |b| async move {
        let mut h = Harness::start(b).await;
        let a = h.declare(ALICE, "P1 First").await;
        let c = h.declare(BOB, "P0 Second").await;
        h.command(ALICE, &a, &format!("role ic <@{ALICE}>")).await;
        h.command(BOB, &c, &format!("role ic <@{BOB}>")).await;
        h.settle().await;
        h.stop().await;
        // Down for 10 hours: 20 P1 intervals, 40 P0 intervals missed.
        h.clock.advance(Duration::from_secs(10 * 60 * MIN));
        h.boot().await;
        h.settle().await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(
            reminders(&h, &a).len(),
            1,
            "one catch-up reminder, not one per missed interval"
        );
        assert_eq!(reminders(&h, &c).len(), 1);
        // And the schedule goes on from there.
        h.advance(16 * MIN).await;
        assert_eq!(reminders(&h, &c).len(), 2, "P0 cadence resumes");
        assert_eq!(reminders(&h, &a).len(), 1);
        h.finish().await;
    }
);

/// Second-scale durations: P1 reminds every second.
fn fast_policy() -> Policy {
    let text = r#"
announce_channel = "C0ANNOUNCE"
[[severity]]
name = "P1"
label = "High"
update_every = "1s"
resolve_within = "1h"
"#;
    Policy::from_toml_str(text, "fast.toml").unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_on_postgres_never_duplicate_reminders() {
    let mut h = Harness::with_policy(Backend::Postgres, fast_policy()).await;
    let first = h.app.take().unwrap();
    h.boot().await; // a second instance on the same database
    let second = h.app.take().unwrap();
    h.app = Some(first);
    let declared = std::time::Instant::now();
    let channel = h.declare(ALICE, "P1 Replicated").await;
    // Let at least 10 reminders reach the channel (posts are paced at one a second per
    // channel, so they may trail the cadence a little).
    let ten = h
        .slack
        .wait_until(Duration::from_secs(90), |_| {
            reminders(&h, &channel).len() >= 10
        })
        .await;
    second.shutdown().await;
    h.stop().await;
    let elapsed = declared.elapsed().as_secs_f64();
    let posted = reminders(&h, &channel);
    assert!(ten, "{} reminders", posted.len());
    assert!(
        posted.len() as f64 <= elapsed + 2.0,
        "{} reminders in {elapsed:.1} s at a 1 s cadence",
        posted.len()
    );
    // Each reminder was delivered once: no effect appears twice in the channel (every
    // post is tagged with the outbox effect it delivers).
    let mut effects: Vec<i64> = posted
        .iter()
        .filter_map(|m| {
            m.metadata
                .as_ref()?
                .pointer("/event_payload/effect_id")?
                .as_i64()
        })
        .collect();
    assert_eq!(effects.len(), posted.len(), "every reminder tagged");
    effects.sort_unstable();
    effects.dedup();
    assert_eq!(effects.len(), posted.len(), "a reminder delivered twice");
    h.boot().await;
    h.finish().await;
}
