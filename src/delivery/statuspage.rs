//! Atlassian Statuspage (REST v1): a published draft creates the incident's page incident
//! the first time and updates that same page incident after, with the components the
//! policy maps the incident's service to (their status from the severity; operational
//! again once resolved).
//!
//! Exactly one page incident per incident, across lost answers: the create cannot carry an
//! idempotency key, so a retried create first looks for the page incident an earlier
//! attempt may have made (same name, created since the effect was queued, claimed by no
//! other incident) and adopts it instead of creating another. Every publish of an
//! incident goes out in its one `statuspage` lane, in order, so an update never overtakes
//! the create whose id it needs.

use super::retry::{classify, Delivery};
use super::slack::Deliverer;
use crate::incident::model::Incident;
use crate::incident::status_page::{PublicStatus, StatusDraft};
use crate::outbound::{HttpClient, SendError};
use crate::policy::{ComponentStatus, Policy};
use crate::slack::client::CallError;
use serde_json::{json, Map, Value};
use std::time::Duration;

/// How long Statuspage may take to answer.
const TIMEOUT: Duration = Duration::from_secs(10);
/// Clock difference tolerated between us and Statuspage when adopting a page incident.
const CLOCK_SKEW_MS: i64 = 5 * 60_000;

#[derive(Clone)]
pub struct Statuspage {
    pub api_key: String,
    pub page_id: String,
    /// The REST API's base, e.g. `https://api.statuspage.io/v1`.
    pub api_url: String,
}

impl std::fmt::Debug for Statuspage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Statuspage({} page {})", self.api_url, self.page_id)
    }
}

impl Statuspage {
    fn incidents_url(&self) -> String {
        format!("{}/pages/{}/incidents", self.api_url, self.page_id)
    }

    /// One call; 2xx gives the answer's JSON (`null` when empty), anything else the error
    /// the one retry policy classifies.
    async fn call(
        &self,
        http: &HttpClient,
        method: http::Method,
        url: &str,
        body: Option<&Value>,
    ) -> Result<Value, CallError> {
        let bytes = body
            .map(serde_json::to_vec)
            .transpose()
            .map_err(|e| CallError::Transport(e.to_string()))?;
        let headers = [("authorization", format!("OAuth {}", self.api_key))];
        let answer = http
            .request(
                method,
                url,
                bytes.map(|b| ("application/json", b)),
                &headers,
                TIMEOUT,
            )
            .await
            .map_err(|e| match e {
                SendError::Timeout => CallError::Timeout,
                SendError::Transport(e) => CallError::Transport(e),
            })?;
        match answer.status.as_u16() {
            200..=299 if answer.body.is_empty() => Ok(Value::Null),
            200..=299 => serde_json::from_slice(&answer.body)
                .map_err(|e| CallError::Transport(format!("Statuspage answer is not JSON: {e}"))),
            429 => Err(CallError::RateLimited(
                answer
                    .headers
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse().ok())
                    .map(Duration::from_secs),
            )),
            status => Err(CallError::Http(status)),
        }
    }
}

/// The page incident as `draft` tells it: name, status, the draft's words, and each
/// component of the incident's service at the severity's status.
pub fn page_incident(policy: &Policy, inc: &Incident, draft: &StatusDraft) -> Value {
    let components = policy.statuspage.components_for(&inc.service);
    let status = if draft.status == PublicStatus::Resolved {
        ComponentStatus::Operational
    } else {
        let position = policy
            .severities
            .iter()
            .position(|s| s.name == inc.severity)
            .unwrap_or(usize::MAX);
        policy.statuspage.component_status(&inc.severity, position)
    };
    let statuses: Map<String, Value> = components
        .iter()
        .map(|c| (c.clone(), json!(status.as_str())))
        .collect();
    json!({"incident": {
        "name": inc.title,
        "status": draft.status.as_str(),
        "body": draft.text,
        "component_ids": components,
        "components": statuses,
    }})
}

impl Deliverer<'_> {
    pub(crate) async fn publish_status(&self, inc: &Incident, draft_id: i64) -> Delivery {
        let Some(sp) = &self.integrations.statuspage else {
            return Delivery::Done(Some("Statuspage is not configured".into()));
        };
        if inc.drill {
            return Delivery::Done(Some("a drill: Statuspage not called".into()));
        }
        let draft = match self.store.status_draft(draft_id).await {
            Ok(Some(d)) => d.draft,
            Ok(None) => return Delivery::Failed(format!("status draft {draft_id} not found")),
            Err(e) => return e.into(),
        };
        let body = page_incident(self.policy, inc, &draft);
        let known = match self.store.statuspage_incident(&inc.id).await {
            Ok(known) => known,
            Err(e) => return e.into(),
        };
        if let Some(page_incident) = known {
            let url = format!("{}/{page_incident}", sp.incidents_url());
            return match sp
                .call(self.http, http::Method::PATCH, &url, Some(&body))
                .await
            {
                Ok(_) => Delivery::Done(None),
                Err(e) => classify(e),
            };
        }
        if self.retried {
            match self.earlier_page_incident(sp, inc).await {
                Ok(Some(id)) => {
                    tracing::info!(page_incident = %id, "adopting the page incident an earlier attempt created");
                    return match self.store.set_statuspage_incident(&inc.id, &id).await {
                        Ok(()) => {
                            Delivery::Done(Some("adopted the page incident created earlier".into()))
                        }
                        Err(e) => e.into(),
                    };
                }
                Ok(None) => {}
                Err(e) => return classify(e),
            }
        }
        let created = match sp
            .call(
                self.http,
                http::Method::POST,
                &sp.incidents_url(),
                Some(&body),
            )
            .await
        {
            Ok(v) => v,
            Err(e) => return classify(e),
        };
        let Some(id) = created.get("id").and_then(Value::as_str) else {
            // Retried, this looks for the page incident before creating another.
            return Delivery::Retry(CallError::Transport(
                "Statuspage answered the create without an id".into(),
            ));
        };
        match self.store.set_statuspage_incident(&inc.id, id).await {
            Ok(()) => Delivery::Done(None),
            Err(e) => e.into(),
        }
    }

    /// The page incident an earlier attempt of this effect created, if its answer was
    /// lost: named as we name it, created since the effect was queued, and not another
    /// incident's.
    async fn earlier_page_incident(
        &self,
        sp: &Statuspage,
        inc: &Incident,
    ) -> Result<Option<String>, CallError> {
        let query = serde_urlencoded::to_string([("q", inc.title.as_str()), ("limit", "100")])
            .map_err(|e| CallError::Transport(e.to_string()))?;
        let url = format!("{}?{query}", sp.incidents_url());
        let found = sp.call(self.http, http::Method::GET, &url, None).await?;
        let since = self.effect_created_at - CLOCK_SKEW_MS;
        for candidate in found.as_array().into_iter().flatten() {
            let (Some(id), Some(name)) = (
                candidate.get("id").and_then(Value::as_str),
                candidate.get("name").and_then(Value::as_str),
            ) else {
                continue;
            };
            let created_at = candidate
                .get("created_at")
                .and_then(Value::as_str)
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                .map(|t| t.timestamp_millis());
            if name != inc.title || created_at.is_some_and(|t| t < since) {
                continue;
            }
            match self.store.incident_by_statuspage_incident(id).await {
                Ok(None) => return Ok(Some(id.to_string())),
                Ok(Some(owner)) if owner == inc.id => return Ok(Some(id.to_string())),
                Ok(Some(_)) => continue,
                Err(e) => return Err(CallError::Transport(format!("store: {e}"))),
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::decide::fixtures::{incident, policy, NOW};
    use crate::incident::status_page::DraftState;

    fn draft(status: PublicStatus) -> StatusDraft {
        StatusDraft {
            id: 1,
            incident_id: incident().id,
            status,
            text: "words".into(),
            state: DraftState::Drafted,
            created_at: NOW,
            edited_by: None,
            published_by: None,
            published_at: None,
            superseded_by: None,
        }
    }

    #[test]
    fn components_take_the_severity_status_until_resolved() {
        let mut policy = policy();
        policy.statuspage.components = vec![
            ("checkout".into(), "cmp_checkout".into()),
            ("*".into(), "cmp_all".into()),
        ];
        policy.statuspage.status = vec![("P1".into(), ComponentStatus::DegradedPerformance)];
        let mut inc = incident(); // P1
        inc.service = "checkout".into();
        let open = page_incident(&policy, &inc, &draft(PublicStatus::Identified));
        assert_eq!(open["incident"]["status"], "identified");
        assert_eq!(open["incident"]["name"], "Checkout down");
        assert_eq!(open["incident"]["body"], "words");
        assert_eq!(open["incident"]["component_ids"], json!(["cmp_checkout"]));
        assert_eq!(
            open["incident"]["components"],
            json!({"cmp_checkout": "degraded_performance"})
        );
        let done = page_incident(&policy, &inc, &draft(PublicStatus::Resolved));
        assert_eq!(
            done["incident"]["components"],
            json!({"cmp_checkout": "operational"})
        );
        // Another service falls back to "*"; P0 unlisted takes the default for the gravest.
        inc.service = "search".into();
        inc.severity = "P0".into();
        let other = page_incident(&policy, &inc, &draft(PublicStatus::Investigating));
        assert_eq!(
            other["incident"]["components"],
            json!({"cmp_all": "major_outage"})
        );
    }
}
