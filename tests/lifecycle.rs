//! The incident lifecycle end to end through the fake Slack: declare (command and
//! modal), channel, card, roles, status, severity, updates, resolve, close, and the
//! errors that change nothing.

mod support;

use std::time::Duration;
use support::*;

fn today() -> String {
    chrono::Utc::now().format("%Y%m%d").to_string()
}

both!(declare_one_line_does_the_seven_steps, |b| async move {
    let h = Harness::start(b).await;
    let reply = h
        .command(ALICE, GENERAL, "declare P0 Checkout API returns 500s")
        .await;
    assert_eq!(reply.json()["response_type"], "ephemeral");
    let id = incident_id_in(&reply.text()).unwrap();
    assert!(
        id.starts_with(&format!("INC-{}-", chrono::Utc::now().format("%Y-%m-%d"))),
        "{id}"
    );
    assert!(id.ends_with("-001"), "first incident of the day: {id}");
    let channel_id = h.channel_of(&id).await;
    h.eventually("declarer told", |s| {
        s.ephemerals().iter().any(|e| {
            e.user == ALICE && e.channel == GENERAL && e.text.contains(&format!("<#{channel_id}>"))
        })
    })
    .await;
    h.eventually("announced", |s| {
        s.messages(ANNOUNCE).iter().any(|m| m.text.contains(&id))
    })
    .await;

    // 2. channel name, 3. members.
    let channel = h.slack.channel(&channel_id).unwrap();
    assert_eq!(
        channel.name,
        format!("incident-{}-checkout-api-returns-500s", today())
    );
    assert!(!channel.is_private);
    assert!(
        channel.members.contains(&ALICE.to_string()),
        "reporter invited"
    );
    assert!(
        channel.members.contains(&ONCALL.to_string()),
        "P0 auto_invite"
    );
    // 4. topic.
    assert_eq!(
        channel.topic,
        format!("{id} | P0 Critical | Investigating | IC: unassigned")
    );
    // 5. pinned card with the role board.
    let card = h.card(&channel_id);
    let text = card.plain_text();
    for needle in [
        "Checkout API returns 500s",
        "P0 Critical",
        "Investigating",
        &format!("<@{ALICE}>"),
        "Next update due",
        "Incident Commander",
        "Technical Lead",
        "Communications Lead",
        "Scribe",
    ] {
        assert!(text.contains(needle), "card lacks {needle}: {text}");
    }
    let take = card
        .buttons()
        .into_iter()
        .filter(|b| b.text == "Take role")
        .count();
    assert_eq!(take, 4, "a Take role button per role");
    let selects = card.blocks.to_string().matches("users_select").count();
    assert_eq!(selects, 4, "a user-select per role");
    // 6. announcement with a Join button.
    let announcement = h.messages_with(ANNOUNCE, &id).remove(0);
    assert!(announcement
        .plain_text()
        .contains(&format!("<#{channel_id}>")));
    // Join from the announcement: Carol is invited to the incident channel.
    h.click(CAROL, &announcement, &button(&announcement, "Join"))
        .await;
    h.eventually("Carol joined", |s| {
        s.channel(&channel_id)
            .unwrap()
            .members
            .contains(&CAROL.to_string())
    })
    .await;
    // Each step once.
    assert_eq!(h.slack.call_count("conversations.create"), 1);
    assert_eq!(h.slack.call_count("pins.add"), 1);
    h.finish().await;
});

both!(private_incidents_stay_private, |b| async move {
    let h = Harness::start(b).await;
    let channel_id = h
        .declare(BOB, "--private P1 Credentials leaked in logs")
        .await;
    let channel = h.slack.channel(&channel_id).unwrap();
    assert!(channel.is_private);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(h.slack.messages(ANNOUNCE).is_empty(), "not announced");
    assert!(!h
        .command(ALICE, GENERAL, "list")
        .await
        .text()
        .contains("Credentials"));
    h.finish().await;
});

both!(channel_names_are_sane_and_unique, |b| async move {
    let h = Harness::start(b).await;
    let first = h.declare(ALICE, "P2 Café crème — paiements échoués!").await;
    let second = h.declare(BOB, "P2 Café crème — paiements échoués!").await;
    let third = h.declare(BOB, "P3 支付失败 🔥").await;
    let name = |id: &str| h.slack.channel(id).unwrap().name;
    assert_eq!(
        name(&first),
        format!("incident-{}-cafe-creme-paiements-echoues", today())
    );
    assert_eq!(
        name(&second),
        format!("incident-{}-cafe-creme-paiements-echoues-2", today())
    );
    // Any script is transliterated; nothing usable left falls back to the incident id.
    assert_eq!(
        name(&third),
        format!("incident-{}-zhi-fu-shi-bai-fire", today())
    );
    let fourth = h.declare(BOB, "P3 !!! ??? \u{202E}\u{200B}").await;
    assert_eq!(name(&fourth), format!("incident-{}-inc-004", today()));
    let hidden = h.declare(BOB, "P3 pay\u{202E}ment\u{200B}s").await;
    assert_eq!(name(&hidden), format!("incident-{}-payments", today()));
    let long = h
        .declare(ALICE, &format!("P3 {}", "very long title ".repeat(10)))
        .await;
    assert!(name(&long).len() <= 80);
    h.finish().await;
});

both!(
    declare_modal_with_field_errors_and_priority_matrix,
    |b| async move {
        let h = Harness::start(b).await;
        let r = h.command(ALICE, GENERAL, "").await;
        assert_eq!(r.status, 200);
        let view = h.last_view("declare_incident");
        let severity_options = view.view["blocks"][1]["element"]["options"]
            .as_array()
            .unwrap()
            .len();
        assert_eq!(severity_options, 4);
        assert!(
            view.view
                .to_string()
                .contains("Complete outage, data loss or security breach"),
            "severity descriptions"
        );

        // No title, no severity: field errors, nothing declared.
        let r = h.submit(ALICE, &view, &[]).await;
        assert_eq!(r.json()["response_action"], "errors", "{}", r.body);
        assert!(r.json()["errors"]["title"].is_string());
        assert!(r.json()["errors"]["severity"].is_string());
        let r = h
            .submit(ALICE, &view, &[("title", "Logins fail"), ("impact", "all")])
            .await;
        assert!(
            r.json()["errors"]["severity"].is_string(),
            "impact alone does not determine a severity"
        );
        assert!(h
            .command(ALICE, GENERAL, "list")
            .await
            .text()
            .contains("No open incidents"));

        // Impact + urgency suggest the severity (all users, complete failure → most severe).
        let r = h
            .submit(
                ALICE,
                &view,
                &[
                    ("title", "Logins fail everywhere"),
                    ("impact", "all"),
                    ("urgency", "complete"),
                    ("service", "auth"),
                    ("description", "SSO returns 502"),
                ],
            )
            .await;
        assert_eq!(r.status, 200);
        assert_eq!(r.body, "", "an empty 200 closes the modal");
        let list = h.command(ALICE, GENERAL, "list").await.text();
        assert!(
            list.contains("Logins fail everywhere") && list.contains("P0 Critical"),
            "{list}"
        );
        let id = incident_id_in(&list).unwrap();
        let channel = h.channel_of(&id).await;
        let card = h.card(&channel).plain_text();
        assert!(
            card.contains("auth") && card.contains("SSO returns 502") && card.contains("All users"),
            "{card}"
        );

        // An explicit severity wins; private checkbox makes it private.
        h.command(BOB, GENERAL, "declare").await;
        let view = h.last_view("declare_incident");
        h.submit(
            BOB,
            &view,
            &[
                ("title", "Quiet leak"),
                ("severity", "P3"),
                ("private", "private"),
            ],
        )
        .await;
        let bobs = h.command(BOB, GENERAL, "list").await.text();
        assert!(
            bobs.contains("Quiet leak") && bobs.contains("P3 Low"),
            "{bobs}"
        );
        h.finish().await;
    }
);

both!(roles_take_assign_handover, |b| async move {
    let h = Harness::start(b).await;
    let channel = h.declare(ALICE, "P1 Payments timing out").await;
    let card = h.card(&channel);
    let ic_row = card
        .buttons()
        .into_iter()
        .find(|b| b.text == "Take role" && b.block_id.ends_with(":ic"))
        .unwrap();
    // Bob takes IC with the button.
    assert_eq!(h.click(BOB, &card, &ic_row).await.status, 200);
    h.eventually("card shows Bob as IC", |_| {
        h.card(&channel)
            .plain_text()
            .contains(&format!("*Incident Commander*: <@{BOB}>"))
    })
    .await;
    h.eventually("topic shows Bob", |s| {
        s.channel(&channel)
            .unwrap()
            .topic
            .ends_with(&format!("IC: <@{BOB}>"))
    })
    .await;
    h.eventually("Bob invited and told his duties", |s| {
        s.channel(&channel)
            .unwrap()
            .members
            .contains(&BOB.to_string())
            && s.ephemerals().iter().any(|e| {
                e.user == BOB
                    && e.text.contains("Incident Commander")
                    && e.text.contains("Coordinate")
            })
    })
    .await;
    assert_eq!(
        h.messages_with(&channel, &format!("<@{BOB}> is now *Incident Commander*"))
            .len(),
        1
    );
    h.eventually("announcement shows the IC", |_| {
        h.messages_with(ANNOUNCE, &format!("*IC:* <@{BOB}>")).len() == 1
    })
    .await;

    // Assign tech with the user-select, comms with the command (escaped mention form).
    let tech_block = card
        .buttons()
        .into_iter()
        .find(|b| b.block_id.ends_with(":tech"))
        .unwrap()
        .block_id;
    h.select_user(BOB, &card, &tech_block, CAROL).await;
    h.command(BOB, &channel, &format!("role comms <@{ALICE}|alice>"))
        .await;
    h.eventually("card shows tech and comms", |_| {
        let t = h.card(&channel).plain_text();
        t.contains(&format!("*Technical Lead*: <@{CAROL}>"))
            && t.contains(&format!("*Communications Lead*: <@{ALICE}>"))
    })
    .await;
    h.eventually("Carol invited", |s| {
        s.channel(&channel)
            .unwrap()
            .members
            .contains(&CAROL.to_string())
    })
    .await;

    // Carol can't take IC from Bob; the admin can (a handover).
    let r = h.click(CAROL, &card, &ic_row).await;
    assert_eq!(r.status, 200);
    h.eventually("Carol told why", |_| {
        !h.ephemerals_to(CAROL, "Only the Incident Commander")
            .is_empty()
    })
    .await;
    let r = h
        .command(CAROL, &channel, &format!("role ic <@{CAROL}>"))
        .await;
    assert!(
        r.text().contains("Only the Incident Commander"),
        "{}",
        r.text()
    );
    let r = h
        .command(ADMIN, &channel, &format!("role ic <@{ADMIN}>"))
        .await;
    assert_eq!(r.status, 200);
    h.eventually("handover posted", |_| {
        h.messages_with(&channel, "handed over").len() == 1
    })
    .await;
    let timeline = h.command(ADMIN, &channel, "timeline").await.text();
    assert!(
        timeline.contains(&format!(
            "Incident Commander handed over from <@{BOB}> to <@{ADMIN}>"
        )),
        "{timeline}"
    );
    // Bob (now not IC) can take an unheld role himself.
    h.command(BOB, &channel, &format!("role scribe <@{BOB}>"))
        .await;
    h.eventually("scribe", |_| {
        h.card(&channel)
            .plain_text()
            .contains(&format!("*Scribe*: <@{BOB}>"))
    })
    .await;

    // `roles` posts the board with buttons.
    h.command(BOB, &channel, "roles").await;
    h.eventually("role board posted", |_| {
        h.messages_with(&channel, "Roles of")
            .iter()
            .any(|m| m.buttons().iter().filter(|b| b.text == "Take role").count() == 4)
    })
    .await;
    // Errors: unknown role; a command outside an incident channel.
    let r = h
        .command(BOB, &channel, &format!("role chef <@{BOB}>"))
        .await;
    assert!(
        r.text().contains("Unknown role `chef`") && r.text().contains("ic|tech|comms|scribe"),
        "{}",
        r.text()
    );
    let r = h.command(BOB, GENERAL, "roles").await;
    assert!(r.text().contains("only in an incident"), "{}", r.text());
    h.finish().await;
});

both!(status_and_severity_move_the_incident, |b| async move {
    let h = Harness::start(b).await;
    let channel = h.declare(ALICE, "P2 Search results stale").await;
    let id = incident_id_in(&h.card(&channel).text).unwrap();
    h.command(ALICE, &channel, "status identified").await;
    h.eventually("status shown everywhere", |s| {
        s.channel(&channel)
            .unwrap()
            .topic
            .contains("| Identified |")
            && h.card(&channel).plain_text().contains("Identified")
    })
    .await;
    // Unknown severity; then Bob becomes IC and Alice may no longer re-grade.
    let r = h.command(ALICE, &channel, "severity P9").await;
    assert!(
        r.text().contains("Unknown severity `P9`") && r.text().contains("P0|P1|P2|P3"),
        "{}",
        r.text()
    );
    h.command(BOB, &channel, &format!("role ic <@{BOB}>")).await;
    let r = h.command(ALICE, &channel, "severity P1").await;
    assert!(
        r.text().contains("Only the Incident Commander"),
        "{}",
        r.text()
    );
    let r = h.command(BOB, &channel, "severity P1").await;
    assert_eq!(r.status, 200);
    h.eventually("severity shown everywhere", |s| {
        s.channel(&channel).unwrap().topic == format!("{id} | P1 High | Identified | IC: <@{BOB}>")
            && h.card(&channel).plain_text().contains("P1 High")
            && h.messages_with(ANNOUNCE, &id)
                .iter()
                .any(|m| m.plain_text().contains("P1 High") && m.edits > 0)
    })
    .await;
    // The message goes out in the channel's own lane, beside the topic and card edits.
    h.eventually("the change said in the channel", |_| {
        !h.messages_with(&channel, "Severity changed P2 → *P1 High*")
            .is_empty()
    })
    .await;
    assert_eq!(
        h.messages_with(&channel, "Severity changed P2 → *P1 High*")
            .len(),
        1
    );
    assert_eq!(
        h.messages_with(ANNOUNCE, &id).len(),
        1,
        "the announcement is edited, not reposted"
    );
    h.finish().await;
});

both!(updates_by_modal_and_command, |b| async move {
    let h = Harness::start(b).await;
    let channel = h.declare(ALICE, "P1 Checkout latency").await;
    let id = incident_id_in(&h.card(&channel).text).unwrap();
    // The card's "Post update" button opens the template modal.
    let card = h.card(&channel);
    h.click(ALICE, &card, &button(&card, "Post update")).await;
    let view = h.last_view("post_update");
    let r = h.submit(ALICE, &view, &[("status", "mitigating")]).await;
    assert!(
        r.json()["errors"]["summary"].is_string(),
        "summary required: {}",
        r.body
    );
    let r = h
        .submit(
            ALICE,
            &view,
            &[
                ("status", "mitigating"),
                ("summary", "Rolled back 1234"),
                ("impact", "5% of checkouts slow"),
                ("actions_taken", "Rollback"),
                ("next_steps", "Watch p99"),
                ("eta", "15 min"),
            ],
        )
        .await;
    assert_eq!(r.body, "");
    h.eventually("update posted with the template", |_| {
        h.messages_with(&channel, "Status Update").iter().any(|m| {
            let t = m.plain_text();
            t.contains("*Current Status:* Mitigating — Rolled back 1234")
                && t.contains("*Impact:* 5% of checkouts slow")
                && t.contains("*Actions Taken:* Rollback")
                && t.contains("*Next Steps:* Watch p99")
                && t.contains("*ETA:* 15 min")
                && t.contains("Next update due by")
        })
    })
    .await;
    // P1 broadcasts: mirrored in the announcement thread.
    h.eventually("mirrored to the announcement thread", |s| {
        s.messages(ANNOUNCE)
            .iter()
            .any(|m| m.thread_ts.is_some() && m.text.contains("Rolled back 1234"))
    })
    .await;
    h.eventually("status moved by the update", |s| {
        s.channel(&channel).unwrap().topic.contains("Mitigating")
    })
    .await;
    // The short form.
    h.command(BOB, &channel, "update Error rate back to baseline")
        .await;
    h.eventually("short update", |_| {
        !h.messages_with(&channel, "Error rate back to baseline")
            .is_empty()
    })
    .await;
    let timeline = h.command(BOB, &channel, "timeline").await.text();
    assert!(
        timeline.contains("Update (mitigating): Rolled back 1234")
            && timeline.contains("Error rate back to baseline"),
        "{timeline}"
    );
    assert!(timeline.contains(&id));
    h.finish().await;
});

both!(resolve_and_close, |b| async move {
    let h = Harness::start(b).await;
    let channel = h.declare(ALICE, "P2 Image uploads fail").await;
    h.command(BOB, &channel, &format!("role ic <@{BOB}>")).await;
    // Not the IC: refused, ephemerally.
    let r = h.command(ALICE, &channel, "resolve fixed it").await;
    assert!(r.text().contains("Only the Incident Commander"));
    let r = h.command(ALICE, &channel, "close").await;
    assert!(r.text().contains("Only the Incident Commander"));
    // `resolve` without a summary asks for one in a modal.
    h.command(BOB, &channel, "resolve").await;
    let view = h.last_view("resolve_incident");
    let r = h.submit(BOB, &view, &[]).await;
    assert!(r.json()["errors"]["summary"].is_string());
    let r = h
        .submit(BOB, &view, &[("summary", "Bucket policy reverted")])
        .await;
    assert_eq!(r.body, "");
    h.eventually("resolved everywhere", |s| {
        s.channel(&channel).unwrap().topic.contains("| Resolved |")
            && h.messages_with(&channel, "*Resolved* by")
                .iter()
                .any(|m| m.text.contains("Bucket policy reverted"))
            && h.card(&channel)
                .buttons()
                .iter()
                .all(|b| b.text != "Take role")
    })
    .await;
    let r = h.command(BOB, &channel, "update still here").await;
    assert!(r.text().contains("resolved"), "{}", r.text());
    // Reopening (resolved → an open status) restarts the incident's clocks.
    let r = h.command(BOB, &channel, "status monitoring").await;
    assert_eq!(r.status, 200);
    h.eventually("reopened", |s| {
        s.channel(&channel)
            .unwrap()
            .topic
            .contains("| Monitoring |")
    })
    .await;
    let timeline = h.command(BOB, &channel, "timeline").await.text();
    assert!(timeline.contains("Reopened as Monitoring"), "{timeline}");
    h.command(BOB, &channel, "resolve Bucket policy reverted, for good")
        .await;
    h.eventually("resolved again", |s| {
        s.channel(&channel).unwrap().topic.contains("| Resolved |")
    })
    .await;
    h.command(BOB, &channel, "close --force").await;
    h.eventually("closed", |s| {
        s.channel(&channel).unwrap().topic.contains("| Closed |")
    })
    .await;
    for cmd in ["status investigating", "severity P1", "resolve again"] {
        let r = h.command(BOB, &channel, cmd).await;
        assert!(r.text().contains("closed"), "{cmd}: {}", r.text());
    }
    assert!(!h
        .command(BOB, GENERAL, "list")
        .await
        .text()
        .contains("Image uploads"));
    h.finish().await;
});

both!(
    answers_within_three_seconds_when_slack_is_slow,
    |b| async move {
        let h = Harness::start(b).await;
        let channel = h.declare(ALICE, "P1 Slow Slack").await;
        let card = h.card(&channel);
        h.slack.set_faults(Faults {
            latency: Duration::from_secs(2),
            ..Faults::default()
        });
        let timed = |started: std::time::Instant, what: &str| {
            let took = started.elapsed();
            assert!(took < Duration::from_secs(3), "{what} took {took:?}");
        };
        let t = std::time::Instant::now();
        assert_eq!(
            h.command(BOB, GENERAL, "declare P2 Another one")
                .await
                .status,
            200
        );
        timed(t, "declare");
        let t = std::time::Instant::now();
        h.command(ALICE, &channel, "status mitigating").await;
        timed(t, "status");
        let t = std::time::Instant::now();
        h.click(BOB, &card, &card.buttons()[0]).await;
        timed(t, "take role");
        let t = std::time::Instant::now();
        h.command(ALICE, &channel, "update").await;
        timed(t, "update modal (views.open is the one inline call)");
        let t = std::time::Instant::now();
        h.command(ALICE, GENERAL, "").await;
        timed(t, "declare modal");
        let t = std::time::Instant::now();
        h.command(ALICE, &channel, "update All good").await;
        timed(t, "update");
        h.slack.set_faults(Faults::default());
        h.finish().await;
    }
);
