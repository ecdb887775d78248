//! A recording HTTP receiver standing in for PagerDuty's Events API and for webhook
//! consumers: it keeps every request and can fail the next few with a chosen status.

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
}

#[derive(Default)]
struct Inner {
    received: Vec<Received>,
    fail_next: u32,
    fail_status: u16,
}

#[derive(Clone)]
pub struct HookSink {
    inner: Arc<Mutex<Inner>>,
    url: String,
    task: Arc<tokio::task::JoinHandle<()>>,
}

impl Drop for HookSink {
    fn drop(&mut self) {
        if Arc::strong_count(&self.task) == 1 {
            self.task.abort();
        }
    }
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
    state.received.push(Received {
        path: uri.path().to_string(),
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
            .collect(),
        body: body.to_vec(),
    });
    if state.fail_next > 0 {
        state.fail_next -= 1;
        let status = StatusCode::from_u16(state.fail_status).unwrap_or(StatusCode::BAD_GATEWAY);
        return (status, "injected failure").into_response();
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
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let app = axum::Router::new()
            .fallback(axum::routing::post(receive))
            .with_state(inner.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(HookSink {
            inner,
            url: format!("http://{addr}"),
            task: Arc::new(task),
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
        let mut state = lock(&self.inner);
        state.fail_next = n;
        state.fail_status = status;
    }
}
