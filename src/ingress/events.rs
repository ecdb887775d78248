//! Events API: `url_verification` is answered with its challenge; retried deliveries
//! (`X-Slack-Retry-Num`) are recognised by `event_id` and acknowledged without effect.
//! `reaction_added` adds the reacted message to an incident's timeline; `app_home_opened`
//! publishes the opener's App Home.

use super::{Ack, IngressError};
use crate::service::Service;
use crate::slack::payload::EventBody;
use serde_json::json;

/// One Events API body, already authenticated and parsed from its transport's framing.
/// `retry` is Slack's delivery attempt (0 for the first), only logged: duplicates are
/// recognised by `event_id` whatever the attempt says.
pub async fn handle(service: &Service, event: EventBody, retry: u64) -> Result<Ack, IngressError> {
    match event {
        EventBody::UrlVerification { challenge } => {
            Ok(Ack::Json(json!({ "challenge": challenge })))
        }
        EventBody::Callback { event_id, event } => {
            let first = service
                .store
                .first_delivery_of(&event_id, service.clock.now_ms())
                .await?;
            if !first {
                service
                    .metrics
                    .inc("warroom_events_total", "result=\"duplicate\"");
                tracing::debug!(%event_id, %retry, "duplicate event ignored");
                return Ok(Ack::Empty);
            }
            let kind = event
                .get("type")
                .and_then(|t| t.as_str())
                .unwrap_or("unknown");
            service
                .metrics
                .inc("warroom_events_total", "result=\"accepted\"");
            tracing::debug!(%event_id, kind, "event accepted");
            // Acknowledged either way: a retry would be dropped as a duplicate.
            match kind {
                "reaction_added" => {
                    if let Err(e) = super::reactions::reaction_added(service, &event).await {
                        tracing::warn!(%event_id, error = %e, "reaction not added to the timeline");
                    }
                }
                "app_home_opened" => {
                    if let Err(e) = super::home::opened(service, &event).await {
                        tracing::warn!(%event_id, error = %e, "home not published");
                    }
                }
                _ => {}
            }
            Ok(Ack::Empty)
        }
        EventBody::Other(kind) => {
            tracing::debug!(kind, "event type ignored");
            Ok(Ack::Empty)
        }
    }
}
