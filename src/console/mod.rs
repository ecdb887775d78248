//! The web console: incidents, their timelines and the monthly report, server-rendered,
//! for people signed in with Slack. Another adapter over the same store and read models as
//! `/api`: it never writes an incident.
//!
//! Layout: `auth` (Sign in with Slack: login, callback, logout), `session` (the signed
//! cookie), `directory` (display names, channel membership, the workspace id — Slack
//! look-ups behind small caches), `pages` (one handler per page), `report` (the report's
//! figures), `charts` (figures → SVG), `csv` (figures → CSV), `markdown` (the post-mortem
//! draft → sanitised HTML), `assets` (the embedded stylesheet).

mod assets;
mod auth;
pub mod charts;
pub mod csv;
mod directory;
pub mod markdown;
mod pages;
pub mod report;
mod session;

use crate::service::Service;
use crate::settings::ConsoleSettings;
use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use std::net::SocketAddr;
use std::sync::Arc;

pub use directory::Directory;

/// What every console handler needs.
#[derive(Clone)]
pub struct Console {
    pub service: Service,
    /// `None`: `SLACK_CLIENT_ID` is unset and the console is off.
    pub auth: Option<Arc<AuthConfig>>,
    pub directory: Arc<Directory>,
    /// Calls to Slack's OpenID endpoints.
    pub http: crate::outbound::HttpClient,
}

/// Sign-in configuration, resolved at start.
pub struct AuthConfig {
    pub client_id: String,
    pub client_secret: String,
    /// The console's external base URL (redirect URI = `{public_url}/auth/callback`).
    pub public_url: String,
    /// Slack's origin (`https://slack.com`, or the emulator's): issuer and authorize host.
    pub slack_origin: String,
    /// `{SLACK_API_URL}`: where `openid.connect.token` and `.userInfo` are called.
    pub slack_api_url: String,
    pub session_secret: Vec<u8>,
    /// Cookies get `Secure` when the public URL is https.
    pub secure_cookies: bool,
}

/// The scheme and host of a URL: `https://slack.com/api` → `https://slack.com`.
pub fn origin_of(url: &str) -> String {
    match url.find("://") {
        Some(i) => {
            let rest = &url[i + 3..];
            let end = rest.find('/').map(|j| i + 3 + j).unwrap_or(url.len());
            url[..end].to_string()
        }
        None => url.to_string(),
    }
}

impl Console {
    pub fn new(
        service: Service,
        settings: Option<&ConsoleSettings>,
        slack_api_url: &str,
        addr: SocketAddr,
        http: crate::outbound::HttpClient,
    ) -> Console {
        let auth = settings.map(|s| {
            let public_url = s
                .public_url
                .clone()
                .unwrap_or_else(|| format!("http://{addr}"));
            Arc::new(AuthConfig {
                client_id: s.client_id.clone(),
                client_secret: s.client_secret.clone(),
                secure_cookies: public_url.starts_with("https://"),
                public_url,
                slack_origin: origin_of(slack_api_url),
                slack_api_url: slack_api_url.trim_end_matches('/').to_string(),
                session_secret: s.session_secret.clone(),
            })
        });
        Console {
            directory: Arc::new(Directory::new(
                service.api.clone(),
                service.clock.clone(),
                service.people.clone(),
            )),
            service,
            auth,
            http,
        }
    }
}

/// `/`, `/incidents/{id}`, `/reports`, `/auth/*` and `/assets/*`.
pub fn routes(console: Console) -> Router {
    Router::new()
        .route("/", get(pages::list))
        .route("/incidents/{id}", get(pages::incident))
        .route("/reports", get(pages::reports))
        .route("/auth/login", get(auth::login))
        .route("/auth/callback", get(auth::callback))
        .route("/auth/logout", post(auth::logout))
        .route("/assets/{name}", get(assets::serve))
        .with_state(console)
        .layer(middleware::from_fn(security_headers))
}

/// Content-Security-Policy: nothing but our own stylesheet and images; no script at all.
pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The browser-side hardening every console response carries.
async fn security_headers(req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
