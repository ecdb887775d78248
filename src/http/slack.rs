//! Slack's three HTTP routes, as thin adapters: the body is parsed from its HTTP framing
//! (a form, a `payload=` form field, JSON) and handed to the transport-neutral handlers of
//! `crate::ingress`; their [`Ack`] becomes the response body and their [`IngressError`] its
//! status. The signature and size checks run before, in `verify_layer.rs`.

use super::AppState;
use crate::ingress::{self, Ack, IngressError};
use crate::slack::payload::{parse_event, parse_interaction, parse_slash_command};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

/// `POST /slack/commands`
pub async fn commands(State(state): State<AppState>, body: Bytes) -> Result<Ack, IngressError> {
    let form = parse_slash_command(&body)?;
    ingress::commands::handle(&state.service, &form).await
}

/// `POST /slack/interactions`
pub async fn interactions(State(state): State<AppState>, body: Bytes) -> Result<Ack, IngressError> {
    let interaction = parse_interaction(&body)?;
    ingress::interactions::handle(&state.service, interaction).await
}

/// `POST /slack/events`
pub async fn events(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Ack, IngressError> {
    let event = parse_event(&body)?;
    let retry = headers
        .get("x-slack-retry-num")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    ingress::events::handle(&state.service, event, retry).await
}

impl IntoResponse for Ack {
    fn into_response(self) -> Response {
        match self {
            Ack::Empty => "".into_response(),
            Ack::Json(body) => axum::Json(body).into_response(),
        }
    }
}

impl IntoResponse for IngressError {
    fn into_response(self) -> Response {
        match self {
            IngressError::Unverified(_) => {
                (StatusCode::UNAUTHORIZED, "invalid signature\n").into_response()
            }
            IngressError::TooLarge => {
                (StatusCode::PAYLOAD_TOO_LARGE, "payload too large\n").into_response()
            }
            IngressError::Malformed(reason) => super::bad_request(reason),
            IngressError::Unavailable(e) => super::unavailable(e),
        }
    }
}
