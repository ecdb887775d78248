//! The bearer check shared by `/api/*` (`WARROOM_API_TOKEN`) and `/hooks/*`
//! (`WARROOM_ALERTS_SECRET`): 404 when the secret is not configured (the routes do not
//! exist), 401 with `WWW-Authenticate: Bearer` when the header is missing or wrong; the
//! comparison takes constant time.

use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use subtle::ConstantTimeEq;

/// Runs `next` when `req` carries `Authorization: Bearer <expected>`.
pub async fn require(expected: Option<&str>, what: &str, req: Request, next: Next) -> Response {
    let Some(expected) = expected else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if bool::from(given.as_bytes().ct_eq(expected.as_bytes())) {
        next.run(req).await
    } else {
        (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            Json(json!({ "error": format!("missing or wrong bearer {what}") })),
        )
            .into_response()
    }
}
