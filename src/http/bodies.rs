//! The JSON bodies `/api/*` answers with, typed so that the OpenAPI document is generated
//! from the same types the handlers serialise.

use crate::clock::from_ms;
use crate::incident::model::{ActionItem, Incident, StatusUpdate, TimelineEntry};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Every JSON error of the API: a one-line reason.
#[derive(Serialize, ToSchema)]
pub struct ApiError {
    pub error: String,
}

/// A refusal of the write API or the alert hooks: the reason in words and as data.
#[derive(ToSchema)]
#[allow(dead_code)] // documents the `json!` the handlers build from `incident::Refusal`
pub struct RefusedBody {
    pub error: String,
    /// Absent when nothing was decided: the Idempotency-Key was used with another body.
    pub refusal: Option<RefusalBody>,
}

/// The typed reason: `reason` names it (e.g. `no_such_incident`, `unknown_severity`); the
/// other fields depend on it.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct RefusalBody {
    pub reason: String,
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
