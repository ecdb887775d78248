//! The HTTP surface: Slack's three signed routes (adapters over `crate::ingress`), the API,
//! the alert hooks, health, readiness and metrics.

mod alert_hooks;
mod api;
mod bearer;
mod bodies;
pub use bodies::incident_json;
mod health;
mod openapi;
mod slack;
mod verify_layer;
mod write_api;

use crate::service::Service;
use crate::slack::verify::Verifier;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use std::time::Instant;

/// Slack payloads larger than this are refused with 413 before verification.
pub const MAX_BODY: usize = 256 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub service: Service,
    pub verifier: Verifier,
    /// `WARROOM_API_TOKEN`; `/api/*` answers 404 without one.
    pub api_token: Option<String>,
    /// `WARROOM_ALERTS_SECRET`; `/hooks/*` answer 404 without one.
    pub alerts_secret: Option<String>,
}

pub fn router(state: AppState) -> Router {
    // Socket Mode traffic skips this router (and so the signature check): it calls the
    // same `crate::ingress` handlers directly.
    let slack = Router::new()
        .route("/slack/commands", post(slack::commands))
        .route("/slack/interactions", post(slack::interactions))
        .route("/slack/events", post(slack::events))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            verify_layer::verify_slack_signature,
        ))
        .with_state(state.clone());
    let api = Router::new()
        .route("/api/incidents", get(api::list))
        .route("/api/incidents/{id}", get(api::detail))
        .route("/api/incidents/{id}/postmortem.md", get(api::postmortem))
        .route("/api/stats", get(api::stats))
        .route("/api/incidents", post(write_api::declare))
        .route("/api/incidents/{id}/updates", post(write_api::post_update))
        .route("/api/incidents/{id}/resolve", post(write_api::resolve))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            api::require_token,
        ));
    let hooks = Router::new()
        .route("/hooks/alertmanager", post(alert_hooks::alertmanager))
        .route("/hooks/grafana", post(alert_hooks::grafana))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            alert_hooks::require_secret,
        ));
    let rest = Router::new()
        .merge(api)
        .merge(hooks)
        .route("/api/openapi.json", get(openapi::openapi))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .with_state(state.clone());
    Router::new()
        .merge(slack)
        .merge(rest)
        .layer(middleware::from_fn_with_state(state, record_metrics))
}

/// Counts every request by route and status, and observes its latency.
async fn record_metrics(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let started = Instant::now();
    let response = next.run(req).await;
    state.service.metrics.observe_request(
        &route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

use axum::response::IntoResponse;

/// A 400 with a one-line reason: verified, but not something we can parse.
pub(crate) fn bad_request(reason: impl std::fmt::Display) -> Response {
    let line = reason.to_string().lines().next().unwrap_or("").to_string();
    (
        axum::http::StatusCode::BAD_REQUEST,
        format!("bad request: {line}\n"),
    )
        .into_response()
}

/// A 500 for storage failures; Slack shows the user a generic error and may retry.
pub(crate) fn unavailable(err: impl std::fmt::Display) -> Response {
    tracing::error!(error = %err, "request failed");
    (
        axum::http::StatusCode::SERVICE_UNAVAILABLE,
        "warroom could not record that; please try again\n",
    )
        .into_response()
}
