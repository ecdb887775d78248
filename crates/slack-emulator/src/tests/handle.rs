//! What tests do through the `FakeSlack` handle rather than the Web API: seed human
//! messages, and wait for changes other tasks make.

use super::*;

#[tokio::test]
async fn wait_until_sees_changes_made_by_other_tasks() {
    let fake = fake().await;
    let poster = fake.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(30)).await;
        post_json(
            &poster,
            "chat.postMessage",
            json!({"channel": "C0GENERAL", "text": "later"}),
        )
        .await;
    });
    assert!(
        fake.wait_until(Duration::from_secs(5), |f| !f
            .messages("C0GENERAL")
            .is_empty())
            .await
    );
    assert!(
        !fake
            .wait_until(Duration::from_millis(30), |f| f.messages("C0GENERAL").len()
                > 1)
            .await
    );
}

#[tokio::test]
async fn human_messages_can_be_seeded() {
    let fake = fake().await;
    let ts = fake
        .post_user_message("C0GENERAL", "U1", "db is down", None)
        .unwrap();
    assert!(fake.post_user_message("C404", "U1", "x", None).is_none());
    let reply = post_json(
        &fake,
        "chat.update",
        json!({"channel": "C0GENERAL", "ts": ts, "text": "mine now"}),
    )
    .await;
    assert_eq!(reply.json()["error"], "cant_update_message");
    assert!(fake.transcript("C0GENERAL").contains("alice: db is down"));
}
