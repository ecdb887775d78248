//! Verification before anything else: size limit (413), then Slack's signature (401).
//! A rejected request is counted and logged in one line; its body is never parsed.

use super::{AppState, MAX_BODY};
use crate::ingress::IngressError;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub async fn verify_slack_signature(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let (parts, body) = req.into_parts();
    let declared_len = parts
        .headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared_len.is_some_and(|n| n > MAX_BODY) {
        return too_large(&state);
    }
    let bytes: Bytes = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => return too_large(&state),
    };
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
    if let Err(e) = state.verifier.verify(
        header("x-slack-request-timestamp"),
        header("x-slack-signature"),
        &bytes,
    ) {
        state.service.metrics.inc(
            "warroom_slack_rejected_total",
            &format!("reason=\"{}\"", reason(&e)),
        );
        tracing::warn!(path = %parts.uri.path(), reason = %e, "rejected unverified Slack request");
        return IngressError::Unverified(e).into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn reason(e: &crate::slack::verify::VerifyError) -> &'static str {
    use crate::slack::verify::VerifyError::*;
    match e {
        Missing => "missing",
        BadTimestamp => "bad_timestamp",
        Stale => "stale",
        BadSignature => "bad_signature",
    }
}

fn too_large(state: &AppState) -> Response {
    state
        .service
        .metrics
        .inc("warroom_slack_rejected_total", "reason=\"too_large\"");
    IngressError::TooLarge.into_response()
}
