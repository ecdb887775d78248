//! End-to-end tests over real HTTP: requests are written by hand on a TCP socket, the way any
//! client's bytes would arrive, so encoding, headers and status codes are checked as sent.

use super::*;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const TOKEN: &str = "xoxb-test-token";

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

/// One HTTP/1.1 request on a fresh connection (`Connection: close`, so the server ends the
/// reply by closing).
async fn send(
    fake: &FakeSlack,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Reply {
    let mut stream = TcpStream::connect(fake.addr).await.unwrap();
    let mut request = format!(
        "{method} {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
        fake.addr,
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Reply {
        status,
        headers,
        body: body.to_owned(),
    }
}

const BEARER: &str = "Bearer xoxb-test-token";

async fn post_json(fake: &FakeSlack, method: &str, body: Value) -> Reply {
    send(
        fake,
        "POST",
        &format!("/api/{method}"),
        &[
            ("Authorization", BEARER),
            ("Content-Type", "application/json; charset=utf-8"),
        ],
        body.to_string().as_bytes(),
    )
    .await
}

async fn post_form(fake: &FakeSlack, method: &str, form: &[(&str, &str)]) -> Reply {
    let body = serde_urlencoded::to_string(form).unwrap();
    send(
        fake,
        "POST",
        &format!("/api/{method}"),
        &[
            ("Authorization", BEARER),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        body.as_bytes(),
    )
    .await
}

async fn get(fake: &FakeSlack, method: &str, query: &[(&str, &str)]) -> Reply {
    let query = serde_urlencoded::to_string(query).unwrap();
    send(
        fake,
        "GET",
        &format!("/api/{method}?{query}"),
        &[("Authorization", BEARER)],
        b"",
    )
    .await
}

async fn fake() -> FakeSlack {
    let fake = FakeSlack::start(TOKEN).await.unwrap();
    fake.add_user("U1", "alice");
    fake.add_user("U2", "bob");
    fake.add_channel("C0GENERAL", "general", &["U1"]);
    fake
}

#[tokio::test]
async fn api_url_points_at_the_server() {
    let fake = fake().await;
    assert_eq!(fake.api_url(), format!("http://{}/api", fake.addr));
    let reply = get(&fake, "auth.test", &[]).await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    let body = reply.json();
    assert_eq!(body["ok"], true);
    assert_eq!(body["user_id"], "U0BOT");
}

#[tokio::test]
async fn auth_failures_answer_200_with_slack_codes() {
    let fake = fake().await;
    let missing = send(&fake, "POST", "/api/auth.test", &[], b"").await;
    assert_eq!(missing.status, 200);
    assert_eq!(missing.json(), json!({"ok": false, "error": "not_authed"}));
    let wrong = send(
        &fake,
        "POST",
        "/api/auth.test",
        &[("Authorization", "Bearer xoxb-wrong")],
        b"",
    )
    .await;
    assert_eq!(wrong.json()["error"], "invalid_auth");
    // A token argument works where the header is missing.
    let form = send(
        &fake,
        "POST",
        "/api/auth.test",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        b"token=xoxb-test-token",
    )
    .await;
    assert_eq!(form.json()["ok"], true);
    let unknown = post_json(&fake, "chat.scheduleMessage", json!({})).await;
    assert_eq!(unknown.json()["error"], "unknown_method");
    let calls = fake.calls();
    assert_eq!(calls.len(), 4);
    assert_eq!(calls[0].error.as_deref(), Some("not_authed"));
    assert!(calls[2].ok);
    assert_eq!(calls[2].args, json!({}), "the token is not recorded");
    assert_eq!(fake.call_count("auth.test"), 1);
}

#[tokio::test]
async fn create_name_taken_and_invalid_names() {
    let fake = fake().await;
    let reply = post_json(&fake, "conversations.create", json!({"name": "inc-1"})).await;
    let body = reply.json();
    assert_eq!(body["ok"], true, "{body}");
    let id = body["channel"]["id"].as_str().unwrap().to_owned();
    assert_eq!(fake.channel_by_name("inc-1").unwrap().id, id);

    let taken = post_form(&fake, "conversations.create", &[("name", "inc-1")]).await;
    assert_eq!(taken.json(), json!({"ok": false, "error": "name_taken"}));
    let bad = post_form(&fake, "conversations.create", &[("name", "Inc 1")]).await;
    assert_eq!(bad.json()["error"], "invalid_name_specials");
    assert_eq!(fake.channels().len(), 2);
    assert_eq!(fake.call_count("conversations.create"), 1);
}

#[tokio::test]
async fn invite_with_csv_and_json_array() {
    let fake = fake().await;
    let id = post_json(&fake, "conversations.create", json!({"name": "inc"}))
        .await
        .json()["channel"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let csv = post_form(
        &fake,
        "conversations.invite",
        &[("channel", &id), ("users", "U1")],
    )
    .await;
    assert_eq!(csv.json()["ok"], true);
    let again = post_json(
        &fake,
        "conversations.invite",
        json!({"channel": id, "users": ["U1"]}),
    )
    .await;
    assert_eq!(again.json()["error"], "already_in_channel");
    let array = post_json(
        &fake,
        "conversations.invite",
        json!({"channel": id, "users": ["U1", "U2"]}),
    )
    .await;
    assert_eq!(array.json()["channel"]["num_members"], 3);
    assert_eq!(
        fake.channel(&id).unwrap().members,
        vec!["U0BOT", "U1", "U2"]
    );
}

#[tokio::test]
async fn post_thread_update_pin_over_every_encoding() {
    let fake = fake().await;
    let id = post_json(&fake, "conversations.create", json!({"name": "inc"}))
        .await
        .json()["channel"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let blocks = json!([{"type": "section", "block_id": "b",
                         "text": {"type": "mrkdwn", "text": "*INC-1* declared"},
                         "accessory": {"type": "button", "action_id": "take_role", "value": "ic",
                                       "text": {"type": "plain_text", "text": "Take IC"}}}]);
    // Blocks as JSON text in a form field.
    let posted = post_form(
        &fake,
        "chat.postMessage",
        &[
            ("channel", &id),
            ("text", "INC-1"),
            ("blocks", &blocks.to_string()),
        ],
    )
    .await
    .json();
    assert_eq!(posted["ok"], true, "{posted}");
    let ts = posted["ts"].as_str().unwrap().to_owned();
    let reply = post_json(
        &fake,
        "chat.postMessage",
        json!({"channel": id, "text": "update 1", "thread_ts": ts}),
    )
    .await
    .json();
    assert_eq!(reply["message"]["thread_ts"], ts.as_str());
    let updated = post_json(
        &fake,
        "chat.update",
        json!({"channel": id, "ts": ts, "text": "INC-1 (P1)"}),
    )
    .await
    .json();
    assert_eq!(updated["ok"], true);
    let pinned = post_form(&fake, "pins.add", &[("channel", &id), ("timestamp", &ts)]).await;
    assert_eq!(pinned.json(), json!({"ok": true}));

    // Reads over GET with a query string.
    let info = get(&fake, "conversations.info", &[("channel", &id)])
        .await
        .json();
    assert_eq!(info["channel"]["name"], "inc");

    let messages = fake.messages(&id);
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[0].text, "INC-1 (P1)");
    assert_eq!(messages[0].edits, 1);
    assert_eq!(messages[0].blocks, blocks);
    assert_eq!(messages[0].buttons()[0].action_id, "take_role");
    assert!(messages[0].plain_text().contains("*INC-1* declared"));
    assert_eq!(messages[1].thread_ts.as_deref(), Some(ts.as_str()));
    assert_eq!(fake.channel(&id).unwrap().pins, vec![ts]);
    let transcript = fake.transcript(&id);
    assert!(
        transcript.starts_with("warroom (edited): INC-1 (P1)"),
        "{transcript}"
    );
    assert!(
        transcript.contains("    ↳ warroom: update 1"),
        "{transcript}"
    );
}

#[tokio::test]
async fn ephemeral_checks_membership() {
    let fake = fake().await;
    let ok = post_json(
        &fake,
        "chat.postEphemeral",
        json!({"channel": "C0GENERAL", "user": "U1", "text": "psst"}),
    )
    .await
    .json();
    assert_eq!(ok["ok"], true);
    assert!(ok["message_ts"].is_string());
    let not_member = post_json(
        &fake,
        "chat.postEphemeral",
        json!({"channel": "C0GENERAL", "user": "U2", "text": "psst"}),
    )
    .await;
    assert_eq!(not_member.json()["error"], "user_not_in_channel");
    assert_eq!(fake.ephemerals().len(), 1);
}

#[tokio::test]
async fn views_open_trigger_is_single_use() {
    let fake = fake().await;
    let view = json!({"type": "modal", "title": {"type": "plain_text", "text": "Declare"},
                      "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}]});
    let first = post_json(
        &fake,
        "views.open",
        json!({"trigger_id": "123.456.abc", "view": view}),
    )
    .await
    .json();
    assert_eq!(first["ok"], true, "{first}");
    assert_eq!(first["view"]["title"]["text"], "Declare");
    let second = post_form(
        &fake,
        "views.open",
        &[("trigger_id", "123.456.abc"), ("view", &view.to_string())],
    )
    .await;
    assert_eq!(second.json()["error"], "exchanged_trigger_id");
    let views = fake.views();
    assert_eq!(views.len(), 1);
    assert_eq!(views[0].view, view);
}

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
async fn file_upload_round_trip() {
    let fake = fake().await;
    let id = post_json(&fake, "conversations.create", json!({"name": "inc"}))
        .await
        .json()["channel"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let url = get(
        &fake,
        "files.getUploadURLExternal",
        &[("filename", "pm.md"), ("length", "9")],
    )
    .await
    .json();
    let upload_url = url["upload_url"].as_str().unwrap();
    let path = upload_url.split_once(&fake.addr.to_string()).unwrap().1;
    let uploaded = send(
        &fake,
        "POST",
        path,
        &[("Content-Type", "text/markdown")],
        b"# Summary",
    )
    .await;
    assert_eq!(uploaded.status, 200);
    assert_eq!(uploaded.body, "OK - 9");
    assert!(uploaded
        .header("content-type")
        .unwrap()
        .starts_with("text/plain"));
    let done = post_json(
        &fake,
        "files.completeUploadExternal",
        json!({"files": [{"id": url["file_id"], "title": "Post-mortem"}],
               "channel_id": id, "initial_comment": "Draft"}),
    )
    .await
    .json();
    assert_eq!(done["ok"], true, "{done}");
    let messages = fake.messages(&id);
    assert_eq!(messages[0].text, "Draft");
    assert_eq!(messages[0].files[0].content, "# Summary");
}

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

// ---- strictness: Slack's rules over HTTP ----

#[tokio::test]
async fn invalid_blocks_are_refused_with_every_reason() {
    let fake = fake().await;
    let blocks = json!([
        {"type": "header", "text": {"type": "mrkdwn", "text": "x"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "y".repeat(3001)}},
    ]);
    let out = post_json(
        &fake,
        "chat.postMessage",
        json!({"channel": "C0GENERAL", "text": "x", "blocks": blocks}),
    )
    .await
    .json();
    assert_eq!(out["ok"], false);
    assert_eq!(out["error"], "invalid_blocks");
    assert_eq!(
        out["response_metadata"]["messages"],
        json!([
            "[ERROR] must be a plain_text object [json-pointer:/blocks/0/text/type]",
            "[ERROR] must be less than 3001 characters [json-pointer:/blocks/1/text/text]"
        ])
    );
    assert!(fake.messages("C0GENERAL").is_empty());

    // A view breaking a rule: invalid_arguments.
    let view = json!({"type": "modal", "title": {"type": "plain_text", "text": "a title over 24 characters"},
        "blocks": []});
    let out = post_json(
        &fake,
        "views.open",
        json!({"trigger_id": "1.2.3", "view": view}),
    )
    .await
    .json();
    assert_eq!(out["error"], "invalid_arguments");
    assert_eq!(
        out["response_metadata"]["messages"][0],
        "[ERROR] must be less than 25 characters [json-pointer:/view/title/text]"
    );

    // Switched off, the same blocks are posted.
    fake.set_strictness(Strictness {
        block_kit: false,
        ..Strictness::default()
    });
    let out = post_json(
        &fake,
        "chat.postMessage",
        json!({"channel": "C0GENERAL", "text": "x", "blocks": blocks}),
    )
    .await
    .json();
    assert_eq!(out["ok"], true, "{out}");
}

#[tokio::test]
async fn missing_required_arguments_and_limits() {
    let fake = fake().await;
    let out = post_json(
        &fake,
        "chat.update",
        json!({"channel": "C0GENERAL", "text": "x"}),
    )
    .await
    .json();
    assert_eq!(out["error"], "invalid_arguments");
    assert_eq!(
        out["response_metadata"]["messages"],
        json!(["[ERROR] missing required field: ts"])
    );
    let out = post_json(
        &fake,
        "chat.postEphemeral",
        json!({"channel": "C0GENERAL", "text": "x"}),
    )
    .await
    .json();
    assert_eq!(out["error"], "invalid_arguments");
    // Slack's own answer for a message without a channel.
    let out = post_json(&fake, "chat.postMessage", json!({"text": "x"}))
        .await
        .json();
    assert_eq!(out["error"], "channel_not_found");
    let out = post_json(
        &fake,
        "chat.postMessage",
        json!({"channel": "C0GENERAL", "text": "x".repeat(40_001)}),
    )
    .await
    .json();
    assert_eq!(out["error"], "msg_too_long");
    for (name, code) in [
        ("", "invalid_name_required"),
        ("Has Caps", "invalid_name_specials"),
        ("x".repeat(81).as_str(), "invalid_name_maxlength"),
    ] {
        let out = post_json(&fake, "conversations.create", json!({"name": name}))
            .await
            .json();
        assert_eq!(out["error"], code, "{name}");
    }
    let out = post_json(&fake, "conversations.create", json!({"name": "inc"}))
        .await
        .json();
    let id = out["channel"]["id"].as_str().unwrap().to_owned();
    let out = post_json(
        &fake,
        "conversations.setTopic",
        json!({"channel": id, "topic": "t".repeat(251)}),
    )
    .await
    .json();
    assert_eq!(out["error"], "too_long");
}

#[tokio::test]
async fn broadcasts_and_unconfigured_links_are_recorded() {
    let fake = fake().await;
    fake.allow_links(&["https://runbooks.example/"]);
    let blocks = json!([{"type": "section", "text": {"type": "mrkdwn",
        "text": "see <https://runbooks.example/db|the runbook> and <https://evil.example|log in>"}}]);
    let out = post_json(
        &fake,
        "chat.postMessage",
        json!({"channel": "C0GENERAL", "text": "hey <!channel>", "blocks": blocks}),
    )
    .await
    .json();
    assert_eq!(out["ok"], true, "Slack posts it: the check is the test's");
    let escaped = "&lt;!here&gt; &lt;https://evil.example|x&gt;";
    post_json(
        &fake,
        "chat.postMessage",
        json!({"channel": "C0GENERAL", "text": escaped}),
    )
    .await;
    let found: Vec<(String, &str, String)> = fake
        .violations()
        .into_iter()
        .map(|v| (v.method, v.rule, v.found))
        .collect();
    assert_eq!(
        found,
        vec![
            (
                "chat.postMessage".to_owned(),
                "broadcast",
                "<!channel>".to_owned()
            ),
            (
                "chat.postMessage".to_owned(),
                "link",
                "<https://evil.example|log in>".to_owned()
            ),
        ]
    );
    let caught = std::panic::catch_unwind(|| fake.assert_text_safe());
    assert!(caught.is_err(), "assert_text_safe fails the test");
}

#[tokio::test]
async fn answers_are_checked_and_recorded() {
    let fake = fake().await;
    assert!(fake.check_command_answer(200, "").is_empty());
    assert_eq!(
        fake.check_command_answer(200, r#"{"response_type":"secret","text":"x"}"#)
            .len(),
        1
    );
    let click = json!({"type": "block_actions", "user": {"id": "U1"}});
    assert_eq!(fake.check_interaction_answer(&click, 200, "ok").len(), 1);
    assert_eq!(fake.violations().len(), 2);
    assert!(fake.violations().iter().all(|v| v.rule == "answer"));
    fake.set_strictness(Strictness {
        answers: false,
        ..Strictness::default()
    });
    assert!(fake.check_interaction_answer(&click, 500, "").is_empty());
    assert_eq!(fake.violations().len(), 2);
}

// ---- Slack's failure modes, metadata, canvases, profiles ----

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
async fn message_metadata_is_kept_and_returned_when_asked() {
    let fake = fake().await;
    let metadata = json!({"event_type": "warroom_effect", "event_payload": {"effect_id": 42}});
    let posted = post_json(
        &fake,
        "chat.postMessage",
        json!({"channel": "C0GENERAL", "text": "card", "metadata": metadata}),
    )
    .await
    .json();
    assert_eq!(posted["ok"], true, "{posted}");
    assert_eq!(posted["message"]["metadata"], metadata);
    // Form encoding carries it as JSON text.
    let form = post_form(
        &fake,
        "chat.postMessage",
        &[
            ("channel", "C0GENERAL"),
            ("text", "plain"),
            (
                "metadata",
                &json!({"event_type": "x", "event_payload": {}}).to_string(),
            ),
        ],
    )
    .await
    .json();
    assert_eq!(form["ok"], true);
    let bad = post_json(
        &fake,
        "chat.postMessage",
        json!({"channel": "C0GENERAL", "text": "x", "metadata": {"event_payload": {}}}),
    )
    .await
    .json();
    assert_eq!(bad["error"], "invalid_metadata_format");

    let history = get(&fake, "conversations.history", &[("channel", "C0GENERAL")])
        .await
        .json();
    assert!(history["messages"][1].get("metadata").is_none());
    let history = get(
        &fake,
        "conversations.history",
        &[
            ("channel", "C0GENERAL"),
            ("include_all_metadata", "true"),
            ("limit", "1"),
        ],
    )
    .await
    .json();
    assert_eq!(history["messages"].as_array().unwrap().len(), 1);
    assert_eq!(history["has_more"], true);
    assert_eq!(history["messages"][0]["metadata"]["event_type"], "x");
    assert_eq!(fake.messages("C0GENERAL")[0].metadata, Some(metadata));
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

#[tokio::test]
async fn users_info_reports_profile_names() {
    let fake = fake().await;
    assert!(fake.set_profile("U1", "Ali", "Alice Example"));
    assert!(!fake.set_profile("U404", "x", "y"));
    let info = get(&fake, "users.info", &[("user", "U1")]).await.json();
    assert_eq!(info["user"]["profile"]["display_name"], "Ali");
    assert_eq!(info["user"]["profile"]["real_name"], "Alice Example");
    assert_eq!(info["user"]["real_name"], "Alice Example");
    let missing = get(&fake, "users.info", &[("user", "U404")]).await.json();
    assert_eq!(missing["error"], "user_not_found");
}

#[tokio::test]
async fn channel_canvases_are_created_once_and_edited() {
    let fake = fake().await;
    let md = |text: &str| json!({"type": "markdown", "markdown": text});
    let created = post_json(
        &fake,
        "conversations.canvases.create",
        json!({"channel_id": "C0GENERAL", "document_content": md("# Post-mortem\n![](@U1)")}),
    )
    .await
    .json();
    assert_eq!(created["ok"], true, "{created}");
    let canvas_id = created["canvas_id"].as_str().unwrap().to_owned();
    let again = post_json(
        &fake,
        "conversations.canvases.create",
        json!({"channel_id": "C0GENERAL", "document_content": md("x")}),
    )
    .await
    .json();
    assert_eq!(again["error"], "channel_canvas_already_exists");
    let info = get(&fake, "conversations.info", &[("channel", "C0GENERAL")])
        .await
        .json();
    assert_eq!(
        info["channel"]["properties"]["canvas"]["file_id"],
        canvas_id
    );

    let edited = post_json(
        &fake,
        "canvases.edit",
        json!({"canvas_id": canvas_id, "changes": [{"operation": "replace", "document_content": md("# v2")}]}),
    )
    .await
    .json();
    assert_eq!(edited["ok"], true, "{edited}");
    let canvas = fake.canvas_of("C0GENERAL").unwrap();
    assert_eq!((canvas.markdown.as_str(), canvas.edits), ("# v2", 1));
    let unknown = post_json(
        &fake,
        "canvases.edit",
        json!({"canvas_id": "F404", "changes": [{"operation": "replace", "document_content": md("x")}]}),
    )
    .await
    .json();
    assert_eq!(unknown["error"], "canvas_not_found");

    // A workspace that cannot have channel canvases.
    post_json(&fake, "conversations.create", json!({"name": "inc"})).await;
    let inc = fake.channel_by_name("inc").unwrap().id;
    fake.refuse_canvases(Some(CANVAS_REFUSALS[0]));
    let refused = post_json(
        &fake,
        "conversations.canvases.create",
        json!({"channel_id": inc, "document_content": md("x")}),
    )
    .await
    .json();
    assert_eq!(refused["error"], "team_tier_cannot_create_channel_canvases");
    assert!(fake.canvas_of(&inc).is_none());
}
