//! A fake Atlassian Statuspage (REST v1) for one page: creates, updates and lists page
//! incidents, answers `401` without `Authorization: OAuth <key>`, `404` for another page
//! or an unknown incident, `422` for a body Statuspage would refuse. It records every
//! request and can fail the next calls before acting (`fail_next`) or act and then lose
//! the answer (`lose_next_answers`, a 500 after the page incident exists).

use crate::hooks::{InjectedFailures, Received};
use crate::ServerTask;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};
use std::sync::{Arc, Mutex};

const STATUSES: [&str; 4] = ["investigating", "identified", "monitoring", "resolved"];
const COMPONENT_STATUSES: [&str; 5] = [
    "operational",
    "degraded_performance",
    "partial_outage",
    "major_outage",
    "under_maintenance",
];

/// A page incident as the fake keeps it.
#[derive(Clone, Debug, PartialEq)]
pub struct PageIncident {
    pub id: String,
    pub name: String,
    pub status: String,
    /// The body of each create and update, in order.
    pub updates: Vec<String>,
    /// Component id → status, as last set.
    pub components: Map<String, Value>,
    pub created_at: String,
}

impl PageIncident {
    fn json(&self) -> Value {
        let components: Vec<Value> = self
            .components
            .iter()
            .map(|(id, status)| json!({"id": id, "status": status}))
            .collect();
        let updates: Vec<Value> = self
            .updates
            .iter()
            .map(|body| json!({"body": body}))
            .collect();
        json!({"id": self.id, "name": self.name, "status": self.status, "created_at": self.created_at,
               "incident_updates": updates, "components": components})
    }
}

#[derive(Default)]
struct Inner {
    api_key: String,
    page_id: String,
    received: Vec<Received>,
    incidents: Vec<PageIncident>,
    failures: InjectedFailures,
    lose_next: u32,
}

#[derive(Clone)]
pub struct FakeStatuspage {
    inner: Arc<Mutex<Inner>>,
    url: String,
    _server: Arc<ServerTask>,
}

fn lock(m: &Mutex<Inner>) -> std::sync::MutexGuard<'_, Inner> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn refuse(status: StatusCode, error: &str) -> Response {
    (status, axum::Json(json!({"error": error}))).into_response()
}

/// The `incident` object of a create or update, checked as Statuspage checks it.
fn read_incident(body: &[u8], creating: bool) -> Result<Map<String, Value>, String> {
    let value: Value = serde_json::from_slice(body).map_err(|e| format!("not JSON: {e}"))?;
    let Some(incident) = value.get("incident").and_then(Value::as_object) else {
        return Err("incident is required".into());
    };
    let name = incident.get("name").and_then(Value::as_str).unwrap_or("");
    if creating && name.trim().is_empty() {
        return Err("name can't be blank".into());
    }
    if let Some(status) = incident.get("status") {
        if !status.as_str().is_some_and(|s| STATUSES.contains(&s)) {
            return Err(format!("status {status} is not an incident status"));
        }
    }
    if let Some(body) = incident.get("body") {
        if !body.is_string() {
            return Err("body must be a string".into());
        }
    }
    let ids: Vec<&str> = match incident.get("component_ids") {
        None => Vec::new(),
        Some(Value::Array(ids)) => ids.iter().filter_map(Value::as_str).collect(),
        Some(_) => return Err("component_ids must be an array".into()),
    };
    if let Some(components) = incident.get("components") {
        let Some(components) = components.as_object() else {
            return Err("components must be an object".into());
        };
        for (id, status) in components {
            if !ids.contains(&id.as_str()) {
                return Err(format!("component {id} is not in component_ids"));
            }
            if !status
                .as_str()
                .is_some_and(|s| COMPONENT_STATUSES.contains(&s))
            {
                return Err(format!("{status} is not a component status"));
            }
        }
    }
    Ok(incident.clone())
}

async fn receive(
    State(inner): State<Arc<Mutex<Inner>>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut state = lock(&inner);
    state.received.push(Received::of(&uri, &headers, &body));
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if auth != format!("OAuth {}", state.api_key) {
        return refuse(StatusCode::UNAUTHORIZED, "Could not authenticate");
    }
    let parts: Vec<&str> = uri.path().trim_matches('/').split('/').collect();
    let (page, incident) = match parts.as_slice() {
        ["v1", "pages", page, "incidents"] => (*page, None),
        ["v1", "pages", page, "incidents", id] => (*page, Some(*id)),
        _ => return refuse(StatusCode::NOT_FOUND, "not found"),
    };
    if page != state.page_id {
        return refuse(StatusCode::NOT_FOUND, "page not found");
    }
    if let Some(failure) = state.failures.take(StatusCode::INTERNAL_SERVER_ERROR) {
        return failure;
    }
    let acting = method == Method::POST || method == Method::PATCH;
    let answer = match (method, incident) {
        (Method::GET, None) => {
            let q = uri
                .query()
                .and_then(|q| {
                    url_pairs(q)
                        .into_iter()
                        .find(|(k, _)| k == "q")
                        .map(|(_, v)| v)
                })
                .unwrap_or_default()
                .to_lowercase();
            let found: Vec<Value> = state
                .incidents
                .iter()
                .rev()
                .filter(|i| i.name.to_lowercase().contains(&q))
                .map(PageIncident::json)
                .collect();
            (StatusCode::OK, axum::Json(Value::Array(found))).into_response()
        }
        (Method::POST, None) => {
            let fields = match read_incident(&body, true) {
                Ok(f) => f,
                Err(e) => return refuse(StatusCode::UNPROCESSABLE_ENTITY, &e),
            };
            let created = PageIncident {
                id: format!("pi{:04}", state.incidents.len() + 1),
                name: fields["name"].as_str().unwrap_or_default().to_string(),
                status: fields
                    .get("status")
                    .and_then(Value::as_str)
                    .unwrap_or("investigating")
                    .to_string(),
                updates: fields
                    .get("body")
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .into_iter()
                    .collect(),
                components: fields
                    .get("components")
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default(),
                created_at: chrono::Utc::now().to_rfc3339(),
            };
            let answer = created.json();
            state.incidents.push(created);
            (StatusCode::CREATED, axum::Json(answer)).into_response()
        }
        (Method::PATCH, Some(id)) => {
            let fields = match read_incident(&body, false) {
                Ok(f) => f,
                Err(e) => return refuse(StatusCode::UNPROCESSABLE_ENTITY, &e),
            };
            let Some(found) = state.incidents.iter_mut().find(|i| i.id == id) else {
                return refuse(StatusCode::NOT_FOUND, "incident not found");
            };
            if let Some(name) = fields.get("name").and_then(Value::as_str) {
                found.name = name.to_string();
            }
            if let Some(status) = fields.get("status").and_then(Value::as_str) {
                found.status = status.to_string();
            }
            if let Some(body) = fields.get("body").and_then(Value::as_str) {
                found.updates.push(body.to_string());
            }
            if let Some(components) = fields.get("components").and_then(Value::as_object) {
                for (id, status) in components {
                    found.components.insert(id.clone(), status.clone());
                }
            }
            (StatusCode::OK, axum::Json(found.json())).into_response()
        }
        _ => return refuse(StatusCode::METHOD_NOT_ALLOWED, "method not allowed"),
    };
    if acting && state.lose_next > 0 {
        state.lose_next -= 1;
        return (StatusCode::INTERNAL_SERVER_ERROR, "the answer was lost").into_response();
    }
    answer
}

/// `a=1&b=x%20y` as pairs, decoded.
fn url_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            Some((decode(k), decode(v)))
        })
        .collect()
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl FakeStatuspage {
    /// A fake for page `page_id`, taking API key `api_key`.
    pub async fn start(api_key: &str, page_id: &str) -> std::io::Result<FakeStatuspage> {
        let inner = Arc::new(Mutex::new(Inner {
            api_key: api_key.to_string(),
            page_id: page_id.to_string(),
            ..Inner::default()
        }));
        let app = axum::Router::new()
            .fallback(receive)
            .with_state(inner.clone());
        let (addr, server) = ServerTask::serve_locally(app).await?;
        Ok(FakeStatuspage {
            inner,
            url: format!("http://{addr}/v1"),
            _server: Arc::new(server),
        })
    }

    /// The API base, as `STATUSPAGE_API_URL` takes it (`…/v1`).
    pub fn api_url(&self) -> String {
        self.url.clone()
    }

    /// Every request so far, refused and failed ones included.
    pub fn received(&self) -> Vec<Received> {
        lock(&self.inner).received.clone()
    }

    /// The page incidents, oldest first.
    pub fn incidents(&self) -> Vec<PageIncident> {
        lock(&self.inner).incidents.clone()
    }

    /// The next `n` requests answer `status` without acting.
    pub fn fail_next(&self, n: u32, status: u16) {
        lock(&self.inner).failures.arm(n, status);
    }

    /// The next `n` creates or updates act, then answer 500 (the answer is lost).
    pub fn lose_next_answers(&self, n: u32) {
        lock(&self.inner).lose_next = n;
    }
}
