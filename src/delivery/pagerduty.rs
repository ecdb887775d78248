//! PagerDuty Events API v2: severities with `page = true` trigger a page when declared
//! (or re-graded, or reopened) and resolve it when the incident is resolved, deduplicated
//! by incident id.

use super::retry::{classify, Delivery};
use crate::incident::effect::PageAction;
use crate::incident::model::Incident;
use crate::policy::Policy;
use serde_json::{json, Value};

#[derive(Clone)]
pub struct PagerDuty {
    pub routing_key: String,
    pub events_url: String,
}

impl std::fmt::Debug for PagerDuty {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PagerDuty({})", self.events_url)
    }
}

/// PagerDuty's severity for a warroom severity, by position in the policy.
fn pd_severity(policy: &Policy, inc: &Incident) -> &'static str {
    match policy
        .severities
        .iter()
        .position(|s| s.name == inc.severity)
    {
        Some(0) => "critical",
        Some(1) => "error",
        Some(2) => "warning",
        _ => "info",
    }
}

pub fn pagerduty_event(
    pd: &PagerDuty,
    policy: &Policy,
    inc: &Incident,
    action: PageAction,
) -> Value {
    let mut event = json!({
        "routing_key": pd.routing_key,
        "event_action": action,
        "dedup_key": inc.id,
    });
    if action == PageAction::Trigger {
        event["payload"] = json!({
            "summary": format!("[{}] {} ({})", inc.severity, inc.title, inc.id),
            "source": "warroom",
            "severity": pd_severity(policy, inc),
            "custom_details": {
                "incident": inc.id,
                "status": inc.status,
                "reporter": inc.reporter,
                "channel": inc.slack.channel_name,
            },
        });
    }
    event
}

/// Sends the page (or its resolution) for `inc`.
pub async fn deliver(
    pd: &PagerDuty,
    http: &crate::outbound::HttpClient,
    policy: &Policy,
    inc: &Incident,
    action: PageAction,
) -> Delivery {
    let event = pagerduty_event(pd, policy, inc, action);
    match super::post_json(http, &pd.events_url, &event, &[]).await {
        Ok(()) => Delivery::Done(None),
        Err(e) => classify(e),
    }
}
