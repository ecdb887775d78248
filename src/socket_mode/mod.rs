//! Socket Mode: Slack traffic over a WebSocket the app opens itself, beside HTTP.
//!
//! With an app-level token (`SLACK_APP_TOKEN`, `xapp-…`) the client asks
//! `apps.connections.open` for a WebSocket URL, connects, and reads Slack's envelopes. Each one
//! is read into the same payload types as an HTTP body and handled by the very same
//! transport-neutral handlers ([`crate::ingress`]): the app token has already authenticated
//! the traffic, so there is no signature to check. The handler's answer becomes the ack:
//!
//! - 2xx: `{"envelope_id"}`, plus `"payload"` when the body is JSON and the envelope
//!   `accepts_response_payload` (an ephemeral reply, `response_action: errors`, …);
//! - malformed or too large (HTTP's 4xx): a bare ack and a one-line warning — redelivery
//!   cannot help;
//! - storage unavailable (HTTP's 5xx): no ack, so Slack treats the envelope as failed exactly
//!   as it treats an HTTP 5xx (it shows the user an error, or redelivers an event).
//!
//! `disconnect`, a closed or failed socket, or a silent one (no frame for [`DEAD_AFTER`]) start
//! over with a fresh `apps.connections.open`: at once after a connection that worked, with
//! capped exponential backoff after failures. The stop signal ends it cleanly: envelopes in
//! flight are answered, then the socket is closed.
//!
//! This file is the connection; `envelope.rs` turns one envelope into its ack.

mod envelope;

use envelope::{handle, Envelope};

use crate::http::AppState;
use crate::metrics::Metrics;
use crate::service::Service;
use crate::slack::client::{MorphismApi, SharedApi};
use futures_util::{SinkExt, Stream, StreamExt};
use serde_json::{json, Value};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::{Bytes, Message};

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

/// The Socket Mode client: one connection at a time, for the life of the app.
pub struct SocketMode {
    /// The Web API with the app-level token (only `apps.connections.open` is called).
    api: SharedApi,
    /// What the handlers act through.
    service: Service,
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
            service: state.service,
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
            Ok(e) => Envelope {
                size: text.len(),
                ..e
            },
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
                let service = self.service.clone();
                let metrics = self.metrics.clone();
                in_flight.spawn(async move { handle(service, &metrics, envelope).await });
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
