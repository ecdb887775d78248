//! Events API: `url_verification` is answered with its challenge; retried deliveries
//! (`X-Slack-Retry-Num`) are recognised by `event_id` and acknowledged without effect.
//! `reaction_added` adds the reacted message to an incident's timeline.

use super::{bad_request, unavailable, AppState};
use crate::slack::payload::{parse_event, EventBody};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};

pub async fn handle(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let event = match parse_event(&body) {
        Ok(e) => e,
        Err(e) => return bad_request(e),
    };
    match event {
        EventBody::UrlVerification { challenge } => {
            axum::Json(serde_json::json!({ "challenge": challenge })).into_response()
        }
        EventBody::Callback { event_id, event } => {
            let service = &state.service;
            let first = match service
                .store
                .first_delivery_of(&event_id, service.clock.now_ms())
                .await
            {
                Ok(first) => first,
                Err(e) => return unavailable(e),
            };
            let retry = headers
                .get("x-slack-retry-num")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("0");
            if !first {
                service
                    .metrics
                    .inc("warroom_events_total", "result=\"duplicate\"");
                tracing::debug!(%event_id, %retry, "duplicate event ignored");
                return "".into_response();
            }
            let kind = event
                .get("type")
                .and_then(|t| t.as_str())
                .unwrap_or("unknown");
            service
                .metrics
                .inc("warroom_events_total", "result=\"accepted\"");
            tracing::debug!(%event_id, kind, "event accepted");
            if kind == "reaction_added" {
                // Acknowledged either way: a retry would be dropped as a duplicate.
                if let Err(e) = super::reactions::reaction_added(service, &event).await {
                    tracing::warn!(%event_id, error = %e, "reaction not added to the timeline");
                }
            }
            "".into_response()
        }
        EventBody::Other(kind) => {
            tracing::debug!(kind, "event type ignored");
            "".into_response()
        }
    }
}
