//! `/api/*`: read-only JSON for dashboards and tooling, behind a bearer token compared
//! in constant time. With no `WARROOM_API_TOKEN` configured the API does not exist (404).
//!
//! The response bodies are typed so that `GET /api/openapi.json` describes exactly what
//! the handlers send: the OpenAPI document is generated from these types and the
//! handlers' annotations (utoipa).

use super::{unavailable, AppState};
use crate::clock::from_ms;
use crate::incident::model::{ActionItem, Incident, StatusUpdate, TimelineEntry};
use crate::store::IncidentFilter;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, OpenApi, ToSchema};

/// Largest page of `GET /api/incidents`.
const MAX_LIMIT: i64 = 200;
const DEFAULT_LIMIT: i64 = 50;
/// Longest `window` of `GET /api/stats`: a century covers any real history.
const MAX_WINDOW: std::time::Duration = std::time::Duration::from_secs(100 * 366 * 86_400);

pub async fn require_token(State(state): State<AppState>, req: Request, next: Next) -> Response {
    super::bearer::require(state.api_token.as_deref(), "token", req, next).await
}

// ---- response bodies --------------------------------------------------------------------

/// Every JSON error of the API: a one-line reason.
#[derive(Serialize, ToSchema)]
pub struct ApiError {
    pub error: String,
}

/// Who holds a role, and since when.
#[derive(Serialize, ToSchema)]
pub struct RoleBody {
    /// Slack user id.
    pub user: String,
    #[schema(format = DateTime)]
    pub since: String,
}

/// The incident's Slack channel; both are null until Slack has created it.
#[derive(Serialize, ToSchema)]
pub struct ChannelBody {
    pub id: Option<String>,
    pub name: Option<String>,
}

/// The lifecycle status of an incident (documentation of `incident::Status`'s names).
#[derive(Serialize, Deserialize, ToSchema, Clone, Copy)]
#[serde(rename_all = "lowercase")]
pub enum StatusName {
    Investigating,
    Identified,
    Mitigating,
    Monitoring,
    Resolved,
    Closed,
}

/// The summary shape of an incident (list and detail). Times are RFC 3339 UTC with
/// milliseconds; a time that has not happened yet is null.
#[derive(Serialize, ToSchema)]
pub struct IncidentBody {
    /// `INC-YYYYMMDD-NNN`.
    pub id: String,
    pub title: String,
    pub description: String,
    pub service: String,
    pub impact: String,
    /// A severity name of the policy, e.g. `P1`.
    pub severity: String,
    #[schema(value_type = StatusName)]
    pub status: String,
    pub private: bool,
    /// A drill (game day): left out of the statistics unless asked for.
    pub drill: bool,
    /// Slack user id of the person who declared it.
    pub reporter: String,
    #[schema(format = DateTime)]
    pub declared_at: String,
    #[schema(format = DateTime)]
    pub first_ic_at: Option<String>,
    #[schema(format = DateTime)]
    pub mitigated_at: Option<String>,
    #[schema(format = DateTime)]
    pub resolved_at: Option<String>,
    #[schema(format = DateTime)]
    pub closed_at: Option<String>,
    pub resolve_summary: String,
    #[schema(format = DateTime)]
    pub next_update_due_at: Option<String>,
    pub channel: ChannelBody,
    /// Held roles by role key (`ic`, `tech`, …).
    pub roles: BTreeMap<String, RoleBody>,
}

/// One page of incidents, newest first.
#[derive(Serialize, ToSchema)]
pub struct IncidentPage {
    pub incidents: Vec<IncidentBody>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct TimelineBody {
    #[schema(format = DateTime)]
    pub at: String,
    /// Slack user id, or `warroom` for what the bot did on its own.
    pub actor: String,
    pub kind: String,
    pub text: String,
}

#[derive(Serialize, ToSchema)]
pub struct UpdateBody {
    #[schema(format = DateTime)]
    pub at: String,
    pub author: String,
    pub status: String,
    pub summary: String,
    pub impact: String,
    pub actions_taken: String,
    pub next_steps: String,
    pub eta: String,
}

#[derive(Serialize, ToSchema)]
pub struct ActionItemBody {
    pub id: i64,
    pub text: String,
    pub owner: Option<String>,
    pub due: Option<String>,
    pub done: bool,
    pub created_by: String,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub done_at: Option<String>,
    pub done_by: Option<String>,
}

/// An incident with its timeline, status updates and action items.
#[derive(Serialize, ToSchema)]
pub struct IncidentDetail {
    #[serde(flatten)]
    pub incident: IncidentBody,
    pub timeline: Vec<TimelineBody>,
    pub updates: Vec<UpdateBody>,
    pub action_items: Vec<ActionItemBody>,
}

/// The answer of `GET /api/stats` (documentation of the service's stats type).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct StatsBody {
    pub window_seconds: i64,
    #[schema(format = DateTime)]
    pub since: String,
    /// Incidents declared in the window.
    pub total: i64,
    /// One entry per severity of the policy, in the policy's order.
    pub by_severity: Vec<SeverityStatsBody>,
    /// Month (`YYYY-MM`) → severity → incidents declared.
    pub by_month: BTreeMap<String, BTreeMap<String, i64>>,
    /// Whether drills are counted (they are left out unless `drills=true`).
    pub drills: bool,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct SeverityStatsBody {
    pub severity: String,
    pub count: i64,
    /// Incidents that got an incident commander.
    pub acknowledged: i64,
    pub resolved: i64,
    /// Mean time from declaration to the first incident commander.
    pub mtta_seconds: Option<i64>,
    /// Mean time from declaration to resolution.
    pub mttr_seconds: Option<i64>,
}

fn time(ms: i64) -> String {
    from_ms(ms).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn time_opt(ms: Option<i64>) -> Option<String> {
    ms.map(time)
}

impl From<&Incident> for IncidentBody {
    fn from(inc: &Incident) -> Self {
        IncidentBody {
            id: inc.id.clone(),
            title: inc.title.clone(),
            description: inc.description.clone(),
            service: inc.service.clone(),
            impact: inc.impact.clone(),
            severity: inc.severity.clone(),
            status: inc.status.as_str().to_string(),
            private: inc.private,
            drill: inc.drill,
            reporter: inc.reporter.clone(),
            declared_at: time(inc.declared_at),
            first_ic_at: time_opt(inc.first_ic_at),
            mitigated_at: time_opt(inc.mitigated_at),
            resolved_at: time_opt(inc.resolved_at),
            closed_at: time_opt(inc.closed_at),
            resolve_summary: inc.resolve_summary.clone(),
            next_update_due_at: time_opt(inc.schedule.next_update_due_at),
            channel: ChannelBody {
                id: inc.slack.channel_id.clone(),
                name: inc.slack.channel_name.clone(),
            },
            roles: inc
                .roles
                .iter()
                .map(|(k, h)| {
                    (
                        k.clone(),
                        RoleBody {
                            user: h.user.clone(),
                            since: time(h.since),
                        },
                    )
                })
                .collect(),
        }
    }
}

impl From<&TimelineEntry> for TimelineBody {
    fn from(e: &TimelineEntry) -> Self {
        TimelineBody {
            at: time(e.at),
            actor: e.actor.clone(),
            kind: e.kind.clone(),
            text: e.text.clone(),
        }
    }
}

impl From<&StatusUpdate> for UpdateBody {
    fn from(u: &StatusUpdate) -> Self {
        UpdateBody {
            at: time(u.at),
            author: u.author.clone(),
            status: u.status.clone(),
            summary: u.summary.clone(),
            impact: u.impact.clone(),
            actions_taken: u.actions_taken.clone(),
            next_steps: u.next_steps.clone(),
            eta: u.eta.clone(),
        }
    }
}

impl From<&ActionItem> for ActionItemBody {
    fn from(a: &ActionItem) -> Self {
        ActionItemBody {
            id: a.id,
            text: a.text.clone(),
            owner: a.owner.clone(),
            due: a.due.clone(),
            done: a.done,
            created_by: a.created_by.clone(),
            created_at: time(a.created_at),
            done_at: time_opt(a.done_at),
            done_by: a.done_by.clone(),
        }
    }
}

/// The summary shape of an incident, as JSON (also the outbound webhook's `incident`).
pub fn incident_json(inc: &Incident) -> Value {
    serde_json::to_value(IncidentBody::from(inc)).unwrap_or(Value::Null)
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
fn plausible_id(id: &str) -> bool {
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

/// This document. Public while the API is enabled (it describes, it does not disclose);
/// 404 like the rest of `/api/*` when no token is configured.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "meta",
    security(()),
    responses(
        (status = 200, description = "The OpenAPI document of /api", content_type = "application/json"),
    )
)]
pub async fn openapi(State(state): State<AppState>) -> Response {
    if state.api_token.is_none() {
        return StatusCode::NOT_FOUND.into_response();
    }
    Json(ApiDoc::openapi()).into_response()
}

/// The OpenAPI 3.1 description of `/api/*`.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "warroom API",
        description = "Read-only JSON about incidents, for dashboards and tooling.\n\n\
            Enabled by setting `WARROOM_API_TOKEN`; without it every `/api/*` path answers 404. \
            Every path but this document needs `Authorization: Bearer <WARROOM_API_TOKEN>`. \
            Errors are `{\"error\": \"…\"}` with a one-line reason, except where a path says \
            text/plain. `GET /api/incidents` pages with `limit` and the `next_cursor` of the \
            previous page, until `next_cursor` is null."
    ),
    paths(list, detail, postmortem, stats, openapi),
    components(schemas(ApiError, IncidentPage, IncidentBody, IncidentDetail, StatsBody)),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags(
        (name = "incidents", description = "Incidents, newest first"),
        (name = "stats", description = "Response-time figures"),
        (name = "meta", description = "This description"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("The value of WARROOM_API_TOKEN"))
                    .build(),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_covers_every_route_with_auth() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        let paths: Vec<&String> = doc["paths"].as_object().unwrap().keys().collect();
        assert_eq!(
            paths,
            [
                "/api/incidents",
                "/api/incidents/{id}",
                "/api/incidents/{id}/postmortem.md",
                "/api/openapi.json",
                "/api/stats"
            ]
        );
        assert_eq!(
            doc["components"]["securitySchemes"]["bearer"]["scheme"],
            "bearer"
        );
        assert_eq!(doc["security"][0]["bearer"], serde_json::json!([]));
        assert_eq!(
            doc["paths"]["/api/openapi.json"]["get"]["security"],
            serde_json::json!([{}]),
            "the document itself is public"
        );
    }

    #[test]
    fn status_names_match_the_domain() {
        for status in crate::incident::Status::ALL {
            let name: StatusName =
                serde_json::from_value(Value::String(status.as_str().into())).unwrap();
            assert_eq!(
                serde_json::to_value(name).unwrap(),
                Value::String(status.as_str().into())
            );
        }
    }

    #[test]
    fn only_plausible_ids_reach_the_database() {
        assert!(plausible_id("INC-20261122-001"));
        for bad in ["", "a\0b", "x/../y", "INC 1", &"x".repeat(65)] {
            assert!(!plausible_id(bad), "{bad:?}");
        }
    }
}
