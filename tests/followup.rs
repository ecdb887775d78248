//! Action-item follow-up driven as Slack drives it, on a frozen clock moved by hand: the
//! owner's DM when given an item and on its due date (Done / Snooze clicked in the DM),
//! and the weekly digest in the announcement channel at the policy's local time.

mod support;

use chrono::TimeZone;
use std::time::Duration;
use support::*;

const MIN: u64 = 60;
const HOUR: u64 = 60 * MIN;
const DAY: u64 = 24 * HOUR;

/// Moves the clock on, wakes the scheduler, and waits until no reminder is due and the
/// outbox is empty.
async fn advance(h: &Harness, secs: u64) {
    h.clock.advance(Duration::from_secs(secs));
    h.app().service.scheduler_wake.notify_waiters();
    settle(h).await;
}

/// The clock is frozen: effects the app paces ahead of Slack's rate limits (a second
/// between posts to one channel) wait for it to move, so it creeps on while settling.
async fn settle(h: &Harness) {
    let store = &h.app().service.store;
    for _ in 0..800 {
        tokio::time::sleep(Duration::from_millis(25)).await;
        h.clock.advance(Duration::from_millis(200));
        h.app().service.outbox_wake.notify_one();
        let now = h.clock.now_ms();
        let reminders_due = store
            .next_action_item_reminder()
            .await
            .unwrap()
            .is_some_and(|t| t <= now);
        if !reminders_due && store.outbox_depth().await.unwrap() == 0 {
            // One more pass of the scheduler (the digest is claimed in it).
            tokio::time::sleep(Duration::from_millis(200)).await;
            if store.outbox_depth().await.unwrap() == 0 {
                return;
            }
        }
    }
    panic!("the scheduler and the outbox did not settle");
}

fn dm_of(user: &str) -> String {
    format!("D{}", &user[1..])
}

fn due_dms(h: &Harness, user: &str) -> Vec<Message> {
    h.messages_with(&dm_of(user), ":hourglass:")
}

fn digests(h: &Harness) -> Vec<Message> {
    h.messages_with(ANNOUNCE, "Weekly incident digest")
}

both!(
    owners_are_reminded_on_the_due_date_and_the_digest_comes_weekly,
    |b| async move {
        // The digest on Wednesdays at 09:00 in New York (14:00 UTC in December); owners'
        // reminders at that time of day too.
        let mut policy = test_policy();
        policy.digest.day = chrono::Weekday::Wed;
        policy.digest.timezone = chrono_tz::America::New_York;
        let database = fresh_database(b).await;
        let mut h = Harness::unbooted(b, policy, database).await;
        // Tuesday 1 December 2026, 08:00 UTC.
        h.clock
            .freeze(chrono::Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap());
        h.boot().await;

        let reply = h.command(ALICE, GENERAL, "declare P2 Login latency").await;
        let id = incident_id_in(&reply.text()).unwrap();
        let channel = h.channel_of(&id).await;
        h.command(
            ALICE,
            &channel,
            &format!("action Rotate the signing keys <@{CAROL}> due 2026-12-01"),
        )
        .await;
        h.command(
            ALICE,
            &channel,
            &format!("action Write the runbook <@{BOB}> due 2026-12-03"),
        )
        .await;
        settle(&h).await;
        // Given an item, the owner hears of it by DM.
        assert!(
            h.slack
                .messages(&dm_of(CAROL))
                .iter()
                .any(|m| m.text.contains("gave you an action item")
                    && m.text.contains("signing keys"))
        );

        // Due today, at 09:00 New York time: not before.
        advance(&h, 5 * HOUR + 50 * MIN).await; // 13:50 UTC
        assert!(due_dms(&h, CAROL).is_empty());
        advance(&h, 20 * MIN).await; // 14:10 UTC
        let first = due_dms(&h, CAROL);
        assert_eq!(first.len(), 1);
        assert!(
            first[0].text.contains("Rotate the signing keys"),
            "{}",
            first[0].text
        );
        assert!(first[0].text.contains(&id), "{}", first[0].text);
        let labels: Vec<String> = first[0].buttons().into_iter().map(|b| b.text).collect();
        assert_eq!(labels, ["Done", "Snooze 1 day", "Snooze 1 week"]);
        assert!(due_dms(&h, BOB).is_empty(), "Bob's item is due on Thursday");
        // Once: more time the same day reminds nobody again.
        advance(&h, 2 * HOUR).await;
        assert_eq!(due_dms(&h, CAROL).len(), 1);

        // Snoozed for a day, it comes back a day later.
        let r = h
            .click(CAROL, &first[0], &button(&first[0], "Snooze 1 day"))
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        settle(&h).await;
        assert!(h.told(CAROL, "Snoozed"));
        advance(&h, 21 * HOUR).await; // Wednesday 13:10 UTC
        assert_eq!(due_dms(&h, CAROL).len(), 1);
        assert!(digests(&h).is_empty(), "the digest is at 14:00 UTC");
        advance(&h, HOUR).await; // Wednesday 14:10 UTC: the digest
        let posted = digests(&h);
        assert_eq!(posted.len(), 1);
        let text = &posted[0].text;
        assert!(text.contains("Incidents declared this week: 1"), "{text}");
        assert!(
            text.contains(&id) && text.contains("Login latency"),
            "{text}"
        );
        // Due Tuesday: overdue on Wednesday in New York; the runbook (Thursday) is not.
        assert!(text.contains("Open action items: 2 (1 overdue)"), "{text}");
        assert!(
            text.find("Rotate the signing keys") < text.find("Write the runbook"),
            "{text}"
        );

        // Snoozed on Tuesday at 16:10 UTC, the reminder is back on Wednesday at 16:10.
        assert_eq!(due_dms(&h, CAROL).len(), 1);
        advance(&h, 2 * HOUR + 10 * MIN).await;
        let again = due_dms(&h, CAROL);
        assert_eq!(again.len(), 2);

        // Done, clicked in the DM, completes the item in its incident.
        h.click(CAROL, &again[1], &button(&again[1], "Done")).await;
        settle(&h).await;
        assert_eq!(
            h.messages_with(&channel, "done: Rotate the signing keys")
                .len(),
            1
        );

        // Thursday: Bob's turn, once. The next Wednesday: the second digest, one item left.
        advance(&h, DAY).await;
        assert_eq!(due_dms(&h, BOB).len(), 1);
        assert_eq!(due_dms(&h, CAROL).len(), 2, "done items remind nobody");
        advance(&h, 6 * DAY).await;
        let posted = digests(&h);
        assert_eq!(posted.len(), 2);
        let text = &posted[1].text;
        assert!(text.contains("Open action items: 1 (1 overdue)"), "{text}");
        assert!(text.contains("Incidents declared this week: 0"), "{text}");
        assert!(!text.contains("signing keys"), "{text}");
        // Never twice for one week.
        advance(&h, 3 * HOUR).await;
        assert_eq!(digests(&h).len(), 2);
        h.finish().await;
    }
);
