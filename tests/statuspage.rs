//! Status-page drafts and Statuspage: each status change of a broadcast severity offers the
//! comms lead a draft with Edit and Publish; publishing creates the incident's page incident
//! on a fake Statuspage, then updates that same one; components follow the policy; drills
//! and people without the role never reach it; a lost answer makes no second page incident.
//! On SQLite and PostgreSQL.

mod support;

use slack_emulator::statuspage::FakeStatuspage;
use support::*;
use warroom::policy::ComponentStatus;

const KEY: &str = "sp-test-key";
const PAGE: &str = "page1";

fn policy() -> warroom::policy::Policy {
    let mut policy = test_policy();
    policy.statuspage.components = vec![("*".into(), "cmp_site".into())];
    policy.statuspage.status = vec![("P1".into(), ComponentStatus::DegradedPerformance)];
    policy
}

/// The app with Statuspage configured (or not), on a fresh database.
async fn start(b: Backend, configured: bool) -> (Harness, FakeStatuspage) {
    let sp = FakeStatuspage::start(KEY, PAGE).await.unwrap();
    let mut h = Harness::unbooted(b, policy(), fresh_database(b).await).await;
    if configured {
        h.extra_env = vec![
            ("STATUSPAGE_API_KEY", KEY.to_string()),
            ("STATUSPAGE_PAGE_ID", PAGE.to_string()),
            ("STATUSPAGE_API_URL", sp.api_url()),
        ];
    }
    h.boot().await;
    (h, sp)
}

/// Waits for the draft offered for `stage` ("Investigating", …) in `channel`.
async fn offer(h: &Harness, channel: &str, stage: &str) -> Message {
    let needle = format!("Status page draft — {stage}");
    h.eventually(&format!("the {stage} draft is offered"), |_| {
        !h.messages_with(channel, &needle).is_empty()
    })
    .await;
    h.messages_with(channel, &needle).remove(0)
}

/// Waits for `pred` on the fake Statuspage.
async fn wait_for(what: &str, pred: impl Fn() -> bool) {
    for _ in 0..2400 {
        if pred() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("timed out waiting for {what}");
}

both!(
    drafts_are_edited_published_then_updated_on_the_same_page_incident,
    |b| async move {
        let (h, sp) = start(b, true).await;
        let channel = h.declare(ALICE, "P1 Checkout <!channel> down").await;
        let r = h.command(ALICE, &channel, "role comms <@U0BOB>").await;
        assert_eq!(r.status, 200, "{}", r.body);
        let first = offer(&h, &channel, "Investigating").await;
        // The title a person typed is shown, never broadcast (the emulator checks at finish).
        assert!(first
            .plain_text()
            .contains("investigating reports of Checkout"));
        assert!(!first.plain_text().contains("<!channel>"));

        // Someone without the role is refused, and nothing is sent.
        h.click(CAROL, &first, &button(&first, "Publish")).await;
        h.eventually("Carol is refused", |_| h.told(CAROL, "Only the comms lead"))
            .await;

        // The comms lead edits the words…
        h.click(BOB, &first, &button(&first, "Edit")).await;
        let view = h.last_view("edit_status_draft");
        let words = "Checkouts are failing for some of you. We're on it.";
        let r = h.submit(BOB, &view, &[("status_text", words)]).await;
        assert_eq!(r.status, 200, "{}", r.body);
        h.eventually("the offer shows the new words", |_| {
            !h.messages_with(&channel, "Checkouts are failing")
                .is_empty()
        })
        .await;
        // …and publishes: one page incident, with the policy's component status.
        h.click(BOB, &first, &button(&first, "Publish")).await;
        wait_for("the page incident", || sp.incidents().len() == 1).await;
        let created = &sp.incidents()[0];
        assert!(created.name.contains("Checkout"), "{}", created.name);
        assert_eq!(created.status, "investigating");
        assert_eq!(created.updates, [words]);
        assert_eq!(created.components["cmp_site"], "degraded_performance");
        let post = &sp.received()[0];
        assert_eq!(post.path, format!("/v1/pages/{PAGE}/incidents"));
        assert_eq!(
            post.header("authorization"),
            Some(format!("OAuth {KEY}").as_str())
        );
        h.eventually("the offer says it is published", |_| {
            !h.messages_with(&channel, "Published to the status page by")
                .is_empty()
        })
        .await;
        h.eventually("Carol's refusal changed nothing", |_| {
            sp.incidents().len() == 1
        })
        .await;

        // Identified: a new draft, published as an update of the same page incident.
        h.command(ALICE, &channel, "status identified").await;
        let identified = offer(&h, &channel, "Identified").await;
        h.click(BOB, &identified, &button(&identified, "Publish"))
            .await;
        wait_for("the identified update", || {
            sp.incidents()[0].status == "identified"
        })
        .await;
        let id = sp.incidents()[0].id.clone();
        assert!(sp
            .received()
            .iter()
            .any(|r| r.path == format!("/v1/pages/{PAGE}/incidents/{id}")));

        // Resolved: the components are operational again.
        h.command(ALICE, &channel, "resolve rolled back").await;
        let resolved = offer(&h, &channel, "Resolved").await;
        h.click(BOB, &resolved, &button(&resolved, "Publish")).await;
        wait_for("the resolution", || sp.incidents()[0].status == "resolved").await;
        let page = &sp.incidents()[0];
        assert_eq!(sp.incidents().len(), 1, "one page incident per incident");
        assert_eq!(page.components["cmp_site"], "operational");
        assert_eq!(page.updates.len(), 3);
        let timeline = h.command(ALICE, &channel, "timeline").await.text();
        assert!(
            timeline.contains("Status page (Identified) published by"),
            "{timeline}"
        );
        h.finish().await;
    }
);

both!(
    a_lost_answer_is_retried_without_a_second_page_incident,
    |b| async move {
        let (h, sp) = start(b, true).await;
        let channel = h.declare(ALICE, "P0 Everything is slow").await;
        let first = offer(&h, &channel, "Investigating").await;
        // The create reaches Statuspage, but its answer is a 500: the retry finds the page
        // incident and adopts it.
        sp.lose_next_answers(1);
        h.click(ALICE, &first, &button(&first, "Publish")).await;
        wait_for("the retry's lookup", || {
            sp.received()
                .iter()
                .filter(|r| r.path.ends_with("/incidents"))
                .count()
                >= 2
        })
        .await;
        // Then an update fails once with a 500 before Statuspage acts, and is retried.
        sp.fail_next(1, 500);
        h.command(ALICE, &channel, "status monitoring").await;
        let monitoring = offer(&h, &channel, "Monitoring").await;
        h.click(ALICE, &monitoring, &button(&monitoring, "Publish"))
            .await;
        wait_for("the monitoring update", || {
            sp.incidents()
                .first()
                .is_some_and(|i| i.status == "monitoring")
        })
        .await;
        assert_eq!(sp.incidents().len(), 1, "{:?}", sp.incidents());
        let posts = sp
            .received()
            .iter()
            .filter(|r| r.body.starts_with(b"{") && r.path.ends_with("/incidents"))
            .count();
        assert_eq!(posts, 1, "one create");
        assert_eq!(sp.incidents()[0].components["cmp_site"], "major_outage");
        h.finish().await;
    }
);

both!(drills_never_call_statuspage, |b| async move {
    let (h, sp) = start(b, true).await;
    let channel = h.declare(ALICE, "--drill P1 Game day").await;
    let first = offer(&h, &channel, "Investigating").await;
    assert!(first.plain_text().contains("Drill"));
    h.click(ALICE, &first, &button(&first, "Publish")).await;
    h.eventually("the drill says nothing was sent", |_| {
        h.told(ALICE, "This is a drill")
            && !h
                .messages_with(&channel, "drill: nothing was sent to Statuspage")
                .is_empty()
    })
    .await;
    h.command(ALICE, &channel, "resolve done").await;
    let resolved = offer(&h, &channel, "Resolved").await;
    h.click(ALICE, &resolved, &button(&resolved, "Publish"))
        .await;
    h.eventually("the second drill publish", |_| {
        h.messages_with(&channel, "drill: nothing was sent").len() == 2
    })
    .await;
    assert!(sp.received().is_empty(), "{:?}", sp.received());
    h.finish().await;
});

both!(
    without_statuspage_publish_says_so_and_the_draft_stays,
    |b| async move {
        let (h, sp) = start(b, false).await;
        let channel = h.declare(ALICE, "P1 Login errors").await;
        let first = offer(&h, &channel, "Investigating").await;
        assert!(first
            .plain_text()
            .contains("copy the text to your status page"));
        h.click(ALICE, &first, &button(&first, "Publish")).await;
        h.eventually("told Statuspage is not configured", |_| {
            h.told(ALICE, "Statuspage is not configured")
        })
        .await;
        // Still a draft, with its buttons: it can be copied, edited, published later.
        let again = h.messages_with(&channel, "Status page draft — Investigating");
        assert_eq!(again[0].buttons().len(), 2);
        // A P2 does not broadcast: no draft.
        let minor = h.declare(ALICE, "P2 Slow reports").await;
        h.command(ALICE, &minor, "status identified").await;
        h.eventually("the P2's status change is said", |s| {
            s.messages(&minor)
                .iter()
                .any(|m| m.plain_text().contains("Identified"))
        })
        .await;
        assert!(h.messages_with(&minor, "Status page draft").is_empty());
        // Raised to P1, it is told to the public from its current status on.
        h.command(ALICE, &minor, "severity P1").await;
        let raised = offer(&h, &minor, "Identified").await;
        assert_eq!(raised.buttons().len(), 2);
        assert!(sp.received().is_empty());
        h.finish().await;
    }
);

both!(
    publishes_once_never_steps_back_and_tells_the_end_after_a_downgrade,
    |b| async move {
        let (h, sp) = start(b, true).await;
        let channel = h.declare(ALICE, "P1 Search returns nothing").await;
        let first = offer(&h, &channel, "Investigating").await;
        let publish = button(&first, "Publish");

        // A double click (or the reporter and another responder at once): one publication.
        let (a, b2) = tokio::join!(
            h.click(ALICE, &first, &publish),
            h.click(ALICE, &first, &publish)
        );
        assert_eq!((a.status, b2.status), (200, 200));
        wait_for("the page incident", || sp.incidents().len() == 1).await;
        h.eventually("the second click is told it went out already", |_| {
            h.told(ALICE, "already published")
        })
        .await;
        let creates = |sp: &FakeStatuspage| {
            sp.received()
                .iter()
                .filter(|r| r.path == format!("/v1/pages/{PAGE}/incidents"))
                .count()
        };
        assert_eq!(creates(&sp), 1);
        assert_eq!(sp.incidents()[0].updates.len(), 1, "one update on the page");

        // Identified is drafted but not published before Monitoring is: the Identified
        // draft can no longer step the page back.
        h.command(ALICE, &channel, "status identified").await;
        let identified = offer(&h, &channel, "Identified").await;
        h.command(ALICE, &channel, "status monitoring").await;
        let monitoring = offer(&h, &channel, "Monitoring").await;
        h.click(ALICE, &identified, &button(&identified, "Publish"))
            .await;
        h.eventually("the old draft is refused", |_| h.told(ALICE, "out of date"))
            .await;
        assert_eq!(sp.incidents()[0].status, "investigating");
        // Someone outside the response may not publish while nobody holds comms or IC.
        h.click(CAROL, &monitoring, &button(&monitoring, "Publish"))
            .await;
        h.eventually("Carol is refused", |_| {
            h.told(CAROL, "people in this incident's response")
        })
        .await;

        // Lowered to P2, which does not broadcast: the public page still hears the end.
        let r = h.command(ALICE, &channel, "severity P2").await;
        assert_eq!(r.status, 200, "{}", r.body);
        h.command(ALICE, &channel, "resolve index rebuilt").await;
        let resolved = offer(&h, &channel, "Resolved").await;
        h.click(ALICE, &resolved, &button(&resolved, "Publish"))
            .await;
        wait_for("the resolution", || sp.incidents()[0].status == "resolved").await;
        assert_eq!(creates(&sp), 1, "the same page incident, updated");
        h.finish().await;
    }
);
