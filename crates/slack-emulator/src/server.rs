//! The HTTP face of the fake: routes, argument decoding, auth and fault injection.
//!
//! A request goes through the same gates as on Slack, in this order: injected latency, then
//! injected faults (a rate limiter or a failing front end answers before Slack looks at the
//! request, so a faulted call changes nothing), then `unknown_method`, malformed body, auth,
//! and finally the method itself on the workspace. Every request is recorded in `calls`,
//! faulted or not, so tests can assert on retries.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use rand::Rng;
use serde_json::{json, Map, Value};

use super::api::{ApiError, Args};
use super::clock::unix_now;
use super::model::Call;
use super::rate_tiers::{retry_after_secs, Limiter, RateTiers};
use super::socket::Hub;
use super::state::{is_known_method, Workspace};
use super::Faults;

/// Argument names whose values are JSON even when they arrive as a form field or in a query
/// string (Slack's form encoding carries them as JSON text).
const JSON_FIELDS: &[&str] = &[
    "attachments",
    "blocks",
    "changes",
    "document_content",
    "files",
    "metadata",
    "unfurls",
    "users",
    "view",
];

/// Uploads (post-mortems, exports) may be larger than axum's 2 MB default.
const MAX_BODY: usize = 64 * 1024 * 1024;

/// Opens a Socket Mode connection; takes the app-level token, not the bot token.
const APPS_CONNECTIONS_OPEN: &str = "apps.connections.open";

/// What the server task and the test handle share.
pub(crate) struct Shared {
    bot_token: String,
    workspace: Mutex<Workspace>,
    faults: Mutex<Faults>,
    /// Slack's rate tiers, when enforced, and the calls counted against them.
    tiers: Mutex<Option<RateTiers>>,
    limiter: Mutex<Limiter>,
    /// Per method, how many of its latest calls in a row were answered 5xx.
    error_streaks: Mutex<HashMap<String, u32>>,
    /// Slack refusing the bot token (`token_revoked`, `account_inactive`…), when set.
    token_refusal: Mutex<Option<&'static str>>,
    /// The Socket Mode side.
    pub(crate) socket: Arc<Hub>,
}

impl Shared {
    pub(crate) fn new(bot_token: &str, workspace: Workspace) -> Self {
        Shared {
            bot_token: bot_token.to_owned(),
            workspace: Mutex::new(workspace),
            faults: Mutex::new(Faults::default()),
            tiers: Mutex::new(None),
            limiter: Mutex::new(Limiter::default()),
            error_streaks: Mutex::new(HashMap::new()),
            token_refusal: Mutex::new(None),
            socket: Arc::new(Hub::default()),
        }
    }

    /// The workspace. A panic while holding the lock (in a test predicate, say) must not take
    /// the fake down with it, so a poisoned lock is simply taken over.
    pub(crate) fn workspace(&self) -> MutexGuard<'_, Workspace> {
        self.workspace.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn faults(&self) -> MutexGuard<'_, Faults> {
        self.faults.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Refuses the bot token with `code` from now on (`None`: takes it again).
    pub(crate) fn refuse_token(&self, code: Option<&'static str>) {
        *self.token_refusal.lock().unwrap_or_else(|e| e.into_inner()) = code;
    }

    fn token_refusal(&self) -> Option<&'static str> {
        *self.token_refusal.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Enforces Slack's rate tiers (`Some`) or not (`None`, the default).
    pub(crate) fn set_tiers(&self, tiers: Option<RateTiers>) {
        *self.tiers.lock().unwrap_or_else(|e| e.into_inner()) = tiers;
    }

    /// With tiers enforced: admits the call, or says how many seconds to wait.
    fn over_tier(&self, method: &str, args: &Map<String, Value>) -> Option<u64> {
        let tiers = self
            .tiers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()?;
        let mut limiter = self.limiter.lock().unwrap_or_else(|e| e.into_inner());
        limiter
            .admit(&tiers, method, args, std::time::Instant::now())
            .err()
            .map(retry_after_secs)
    }

    /// Whether the answer to this call is lost after the call is applied (and how long the
    /// answer takes to fail).
    fn lose_answer(&self) -> Option<std::time::Duration> {
        let faults = self.faults();
        let lost = faults.lost_answer_ratio > 0.0
            && rand::thread_rng().gen::<f64>() < faults.lost_answer_ratio;
        lost.then_some(faults.lost_answer_delay)
    }

    /// Decides whether this call of `method` is faulted, consuming one unit of the
    /// rate-limit burst.
    fn take_fault(&self, method: &str) -> Option<Fault> {
        let mut faults = self.faults();
        if faults.rate_limit_burst > 0 {
            faults.rate_limit_burst -= 1;
            return Some(Fault::RateLimited {
                retry_after_secs: faults.retry_after_secs,
            });
        }
        let (ratio, cap) = (faults.error_5xx_ratio, faults.max_5xx_in_a_row);
        drop(faults);
        if ratio <= 0.0 {
            return None;
        }
        let mut streaks = self.error_streaks.lock().unwrap_or_else(|e| e.into_inner());
        let streak = streaks.entry(method.to_owned()).or_default();
        let mut rng = rand::thread_rng();
        if (cap == 0 || *streak < cap) && rng.gen::<f64>() < ratio {
            *streak += 1;
            let status = [500, 502, 503][rng.gen_range(0..3)];
            return Some(Fault::ServerError(status));
        }
        *streak = 0;
        None
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fault {
    RateLimited { retry_after_secs: u64 },
    ServerError(u16),
}

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/api/{method}", get(api).post(api))
        .route("/upload/{file_id}", post(upload))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(shared.clone())
        .merge(super::openid::routes(shared))
}

async fn api(
    State(shared): State<Arc<Shared>>,
    Path(method): Path<String>,
    http_method: Method,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let latency = shared.faults().latency;
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }

    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let decoded = decode_args(&http_method, query.as_deref(), content_type, &body);
    let (mut args, decode_error) = match decoded {
        Ok(args) => (args, None),
        Err(e) => (Map::new(), Some(e)),
    };
    // The token is a credential, not an argument: keep it out of the recorded call.
    let arg_token = args.remove("token");

    if let Some(fault) = shared.take_fault(&method) {
        let (status, error) = match fault {
            Fault::RateLimited { .. } => (429, "ratelimited".to_owned()),
            Fault::ServerError(status) => (status, format!("http_{status}")),
        };
        shared.workspace().record_call(Call {
            method,
            args: Value::Object(args),
            http_status: status,
            ok: false,
            error: Some(error),
            error_messages: Vec::new(),
        });
        return fault_response(fault);
    }

    if is_known_method(&method) {
        if let Some(retry_after_secs) = shared.over_tier(&method, &args) {
            shared.workspace().record_call(Call {
                method,
                args: Value::Object(args),
                http_status: 429,
                ok: false,
                error: Some("ratelimited".to_owned()),
                error_messages: Vec::new(),
            });
            return fault_response(Fault::RateLimited { retry_after_secs });
        }
    }
    // Decided before the call runs, applied after: Slack did the work, the answer is lost.
    let lost = (method != APPS_CONNECTIONS_OPEN)
        .then(|| shared.lose_answer())
        .flatten();

    let outcome = {
        let mut ws = shared.workspace();
        let outcome = if method == APPS_CONNECTIONS_OPEN {
            match decode_error {
                Some(e) => Err(e),
                None => {
                    check_app_auth(&headers, arg_token.as_ref()).and_then(|()| shared.socket.open())
                }
            }
        } else if !is_known_method(&method) {
            Err(ApiError::from("unknown_method"))
        } else if let Some(e) = decode_error {
            Err(e)
        } else if let Err(e) = check_auth(&headers, arg_token.as_ref(), &shared.bot_token) {
            Err(e)
        } else if let Some(code) = shared.token_refusal() {
            Err(ApiError::from(code))
        } else {
            ws.dispatch(&method, &args, unix_now())
        };
        ws.record_call(Call {
            method: method.clone(),
            args: Value::Object(args),
            // A lost answer is recorded as the 503 the app saw; `ok` says the call was applied.
            http_status: if lost.is_some() { 503 } else { 200 },
            ok: outcome.is_ok(),
            error: outcome.as_ref().err().map(|e| e.code.to_owned()),
            error_messages: outcome
                .as_ref()
                .err()
                .map(|e| e.messages.clone())
                .unwrap_or_default(),
        });
        outcome
    };
    if let Some(delay) = lost {
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        return fault_response(Fault::ServerError(503));
    }
    if let Err(e) = &outcome {
        tracing::debug!(method, error = e.code, "fake slack answered an error");
    }
    json_response(StatusCode::OK, &envelope(outcome))
}

/// `POST /upload/{file_id}`: the upload URL from `files.getUploadURLExternal`. Slack stores the
/// raw body whatever its content type (the SDKs send raw bytes or multipart), and answers
/// plain text, not JSON.
async fn upload(
    State(shared): State<Arc<Shared>>,
    Path(file_id): Path<String>,
    body: Bytes,
) -> Response {
    let latency = shared.faults().latency;
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let mut ws = shared.workspace();
    let stored = ws.store_upload(&file_id, &body);
    let status = if stored { 200 } else { 404 };
    ws.record_call(Call {
        method: "upload".to_owned(),
        args: json!({"file_id": file_id, "length": body.len()}),
        http_status: status,
        ok: stored,
        error: (!stored).then(|| "file_not_found".to_owned()),
        error_messages: Vec::new(),
    });
    drop(ws);
    if stored {
        (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("OK - {}", body.len()),
        )
            .into_response()
    } else {
        (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "file_not_found".to_owned(),
        )
            .into_response()
    }
}

/// Slack's envelope: `{"ok":true, …fields}` or `{"ok":false,"error":…}` (with Slack's
/// explanations in `response_metadata.messages` when the fake has one).
fn envelope(outcome: Result<Map<String, Value>, ApiError>) -> Value {
    match outcome {
        Ok(fields) => {
            let mut out = Map::new();
            out.insert("ok".into(), Value::Bool(true));
            out.extend(fields);
            Value::Object(out)
        }
        Err(e) => {
            let mut out = json!({"ok": false, "error": e.code});
            if !e.messages.is_empty() {
                out["response_metadata"] = json!({"messages": e.messages});
            }
            out
        }
    }
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body.to_string(),
    )
        .into_response()
}

fn fault_response(fault: Fault) -> Response {
    match fault {
        Fault::RateLimited { retry_after_secs } => (
            StatusCode::TOO_MANY_REQUESTS,
            [
                (
                    header::CONTENT_TYPE,
                    "application/json; charset=utf-8".to_owned(),
                ),
                (header::RETRY_AFTER, retry_after_secs.to_string()),
            ],
            json!({"ok": false, "error": "ratelimited"}).to_string(),
        )
            .into_response(),
        Fault::ServerError(status) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let reason = status.canonical_reason().unwrap_or("Server Error");
            (
                status,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                format!("{} {reason}", status.as_u16()),
            )
                .into_response()
        }
    }
}

/// Slack takes the token from `Authorization: Bearer …`, or from a `token` argument. No token
/// at all is `not_authed`; a wrong one is `invalid_auth`.
fn check_auth(
    headers: &HeaderMap,
    arg_token: Option<&Value>,
    bot_token: &str,
) -> Result<(), ApiError> {
    if request_token(headers, arg_token)? == bot_token {
        Ok(())
    } else {
        Err(ApiError::from("invalid_auth"))
    }
}

/// `apps.connections.open` wants an app-level token (`xapp-…`); the bot token, or anything
/// else, is `invalid_auth` — as on Slack, which answers `not_allowed_token_type` only to the
/// user tokens the fake never sees.
fn check_app_auth(headers: &HeaderMap, arg_token: Option<&Value>) -> Result<(), ApiError> {
    if request_token(headers, arg_token)?.starts_with("xapp-") {
        Ok(())
    } else {
        Err(ApiError::from("invalid_auth"))
    }
}

/// The token a request carries: the `Authorization: Bearer` header wins over a `token`
/// argument.
fn request_token(headers: &HeaderMap, arg_token: Option<&Value>) -> Result<String, ApiError> {
    let header_token = headers
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or_default().trim());
    let token = match header_token {
        Some(value) => {
            let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
            if !scheme.eq_ignore_ascii_case("bearer") {
                return Err(ApiError::from("invalid_auth"));
            }
            token.trim().to_owned()
        }
        None => match arg_token {
            Some(Value::String(t)) if !t.is_empty() => t.clone(),
            _ => return Err(ApiError::from("not_authed")),
        },
    };
    if token.is_empty() {
        return Err(ApiError::from("not_authed"));
    }
    Ok(token)
}

/// Decodes a call's arguments into one JSON object, wherever they came from: the query string
/// (GET, and also accepted on POST as Slack does), then the body, JSON or form-encoded, whose
/// fields win over the query's. Form and query values stay strings, except the fields in
/// [`JSON_FIELDS`], which are parsed when they hold JSON.
pub(crate) fn decode_args(
    method: &Method,
    query: Option<&str>,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<Args, ApiError> {
    let mut args = Map::new();
    if let Some(query) = query {
        args.extend(decode_form(query.as_bytes())?);
    }
    if *method == Method::GET || body.iter().all(u8::is_ascii_whitespace) {
        return Ok(args);
    }
    let mime = content_type
        .and_then(|ct| ct.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase())
        .unwrap_or_default();
    match mime.as_str() {
        "application/json" => match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(fields)) => args.extend(fields),
            _ => return Err(ApiError::from("invalid_json")),
        },
        // Slack reads bodies without a content type as a form too.
        "application/x-www-form-urlencoded" | "" => args.extend(decode_form(body)?),
        _ => return Err(ApiError::from("invalid_form_data")),
    }
    Ok(args)
}

fn decode_form(raw: &[u8]) -> Result<Args, ApiError> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_bytes(raw).map_err(|_| ApiError::from("invalid_form_data"))?;
    let mut args = Map::new();
    for (key, value) in pairs {
        let parsed = if JSON_FIELDS.contains(&key.as_str()) {
            let trimmed = value.trim_start();
            if trimmed.starts_with('[') || trimmed.starts_with('{') {
                serde_json::from_str(&value).unwrap_or(Value::String(value))
            } else {
                Value::String(value)
            }
        } else {
            Value::String(value)
        };
        args.insert(key, parsed);
    }
    Ok(args)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(method: Method, query: Option<&str>, ct: Option<&str>, body: &str) -> Args {
        decode_args(&method, query, ct, body.as_bytes()).unwrap()
    }

    #[test]
    fn get_arguments_come_from_the_query() {
        let args = decode(
            Method::GET,
            Some("channel=C1&limit=5&x=a%20b"),
            None,
            "ignored=1",
        );
        assert_eq!(
            Value::Object(args),
            json!({"channel": "C1", "limit": "5", "x": "a b"})
        );
    }

    #[test]
    fn json_bodies_keep_their_types_and_accept_a_charset() {
        let args = decode(
            Method::POST,
            None,
            Some("application/json; charset=utf-8"),
            r#"{"channel":"C1","blocks":[{"type":"divider"}],"unfurl_links":false}"#,
        );
        assert_eq!(args["blocks"], json!([{"type": "divider"}]));
        assert_eq!(args["unfurl_links"], json!(false));
        assert_eq!(
            decode_args(&Method::POST, None, Some("application/json"), b"[1]")
                .unwrap_err()
                .code,
            "invalid_json"
        );
        assert_eq!(
            decode_args(&Method::POST, None, Some("application/json"), b"{")
                .unwrap_err()
                .code,
            "invalid_json"
        );
    }

    #[test]
    fn form_bodies_parse_json_fields_only() {
        let body = "channel=C1&text=%5Bnot+json&blocks=%5B%7B%22type%22%3A%22divider%22%7D%5D&users=U1%2CU2";
        let args = decode(
            Method::POST,
            Some("channel=CQUERY&thread_ts=1.2"),
            Some("application/x-www-form-urlencoded"),
            body,
        );
        assert_eq!(args["channel"], "C1");
        assert_eq!(args["thread_ts"], "1.2");
        assert_eq!(args["text"], "[not json");
        assert_eq!(args["blocks"], json!([{"type": "divider"}]));
        assert_eq!(args["users"], "U1,U2");
        let args = decode(Method::POST, None, None, "users=%5B%22U1%22%5D");
        assert_eq!(args["users"], json!(["U1"]));
        assert_eq!(
            decode_args(
                &Method::POST,
                None,
                Some("multipart/form-data; boundary=x"),
                b"--x"
            )
            .unwrap_err()
            .code,
            "invalid_form_data"
        );
    }

    #[test]
    fn auth_accepts_the_bearer_header_or_a_token_argument() {
        let mut headers = HeaderMap::new();
        assert_eq!(
            check_auth(&headers, None, "xoxb-1").unwrap_err().code,
            "not_authed"
        );
        assert!(check_auth(&headers, Some(&json!("xoxb-1")), "xoxb-1").is_ok());
        assert_eq!(
            check_auth(&headers, Some(&json!("xoxb-2")), "xoxb-1")
                .unwrap_err()
                .code,
            "invalid_auth"
        );
        headers.insert(header::AUTHORIZATION, "Bearer xoxb-1".parse().unwrap());
        assert!(check_auth(&headers, None, "xoxb-1").is_ok());
        headers.insert(header::AUTHORIZATION, "Bearer xoxb-2".parse().unwrap());
        assert_eq!(
            check_auth(&headers, None, "xoxb-1").unwrap_err().code,
            "invalid_auth"
        );
        headers.insert(header::AUTHORIZATION, "Basic xoxb-1".parse().unwrap());
        assert_eq!(
            check_auth(&headers, None, "xoxb-1").unwrap_err().code,
            "invalid_auth"
        );
    }

    #[test]
    fn rate_limit_burst_comes_before_random_errors_and_runs_out() {
        let shared = Shared::new("t", Workspace::new("http://x"));
        *shared.faults() = Faults {
            error_5xx_ratio: 1.0,
            rate_limit_burst: 2,
            retry_after_secs: 3,
            ..Faults::default()
        };
        let limited = Fault::RateLimited {
            retry_after_secs: 3,
        };
        assert_eq!(shared.take_fault("chat.postMessage"), Some(limited));
        assert_eq!(shared.take_fault("chat.postMessage"), Some(limited));
        assert!(matches!(
            shared.take_fault("chat.postMessage"),
            Some(Fault::ServerError(500 | 502 | 503))
        ));
        assert_eq!(shared.faults().rate_limit_burst, 0);
        shared.faults().error_5xx_ratio = 0.0;
        assert_eq!(shared.take_fault("chat.postMessage"), None);
    }

    #[test]
    fn a_streak_cap_lets_every_nth_call_of_a_method_through() {
        let shared = Shared::new("t", Workspace::new("http://x"));
        *shared.faults() = Faults {
            error_5xx_ratio: 1.0,
            max_5xx_in_a_row: 2,
            ..Faults::default()
        };
        let outcomes: Vec<bool> = (0..6)
            .map(|_| shared.take_fault("pins.add").is_some())
            .collect();
        assert_eq!(outcomes, [true, true, false, true, true, false]);
        // Streaks are per method.
        assert!(shared.take_fault("chat.update").is_some());
    }
}
