//! One handler per page: who is asking → the store (filtered for them) → a typed page
//! model → a compiled template that escapes every value unless told it is safe HTML (the
//! sanitised post-mortem and the server-drawn charts only).
//!
//! `list.rs` is the incident list, `incident.rs` one incident, `reports.rs` the report;
//! this file holds what they share: the gate, the message pages and the formatting.

mod incident;
mod list;
mod reports;

pub use incident::incident;
pub use list::list;
pub use reports::reports;

use super::auth::{self, Visitor};
use super::session::Session;
use super::{report, Console};
use crate::incident::model::Incident;
use crate::store::Viewer;
use askama::Template;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};

/// Incidents per list page.
pub const PAGE_SIZE: i64 = 50;

/// The signed-in visitor as the layout shows them (name, and the logout form's token).
pub struct Who {
    pub name: String,
    pub csrf: String,
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage<'a> {
    who: Option<Who>,
    heading: &'a str,
    text: &'a str,
    sign_in_link: bool,
}

#[derive(Template)]
#[template(path = "off.html")]
struct OffPage {
    who: Option<Who>,
}

fn html<T: Template>(status: StatusCode, page: &T) -> Response {
    match page.render() {
        Ok(body) => (status, Html(body)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "console template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "page failed to render\n").into_response()
        }
    }
}

/// A page with a heading and one sentence (refusals, errors, signed out).
pub fn message_page(status: StatusCode, heading: &str, text: &str, sign_in_link: bool) -> Response {
    html(
        status,
        &MessagePage {
            who: None,
            heading,
            text,
            sign_in_link,
        },
    )
}

pub fn not_found() -> Response {
    message_page(
        StatusCode::NOT_FOUND,
        "Not found",
        "There is nothing here, or you may not see it.",
        false,
    )
}

fn unavailable(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "console query failed");
    message_page(
        StatusCode::SERVICE_UNAVAILABLE,
        "Unavailable",
        "The incident store did not answer. Please try again.",
        false,
    )
}

fn bad_request(text: &str) -> Response {
    message_page(StatusCode::BAD_REQUEST, "Bad request", text, false)
}

/// The gate in front of every page: the console must be on and the visitor signed in.
/// Returns the session, the refreshed cookie and the viewer for the store's filters.
async fn signed_in(
    console: &Console,
    headers: &HeaderMap,
    off: fn() -> Response,
) -> Result<(Session, Option<String>, Viewer), Response> {
    let (session, refresh) = match auth::visitor(console, headers) {
        Visitor::Off => return Err(off()),
        Visitor::SignedOut => return Err(Redirect::to("/auth/login").into_response()),
        Visitor::In { session, refresh } => (session, refresh),
    };
    let service = &console.service;
    let admin = service.policy.admins.contains(&session.user);
    let viewer = console
        .directory
        .viewer(&service.store, &session.user, admin)
        .await
        .map_err(unavailable)?;
    Ok((session, refresh, viewer))
}

fn who(s: &Session) -> Option<Who> {
    Some(Who {
        name: s.name.clone(),
        csrf: s.csrf.clone(),
    })
}

fn off_page() -> Response {
    html(StatusCode::OK, &OffPage { who: None })
}

/// "2026-11-22 14:05"
fn time(ms: i64) -> String {
    crate::clock::from_ms(ms)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

fn duration(ms: i64) -> String {
    report::human(Some(ms.max(0) / 1000))
}

fn channel_url(team: Option<&str>, inc: &Incident) -> Option<String> {
    let (team, channel) = (team?, inc.slack.channel_id.as_deref()?);
    Some(format!("https://app.slack.com/client/{team}/{channel}"))
}

/// Index of the severity in policy order, for its colour (0 = most severe).
fn severity_class(console: &Console, severity: &str) -> usize {
    console
        .service
        .policy
        .severities
        .iter()
        .position(|s| s.name == severity)
        .unwrap_or(9)
}

fn nonempty(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn is_on(v: &Option<String>) -> bool {
    matches!(v.as_deref(), Some("1" | "true" | "on" | "yes"))
}
