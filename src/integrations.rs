//! Which receivers beyond Slack are configured (from the environment): PagerDuty Events
//! API v2 for severities with `page = true`, and a generic JSON webhook signed with
//! HMAC-SHA256, and Atlassian Statuspage for published status-page drafts. Delivering to
//! them lives in `crate::delivery`.

pub use crate::delivery::pagerduty::PagerDuty;
pub use crate::delivery::statuspage::Statuspage;
pub use crate::delivery::webhook::{sign_webhook, Webhook, SIGNATURE_HEADER, TIMESTAMP_HEADER};
pub use crate::incident::effect::PageAction;

/// What is configured.
#[derive(Clone, Debug, Default)]
pub struct Integrations {
    pub pagerduty: Option<PagerDuty>,
    pub webhook: Option<Webhook>,
    pub statuspage: Option<Statuspage>,
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
            statuspage: s.statuspage.as_ref().map(|sp| Statuspage {
                api_key: sp.api_key.clone(),
                page_id: sp.page_id.clone(),
                api_url: sp.api_url.clone(),
            }),
        }
    }
}
