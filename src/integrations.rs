//! Outbound integrations beyond Slack: PagerDuty Events API v2 for severities with
//! `page = true`, and a generic JSON webhook signed with HMAC-SHA256. Both are outbox
//! effects in lanes of their own (`{incident}#pagerduty`, `{incident}#webhook`), so a
//! slow or failing receiver never holds up the incident's Slack messages.

use crate::clock::Clock;
use crate::incident::model::Incident;
use crate::outbound::{HttpClient, SendError};
use crate::policy::Policy;
use crate::slack::client::CallError;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use std::time::Duration;

/// What is configured (from the environment).
#[derive(Clone, Debug, Default)]
pub struct Integrations {
    pub pagerduty: Option<PagerDuty>,
    pub webhook: Option<Webhook>,
}

#[derive(Clone)]
pub struct PagerDuty {
    pub routing_key: String,
    pub events_url: String,
}

#[derive(Clone)]
pub struct Webhook {
    pub url: String,
    pub secret: Option<String>,
}

impl std::fmt::Debug for PagerDuty {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PagerDuty({})", self.events_url)
    }
}

impl std::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Webhook({}, signed: {})",
            self.url,
            self.secret.is_some()
        )
    }
}

impl Integrations {
    pub fn from_settings(s: &crate::settings::Settings) -> Integrations {
        Integrations {
            pagerduty: s
                .pagerduty_routing_key
                .clone()
                .map(|routing_key| PagerDuty {
                    routing_key,
                    events_url: s.pagerduty_events_url.clone(),
                }),
            webhook: s.webhook_url.clone().map(|url| Webhook {
                url,
                secret: s.webhook_secret.clone(),
            }),
        }
    }
}

pub use crate::incident::effect::PageAction;

/// Header carrying `sha256=hex(HMAC-SHA256(secret, "{timestamp}.{body}"))`.
pub const SIGNATURE_HEADER: &str = "x-warroom-signature";
pub const TIMESTAMP_HEADER: &str = "x-warroom-timestamp";

/// The webhook signature over `"{timestamp}.{body}"` (receivers recompute and compare).
pub fn sign_webhook(secret: &str, timestamp: &str, body: &[u8]) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(m) => m,
        Err(_) => unreachable!("HMAC takes keys of any length"),
    };
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
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

pub fn webhook_body(event: &str, detail: &Value, inc: &Incident, clock: &Clock) -> Value {
    json!({
        "event": event,
        "at": clock.now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "detail": detail,
        "incident": crate::http::incident_json(inc),
    })
}

/// POSTs JSON; classifies the answer like a Slack call for the outbox's retry policy.
pub async fn post_json(
    http: &HttpClient,
    url: &str,
    body: &Value,
    headers: &[(&str, String)],
) -> Result<(), CallError> {
    let bytes = serde_json::to_vec(body).map_err(|e| CallError::Transport(e.to_string()))?;
    let answer = http
        .post(
            url,
            "application/json",
            bytes,
            headers,
            Duration::from_secs(10),
        )
        .await
        .map_err(|e| match e {
            SendError::Timeout => CallError::Timeout,
            SendError::Transport(e) => CallError::Transport(e),
        })?;
    let status = answer.status.as_u16();
    match status {
        200..=299 => Ok(()),
        429 => Err(CallError::RateLimited(
            answer
                .headers
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse().ok())
                .map(Duration::from_secs),
        )),
        _ => Err(CallError::Http(status)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_signature_is_hmac_of_timestamp_dot_body() {
        // echo -n '1700000000.{"a":1}' | openssl dgst -sha256 -hmac s3cret
        assert_eq!(
            sign_webhook("s3cret", "1700000000", br#"{"a":1}"#),
            "sha256=1698a50bc74d1ff1db85c4e0a5297c2ad9fdba245d5737cdb789e4cc6e098940"
        );
        assert_ne!(
            sign_webhook("s3cret", "1700000000", b"x"),
            sign_webhook("s3cret", "1700000001", b"x")
        );
    }
}
