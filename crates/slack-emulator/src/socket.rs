//! The Socket Mode face of the fake: `apps.connections.open` hands out single-use tickets for
//! a WebSocket endpoint served on a second loopback listener (axum is built without its `ws`
//! feature), where the fake plays Slack's side of the protocol.
//!
//! On connect the client gets `hello`; tests push envelopes with [`Hub::send`] and read the
//! acks the app sends back with [`Hub::ack`]; [`Hub::disconnect`] asks every connected client
//! to reconnect (`disconnect` / `refresh_requested`) and closes its socket, as Slack does when
//! it rotates connections.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Map, Value};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::StatusCode;
use tokio_tungstenite::tungstenite::Message;

use super::api::ApiError;

/// The WebSocket path; `?ticket=N` names a ticket from `apps.connections.open`.
const SOCKET_PATH: &str = "/socket";

/// What the hub tells one connection's task to do.
enum Outgoing {
    /// Send this text frame.
    Text(String),
    /// Send `disconnect`, then close the socket.
    Disconnect,
}

struct Client {
    id: u64,
    tx: mpsc::UnboundedSender<Outgoing>,
}

/// Socket Mode state shared by the WebSocket server, the `apps.connections.open` method and the
/// test handle.
#[derive(Default)]
pub(crate) struct Hub {
    addr: OnceLock<SocketAddr>,
    next_ticket: AtomicU64,
    next_envelope: AtomicU64,
    next_client: AtomicU64,
    /// WebSocket connections accepted so far.
    connections: AtomicUsize,
    /// Tickets handed out and not yet used.
    tickets: Mutex<HashSet<String>>,
    /// Connected clients, oldest first.
    clients: Mutex<Vec<Client>>,
    /// Acks received, by envelope id: the whole JSON the client sent.
    acks: Mutex<HashMap<String, Value>>,
    /// Envelopes sent, by envelope id: (type, payload), to judge their acks.
    sent: Mutex<HashMap<String, (String, Value)>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Hub {
    /// Where the WebSocket endpoint listens; set once, before serving.
    pub(crate) fn set_addr(&self, addr: SocketAddr) {
        let _ = self.addr.set(addr);
    }

    /// `apps.connections.open`: a fresh single-use WebSocket URL.
    pub(crate) fn open(&self) -> Result<Map<String, Value>, ApiError> {
        let Some(addr) = self.addr.get() else {
            return Err(ApiError::from("internal_error"));
        };
        let ticket = (self.next_ticket.fetch_add(1, Ordering::SeqCst) + 1).to_string();
        lock(&self.tickets).insert(ticket.clone());
        let mut out = Map::new();
        out.insert(
            "url".into(),
            Value::String(format!("ws://{addr}{SOCKET_PATH}?ticket={ticket}")),
        );
        Ok(out)
    }

    pub(crate) fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// Sends an envelope to the most recently connected client, waiting up to 10 s for one;
    /// returns its envelope id (whose ack never comes if nobody was connected).
    pub(crate) async fn send(&self, envelope_type: &str, payload: Value) -> String {
        let n = self.next_envelope.fetch_add(1, Ordering::SeqCst) + 1;
        let envelope_id = format!(
            "{n:08x}-fake-4e1d-9c3b-{:012x}",
            rand::random::<u64>() >> 16
        );
        let accepts_payload = envelope_type != "events_api";
        let mut envelope = json!({
            "envelope_id": envelope_id,
            "type": envelope_type,
            "payload": payload,
            "accepts_response_payload": accepts_payload,
        });
        if envelope_type == "events_api" {
            envelope["retry_attempt"] = json!(0);
            envelope["retry_reason"] = json!("");
        }
        let text = envelope.to_string();
        lock(&self.sent).insert(envelope_id.clone(), (envelope_type.to_owned(), payload));
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            {
                let mut clients = lock(&self.clients);
                // A client whose task has ended is dropped here; try the next newest.
                while let Some(client) = clients.last() {
                    if client.tx.send(Outgoing::Text(text.clone())).is_ok() {
                        return envelope_id;
                    }
                    clients.pop();
                }
            }
            if Instant::now() >= deadline {
                tracing::warn!(envelope_type, "fake slack: no Socket Mode client connected");
                return envelope_id;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// The type and payload of the envelope `envelope_id`, as sent.
    pub(crate) fn sent(&self, envelope_id: &str) -> Option<(String, Value)> {
        lock(&self.sent).get(envelope_id).cloned()
    }

    /// The ack of `envelope_id`, once received (polling every 10 ms up to `timeout`).
    pub(crate) async fn ack(&self, envelope_id: &str, timeout: Duration) -> Option<Value> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(ack) = lock(&self.acks).get(envelope_id) {
                return Some(ack.clone());
            }
            if Instant::now() >= deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Asks every connected client to reconnect, then closes their sockets. They are forgotten
    /// at once: the next [`Hub::send`] waits for a new connection.
    pub(crate) fn disconnect(&self) {
        let clients = std::mem::take(&mut *lock(&self.clients));
        for client in clients {
            let _ = client.tx.send(Outgoing::Disconnect);
        }
    }

    fn take_ticket(&self, ticket: &str) -> bool {
        lock(&self.tickets).remove(ticket)
    }

    fn record_ack(&self, text: &str) {
        let Ok(ack) = serde_json::from_str::<Value>(text) else {
            tracing::warn!("fake slack: Socket Mode frame is not JSON");
            return;
        };
        match ack.get("envelope_id").and_then(Value::as_str) {
            Some(id) => {
                lock(&self.acks).insert(id.to_owned(), ack.clone());
            }
            None => tracing::warn!("fake slack: Socket Mode frame without envelope_id"),
        }
    }
}

/// Serves WebSocket connections on `listener` until the task is aborted; aborting it also ends
/// every connection (they live in its `JoinSet`).
pub(crate) async fn serve(listener: TcpListener, hub: Arc<Hub>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(connection(stream, hub.clone()));
                }
                Err(e) => {
                    tracing::warn!(error = %e, "fake slack: socket accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// One client: handshake (the ticket must be fresh), `hello`, then envelopes out and acks in.
async fn connection(stream: TcpStream, hub: Arc<Hub>) {
    // The callback's signature is tungstenite's.
    #[allow(clippy::result_large_err)]
    let check = |req: &Request, resp: Response| -> Result<Response, ErrorResponse> {
        let ticket = req
            .uri()
            .query()
            .unwrap_or_default()
            .split('&')
            .find_map(|kv| kv.strip_prefix("ticket="));
        match ticket {
            Some(t) if req.uri().path() == SOCKET_PATH && hub.take_ticket(t) => Ok(resp),
            _ => {
                let mut refusal = ErrorResponse::new(Some("invalid or used ticket".to_owned()));
                *refusal.status_mut() = StatusCode::UNAUTHORIZED;
                Err(refusal)
            }
        }
    };
    let mut ws = match tokio_tungstenite::accept_hdr_async(stream, check).await {
        Ok(ws) => ws,
        Err(e) => {
            tracing::debug!(error = %e, "fake slack: socket handshake refused");
            return;
        }
    };
    let (tx, mut rx) = mpsc::unbounded_channel();
    let id = hub.next_client.fetch_add(1, Ordering::SeqCst);
    let num_connections = {
        let mut clients = lock(&hub.clients);
        clients.push(Client { id, tx });
        clients.len()
    };
    hub.connections.fetch_add(1, Ordering::SeqCst);
    let hello = json!({
        "type": "hello",
        "num_connections": num_connections,
        "debug_info": {"host": "applink-fake", "build_number": 1, "approximate_connection_time": 18060},
        "connection_info": {"app_id": "A123456"},
    });
    if ws.send(Message::text(hello.to_string())).await.is_ok() {
        loop {
            tokio::select! {
                out = rx.recv() => match out {
                    Some(Outgoing::Text(text)) => {
                        if ws.send(Message::text(text)).await.is_err() {
                            break;
                        }
                    }
                    Some(Outgoing::Disconnect) | None => {
                        let bye = json!({
                            "type": "disconnect",
                            "reason": "refresh_requested",
                            "debug_info": {"host": "applink-fake"},
                        });
                        let _ = ws.send(Message::text(bye.to_string())).await;
                        let _ = ws.close(None).await;
                        // Let the client's close frame arrive, briefly.
                        let _ = tokio::time::timeout(Duration::from_millis(500), async {
                            while let Some(Ok(_)) = ws.next().await {}
                        })
                        .await;
                        break;
                    }
                },
                frame = ws.next() => match frame {
                    Some(Ok(Message::Text(text))) => hub.record_ack(text.as_str()),
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                    Some(Ok(_)) => {}
                },
            }
        }
    }
    lock(&hub.clients).retain(|c| c.id != id);
}
