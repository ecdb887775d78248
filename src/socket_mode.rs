//! Socket Mode: Slack traffic over a WebSocket the app opens itself, beside HTTP.
//!
//! With an app-level token (`SLACK_APP_TOKEN`, `xapp-…`) the client asks
//! `apps.connections.open` for a WebSocket URL, connects, and reads Slack's envelopes. Each one
//! is turned back into the request Slack would have POSTed over HTTP and run through the very
//! same handlers ([`crate::http::slack_routes_unverified`], driven in-process with
//! `tower::ServiceExt::oneshot`): the app token has already authenticated the traffic, so only
//! the signature check is left out. The handler's answer becomes the envelope's ack:
//!
//! - 2xx: `{"envelope_id"}`, plus `"payload"` when the body is JSON and the envelope
//!   `accepts_response_payload` (an ephemeral reply, `response_action: errors`, …);
//! - 4xx (malformed, too large): a bare ack and a one-line warning — redelivery cannot help;
//! - 5xx (storage unavailable): no ack, so Slack treats the envelope as failed exactly as it
//!   treats an HTTP 5xx (it shows the user an error, or redelivers an event).
//!
//! `disconnect`, a closed or failed socket, or a silent one (no frame for [`DEAD_AFTER`]) start
//! over with a fresh `apps.connections.open`: at once after a connection that worked, with
//! capped exponential backoff after failures. The stop signal ends it cleanly: envelopes in
//! flight are answered, then the socket is closed.

use crate::http::{slack_routes_unverified, AppState, MAX_BODY};
use crate::metrics::Metrics;
use crate::slack::client::{MorphismApi, SharedApi};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use futures_util::{SinkExt, Stream, StreamExt};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::{Bytes, Message};
use tower::ServiceExt;

/// Budget of one `apps.connections.open` call.
pub const OPEN_TIMEOUT: Duration = Duration::from_secs(10);
/// Budget of the WebSocket handshake.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// First delay after a failed connection; doubles on each further failure…
pub const BACKOFF_INITIAL: Duration = Duration::from_secs(1);
/// …up to this.
pub const BACKOFF_MAX: Duration = Duration::from_secs(30);
/// The client pings this often when the socket is otherwise quiet…
pub const PING_EVERY: Duration = Duration::from_secs(30);
/// …and gives the connection up when nothing at all (frame, pong) arrived for this long.
pub const DEAD_AFTER: Duration = Duration::from_secs(90);
/// How long in-flight envelopes may take to be answered when the connection ends.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(3);
/// Handler answers larger than this are not forwarded as an ack payload.
const MAX_ACK_BODY: usize = 1024 * 1024;

/// The Socket Mode client: one connection at a time, for the life of the app.
pub struct SocketMode {
    /// The Web API with the app-level token (only `apps.connections.open` is called).
    api: SharedApi,
    /// Slack's three HTTP handlers, without the signature layer.
    routes: Router,
    metrics: Arc<Metrics>,
}

/// Why a connection ended.
enum Ended {
    /// The app is stopping.
    Stop,
    /// Connect again; `healthy` when the connection got as far as Slack's `hello`.
    Reconnect { healthy: bool },
}

/// What one text frame asks of the connection.
enum Control {
    Continue,
    Hello,
    Disconnect,
}

/// A Socket Mode envelope, as Slack sends it.
#[derive(Debug, Deserialize)]
struct Envelope {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    envelope_id: Option<String>,
    #[serde(default)]
    payload: Value,
    #[serde(default)]
    accepts_response_payload: bool,
    #[serde(default)]
    retry_attempt: Option<u64>,
    #[serde(default)]
    reason: Option<String>,
}

impl SocketMode {
    /// A client that opens connections at `{api_url}/apps.connections.open` with `app_token`
    /// and feeds what arrives to the handlers of `state`.
    pub fn new(api_url: &str, app_token: &str, state: AppState) -> anyhow::Result<SocketMode> {
        let api: SharedApi = Arc::new(MorphismApi::new(api_url, app_token, OPEN_TIMEOUT)?);
        Ok(SocketMode::with_api(api, state))
    }

    /// The same over any Web API port (`api` must carry the app-level token).
    pub fn with_api(api: SharedApi, state: AppState) -> SocketMode {
        let metrics = state.service.metrics.clone();
        SocketMode {
            api,
            routes: slack_routes_unverified(state),
            metrics,
        }
    }

    /// Connects, serves, reconnects, until `stop` turns true (or its sender is gone).
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let mut failures: u32 = 0;
        loop {
            if *stop.borrow() {
                return;
            }
            if failures > 0 {
                let delay = backoff(failures);
                tracing::info!(?delay, failures, "Socket Mode: reconnecting after a delay");
                if until_stop(&mut stop, tokio::time::sleep(delay))
                    .await
                    .is_none()
                {
                    return;
                }
            }
            let ended = match until_stop(&mut stop, self.connect()).await {
                None => return,
                Some(Err(e)) => {
                    self.metrics
                        .inc("warroom_socket_connections_total", "result=\"failed\"");
                    tracing::warn!(error = %e, "Socket Mode: cannot connect");
                    Ended::Reconnect { healthy: false }
                }
                Some(Ok(ws)) => {
                    self.metrics
                        .inc("warroom_socket_connections_total", "result=\"connected\"");
                    self.serve(ws, &mut stop).await
                }
            };
            match ended {
                Ended::Stop => return,
                Ended::Reconnect { healthy: true } => failures = 0,
                Ended::Reconnect { healthy: false } => failures = failures.saturating_add(1),
            }
        }
    }

    /// `apps.connections.open`, then the WebSocket handshake.
    async fn connect(
        &self,
    ) -> anyhow::Result<
        tokio_tungstenite::WebSocketStream<
            tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
        >,
    > {
        let answer = self
            .api
            .call("apps.connections.open", json!({}))
            .await
            .map_err(|e| anyhow::anyhow!("apps.connections.open: {e}"))?;
        let url = answer
            .get("url")
            .and_then(Value::as_str)
            .filter(|u| u.starts_with("wss://") || u.starts_with("ws://"))
            .ok_or_else(|| anyhow::anyhow!("apps.connections.open answered no ws(s):// url"))?;
        // The URL carries a ticket: a credential, kept out of the logs.
        let (ws, _) = tokio::time::timeout(CONNECT_TIMEOUT, tokio_tungstenite::connect_async(url))
            .await
            .map_err(|_| anyhow::anyhow!("WebSocket handshake timed out"))??;
        tracing::debug!("Socket Mode: connected");
        Ok(ws)
    }

    /// Serves one connection until it ends; answers what is in flight when it can.
    async fn serve<S>(&self, ws: S, stop: &mut watch::Receiver<bool>) -> Ended
    where
        S: Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>>
            + futures_util::Sink<Message, Error = tokio_tungstenite::tungstenite::Error>
            + Unpin,
    {
        let (mut sink, mut frames) = ws.split();
        // Each envelope is handled in its own task; each task yields the ack to send, if any.
        let mut in_flight: JoinSet<Option<String>> = JoinSet::new();
        let mut healthy = false;
        let mut last_seen = Instant::now();
        let mut heartbeat = tokio::time::interval_at(Instant::now() + PING_EVERY, PING_EVERY);
        heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);

        // `drain`: whether the socket can still take the acks of the envelopes in flight.
        let (ended, drain) = loop {
            tokio::select! {
                _ = stopped(stop) => break (Ended::Stop, true),
                Some(done) = in_flight.join_next(), if !in_flight.is_empty() => {
                    if let Some(ack) = finished(done) {
                        if let Err(e) = sink.send(Message::text(ack)).await {
                            tracing::warn!(error = %e, "Socket Mode: cannot send an ack");
                            break (Ended::Reconnect { healthy }, false);
                        }
                    }
                }
                _ = heartbeat.tick() => {
                    if last_seen.elapsed() >= DEAD_AFTER {
                        tracing::warn!("Socket Mode: connection silent, reconnecting");
                        break (Ended::Reconnect { healthy }, false);
                    }
                    if let Err(e) = sink.send(Message::Ping(Bytes::new())).await {
                        tracing::warn!(error = %e, "Socket Mode: cannot ping");
                        break (Ended::Reconnect { healthy }, false);
                    }
                }
                frame = frames.next() => {
                    last_seen = Instant::now();
                    match frame {
                        Some(Ok(Message::Text(text))) => {
                            match self.on_text(text.as_str(), &mut in_flight) {
                                Control::Continue => {}
                                Control::Hello => healthy = true,
                                Control::Disconnect => break (Ended::Reconnect { healthy }, true),
                            }
                        }
                        Some(Ok(Message::Close(frame))) => {
                            tracing::info!(
                                code = ?frame.as_ref().map(|f| f.code),
                                "Socket Mode: closed by Slack, reconnecting"
                            );
                            break (Ended::Reconnect { healthy }, false);
                        }
                        Some(Ok(_)) => {} // ping (answered by tungstenite), pong, binary
                        Some(Err(e)) => {
                            tracing::warn!(error = %e, "Socket Mode: connection failed, reconnecting");
                            break (Ended::Reconnect { healthy }, false);
                        }
                        None => {
                            tracing::info!("Socket Mode: connection ended, reconnecting");
                            break (Ended::Reconnect { healthy }, false);
                        }
                    }
                }
            }
        };

        if drain {
            // Still writable (stop, or `disconnect`, which Slack sends ahead of closing):
            // answer what is in flight, then close.
            let answered = tokio::time::timeout(DRAIN_TIMEOUT, async {
                while let Some(done) = in_flight.join_next().await {
                    if let Some(ack) = finished(done) {
                        if sink.send(Message::text(ack)).await.is_err() {
                            break;
                        }
                    }
                }
            })
            .await;
            if answered.is_err() {
                tracing::warn!(
                    left = in_flight.len(),
                    "Socket Mode: envelopes still in flight at close"
                );
            }
            let _ = tokio::time::timeout(Duration::from_secs(1), sink.close()).await;
        }
        // Whatever is left finishes its work (state is committed, the outbox delivers);
        // only the acks are lost, and Slack treats those envelopes as unanswered.
        in_flight.detach_all();
        ended
    }

    /// One text frame: a control message, or an envelope to handle in its own task.
    fn on_text(&self, text: &str, in_flight: &mut JoinSet<Option<String>>) -> Control {
        let envelope: Envelope = match serde_json::from_str(text) {
            Ok(e) => e,
            Err(e) => {
                tracing::warn!(error = %e, "Socket Mode: unreadable frame ignored");
                return Control::Continue;
            }
        };
        match envelope.kind.as_str() {
            "hello" => {
                tracing::info!("Socket Mode: connected, receiving Slack traffic");
                Control::Hello
            }
            "disconnect" => {
                let reason = envelope.reason.as_deref().unwrap_or("unknown");
                tracing::info!(reason, "Socket Mode: Slack asked to reconnect");
                Control::Disconnect
            }
            _ => {
                if envelope.envelope_id.is_none() {
                    tracing::warn!(kind = %envelope.kind, "Socket Mode: envelope without envelope_id ignored");
                    return Control::Continue;
                }
                let routes = self.routes.clone();
                let metrics = self.metrics.clone();
                in_flight.spawn(async move { handle(routes, &metrics, envelope).await });
                Control::Continue
            }
        }
    }
}

/// The ack of a finished envelope task, if it has one (a panicked task has none).
fn finished(done: Result<Option<String>, tokio::task::JoinError>) -> Option<String> {
    match done {
        Ok(ack) => ack,
        Err(e) => {
            tracing::error!(error = %e, "Socket Mode: envelope handler failed");
            None
        }
    }
}

/// The request Slack would have POSTed over HTTP for an envelope.
struct Forward {
    path: &'static str,
    content_type: &'static str,
    body: Vec<u8>,
}

/// Re-encodes an envelope's payload as the HTTP request of the same Slack feature; `Ok(None)`
/// for envelope types warroom does not handle.
fn forward(envelope: &Envelope) -> Result<Option<Forward>, String> {
    let form = "application/x-www-form-urlencoded";
    let fwd = match envelope.kind.as_str() {
        "slash_commands" => {
            let Value::Object(fields) = &envelope.payload else {
                return Err("slash command payload is not an object".into());
            };
            Forward {
                path: "/slack/commands",
                content_type: form,
                body: form_fields(fields)?.into_bytes(),
            }
        }
        "interactive" => {
            if !envelope.payload.is_object() {
                return Err("interaction payload is not an object".into());
            }
            let body = serde_urlencoded::to_string([("payload", envelope.payload.to_string())])
                .map_err(|e| format!("interaction payload: {e}"))?;
            Forward {
                path: "/slack/interactions",
                content_type: form,
                body: body.into_bytes(),
            }
        }
        "events_api" => {
            if !envelope.payload.is_object() {
                return Err("event payload is not an object".into());
            }
            Forward {
                path: "/slack/events",
                content_type: "application/json",
                body: envelope.payload.to_string().into_bytes(),
            }
        }
        _ => return Ok(None),
    };
    Ok(Some(fwd))
}

/// A slash command's fields as Slack's form body: strings as they are, numbers and booleans
/// in their text form, anything nested as JSON text; nulls are left out.
fn form_fields(fields: &Map<String, Value>) -> Result<String, String> {
    let pairs: Vec<(&str, String)> = fields
        .iter()
        .filter_map(|(k, v)| {
            let v = match v {
                Value::Null => return None,
                Value::String(s) => s.clone(),
                Value::Bool(_) | Value::Number(_) | Value::Array(_) | Value::Object(_) => {
                    v.to_string()
                }
            };
            Some((k.as_str(), v))
        })
        .collect();
    serde_urlencoded::to_string(pairs).map_err(|e| format!("slash command payload: {e}"))
}

/// Runs one envelope through the HTTP handlers; returns the ack to send, or `None` to leave
/// it unanswered (the handler could not record it).
async fn handle(routes: Router, metrics: &Metrics, envelope: Envelope) -> Option<String> {
    let envelope_id = envelope.envelope_id.clone()?;
    let kind = envelope.kind.as_str();
    let label = match kind {
        "slash_commands" | "interactive" | "events_api" => kind,
        _ => "other",
    };
    let count = |result: &str| {
        metrics.inc(
            "warroom_socket_envelopes_total",
            &format!("type=\"{label}\",result=\"{result}\""),
        )
    };
    let bare_ack = || json!({ "envelope_id": envelope_id }).to_string();

    let fwd = match forward(&envelope) {
        Ok(Some(fwd)) => fwd,
        Ok(None) => {
            tracing::debug!(kind, "Socket Mode: envelope type ignored");
            count("ignored");
            return Some(bare_ack());
        }
        Err(reason) => {
            tracing::warn!(kind, %reason, "Socket Mode: malformed envelope");
            count("rejected");
            return Some(bare_ack());
        }
    };
    if fwd.body.len() > MAX_BODY {
        tracing::warn!(kind, len = fwd.body.len(), "Socket Mode: payload too large");
        count("rejected");
        return Some(bare_ack());
    }

    let mut request = Request::post(fwd.path).header(header::CONTENT_TYPE, fwd.content_type);
    if let Some(n) = envelope.retry_attempt.filter(|n| *n > 0) {
        request = request.header("x-slack-retry-num", n);
    }
    let request = match request.body(Body::from(fwd.body)) {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(kind, error = %e, "Socket Mode: cannot build the request");
            count("rejected");
            return Some(bare_ack());
        }
    };
    let response = match routes.oneshot(request).await {
        Ok(r) => r,
        Err(never) => match never {},
    };
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), MAX_ACK_BODY)
        .await
        .unwrap_or_default();

    if status.is_client_error() {
        let reason = String::from_utf8_lossy(&body);
        let reason = reason.lines().next().unwrap_or("").trim().to_string();
        tracing::warn!(kind, status = status.as_u16(), %reason, "Socket Mode: envelope refused");
        count("rejected");
        return Some(bare_ack());
    }
    if !status.is_success() {
        tracing::error!(
            kind,
            status = status.as_u16(),
            "Socket Mode: envelope not handled; left unacknowledged"
        );
        count("failed");
        return None;
    }
    count("ok");
    let payload = if envelope.accepts_response_payload && kind != "events_api" {
        ack_payload(kind, status, &body)
    } else {
        None
    };
    let mut ack = json!({ "envelope_id": envelope_id });
    if let Some(payload) = payload {
        ack["payload"] = payload;
    }
    Some(ack.to_string())
}

/// What a successful handler answer carries back to Slack: its JSON object; for a slash
/// command, plain text too (Slack shows a text answer as the ephemeral reply).
fn ack_payload(kind: &str, status: StatusCode, body: &[u8]) -> Option<Value> {
    if status == StatusCode::NO_CONTENT || body.iter().all(u8::is_ascii_whitespace) {
        return None;
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(v @ Value::Object(_)) => Some(v),
        _ if kind == "slash_commands" => {
            let text = String::from_utf8_lossy(body).trim().to_string();
            Some(json!({ "text": text }))
        }
        _ => None,
    }
}

/// Capped exponential backoff with up to 25 % jitter: 1 s, 2 s, 4 s, … 30 s.
fn backoff(failures: u32) -> Duration {
    let exp = failures.saturating_sub(1).min(16);
    let base = BACKOFF_INITIAL.saturating_mul(1u32 << exp).min(BACKOFF_MAX);
    let jitter_ms = (base.as_millis() / 4) as u64;
    let jitter = if jitter_ms > 0 {
        Duration::from_millis(rand::random::<u64>() % jitter_ms)
    } else {
        Duration::ZERO
    };
    base + jitter
}

/// Resolves once the stop signal is true, or its sender is gone.
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

/// Runs `fut` unless the stop signal comes first (`None`).
async fn until_stop<T>(
    stop: &mut watch::Receiver<bool>,
    fut: impl Future<Output = T>,
) -> Option<T> {
    tokio::select! {
        _ = stopped(stop) => None,
        out = fut => Some(out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope(kind: &str, payload: Value) -> Envelope {
        Envelope {
            kind: kind.into(),
            envelope_id: Some("e1".into()),
            payload,
            accepts_response_payload: true,
            retry_attempt: None,
            reason: None,
        }
    }

    #[test]
    fn slash_command_fields_become_a_form() {
        let fwd = forward(&envelope(
            "slash_commands",
            json!({"user_id": "U1", "channel_id": "C1", "text": "declare P1 a & b",
                "is_enterprise_install": false, "enterprise_id": null}),
        ))
        .unwrap()
        .unwrap();
        assert_eq!(fwd.path, "/slack/commands");
        let fields: std::collections::HashMap<String, String> =
            serde_urlencoded::from_bytes(&fwd.body).unwrap();
        assert_eq!(fields["text"], "declare P1 a & b");
        assert_eq!(fields["is_enterprise_install"], "false");
        assert!(!fields.contains_key("enterprise_id"));
    }

    #[test]
    fn interactions_become_a_payload_field_and_events_json() {
        let payload = json!({"type": "block_actions", "user": {"id": "U1"}});
        let fwd = forward(&envelope("interactive", payload.clone()))
            .unwrap()
            .unwrap();
        assert_eq!(fwd.path, "/slack/interactions");
        let fields: std::collections::HashMap<String, String> =
            serde_urlencoded::from_bytes(&fwd.body).unwrap();
        assert_eq!(
            serde_json::from_str::<Value>(&fields["payload"]).unwrap(),
            payload
        );
        let fwd = forward(&envelope("events_api", json!({"type": "event_callback"})))
            .unwrap()
            .unwrap();
        assert_eq!(fwd.content_type, "application/json");
    }

    #[test]
    fn malformed_and_unknown_envelopes() {
        assert!(forward(&envelope("slash_commands", json!("text"))).is_err());
        assert!(forward(&envelope("interactive", json!([1]))).is_err());
        assert!(forward(&envelope("events_api", Value::Null)).is_err());
        assert!(forward(&envelope("something_new", json!({})))
            .unwrap()
            .is_none());
    }

    #[test]
    fn ack_payloads() {
        let ok = StatusCode::OK;
        assert_eq!(ack_payload("slash_commands", ok, b""), None);
        assert_eq!(
            ack_payload("interactive", ok, br#"{"response_action":"clear"}"#),
            Some(json!({"response_action": "clear"}))
        );
        assert_eq!(ack_payload("interactive", ok, b"plain"), None);
        assert_eq!(
            ack_payload("slash_commands", ok, b"hi\n"),
            Some(json!({"text": "hi"}))
        );
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let b1 = backoff(1);
        assert!(b1 >= BACKOFF_INITIAL && b1 < BACKOFF_INITIAL * 5 / 4 + Duration::from_millis(1));
        let b3 = backoff(3);
        assert!(b3 >= BACKOFF_INITIAL * 4);
        for n in [6, 10, 40, u32::MAX] {
            let b = backoff(n);
            assert!(b >= BACKOFF_MAX && b <= BACKOFF_MAX * 5 / 4, "{n}: {b:?}");
        }
    }
}
