//! `/api/*` read handlers: JSON for dashboards and tooling, behind a bearer token compared
//! in constant time. With no `WARROOM_API_TOKEN` configured the API does not exist (404).
//!
//! The response bodies are typed (`bodies.rs`) so that `GET /api/openapi.json`
//! (`openapi.rs`) describes exactly what the handlers send.

use super::bodies::{
    ActionItemBody, ApiError, IncidentBody, IncidentDetail, IncidentPage, StatsBody, StatusName,
    TimelineBody, UpdateBody,
};
use super::{unavailable, AppState};
use crate::store::IncidentFilter;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;

/// Largest page of `GET /api/incidents`.
const MAX_LIMIT: i64 = 200;
const DEFAULT_LIMIT: i64 = 50;
/// Longest `window` of `GET /api/stats`: a century covers any real history.
const MAX_WINDOW: std::time::Duration = std::time::Duration::from_secs(100 * 366 * 86_400);

pub async fn require_token(State(state): State<AppState>, req: Request, next: Next) -> Response {
    super::bearer::require(state.api_token.as_deref(), "token", req, next).await
}

fn bad(reason: String) -> Response {
    (StatusCode::BAD_REQUEST, Json(ApiError { error: reason })).into_response()
}

fn no_incident(id: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(ApiError {
            error: format!("no incident {id}"),
        }),
    )
        .into_response()
}

/// Whether `id` can be an incident id at all. Anything else is answered 404 without a
/// database round trip (PostgreSQL refuses some strings, e.g. with NUL bytes, outright).
pub(super) fn plausible_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

// ---- handlers ---------------------------------------------------------------------------

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only incidents in this status (any case).
    #[param(value_type = Option<StatusName>)]
    status: Option<String>,
    /// Only incidents of this severity (a name of the policy, any case).
    severity: Option<String>,
    /// Only incidents declared since: an RFC 3339 time or a duration back from now (`7d`).
    since: Option<String>,
    /// Page size.
    #[param(minimum = 1, maximum = 200, default = 50)]
    limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

fn parse_since(text: &str, now: i64) -> Option<i64> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
        return Some(t.timestamp_millis());
    }
    humantime::parse_duration(text)
        .ok()
        .map(|d| now.saturating_sub(i64::try_from(d.as_millis()).unwrap_or(i64::MAX / 2)))
}

/// List incidents, newest first, one page at a time.
#[utoipa::path(
    get,
    path = "/api/incidents",
    tag = "incidents",
    params(ListQuery),
    responses(
        (status = 200, description = "A page of incidents", body = IncidentPage),
        (status = 400, description = "A filter, the limit or the cursor is invalid", body = ApiError),
        (status = 401, description = "Missing or wrong bearer token", body = ApiError,
            headers(("WWW-Authenticate" = String, description = "Bearer"))),
        (status = 503, description = "The database is unreachable", body = String, content_type = "text/plain"),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    let q = match query {
        Ok(Query(q)) => q,
        Err(e) => return bad(e.body_text()),
    };
    let service = &state.service;
    let now = service.clock.now_ms();
    let status = match &q.status {
        Some(s) => match crate::incident::Status::parse(s) {
            Some(status) => Some(status.as_str().to_string()),
            None => return bad(format!("unknown status {s:?}")),
        },
        None => None,
    };
    let severity = match &q.severity {
        Some(s) => match service.policy.severity(s) {
            Some(sev) => Some(sev.name.clone()),
            None => return bad(format!("unknown severity {s:?}")),
        },
        None => None,
    };
    let since = match &q.since {
        Some(s) => match parse_since(s, now) {
            Some(t) => Some(t),
            None => {
                return bad(format!(
                    "since must be RFC 3339 or a duration like 7d, not {s:?}"
                ))
            }
        },
        None => None,
    };
    let before = match &q.cursor {
        Some(c) => match c
            .split_once('_')
            .and_then(|(t, id)| Some((t.parse::<i64>().ok()?, id.to_string())))
            .filter(|(_, id)| plausible_id(id))
        {
            Some(b) => Some(b),
            None => return bad("invalid cursor".into()),
        },
        None => None,
    };
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return bad(format!("limit must be between 1 and {MAX_LIMIT}"));
    }
    let filter = IncidentFilter {
        status,
        severity,
        since,
        before,
        limit: limit + 1,
    };
    let mut incidents = match service.store.list_incidents(&filter).await {
        Ok(i) => i,
        Err(e) => return unavailable(e),
    };
    let more = incidents.len() as i64 > limit;
    incidents.truncate(limit as usize);
    let next_cursor = if more {
        incidents
            .last()
            .map(|i| format!("{}_{}", i.declared_at, i.id))
    } else {
        None
    };
    Json(IncidentPage {
        incidents: incidents.iter().map(IncidentBody::from).collect(),
        next_cursor,
    })
    .into_response()
}

/// One incident with its roles, timeline, status updates and action items.
#[utoipa::path(
    get,
    path = "/api/incidents/{id}",
    tag = "incidents",
    params(("id" = String, Path, description = "Incident id, e.g. INC-20261122-001")),
    responses(
        (status = 200, description = "The incident", body = IncidentDetail),
        (status = 401, description = "Missing or wrong bearer token", body = ApiError,
            headers(("WWW-Authenticate" = String, description = "Bearer"))),
        (status = 404, description = "No such incident", body = ApiError),
        (status = 503, description = "The database is unreachable", body = String, content_type = "text/plain"),
    )
)]
pub async fn detail(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    if !plausible_id(&id) {
        return no_incident(&id);
    }
    let store = &state.service.store;
    let inc = match store.incident(&id).await {
        Ok(Some(i)) => i,
        Ok(None) => return no_incident(&id),
        Err(e) => return unavailable(e),
    };
    let (timeline, updates, items) = match (
        store.timeline(&id).await,
        store.updates(&id).await,
        store.action_items(&id).await,
    ) {
        (Ok(t), Ok(u), Ok(a)) => (t, u, a),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return unavailable(e),
    };
    Json(IncidentDetail {
        incident: IncidentBody::from(&inc),
        timeline: timeline.iter().map(TimelineBody::from).collect(),
        updates: updates.iter().map(UpdateBody::from).collect(),
        action_items: items.iter().map(ActionItemBody::from).collect(),
    })
    .into_response()
}

/// The post-mortem draft of an incident, in Markdown.
#[utoipa::path(
    get,
    path = "/api/incidents/{id}/postmortem.md",
    tag = "incidents",
    params(("id" = String, Path, description = "Incident id, e.g. INC-20261122-001")),
    responses(
        (status = 200, description = "The draft", body = String, content_type = "text/markdown"),
        (status = 401, description = "Missing or wrong bearer token", body = ApiError,
            headers(("WWW-Authenticate" = String, description = "Bearer"))),
        (status = 404, description = "No such incident", body = String, content_type = "text/plain"),
        (status = 503, description = "The database is unreachable", body = String, content_type = "text/plain"),
    )
)]
pub async fn postmortem(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let not_found = || (StatusCode::NOT_FOUND, format!("no incident {id}\n")).into_response();
    if !plausible_id(&id) {
        return not_found();
    }
    let service = &state.service;
    let inc = match service.store.incident(&id).await {
        Ok(Some(i)) => i,
        Ok(None) => return not_found(),
        Err(e) => return unavailable(e),
    };
    match service.postmortem(&inc).await {
        Ok(md) => ([(header::CONTENT_TYPE, "text/markdown; charset=utf-8")], md).into_response(),
        Err(e) => unavailable(e),
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// How far back from now, as a duration (`30d`, `12w`); at most a century.
    #[param(default = "30d")]
    window: Option<String>,
    /// `true` counts drills too.
    #[serde(default)]
    drills: bool,
}

/// Counts, MTTA and MTTR per severity, and counts per month, over a window.
#[utoipa::path(
    get,
    path = "/api/stats",
    tag = "stats",
    params(StatsQuery),
    responses(
        (status = 200, description = "The figures", body = StatsBody),
        (status = 400, description = "The window is not a duration", body = ApiError),
        (status = 401, description = "Missing or wrong bearer token", body = ApiError,
            headers(("WWW-Authenticate" = String, description = "Bearer"))),
        (status = 503, description = "The database is unreachable", body = String, content_type = "text/plain"),
    )
)]
pub async fn stats(
    State(state): State<AppState>,
    query: Result<Query<StatsQuery>, QueryRejection>,
) -> Response {
    let q = match query {
        Ok(Query(q)) => q,
        Err(e) => return bad(e.body_text()),
    };
    let window = match q.window.as_deref() {
        None => std::time::Duration::from_secs(30 * 86_400),
        Some(w) => match humantime::parse_duration(w) {
            Ok(d) if !d.is_zero() && d <= MAX_WINDOW => d,
            _ => return bad(format!("window must be a duration like 30d, not {w:?}")),
        },
    };
    match state.service.stats(window, q.drills).await {
        Ok(s) => Json(s).into_response(),
        Err(e) => unavailable(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plausible_ids_reach_the_database() {
        assert!(plausible_id("INC-20261122-001"));
        for bad in ["", "a\0b", "x/../y", "INC 1", &"x".repeat(65)] {
            assert!(!plausible_id(bad), "{bad:?}");
        }
    }
}
