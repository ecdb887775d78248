//! Alert intake: Prometheus Alertmanager and Grafana alerting webhooks. A firing alert
//! group declares an incident (severity from the policy's label mapping); later alerts of
//! the same group go on that incident's timeline; the group resolving is said in the
//! channel and never resolves the incident. Authenticated by `WARROOM_ALERTS_SECRET` as a
//! bearer token; without it the hooks do not exist (404).
//!
//! Both senders retry on 5xx, so every step is safe to repeat: one incident per group
//! (claimed in the store before declaring), each alert on the timeline once (by
//! fingerprint).

#[allow(unused_imports)] // named by the OpenAPI annotations
use super::bodies::{ApiError, RefusedBody};
use super::{unavailable, AppState};
use crate::incident::decide::{Action, DeclareRequest, FiredAlert};
use crate::incident::model::Status;
use crate::policy::Policy;
use crate::store::{AlertGroup, StoreError};
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::time::Duration;
use utoipa::{IntoResponses, ToResponse, ToSchema};

/// How long a notification waits for another one that is declaring the same group.
const CLAIM_WAIT: Duration = Duration::from_secs(3);
/// A claim older than this whose incident never got recorded was abandoned (a crash).
const ABANDONED_CLAIM_MS: i64 = 60_000;

pub async fn require_secret(State(state): State<AppState>, req: Request, next: Next) -> Response {
    super::bearer::require(state.alerts_secret.as_deref(), "secret", req, next).await
}

/// The notification both Alertmanager (webhook_config) and Grafana (webhook contact
/// point) send; Grafana adds fields of its own, which are ignored.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = AlertNotification)]
pub struct Notification {
    group_key: Option<String>,
    #[serde(default)]
    group_labels: BTreeMap<String, String>,
    #[serde(default)]
    common_labels: BTreeMap<String, String>,
    #[serde(default)]
    common_annotations: BTreeMap<String, String>,
    #[serde(default)]
    alerts: Vec<Alert>,
    /// Grafana's title of the notification.
    title: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Alert {
    #[serde(default)]
    status: String,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
    starts_at: Option<String>,
    fingerprint: Option<String>,
}

impl Alert {
    fn is_firing(&self) -> bool {
        self.status.eq_ignore_ascii_case("firing")
    }

    fn name(&self) -> String {
        self.labels
            .get("alertname")
            .cloned()
            .unwrap_or_else(|| "alert".into())
    }

    /// The sender's fingerprint, or one made from the labels (which identify an alert).
    fn fingerprint(&self) -> String {
        match &self.fingerprint {
            Some(f) if !f.is_empty() => f.clone(),
            _ => {
                let labels: Vec<String> = self
                    .labels
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect();
                hex::encode(&Sha256::digest(labels.join("\n").as_bytes())[..8])
            }
        }
    }

    fn fired(&self) -> FiredAlert {
        FiredAlert {
            name: self.name(),
            summary: self.annotations.get("summary").cloned().unwrap_or_default(),
            started_at: self
                .starts_at
                .as_deref()
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                .map(|t| t.timestamp_millis())
                .filter(|ms| *ms > 0),
        }
    }
}

impl Notification {
    /// The group's identity: the sender's group key, else its grouping labels.
    fn group_key(&self) -> Option<String> {
        match &self.group_key {
            Some(k) if !k.is_empty() => Some(k.clone()),
            _ if !self.group_labels.is_empty() => Some(
                self.group_labels
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            _ => None,
        }
    }

    fn label(&self, name: &str) -> Option<&str> {
        self.common_labels
            .get(name)
            .or_else(|| self.alerts.iter().find_map(|a| a.labels.get(name)))
            .map(String::as_str)
    }

    fn title(&self) -> String {
        let name = self.label("alertname");
        let summary = self.common_annotations.get("summary");
        match (name, summary) {
            (Some(n), Some(s)) => format!("{n}: {s}"),
            (Some(n), None) => n.to_string(),
            (None, Some(s)) => s.clone(),
            (None, None) => self
                .title
                .clone()
                .filter(|t| !t.trim().is_empty())
                .unwrap_or_else(|| "Alert group firing".into()),
        }
    }

    /// The policy's label mapping, else its default, else the least severe severity.
    fn severity(&self, policy: &Policy) -> String {
        let mapped = self.label(&policy.alerts.label).and_then(|value| {
            policy
                .alerts
                .severities
                .iter()
                .find(|(v, _)| v.eq_ignore_ascii_case(value.trim()))
                .map(|(_, sev)| sev.clone())
        });
        mapped
            .or_else(|| policy.alerts.default_severity.clone())
            .or_else(|| policy.severities.last().map(|s| s.name.clone()))
            .unwrap_or_default()
    }

    fn firing(&self) -> Vec<&Alert> {
        self.alerts.iter().filter(|a| a.is_firing()).collect()
    }
}

/// A Prometheus Alertmanager notification (`webhook_configs`).
#[utoipa::path(
    post,
    path = "/hooks/alertmanager",
    tag = "hooks",
    security(("alerts" = [])),
    request_body(content = Notification, content_type = "application/json",
        description = "Alertmanager's webhook payload"),
    responses(HookResponses)
)]
pub async fn alertmanager(State(state): State<AppState>, body: Bytes) -> Response {
    intake(&state, "alertmanager", &body).await
}

/// A Grafana alerting notification (webhook contact point).
#[utoipa::path(
    post,
    path = "/hooks/grafana",
    tag = "hooks",
    security(("alerts" = [])),
    request_body(content = Notification, content_type = "application/json",
        description = "Grafana's webhook payload (its extra fields are ignored)"),
    responses(HookResponses)
)]
pub async fn grafana(State(state): State<AppState>, body: Bytes) -> Response {
    intake(&state, "grafana", &body).await
}

/// What either hook answers (both go through `intake`), for the OpenAPI document.
#[derive(IntoResponses)]
#[allow(dead_code)] // documents what `intake` answers
enum HookResponses {
    /// Handled without a new incident: noted on the group's incident, or ignored
    #[response(status = 200)]
    Handled(HookAnswer),
    /// A firing group declared an incident
    #[response(status = 201)]
    Declared(HookAnswer),
    /// Not an alert notification, or one with neither groupKey nor groupLabels
    #[response(status = 400)]
    NotAlerts(ApiError),
    /// Missing or wrong bearer secret
    #[response(status = 401, headers(("WWW-Authenticate" = String, description = "Bearer")))]
    Unauthorized(ApiError),
    /// The hooks are off: WARROOM_ALERTS_SECRET is not set
    #[response(status = 404)]
    Off,
    /// The incident could not be declared (e.g. the mapped severity is unknown)
    #[response(status = 422)]
    Refused(RefusedBody),
    #[response(status = 503)]
    Unavailable(#[to_response] HookUnavailable),
}

/// The database is unreachable, or another notification is declaring this group (retry)
#[derive(ToResponse)]
#[response(headers(("Retry-After" = String, description = "Seconds, when the group is being declared")))]
#[allow(dead_code)]
enum HookUnavailable {
    Text(#[content("text/plain")] String),
    Json(#[content("application/json")] ApiError),
}

/// What a hook did with a notification.
#[derive(ToSchema)]
#[allow(dead_code)] // documents the `json!` of `answer`
pub struct HookAnswer {
    /// `declared`, `noted`, `unchanged`, `resolved_noticed` or `ignored`.
    pub action: String,
    /// The group's incident, if it has one.
    pub incident: Option<String>,
}

fn answer(action: &str, incident: Option<&str>) -> Response {
    Json(json!({ "action": action, "incident": incident })).into_response()
}

async fn intake(state: &AppState, source: &str, body: &[u8]) -> Response {
    let note: Notification = match serde_json::from_slice(body) {
        Ok(n) => n,
        Err(e) => {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({"error": format!("not an alert notification: {e}")})),
            )
                .into_response()
        }
    };
    let Some(group_key) = note.group_key() else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "the notification has neither groupKey nor groupLabels"})),
        )
            .into_response();
    };
    match handle(state, source, &group_key, &note).await {
        Ok(res) => res,
        Err(e) => unavailable(e),
    }
}

async fn handle(
    state: &AppState,
    source: &str,
    group_key: &str,
    note: &Notification,
) -> Result<Response, HookError> {
    let store = &state.service.store;
    let firing = note.firing();
    let deadline = tokio::time::Instant::now() + CLAIM_WAIT;
    loop {
        let now = state.service.clock.now_ms();
        let group = store.alert_group(source, group_key).await?;
        let open_incident = match &group {
            Some(AlertGroup {
                incident_id: Some(id),
                ..
            }) => match store.incident(id).await? {
                Some(inc) if inc.status != Status::Closed => Some(inc.id),
                _ => None,
            },
            _ => None,
        };
        if let (Some(id), Some(group)) = (&open_incident, &group) {
            return on_open_incident(state, source, group_key, note, id, group).await;
        }
        if firing.is_empty() {
            // A resolution for a group with no open incident: nothing to do.
            return Ok(answer("ignored", None));
        }
        let claimed = match &group {
            None => {
                store
                    .claim_alert_group(source, group_key, None, now)
                    .await?
            }
            Some(AlertGroup {
                incident_id: Some(closed),
                ..
            }) => {
                store
                    .claim_alert_group(source, group_key, Some(closed), now)
                    .await?
            }
            Some(g) if g.updated_at < now - ABANDONED_CLAIM_MS => {
                store.drop_alert_group_claim(source, group_key).await?;
                continue;
            }
            Some(_) => false,
        };
        if claimed {
            return declare_for_group(state, source, group_key, note).await;
        }
        // Another notification is declaring this group right now: wait for its incident.
        if tokio::time::Instant::now() >= deadline {
            return Ok((
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::RETRY_AFTER, "5")],
                Json(json!({"error": "the alert group is being declared; retry"})),
            )
                .into_response());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn declare_for_group(
    state: &AppState,
    source: &str,
    group_key: &str,
    note: &Notification,
) -> Result<Response, HookError> {
    let service = &state.service;
    let declared = service
        .declare(DeclareRequest {
            title: note.title(),
            severity: note.severity(&service.policy),
            private: false,
            drill: false,
            reporter: source.to_string(),
            origin_channel: String::new(),
            description: note
                .common_annotations
                .get("description")
                .cloned()
                .unwrap_or_default(),
            service: note.label("service").unwrap_or_default().to_string(),
            impact: String::new(),
        })
        .await
        .map_err(HookError::Service)?;
    let incident = match declared {
        Ok(inc) => inc,
        Err(refusal) => {
            service
                .store
                .drop_alert_group_claim(source, group_key)
                .await?;
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(json!({"error": refusal.to_string(), "refusal": refusal})),
            )
                .into_response());
        }
    };
    let firing = note.firing();
    let fingerprints: Vec<String> = firing.iter().map(|a| a.fingerprint()).collect();
    let now = service.clock.now_ms();
    service
        .store
        .set_alert_group(source, group_key, &incident.id, &fingerprints, now)
        .await?;
    let alerts = firing.iter().map(|a| a.fired()).collect();
    service
        .act(&incident.id, source, Action::AlertsFired { alerts })
        .await
        .map_err(HookError::Service)?
        .ok();
    Ok((
        StatusCode::CREATED,
        Json(json!({"action": "declared", "incident": incident.id})),
    )
        .into_response())
}

async fn on_open_incident(
    state: &AppState,
    source: &str,
    group_key: &str,
    note: &Notification,
    incident_id: &str,
    group: &AlertGroup,
) -> Result<Response, HookError> {
    let service = &state.service;
    let now = service.clock.now_ms();
    let firing = note.firing();
    if firing.is_empty() {
        let names: Vec<String> = {
            let mut names: Vec<String> = note.alerts.iter().map(Alert::name).collect();
            names.dedup();
            names
        };
        // Forget the fingerprints: if the group fires again, its alerts are news.
        service
            .store
            .set_alert_group(source, group_key, incident_id, &[], now)
            .await?;
        if group.fingerprints.is_empty() {
            // Already said for this round of the group.
            return Ok(answer("ignored", Some(incident_id)));
        }
        service
            .act(
                incident_id,
                source,
                Action::AlertGroupResolved { alerts: names },
            )
            .await
            .map_err(HookError::Service)?
            .ok();
        return Ok(answer("resolved_noticed", Some(incident_id)));
    }
    let new: Vec<&Alert> = firing
        .into_iter()
        .filter(|a| !group.fingerprints.contains(&a.fingerprint()))
        .collect();
    if new.is_empty() {
        return Ok(answer("unchanged", Some(incident_id)));
    }
    let mut fingerprints = group.fingerprints.clone();
    fingerprints.extend(new.iter().map(|a| a.fingerprint()));
    service
        .act(
            incident_id,
            source,
            Action::AlertsFired {
                alerts: new.iter().map(|a| a.fired()).collect(),
            },
        )
        .await
        .map_err(HookError::Service)?
        .ok();
    service
        .store
        .set_alert_group(source, group_key, incident_id, &fingerprints, now)
        .await?;
    Ok(answer("noted", Some(incident_id)))
}

#[derive(Debug, thiserror::Error)]
enum HookError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Service(crate::service::ServiceError),
}
