//! Socket Mode: `apps.connections.open` with an app-level token, then the WebSocket Slack
//! pushes envelopes on (hello, envelopes, the app's acks, disconnect).

use super::*;

async fn open_socket(fake: &FakeSlack, authorization: &str) -> Reply {
    send(
        fake,
        "POST",
        "/api/apps.connections.open",
        &[("Authorization", authorization)],
        b"",
    )
    .await
}

#[tokio::test]
async fn connections_open_wants_an_app_token() {
    let fake = fake().await;
    let missing = send(&fake, "POST", "/api/apps.connections.open", &[], b"").await;
    assert_eq!(missing.json()["error"], "not_authed");
    let bot = open_socket(&fake, BEARER).await;
    assert_eq!(
        bot.json()["error"],
        "invalid_auth",
        "the bot token is refused"
    );
    let app = open_socket(&fake, "Bearer xapp-1-A1-1-secret").await;
    let body = app.json();
    assert_eq!(body["ok"], true, "{body}");
    let url = body["url"].as_str().unwrap();
    assert!(
        url.starts_with("ws://127.0.0.1:") && url.contains("/socket?ticket="),
        "{url}"
    );
    assert_eq!(fake.call_count("apps.connections.open"), 1);
    assert_eq!(
        fake.socket_connections(),
        0,
        "no connection until the client connects"
    );
}

#[tokio::test]
async fn socket_mode_hello_envelopes_acks_and_disconnect() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;

    async fn next_json<S>(ws: &mut S) -> Value
    where
        S: futures_util::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>>
            + Unpin,
    {
        loop {
            match tokio::time::timeout(Duration::from_secs(5), ws.next()).await {
                Ok(Some(Ok(Message::Text(t)))) => return serde_json::from_str(&t).unwrap(),
                Ok(Some(Ok(Message::Close(_)))) | Ok(None) => return Value::Null,
                Ok(Some(Ok(_))) => continue,
                other => panic!("no frame: {other:?}"),
            }
        }
    }

    let fake = fake().await;
    let url = open_socket(&fake, "Bearer xapp-1-A1-1-secret").await.json()["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let (mut ws, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
    assert_eq!(next_json(&mut ws).await["type"], "hello");
    assert_eq!(fake.socket_connections(), 1);
    // Tickets are single-use, and made up ones are refused.
    assert!(tokio_tungstenite::connect_async(&url).await.is_err());
    let forged = url.replace("ticket=", "ticket=9");
    assert!(tokio_tungstenite::connect_async(&forged).await.is_err());

    let id = fake
        .socket_send(
            "slash_commands",
            json!({"command": "/incident", "text": "help"}),
        )
        .await;
    let envelope = next_json(&mut ws).await;
    assert_eq!(envelope["envelope_id"], id.as_str());
    assert_eq!(envelope["type"], "slash_commands");
    assert_eq!(envelope["accepts_response_payload"], true);
    assert_eq!(envelope["payload"]["text"], "help");
    assert_eq!(fake.socket_ack(&id, Duration::from_millis(50)).await, None);
    let ack = json!({"envelope_id": id, "payload": {"text": "hi"}});
    ws.send(Message::text(ack.to_string())).await.unwrap();
    assert_eq!(
        fake.socket_ack(&id, Duration::from_secs(5)).await,
        Some(ack)
    );
    assert!(fake.violations().is_empty());
    // An ack payload is the app's answer, judged as the HTTP answer would be.
    let id = fake
        .socket_send(
            "slash_commands",
            json!({"command": "/incident", "text": "help"}),
        )
        .await;
    next_json(&mut ws).await;
    let ack = json!({"envelope_id": id, "payload": {"response_type": "loud", "text": "<!here>"}});
    ws.send(Message::text(ack.to_string())).await.unwrap();
    fake.socket_ack(&id, Duration::from_secs(5)).await.unwrap();
    let rules: Vec<&str> = fake.violations().iter().map(|v| v.rule).collect();
    assert_eq!(rules, vec!["broadcast", "answer"]);

    let id = fake
        .socket_send("events_api", json!({"type": "event_callback"}))
        .await;
    let envelope = next_json(&mut ws).await;
    assert_eq!(envelope["envelope_id"], id.as_str());
    assert_eq!(envelope["accepts_response_payload"], false);
    assert_eq!(envelope["retry_attempt"], 0);

    fake.socket_disconnect();
    let bye = next_json(&mut ws).await;
    assert_eq!(
        bye,
        json!({"type": "disconnect", "reason": "refresh_requested",
        "debug_info": {"host": "applink-fake"}})
    );
    assert_eq!(
        next_json(&mut ws).await,
        Value::Null,
        "then the socket closes"
    );
}
