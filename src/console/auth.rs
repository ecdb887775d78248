//! Sign in with Slack (OpenID Connect, authorization code flow), and who is signed in.
//!
//! `/auth/login` remembers a random `state` and `nonce` in a signed cookie and sends the
//! visitor to Slack's authorize URL. `/auth/callback` checks `state`, exchanges the code with
//! `openid.connect.token`, verifies the `id_token` (RS256 under a key from Slack's JWKS;
//! issuer, audience, expiry, nonce) and its team id against the bot's workspace, reads the
//! user with `openid.connect.userInfo` and starts the session. Tokens from Slack are used
//! once and never stored, shown or logged.

use super::session::{
    self, LoginState, Session, IDLE_SECS, LOGIN_COOKIE, LOGIN_SECS, SESSION_COOKIE,
};
use super::{AuthConfig, Console};
use axum::extract::{Form, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::Value;
use std::sync::Arc;
use subtle::ConstantTimeEq;

/// How long each call to Slack's OpenID endpoints may take.
const SLACK_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// The claim carrying the workspace id in Slack's id_token.
pub const TEAM_CLAIM: &str = "https://slack.com/team_id";
/// Session cookies are re-issued (idle clock reset) at most this often.
const REFRESH_SECS: i64 = 60;

/// Who is asking, as far as the console is concerned.
pub enum Visitor {
    /// `SLACK_CLIENT_ID` is unset.
    Off,
    SignedOut,
    /// Signed in; `refresh` is a `Set-Cookie` to send when the idle clock was reset.
    In {
        session: Session,
        refresh: Option<String>,
    },
}

fn now_secs(console: &Console) -> i64 {
    console.service.clock.now_ms() / 1000
}

/// Reads and checks the session cookie.
pub fn visitor(console: &Console, headers: &HeaderMap) -> Visitor {
    let Some(auth) = &console.auth else {
        return Visitor::Off;
    };
    let now = now_secs(console);
    let session: Option<Session> = session::read_cookie(headers, SESSION_COOKIE)
        .and_then(|c| session::open(&auth.session_secret, SESSION_COOKIE, &c))
        .filter(|s: &Session| now - s.active < IDLE_SECS && s.active <= now + 60);
    match session {
        None => Visitor::SignedOut,
        Some(mut session) => {
            let refresh = if now - session.active >= REFRESH_SECS {
                session.active = now;
                session_cookie(auth, &session)
            } else {
                None
            };
            Visitor::In { session, refresh }
        }
    }
}

fn session_cookie(auth: &AuthConfig, s: &Session) -> Option<String> {
    let sealed = session::seal(&auth.session_secret, SESSION_COOKIE, s)?;
    Some(session::set_cookie(
        SESSION_COOKIE,
        &sealed,
        IDLE_SECS,
        auth.secure_cookies,
    ))
}

fn with_cookies(mut response: Response, cookies: &[String]) -> Response {
    for c in cookies {
        if let Ok(v) = c.parse() {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}

/// A refusal page: the reason for people, nothing secret.
pub fn refused(status: StatusCode, reason: &str) -> Response {
    super::pages::message_page(status, "Not signed in", reason, true)
}

/// `GET /auth/login`
pub async fn login(State(console): State<Console>) -> Response {
    let Some(auth) = &console.auth else {
        return super::pages::not_found();
    };
    let login = LoginState {
        state: session::random(),
        nonce: session::random(),
        created: now_secs(&console),
    };
    let Some(sealed) = session::seal(&auth.session_secret, LOGIN_COOKIE, &login) else {
        return refused(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Could not start sign-in.",
        );
    };
    let query = serde_urlencoded::to_string([
        ("response_type", "code"),
        ("scope", "openid profile"),
        ("client_id", auth.client_id.as_str()),
        ("state", login.state.as_str()),
        ("nonce", login.nonce.as_str()),
        ("redirect_uri", &redirect_uri(auth)),
    ])
    .unwrap_or_default();
    let target = format!("{}/openid/connect/authorize?{query}", auth.slack_origin);
    with_cookies(
        Redirect::to(&target).into_response(),
        &[session::set_cookie(
            LOGIN_COOKIE,
            &sealed,
            LOGIN_SECS,
            auth.secure_cookies,
        )],
    )
}

fn redirect_uri(auth: &AuthConfig) -> String {
    format!("{}/auth/callback", auth.public_url)
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// Why a sign-in was refused (logged as a kind, shown as a sentence).
#[derive(Debug)]
enum Refusal {
    State,
    Slack(&'static str),
    Token(&'static str),
    Team,
}

impl Refusal {
    /// A short kind for the log line (never a token or a claim's value).
    fn kind(&self) -> &'static str {
        match self {
            Refusal::State => "state",
            Refusal::Slack(k) | Refusal::Token(k) => k,
            Refusal::Team => "another workspace",
        }
    }

    fn page(&self) -> Response {
        let (status, text) = match self {
            Refusal::State => (
                StatusCode::BAD_REQUEST,
                "This sign-in link is not valid (or has expired). Please sign in again.",
            ),
            Refusal::Slack(_) => (
                StatusCode::BAD_GATEWAY,
                "Slack did not complete the sign-in. Please try again.",
            ),
            Refusal::Token(_) => (
                StatusCode::BAD_REQUEST,
                "Slack's answer could not be verified. Please sign in again.",
            ),
            Refusal::Team => (
                StatusCode::FORBIDDEN,
                "Only members of this workspace can use this console.",
            ),
        };
        refused(status, text)
    }
}

/// `GET /auth/callback?code&state`
pub async fn callback(
    State(console): State<Console>,
    headers: HeaderMap,
    Query(q): Query<CallbackQuery>,
) -> Response {
    let Some(auth) = console.auth.clone() else {
        return super::pages::not_found();
    };
    let clear_login = session::set_cookie(LOGIN_COOKIE, "", 0, auth.secure_cookies);
    match sign_in(&console, &auth, &headers, q).await {
        Ok(s) => {
            tracing::info!(user = %s.user, "console sign-in");
            let mut cookies = vec![clear_login];
            cookies.extend(session_cookie(&auth, &s));
            with_cookies(Redirect::to("/").into_response(), &cookies)
        }
        Err(refusal) => {
            tracing::warn!(reason = refusal.kind(), "console sign-in refused");
            with_cookies(refusal.page(), &[clear_login])
        }
    }
}

async fn sign_in(
    console: &Console,
    auth: &Arc<AuthConfig>,
    headers: &HeaderMap,
    q: CallbackQuery,
) -> Result<Session, Refusal> {
    let now = now_secs(console);
    let login: LoginState = session::read_cookie(headers, LOGIN_COOKIE)
        .and_then(|c| session::open(&auth.session_secret, LOGIN_COOKIE, &c))
        .filter(|l: &LoginState| (0..LOGIN_SECS).contains(&(now - l.created)))
        .ok_or(Refusal::State)?;
    let state = q.state.unwrap_or_default();
    if !bool::from(state.as_bytes().ct_eq(login.state.as_bytes())) {
        return Err(Refusal::State);
    }
    if q.error.is_some() {
        return Err(Refusal::Slack("authorize error"));
    }
    let code = q.code.ok_or(Refusal::Slack("no code"))?;
    let http = &console.http;
    let form = serde_urlencoded::to_string([
        ("client_id", auth.client_id.as_str()),
        ("client_secret", auth.client_secret.as_str()),
        ("code", code.as_str()),
        ("redirect_uri", &redirect_uri(auth)),
    ])
    .map_err(|_| Refusal::Slack("token exchange request"))?;
    let (_, exchanged) = http
        .json(
            http::Method::POST,
            &format!("{}/openid.connect.token", auth.slack_api_url),
            Some(("application/x-www-form-urlencoded", form.into_bytes())),
            &[],
            SLACK_TIMEOUT,
        )
        .await
        .map_err(|_| Refusal::Slack("token exchange unreachable"))?;
    if exchanged["ok"] != Value::Bool(true) {
        return Err(Refusal::Slack("token exchange refused"));
    }
    let id_token = exchanged["id_token"]
        .as_str()
        .ok_or(Refusal::Token("no id_token"))?;
    let claims = verify_id_token(console, auth, id_token).await?;
    if claims["nonce"].as_str() != Some(login.nonce.as_str()) {
        return Err(Refusal::Token("nonce"));
    }
    let team = console
        .directory
        .team_id()
        .await
        .ok_or(Refusal::Slack("auth.test"))?;
    if claims[TEAM_CLAIM].as_str() != Some(team.as_str()) {
        return Err(Refusal::Team);
    }
    let user = claims["sub"]
        .as_str()
        .ok_or(Refusal::Token("sub"))?
        .to_string();
    let access = exchanged["access_token"].as_str().unwrap_or_default();
    let (_, info) = http
        .json(
            http::Method::POST,
            &format!("{}/openid.connect.userInfo", auth.slack_api_url),
            None,
            &[("authorization", format!("Bearer {access}"))],
            SLACK_TIMEOUT,
        )
        .await
        .map_err(|_| Refusal::Slack("userInfo unreachable"))?;
    if info["ok"] != Value::Bool(true) || info["sub"].as_str() != Some(user.as_str()) {
        return Err(Refusal::Slack("userInfo"));
    }
    if info[TEAM_CLAIM].as_str().is_some_and(|t| t != team) {
        return Err(Refusal::Team);
    }
    let name = info["name"]
        .as_str()
        .filter(|n| !n.is_empty())
        .unwrap_or(&user)
        .to_string();
    Ok(Session {
        user,
        name,
        csrf: session::random(),
        active: now,
    })
}

/// Checks signature (RS256, a key from `<origin>/openid/connect/keys`), issuer, audience,
/// expiry; returns the claims.
async fn verify_id_token(
    console: &Console,
    auth: &AuthConfig,
    token: &str,
) -> Result<Value, Refusal> {
    let header = jsonwebtoken::decode_header(token).map_err(|_| Refusal::Token("header"))?;
    if header.alg != Algorithm::RS256 {
        return Err(Refusal::Token("algorithm"));
    }
    let (_, jwks) = console
        .http
        .json(
            http::Method::GET,
            &format!("{}/openid/connect/keys", auth.slack_origin),
            None,
            &[],
            SLACK_TIMEOUT,
        )
        .await
        .map_err(|_| Refusal::Slack("keys unreachable"))?;
    let keys = jwks["keys"].as_array().ok_or(Refusal::Slack("keys"))?;
    let key = keys
        .iter()
        .find(|k| {
            k["kty"] == "RSA"
                && (header.kid.is_none() || k["kid"].as_str() == header.kid.as_deref())
        })
        .ok_or(Refusal::Token("unknown key"))?;
    let decoding = DecodingKey::from_rsa_components(
        key["n"].as_str().unwrap_or_default(),
        key["e"].as_str().unwrap_or_default(),
    )
    .map_err(|_| Refusal::Token("key"))?;
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(&[&auth.slack_origin]);
    validation.set_audience(&[&auth.client_id]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    let data = jsonwebtoken::decode::<Value>(token, &decoding, &validation)
        .map_err(|_| Refusal::Token("signature or claims"))?;
    Ok(data.claims)
}

#[derive(Deserialize)]
pub struct LogoutForm {
    csrf: Option<String>,
}

/// `POST /auth/logout` (form field `csrf`).
pub async fn logout(
    State(console): State<Console>,
    headers: HeaderMap,
    Form(form): Form<LogoutForm>,
) -> Response {
    let Some(auth) = &console.auth else {
        return super::pages::not_found();
    };
    let Visitor::In { session, .. } = visitor(&console, &headers) else {
        return Redirect::to("/").into_response();
    };
    let given = form.csrf.unwrap_or_default();
    if !bool::from(given.as_bytes().ct_eq(session.csrf.as_bytes())) {
        return refused(
            StatusCode::FORBIDDEN,
            "That sign-out request was not sent from this console.",
        );
    }
    with_cookies(
        super::pages::message_page(
            StatusCode::OK,
            "Signed out",
            "You have signed out of the warroom console.",
            true,
        ),
        &[session::set_cookie(
            SESSION_COOKIE,
            "",
            0,
            auth.secure_cookies,
        )],
    )
}

/// Adds the refreshed session cookie, if any, to a page.
pub fn finish(response: Response, refresh: Option<String>) -> Response {
    match refresh {
        Some(c) => with_cookies(response, &[c]),
        None => response,
    }
}
