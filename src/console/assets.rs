//! Static assets, embedded in the binary: the console needs no files next to it.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

const CONSOLE_CSS: &str = include_str!("../../assets/console.css");

/// `GET /assets/{name}`
pub async fn serve(Path(name): Path<String>) -> Response {
    match name.as_str() {
        "console.css" => (
            [
                (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            CONSOLE_CSS,
        )
            .into_response(),
        _ => (StatusCode::NOT_FOUND, "no such asset\n").into_response(),
    }
}
