//! A recording HTTP receiver standing in for PagerDuty's Events API and for webhook
//! consumers: it keeps every request and can fail the next few with a chosen status.

use crate::ServerTask;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use std::sync::{Arc, Mutex};

#[derive(Clone, Debug)]
pub struct Received {
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// A request as the recording fakes keep it (this one and the fake Statuspage).
    pub(crate) fn of(uri: &Uri, headers: &HeaderMap, body: &Bytes) -> Received {
        Received {
            path: uri.path().to_string(),
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
                .collect(),
            body: body.to_vec(),
        }
    }
}

/// "Fail the next `n` requests with `status`", shared by the recording fakes.
#[derive(Default)]
pub(crate) struct InjectedFailures {
    remaining: u32,
    status: u16,
}

impl InjectedFailures {
    pub(crate) fn arm(&mut self, n: u32, status: u16) {
        self.remaining = n;
        self.status = status;
    }

    /// Uses up one injected failure, if any is left, and gives its answer (with status
    /// `fallback` when the chosen one is not a valid HTTP status).
    pub(crate) fn take(&mut self, fallback: StatusCode) -> Option<Response> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let status = StatusCode::from_u16(self.status).unwrap_or(fallback);
        Some((status, "injected failure").into_response())
    }
}

#[derive(Default)]
struct Inner {
    received: Vec<Received>,
    failures: InjectedFailures,
}

#[derive(Clone)]
pub struct HookSink {
    inner: Arc<Mutex<Inner>>,
    url: String,
    _server: Arc<ServerTask>,
}

fn lock(m: &Mutex<Inner>) -> std::sync::MutexGuard<'_, Inner> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

async fn receive(
    State(inner): State<Arc<Mutex<Inner>>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut state = lock(&inner);
    state.received.push(Received::of(&uri, &headers, &body));
    if let Some(failure) = state.failures.take(StatusCode::BAD_GATEWAY) {
        return failure;
    }
    (
        StatusCode::ACCEPTED,
        axum::Json(serde_json::json!({"status": "success", "message": "Event processed"})),
    )
        .into_response()
}

impl HookSink {
    pub async fn start() -> std::io::Result<HookSink> {
        let inner = Arc::new(Mutex::new(Inner::default()));
        let app = axum::Router::new()
            .fallback(axum::routing::post(receive))
            .with_state(inner.clone());
        let (addr, server) = ServerTask::serve_locally(app).await?;
        Ok(HookSink {
            inner,
            url: format!("http://{addr}"),
            _server: Arc::new(server),
        })
    }

    /// Base URL; any path is accepted.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// Every request so far, failed ones included.
    pub fn received(&self) -> Vec<Received> {
        lock(&self.inner).received.clone()
    }

    /// The next `n` requests answer `status`.
    pub fn fail_next(&self, n: u32, status: u16) {
        lock(&self.inner).failures.arm(n, status);
    }
}
