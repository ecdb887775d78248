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
use axum::http::Method;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post, MethodRouter};
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
    let mut api = Router::new();
    let mut hooks = Router::new();
    let mut public = Router::new();
    for (_, path, guard, handler) in api_table() {
        match guard {
            Guard::Token => api = api.route(path, handler),
            Guard::Secret => hooks = hooks.route(path, handler),
            Guard::Public => public = public.route(path, handler),
        }
    }
    let api = api.layer(middleware::from_fn_with_state(
        state.clone(),
        api::require_token,
    ));
    let hooks = hooks.layer(middleware::from_fn_with_state(
        state.clone(),
        alert_hooks::require_secret,
    ));
    let rest = Router::new()
        .merge(api)
        .merge(hooks)
        .merge(public)
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .with_state(state.clone());
    Router::new()
        .merge(slack)
        .merge(rest)
        .layer(middleware::from_fn_with_state(state, record_metrics))
}

/// Who may call a route of `/api` and `/hooks`.
enum Guard {
    /// `Authorization: Bearer <WARROOM_API_TOKEN>`.
    Token,
    /// `Authorization: Bearer <WARROOM_ALERTS_SECRET>`.
    Secret,
    /// Anyone (the OpenAPI document, which checks the token is configured itself).
    Public,
}

/// Every route under `/api` and `/hooks`: `router` mounts exactly these there, and
/// [`api_routes`] lists them, so that the OpenAPI document can be checked against what is
/// served (tests/openapi.rs).
fn api_table() -> Vec<(Method, &'static str, Guard, MethodRouter<AppState>)> {
    use Guard::*;
    vec![
        (Method::GET, "/api/incidents", Token, get(api::list)),
        (Method::GET, "/api/incidents/{id}", Token, get(api::detail)),
        (
            Method::GET,
            "/api/incidents/{id}/postmortem.md",
            Token,
            get(api::postmortem),
        ),
        (Method::GET, "/api/stats", Token, get(api::stats)),
        (
            Method::POST,
            "/api/incidents",
            Token,
            post(write_api::declare),
        ),
        (
            Method::POST,
            "/api/incidents/{id}/updates",
            Token,
            post(write_api::post_update),
        ),
        (
            Method::POST,
            "/api/incidents/{id}/resolve",
            Token,
            post(write_api::resolve),
        ),
        (
            Method::POST,
            "/hooks/alertmanager",
            Secret,
            post(alert_hooks::alertmanager),
        ),
        (
            Method::POST,
            "/hooks/grafana",
            Secret,
            post(alert_hooks::grafana),
        ),
        (
            Method::GET,
            "/api/openapi.json",
            Public,
            get(openapi::openapi),
        ),
    ]
}

/// The (method, path) of every route under `/api` and `/hooks`, as the router serves them.
pub fn api_routes() -> Vec<(Method, &'static str)> {
    api_table()
        .into_iter()
        .map(|(method, path, _, _)| (method, path))
        .collect()
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
