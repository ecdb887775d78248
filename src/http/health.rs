//! `/healthz` (the process answers), `/readyz` (the database answers and Slack takes the
//! bot token), `/metrics`.

use super::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

pub async fn healthz() -> &'static str {
    "ok\n"
}

pub async fn readyz(State(state): State<AppState>) -> Response {
    if let Some(reason) = state.service.pause.reason() {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("Slack refuses the bot token ({reason}): delivery paused, nothing lost\n"),
        )
            .into_response();
    }
    match state.service.store.ping().await {
        Ok(()) => (StatusCode::OK, "ready\n").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable\n").into_response()
        }
    }
}

pub async fn metrics(State(state): State<AppState>) -> Response {
    let service = &state.service;
    let mut gauges: Vec<(&str, &str, String, i64)> = Vec::new();
    if let Ok(depth) = service.store.outbox_depth().await {
        gauges.push((
            "warroom_outbox_depth",
            "Effects waiting for delivery to Slack",
            String::new(),
            depth,
        ));
    }
    // A draining outbox keeps this near zero even when it is deep; a stuck one makes it
    // grow by a second a second.
    if let Ok(oldest) = service.store.outbox_oldest_pending_at().await {
        let age_ms = oldest.map_or(0, |t| service.clock.now_ms().saturating_sub(t).max(0));
        gauges.push((
            "warroom_outbox_oldest_age_seconds",
            "Age of the oldest effect waiting for delivery to Slack (0 when none waits)",
            String::new(),
            age_ms / 1000,
        ));
    }
    gauges.push((
        "warroom_slack_auth_failing",
        "1 while Slack refuses the bot token and delivery is paused",
        String::new(),
        i64::from(service.pause.reason().is_some()),
    ));
    if let Ok(open) = service.store.open_counts().await {
        for sev in &service.policy.severities {
            let n = open
                .iter()
                .find(|(s, _)| *s == sev.name)
                .map_or(0, |(_, n)| *n);
            gauges.push((
                "warroom_open_incidents",
                "Open incidents by severity",
                format!("severity=\"{}\"", sev.name),
                n,
            ));
        }
    }
    let gauges: Vec<(&str, &str, &str, i64)> = gauges
        .iter()
        .map(|(n, h, l, v)| (*n, *h, l.as_str(), *v))
        .collect();
    (
        [(
            axum::http::header::CONTENT_TYPE,
            crate::metrics::CONTENT_TYPE,
        )],
        service.metrics.render(&gauges),
    )
        .into_response()
}
