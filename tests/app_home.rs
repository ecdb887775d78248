//! The App Home tab: opening it publishes the opener's home (`views.publish`) with the open
//! incidents they may see, the roles they hold and their open action items; a Done click
//! in the home completes the item; changes refresh homes already opened.

mod support;

use slack_emulator::View;
use support::*;

/// Declares `text` as `user` from #general; the incident's id and channel.
async fn declare(h: &Harness, user: &str, text: &str) -> (String, String) {
    let reply = h.command(user, GENERAL, &format!("declare {text}")).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let id = incident_id_in(&reply.text()).unwrap_or_else(|| panic!("no id in {}", reply.body));
    let channel = h.channel_of(&id).await;
    (id, channel)
}

/// `user` opens the Home tab (showing what was published before, if anything).
async fn open_home(h: &Harness, user: &str) {
    let shown = h.slack.home(user);
    let reply = h.driver().open_home(user, shown.as_ref()).await.unwrap();
    assert_eq!(reply.status, 200, "{}", reply.body);
}

/// Waits until `user`'s home satisfies `pred`; returns it.
async fn home_where(h: &Harness, user: &str, what: &str, pred: impl Fn(&str) -> bool) -> View {
    h.eventually(&format!("{user}'s home: {what}"), |s| {
        s.home(user).is_some_and(|v| pred(&v.plain_text()))
    })
    .await;
    h.slack.home(user).unwrap()
}

both!(
    the_home_shows_incidents_roles_and_items_private_ones_to_members,
    |b| async move {
        let h = Harness::start(b).await;
        let (public, channel) = declare(&h, ALICE, "P2 Checkout is slow").await;
        let (private, _) = declare(&h, BOB, "--private P1 Credentials leaked in logs").await;
        h.command(ALICE, &channel, &format!("role ic <@{ALICE}>"))
            .await;
        h.command(
            ALICE,
            &channel,
            &format!("action Add a latency alert <@{ALICE}|alice> due 2026-12-01"),
        )
        .await;

        open_home(&h, ALICE).await;
        let ic = h.policy.role("ic").unwrap().name.clone();
        let home = home_where(&h, ALICE, "incident, role and item", |t| {
            t.contains(&public) && t.contains(&ic) && t.contains("Add a latency alert")
        })
        .await;
        let text = home.plain_text();
        assert!(
            !text.contains(&private),
            "a private incident is hidden from a non-member: {text}"
        );
        assert!(text.contains(&format!("IC: <@{ALICE}>")), "{text}");
        assert!(text.contains("Investigating"), "{text}");
        assert!(text.contains("declared "), "its age: {text}");
        assert!(
            text.contains(&format!("<#{channel}>")),
            "its channel: {text}"
        );
        assert!(text.contains("due 2026-12-01"), "{text}");
        let labels: Vec<String> = home.buttons().into_iter().map(|b| b.text).collect();
        assert!(labels.contains(&"Done".to_string()), "{labels:?}");
        assert!(
            labels.contains(&"Declare incident".to_string()),
            "{labels:?}"
        );

        // The private incident's reporter sees it, and the public one.
        open_home(&h, BOB).await;
        let home = home_where(&h, BOB, "both incidents", |t| {
            t.contains(&private) && t.contains(&public)
        })
        .await;
        assert!(home.plain_text().contains("No open action items"));
        assert!(home.plain_text().contains("You hold no role"));
        h.finish().await;
    }
);

both!(
    done_in_the_home_completes_the_item_and_the_home_refreshes,
    |b| async move {
        let h = Harness::start(b).await;
        let (id, channel) = declare(&h, ALICE, "P2 Search results are stale").await;
        h.command(
            ALICE,
            &channel,
            &format!("action Reindex nightly <@{ALICE}|alice>"),
        )
        .await;
        open_home(&h, ALICE).await;
        let home = home_where(&h, ALICE, "the item", |t| t.contains("Reindex nightly")).await;
        let done = home
            .buttons()
            .into_iter()
            .find(|b| b.text == "Done")
            .expect("a Done button");
        // A click in the home: no channel, no message, no response_url.
        let reply = h.driver().click_in_view(ALICE, &home, &done).await.unwrap();
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert!(reply.body.is_empty(), "{}", reply.body);

        home_where(&h, ALICE, "no open item left", |t| {
            t.contains("No open action items") && t.contains(&id)
        })
        .await;
        let api = h.api(&format!("/api/incidents/{id}")).await;
        assert_eq!(api.status, 200, "{}", api.body);
        let items = api.json()["action_items"].clone();
        assert_eq!(items[0]["done"], true, "{items}");
        h.finish().await;
    }
);

both!(
    declaring_refreshes_an_opened_home_and_titles_are_escaped,
    |b| async move {
        let h = Harness::start(b).await;
        open_home(&h, CAROL).await;
        home_where(&h, CAROL, "empty", |t| t.contains("No open incidents")).await;
        let publishes = h.slack.home_publishes(CAROL);

        let (id, channel) = declare(&h, BOB, "P3 <!channel> please look & see").await;
        let home = home_where(&h, CAROL, "the new incident with its channel", |t| {
            t.contains(&id) && t.contains(&format!("<#{channel}>"))
        })
        .await;
        let text = home.plain_text();
        assert!(
            text.contains("&lt;!channel&gt; please look &amp; see"),
            "{text}"
        );
        assert!(!text.contains("<!channel>"), "{text}");
        assert!(h.slack.home_publishes(CAROL) > publishes);

        // A change to the incident refreshes it again.
        h.command(BOB, &channel, "severity P2").await;
        let p2 = h.policy.severity("P2").unwrap().display();
        home_where(&h, CAROL, "the new severity", |t| t.contains(&p2)).await;
        // Text safety (no broadcast reached the home) is checked by finish().
        h.finish().await;
    }
);

/// The people whose App Home is remembered.
async fn home_viewers(url: &str) -> Vec<String> {
    use sqlx::Row;
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    let rows = sqlx::query("SELECT user_id FROM home_viewers ORDER BY user_id")
        .fetch_all(&pool)
        .await
        .unwrap();
    pool.close().await;
    rows.iter().map(|r| r.try_get("user_id").unwrap()).collect()
}

/// The `publish_home` effects waiting for `user`.
async fn pending_homes(url: &str, user: &str) -> i64 {
    use sqlx::Row;
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    let n: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM outbox WHERE kind = 'publish_home' AND state = 'pending' AND lane = $1",
    )
    .bind(format!("home:{user}"))
    .fetch_one(&pool)
    .await
    .unwrap()
    .try_get("n")
    .unwrap();
    pool.close().await;
    n
}

both!(
    refreshes_are_debounced_to_one_waiting_publication_per_person,
    |b| async move {
        use warroom::incident::{declare, Ctx, DeclareRequest};
        use warroom::store::{Store, HOME_REFRESH_WINDOW_MS};
        let url = fresh_database(b).await;
        let store = Store::connect(&url).await.unwrap();
        store.migrate().await.unwrap();
        let policy = test_policy();
        let now = 1_764_000_000_000_i64;
        let declare_one = |title: String| {
            let store = store.clone();
            let policy = policy.clone();
            async move {
                let ctx = Ctx {
                    policy: &policy,
                    now,
                    actor: BOB,
                    paging: false,
                    webhooks: false,
                    statuspage: false,
                    public_story: false,
                };
                let req = DeclareRequest {
                    title,
                    severity: "P2".into(),
                    private: false,
                    drill: false,
                    reporter: BOB.into(),
                    origin_channel: GENERAL.into(),
                    description: String::new(),
                    service: String::new(),
                    impact: String::new(),
                };
                store
                    .declare("2026-11-24", now, |id| declare(id, req, &ctx))
                    .await
                    .unwrap()
                    .unwrap();
            }
        };

        // Opening twice queues one publication; so do five declarations.
        assert!(store.home_opened(ALICE, now).await.unwrap());
        assert!(!store.home_opened(ALICE, now).await.unwrap());
        // Carol opened hers long ago: changes no longer refresh it.
        assert!(store
            .home_opened(CAROL, now - HOME_REFRESH_WINDOW_MS - 1)
            .await
            .unwrap());
        let carol_before = pending_homes(&url, CAROL).await;
        for n in 0..5 {
            declare_one(format!("Incident {n}")).await;
        }
        assert_eq!(pending_homes(&url, ALICE).await, 1);
        assert_eq!(pending_homes(&url, CAROL).await, carol_before);

        // Once the worker has claimed it (it may render before the next change), one more
        // may wait behind it — and only one, however many changes follow.
        let claimed = store.claim_effects(now, now + 60_000, 100).await.unwrap();
        assert!(claimed.iter().any(|r| r.lane == format!("home:{ALICE}")));
        for n in 5..10 {
            declare_one(format!("Incident {n}")).await;
        }
        assert_eq!(pending_homes(&url, ALICE).await, 2);

        // The periodic prune (finished effects older than `before`) forgets people who have
        // not opened their home for longer than it is refreshed, after `before`.
        assert_eq!(home_viewers(&url).await, [ALICE, CAROL]);
        store.prune(now).await.unwrap();
        assert_eq!(home_viewers(&url).await, [ALICE]);
        store.close().await;
    }
);
