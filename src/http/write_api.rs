//! The write API: declare an incident, post an update, resolve — for tools that are not
//! Slack (deploy pipelines, runbooks, other bots). Same bearer token as the read API; the
//! caller acts as `api` with an admin's rights. An `Idempotency-Key` header makes a retry
//! safe: the same key and body within 24 h get the first answer again (a declare's 201
//! comes back as 200 with the same incident), never a second incident.

use super::bodies::incident_json;
#[allow(unused_imports)] // named by the OpenAPI annotations
use super::bodies::{ApiError, IncidentBody, RefusedBody};
use super::{unavailable, AppState};
use crate::incident::decide::{Action, DeclareRequest, UpdateFields, API_ACTOR};
use crate::incident::model::Status;
use crate::incident::refusal::Refusal;
use crate::service::ServiceError;
use crate::store::KeyClaim;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

/// Longest accepted `Idempotency-Key`.
const MAX_KEY_LEN: usize = 255;

/// The `Idempotency-Key` header, as the OpenAPI document describes it.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)]
pub struct IdempotencyKey {
    /// Makes a retry safe: the same key and body within 24 h get the first answer again.
    #[param(rename = "Idempotency-Key", min_length = 1, max_length = 255)]
    idempotency_key: Option<String>,
}

/// The answers every write route can give whatever it does, for the OpenAPI document
/// (each route lists its own successes and refusals next to these).
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
enum WriteFailures {
    /// The body or the Idempotency-Key is invalid
    #[response(status = 400)]
    Invalid(ApiError),
    /// Missing or wrong bearer token
    #[response(status = 401, headers(("WWW-Authenticate" = String, description = "Bearer")))]
    Unauthorized(ApiError),
    /// A request with this Idempotency-Key is still being handled
    #[response(status = 409, headers(("Retry-After" = String, description = "Seconds")))]
    KeyInUse(ApiError),
    /// The database is unreachable
    #[response(status = 503, content_type = "text/plain")]
    Unavailable(String),
}

/// An answer of the write API: a status and a JSON body, kept as is for replays.
struct Answer {
    status: StatusCode,
    body: Value,
}

impl Answer {
    fn new(status: StatusCode, body: Value) -> Answer {
        Answer { status, body }
    }

    fn error(status: StatusCode, message: impl Into<String>) -> Answer {
        Answer::new(status, json!({ "error": message.into() }))
    }

    fn refused(refusal: Refusal) -> Answer {
        let status = match refusal {
            Refusal::NoSuchIncident { .. } => StatusCode::NOT_FOUND,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        Answer::new(
            status,
            json!({ "error": refusal.to_string(), "refusal": refusal }),
        )
    }
}

fn json_response(status: StatusCode, body: String, replayed: bool) -> Response {
    let mut res = (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response();
    if replayed {
        res.headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    res
}

/// Runs `handle` at most once per `(route, Idempotency-Key)`; without the header, always.
async fn idempotent<F, Fut>(
    state: &AppState,
    route: &str,
    headers: &HeaderMap,
    body: &[u8],
    handle: F,
) -> Response
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<Answer, ServiceError>>,
{
    let key = match headers.get("idempotency-key").map(|v| v.to_str()) {
        None => None,
        Some(Ok(k)) if !k.trim().is_empty() && k.len() <= MAX_KEY_LEN => Some(k.trim().to_string()),
        Some(_) => {
            let a = Answer::error(
                StatusCode::BAD_REQUEST,
                format!("Idempotency-Key must be 1–{MAX_KEY_LEN} visible ASCII characters"),
            );
            return json_response(a.status, a.body.to_string(), false);
        }
    };
    let store = &state.service.store;
    let now = state.service.clock.now_ms();
    if let Some(key) = &key {
        let hash = hex::encode(Sha256::digest(body));
        match store.claim_idempotency_key(route, key, &hash, now).await {
            Ok(KeyClaim::Claimed) => {}
            Ok(KeyClaim::Answered { status, body }) => {
                // A declare's 201 Created is repeated as 200: the incident already existed.
                let status = match StatusCode::from_u16(status) {
                    Ok(StatusCode::CREATED) => StatusCode::OK,
                    Ok(s) => s,
                    Err(_) => StatusCode::OK,
                };
                return json_response(status, body, true);
            }
            Ok(KeyClaim::Mismatch) => {
                let a = Answer::error(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "this Idempotency-Key was already used with a different request",
                );
                return json_response(a.status, a.body.to_string(), false);
            }
            Ok(KeyClaim::InFlight) => {
                let a = Answer::error(
                    StatusCode::CONFLICT,
                    "a request with this Idempotency-Key is still being handled; retry shortly",
                );
                let mut res = json_response(a.status, a.body.to_string(), false);
                res.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
                return res;
            }
            Err(e) => return unavailable(e),
        }
    }
    let answer = handle().await;
    match (answer, key) {
        (Ok(a), Some(key)) => {
            let text = a.body.to_string();
            if let Err(e) = store
                .finish_idempotent(route, &key, a.status.as_u16(), &text)
                .await
            {
                return unavailable(e);
            }
            json_response(a.status, text, false)
        }
        (Ok(a), None) => json_response(a.status, a.body.to_string(), false),
        (Err(e), key) => {
            if let Some(key) = key {
                // Nothing to repeat: let the client's retry with this key run afresh.
                let _ = store.release_idempotency_key(route, &key).await;
            }
            unavailable(e)
        }
    }
}

fn parse<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<T, Answer> {
    let invalid = |e: serde_json::Error| {
        Answer::error(StatusCode::BAD_REQUEST, format!("invalid JSON body: {e}"))
    };
    let value: serde_json::Value = serde_json::from_slice(body).map_err(invalid)?;
    // JSON may carry `\u0000`; no text warroom keeps may (PostgreSQL refuses it outright).
    if has_nul(&value) {
        return Err(Answer::error(
            StatusCode::BAD_REQUEST,
            "invalid JSON body: text must not contain NUL characters",
        ));
    }
    serde_json::from_value(value).map_err(invalid)
}

fn has_nul(value: &serde_json::Value) -> bool {
    use serde_json::Value;
    match value {
        Value::String(s) => s.contains('\0'),
        Value::Array(items) => items.iter().any(has_nul),
        Value::Object(fields) => fields.iter().any(|(k, v)| k.contains('\0') || has_nul(v)),
        _ => false,
    }
}

/// A 404 for an id that cannot be an incident's, before the database sees it (PostgreSQL
/// refuses some strings, e.g. with NUL bytes, outright: that would be a 503).
fn implausible(id: &str) -> Option<Response> {
    if super::api::plausible_id(id) {
        return None;
    }
    let a = Answer::refused(Refusal::NoSuchIncident {
        incident: id.to_string(),
    });
    Some(json_response(a.status, a.body.to_string(), false))
}

/// The incident as the read API shows it, after a change.
async fn incident_answer(
    state: &AppState,
    id: &str,
    status: StatusCode,
) -> Result<Answer, ServiceError> {
    Ok(match state.service.store.incident(id).await? {
        Some(inc) => Answer::new(status, incident_json(&inc)),
        None => Answer::refused(Refusal::NoSuchIncident {
            incident: id.to_string(),
        }),
    })
}

/// A new incident. Mentions in the title are not parsed: the text is shown as written.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewIncident {
    title: String,
    /// A severity name of the policy, e.g. `P1`.
    severity: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    service: String,
    #[serde(default)]
    private: bool,
    #[serde(default)]
    drill: bool,
    /// The Slack user id (U… or W…) to declare as; `api` when left out.
    reporter: Option<String>,
}

/// Declare an incident, as `api` (or as `reporter`), with an admin's rights.
#[utoipa::path(
    post,
    path = "/api/incidents",
    tag = "write",
    params(IdempotencyKey),
    request_body(content = NewIncident, content_type = "application/json"),
    responses(
        (status = 201, description = "Declared", body = IncidentBody),
        (status = 200, description = "A replay: this Idempotency-Key already declared it", body = IncidentBody,
            headers(("idempotent-replayed" = String, description = "true"))),
        (status = 422, description = "Refused (e.g. unknown severity), or the Idempotency-Key was used with another body", body = RefusedBody),
        WriteFailures,
    )
)]
pub async fn declare(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let route = "POST /api/incidents";
    idempotent(&state, route, &headers, &body, || async {
        let req: NewIncident = match parse(&body) {
            Ok(r) => r,
            Err(a) => return Ok(a),
        };
        let reporter = match req.reporter {
            Some(r) if crate::incident::model::is_user_id(&r) => r,
            Some(r) => {
                return Ok(Answer::error(
                    StatusCode::BAD_REQUEST,
                    format!("reporter {r:?} is not a Slack user id (U… or W…)"),
                ))
            }
            None => API_ACTOR.to_string(),
        };
        let declared = state
            .service
            .declare(DeclareRequest {
                title: req.title,
                severity: req.severity,
                private: req.private,
                drill: req.drill,
                reporter,
                origin_channel: String::new(),
                description: req.description,
                service: req.service,
                impact: String::new(),
            })
            .await?;
        Ok(match declared {
            Ok(inc) => Answer::new(StatusCode::CREATED, incident_json(&inc)),
            Err(refusal) => Answer::refused(refusal),
        })
    })
    .await
}

/// A status update; `status` moves the incident on at the same time.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUpdate {
    text: String,
    /// One of investigating, identified, mitigating, monitoring.
    status: Option<String>,
}

/// Post a status update on an open incident.
#[utoipa::path(
    post,
    path = "/api/incidents/{id}/updates",
    tag = "write",
    params(("id" = String, Path, description = "Incident id, e.g. INC-20261122-001"), IdempotencyKey),
    request_body(content = NewUpdate, content_type = "application/json"),
    responses(
        (status = 200, description = "Posted; the incident as it is now", body = IncidentBody),
        (status = 404, description = "No such incident", body = RefusedBody),
        (status = 422, description = "Refused (e.g. the incident is resolved), or the Idempotency-Key was used with another body", body = RefusedBody),
        WriteFailures,
    )
)]
pub async fn post_update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(refused) = implausible(&id) {
        return refused;
    }
    let route = format!("POST /api/incidents/{id}/updates");
    idempotent(&state, &route, &headers, &body, || async {
        let req: NewUpdate = match parse(&body) {
            Ok(r) => r,
            Err(a) => return Ok(a),
        };
        if req.text.trim().is_empty() {
            return Ok(Answer::error(
                StatusCode::BAD_REQUEST,
                "text must not be empty",
            ));
        }
        let status = match req.status.as_deref().map(|s| (s, Status::parse(s))) {
            None => None,
            Some((_, Some(s))) if s.is_open() => Some(s),
            Some((given, _)) => {
                return Ok(Answer::error(
                    StatusCode::BAD_REQUEST,
                    format!(
                        "status {given:?} is not one of investigating, identified, mitigating, \
                         monitoring (resolve with POST /api/incidents/{{id}}/resolve)"
                    ),
                ))
            }
        };
        let fields = UpdateFields {
            status,
            summary: req.text,
            ..UpdateFields::default()
        };
        match state
            .service
            .act(&id, API_ACTOR, Action::PostUpdate(fields))
            .await?
        {
            Ok(_) => incident_answer(&state, &id, StatusCode::OK).await,
            Err(refusal) => Ok(Answer::refused(refusal)),
        }
    })
    .await
}

/// How it was resolved; the summary becomes the post-mortem's root cause.
#[derive(Deserialize, Default, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Resolution {
    #[serde(default)]
    summary: String,
}

/// Resolve an incident. An empty body resolves it without a summary.
#[utoipa::path(
    post,
    path = "/api/incidents/{id}/resolve",
    tag = "write",
    params(("id" = String, Path, description = "Incident id, e.g. INC-20261122-001"), IdempotencyKey),
    request_body(content = Option<Resolution>, content_type = "application/json"),
    responses(
        (status = 200, description = "Resolved; the incident as it is now", body = IncidentBody),
        (status = 404, description = "No such incident", body = RefusedBody),
        (status = 422, description = "Refused (e.g. already resolved), or the Idempotency-Key was used with another body", body = RefusedBody),
        WriteFailures,
    )
)]
pub async fn resolve(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(refused) = implausible(&id) {
        return refused;
    }
    let route = format!("POST /api/incidents/{id}/resolve");
    idempotent(&state, &route, &headers, &body, || async {
        // An empty body is a resolve without a summary.
        let req: Resolution = if body.iter().all(u8::is_ascii_whitespace) {
            Resolution::default()
        } else {
            match parse(&body) {
                Ok(r) => r,
                Err(a) => return Ok(a),
            }
        };
        match state
            .service
            .act(
                &id,
                API_ACTOR,
                Action::Resolve {
                    summary: req.summary,
                },
            )
            .await?
        {
            Ok(_) => incident_answer(&state, &id, StatusCode::OK).await,
            Err(refusal) => Ok(Answer::refused(refusal)),
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_with_nul_is_refused_before_the_database() {
        let nul = br#"{"title": "a\u0000b", "severity": "P1"}"#;
        let refused = parse::<serde_json::Value>(nul).unwrap_err();
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        let nested = br#"{"title": "ok", "tags": [{"\u0000": 1}]}"#;
        assert!(parse::<serde_json::Value>(nested).is_err());
        assert!(parse::<serde_json::Value>(br#"{"title": "a\\u0000b"}"#).is_ok());
    }
}
