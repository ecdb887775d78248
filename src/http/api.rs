//! `/api/*`: read-only JSON for dashboards and tooling, behind a bearer token compared
//! in constant time. With no `WARROOM_API_TOKEN` configured the API does not exist (404).

use super::{unavailable, AppState};
use crate::clock::from_ms;
use crate::incident::model::{ActionItem, Incident, StatusUpdate, TimelineEntry};
use crate::store::IncidentFilter;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use subtle::ConstantTimeEq;

/// Largest page of `GET /api/incidents`.
const MAX_LIMIT: i64 = 200;
const DEFAULT_LIMIT: i64 = 50;

pub async fn require_token(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(expected) = state.api_token.as_deref() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if bool::from(given.as_bytes().ct_eq(expected.as_bytes())) {
        next.run(req).await
    } else {
        (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            Json(json!({"error": "missing or wrong bearer token"})),
        )
            .into_response()
    }
}

fn time(ms: Option<i64>) -> Value {
    ms.map(|t| json!(from_ms(t).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)))
        .unwrap_or(Value::Null)
}

fn bad(reason: String) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({ "error": reason }))).into_response()
}

/// The summary shape of an incident (list and detail).
pub fn incident_json(inc: &Incident) -> Value {
    let roles: serde_json::Map<String, Value> = inc
        .roles
        .iter()
        .map(|(k, h)| {
            (
                k.clone(),
                json!({"user": h.user, "since": time(Some(h.since))}),
            )
        })
        .collect();
    json!({
        "id": inc.id,
        "title": inc.title,
        "description": inc.description,
        "service": inc.service,
        "impact": inc.impact,
        "severity": inc.severity,
        "status": inc.status,
        "private": inc.private,
        "drill": inc.drill,
        "reporter": inc.reporter,
        "declared_at": time(Some(inc.declared_at)),
        "first_ic_at": time(inc.first_ic_at),
        "mitigated_at": time(inc.mitigated_at),
        "resolved_at": time(inc.resolved_at),
        "closed_at": time(inc.closed_at),
        "resolve_summary": inc.resolve_summary,
        "next_update_due_at": time(inc.schedule.next_update_due_at),
        "channel": {"id": inc.slack.channel_id, "name": inc.slack.channel_name},
        "roles": roles,
    })
}

fn timeline_json(e: &TimelineEntry) -> Value {
    json!({"at": time(Some(e.at)), "actor": e.actor, "kind": e.kind, "text": e.text})
}

fn update_json(u: &StatusUpdate) -> Value {
    json!({"at": time(Some(u.at)), "author": u.author, "status": u.status, "summary": u.summary,
        "impact": u.impact, "actions_taken": u.actions_taken, "next_steps": u.next_steps, "eta": u.eta})
}

fn action_item_json(a: &ActionItem) -> Value {
    json!({"id": a.id, "text": a.text, "owner": a.owner, "due": a.due, "done": a.done,
        "created_by": a.created_by, "created_at": time(Some(a.created_at)),
        "done_at": time(a.done_at), "done_by": a.done_by})
}

#[derive(Deserialize)]
pub struct ListQuery {
    status: Option<String>,
    severity: Option<String>,
    /// RFC 3339 time or a humantime duration back from now ("7d").
    since: Option<String>,
    limit: Option<i64>,
    cursor: Option<String>,
}

fn parse_since(text: &str, now: i64) -> Option<i64> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
        return Some(t.timestamp_millis());
    }
    humantime::parse_duration(text)
        .ok()
        .map(|d| now - i64::try_from(d.as_millis()).unwrap_or(i64::MAX / 2))
}

/// `GET /api/incidents?status=&severity=&since=&limit=&cursor=`
pub async fn list(State(state): State<AppState>, Query(q): Query<ListQuery>) -> Response {
    let service = &state.service;
    let now = service.clock.now_ms();
    if let Some(s) = &q.status {
        if crate::incident::Status::parse(s).is_none() {
            return bad(format!("unknown status {s:?}"));
        }
    }
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
            .and_then(|(t, id)| Some((t.parse().ok()?, id.to_string())))
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
        status: q
            .status
            .as_deref()
            .and_then(crate::incident::Status::parse)
            .map(|s| s.as_str().to_string()),
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
    let items: Vec<Value> = incidents.iter().map(incident_json).collect();
    Json(json!({"incidents": items, "next_cursor": next_cursor})).into_response()
}

/// `GET /api/incidents/{id}`: the incident with roles, timeline, updates, action items.
pub async fn detail(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let store = &state.service.store;
    let inc = match store.incident(&id).await {
        Ok(Some(i)) => i,
        Ok(None) => {
            return (
                StatusCode::NOT_FOUND,
                Json(json!({"error": format!("no incident {id}")})),
            )
                .into_response()
        }
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
    let mut body = incident_json(&inc);
    body["timeline"] = timeline.iter().map(timeline_json).collect();
    body["updates"] = updates.iter().map(update_json).collect();
    body["action_items"] = items.iter().map(action_item_json).collect();
    Json(body).into_response()
}

/// `GET /api/incidents/{id}/postmortem.md`
pub async fn postmortem(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let service = &state.service;
    let inc = match service.store.incident(&id).await {
        Ok(Some(i)) => i,
        Ok(None) => return (StatusCode::NOT_FOUND, format!("no incident {id}\n")).into_response(),
        Err(e) => return unavailable(e),
    };
    match service.postmortem(&inc).await {
        Ok(md) => ([(header::CONTENT_TYPE, "text/markdown; charset=utf-8")], md).into_response(),
        Err(e) => unavailable(e),
    }
}

#[derive(Deserialize)]
pub struct StatsQuery {
    window: Option<String>,
    /// `true` counts drills too.
    #[serde(default)]
    drills: bool,
}

/// `GET /api/stats?window=30d[&drills=true]`
pub async fn stats(State(state): State<AppState>, Query(q): Query<StatsQuery>) -> Response {
    let window = match q.window.as_deref() {
        None => std::time::Duration::from_secs(30 * 86_400),
        Some(w) => match humantime::parse_duration(w) {
            Ok(d) if !d.is_zero() => d,
            _ => return bad(format!("window must be a duration like 30d, not {w:?}")),
        },
    };
    match state.service.stats(window, q.drills).await {
        Ok(s) => Json(s).into_response(),
        Err(e) => unavailable(e),
    }
}
