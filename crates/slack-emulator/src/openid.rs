//! Slack's "Sign in with Slack" (OpenID Connect) endpoints, as the fake serves them:
//! discovery, the authorize redirect, `openid.connect.token`, `openid.connect.userInfo` and
//! the signing keys. The issuer is the fake's origin, as `https://slack.com` is Slack's.
//!
//! Who is signed in to "Slack" in the browser: the authorize URL may carry `user=U…`
//! (an emulator extension; real Slack knows from its own cookie), which the fake remembers in
//! a cookie; without either it shows a page to pick a workspace member. `team=T…` signs a
//! token for another workspace (tests of the team check).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Form, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rand::Rng;
use serde::Deserialize;
use serde_json::{json, Value};

use super::server::Shared;
use super::state::TEAM_ID;
use crate::clock::unix_now;

/// A fixed test key: the fake is not a security boundary, and a fixed key keeps start-up
/// instant (generating RSA keys takes seconds in debug builds).
const PRIVATE_KEY_PEM: &str = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAiRaDUKOtCe/1cJ29fUSkg6mh3u404qeXiZtkoxaOx033fKxR\n3iYtwrvoRZE06ONuiwOwetXrrgfBCF7xUR0oX+Tz223ouMiwThXzyjl4sKd9QhDT\nkaFygtdwHLUZdaMDYK7Hb6w9JvGcv+S9jlc3Pk5U/ZZyB6a1vWsMmbUuXl9OC3F1\n7sgvtaYU8n/IfPOgS9Zh7emk/taeSfL7P8jWxyjMN8KOYoKTKTb9zw4fwBP0npPQ\nTYBFunWEIbgxejaTfe0m3vZmioqMOtXN7hXg/vc5QDfKFTTaJg6+m+IB7zJ/ThYr\nQr4t6vAhhD02IXQTjGI2kLrDe2BH/+uJ7gzevwIDAQABAoIBAARjvzl+eY5CcBxU\ng+28rVqUEfb7fBde9AvtLCi5AWRXDZWQAr6O93l8K6pi3v9ANvbiMRfRCgrJwMZY\ngt65pxeUl4BEtvdl6f5C6Bci0unahlKILYjNdS2ilO2lVMPFSKV4kSD1GPPsjTN0\nF8GBmbPrC0RS9VYwlVStZ6XAn1PhKm/JDQ6adsYYV61jRH4xUMfd8l2JXrHEnLX2\nlLvej4dHIbip35VQRz33immQV5T081P5dQAlmXQLpO6vQCgxQo0pzmzd/z7qGX9p\ndKzsSv0frAIcEcb6iCqa3o2uIPIAzeahlVeVYC5DjKy6wDwzPMzLZ1JvkLZFaaYU\nUnotAxECgYEAwLIaZApMRvJH7rsgeehFLOTEnGuOschavqjjRVLtGdJm0xtm/1ld\n6Go4dV4upYnaB8nB6qCa4VtsIaarcRzRhdl1N9dUSRiua26hwJLv8HgB4PvDVZdE\n0jShXsN4yM707/kOqovrMGYwyYDFdMZAsfad+3Tu/AZXMEsVZbkYR2MCgYEAth+9\n9Y067IRuYJfKsF5lFtrjLPA6Mi74+hJKFUyJJrNOi9lYW1zDj2xFWs/iYRYJjMDI\naM5UVn3OkFdftz4r3woZcyb5TLbnnCYAcqi6wwXcd5aqqjf1gLyy5cF9xXJ1r93Z\n4b2qZ5BL06k7lgX0EYHEkxMmAl+2dU9s+7XjT/UCgYEAoOHSkOXcK3vLPPG1OrMH\nVmUmFibi+2H5Cag+IDoNRXraaLU/OECn3A0bWDqrHYDLrabwpXEz/qVy0WGzT/ws\nnuEhMd8xOtpFfeLfX8YOWCoJ/4qT2tkyF4LjnBf9t0K7U8QQT6oEUeNwJjzCHy4L\nA8qQuko14et1ThfSJJz2PVsCgYByWo/t5JXA+I5NvEGaaErVBO9rwhLoe7H9Ywp9\nQSdE04VYLkpaY26vWW5azPj5uNqaNFoh5Jv0Ct5up04EQtdNHoxIT4ptbtMSqpHR\nbLyHw+Bgfov+gVB3WwSBWvLbzTi0CnrKUUrz6BiUeEhftLFBZNfG+Vj+WJa6Jfrq\nOZTXGQKBgAwndb4oCcfpXaRMbFQIqOzHNclAa77B+iRAYMOa1uwqIcf1afbZQqUV\n70lwfzs6uXYcHiJ5UkH9ONq7iZeRL9T3/8fl4uzOFmvbj6YTZZQE7obrNbAGIKnq\ne3bof/HhN89HWr/CSFJzvTGzZCxdehUYGlhDn10bXJA2RQJB1qN+\n-----END RSA PRIVATE KEY-----";
/// The public modulus of that key, base64url (the JWKS `n`); the exponent is 65537.
const MODULUS_B64: &str = "iRaDUKOtCe_1cJ29fUSkg6mh3u404qeXiZtkoxaOx033fKxR3iYtwrvoRZE06ONuiwOwetXrrgfBCF7xUR0oX-Tz223ouMiwThXzyjl4sKd9QhDTkaFygtdwHLUZdaMDYK7Hb6w9JvGcv-S9jlc3Pk5U_ZZyB6a1vWsMmbUuXl9OC3F17sgvtaYU8n_IfPOgS9Zh7emk_taeSfL7P8jWxyjMN8KOYoKTKTb9zw4fwBP0npPQTYBFunWEIbgxejaTfe0m3vZmioqMOtXN7hXg_vc5QDfKFTTaJg6-m-IB7zJ_ThYrQr4t6vAhhD02IXQTjGI2kLrDe2BH_-uJ7gzevw";
const KEY_ID: &str = "warroom-emulator-1";
/// The fake's "browser session" cookie: the member signed in to Slack.
const USER_COOKIE: &str = "emulator_slack_user";

/// A code handed to the client at authorize, redeemed once at `openid.connect.token`.
struct Grant {
    user: String,
    team: String,
    client_id: String,
    redirect_uri: String,
    nonce: Option<String>,
}

struct OpenId {
    shared: Arc<Shared>,
    codes: Mutex<HashMap<String, Grant>>,
    /// Access token → (user, team), for `openid.connect.userInfo`.
    tokens: Mutex<HashMap<String, (String, String)>>,
}

impl OpenId {
    fn codes(&self) -> std::sync::MutexGuard<'_, HashMap<String, Grant>> {
        self.codes.lock().unwrap_or_else(|e| e.into_inner())
    }
    fn tokens(&self) -> std::sync::MutexGuard<'_, HashMap<String, (String, String)>> {
        self.tokens.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The OpenID routes, merged into the fake's router.
pub(crate) fn routes(shared: Arc<Shared>) -> Router {
    let state = Arc::new(OpenId {
        shared,
        codes: Mutex::default(),
        tokens: Mutex::default(),
    });
    Router::new()
        .route("/.well-known/openid-configuration", get(discovery))
        .route("/openid/connect/authorize", get(authorize))
        .route("/openid/connect/keys", get(keys))
        .route("/openid/emulator/sign-in", get(sign_in_as))
        .route("/api/openid.connect.token", post(token))
        .route(
            "/api/openid.connect.userInfo",
            get(user_info).post(user_info),
        )
        .with_state(state)
}

fn origin(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    format!("http://{host}")
}

fn random_token(prefix: &str) -> String {
    let bytes: [u8; 16] = rand::thread_rng().gen();
    format!("{prefix}{}", hex::encode(bytes))
}

async fn discovery(headers: HeaderMap) -> Json<Value> {
    let o = origin(&headers);
    Json(json!({
        "issuer": o,
        "authorization_endpoint": format!("{o}/openid/connect/authorize"),
        "token_endpoint": format!("{o}/api/openid.connect.token"),
        "userinfo_endpoint": format!("{o}/api/openid.connect.userInfo"),
        "jwks_uri": format!("{o}/openid/connect/keys"),
        "scopes_supported": ["openid", "profile", "email"],
        "response_types_supported": ["code"],
        "response_modes_supported": ["form_post"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "claims_supported": ["sub", "auth_time", "iss"],
        "claims_parameter_supported": false,
        "request_parameter_supported": false,
        "request_uri_parameter_supported": true,
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"]
    }))
}

async fn keys() -> Json<Value> {
    Json(json!({"keys": [{
        "e": "AQAB", "n": MODULUS_B64, "kty": "RSA", "kid": KEY_ID, "alg": "RS256", "use": "sig"
    }]}))
}

#[derive(Deserialize)]
struct AuthorizeQuery {
    response_type: Option<String>,
    client_id: Option<String>,
    redirect_uri: Option<String>,
    scope: Option<String>,
    state: Option<String>,
    nonce: Option<String>,
    /// Emulator extensions: who signs in, and for which workspace.
    user: Option<String>,
    team: Option<String>,
}

fn cookie_user(headers: &HeaderMap) -> Option<String> {
    let cookies = headers.get(header::COOKIE)?.to_str().ok()?;
    cookies.split(';').find_map(|c| {
        let (name, value) = c.trim().split_once('=')?;
        (name == USER_COOKIE).then(|| value.to_string())
    })
}

async fn authorize(
    State(oid): State<Arc<OpenId>>,
    headers: HeaderMap,
    RawQueryString(raw): RawQueryString,
    Query(q): Query<AuthorizeQuery>,
) -> Response {
    let (Some(client_id), Some(redirect_uri)) = (q.client_id.clone(), q.redirect_uri.clone())
    else {
        return (
            StatusCode::BAD_REQUEST,
            "client_id and redirect_uri are required",
        )
            .into_response();
    };
    let scopes: Vec<&str> = q.scope.as_deref().unwrap_or("").split([' ', ',']).collect();
    if q.response_type.as_deref() != Some("code") || !scopes.contains(&"openid") {
        return (
            StatusCode::BAD_REQUEST,
            "response_type=code and scope openid are required",
        )
            .into_response();
    }
    let user = q.user.clone().or_else(|| cookie_user(&headers));
    let known = |u: &str| oid.shared.workspace().user_name(u).is_some();
    let Some(user) = user.filter(|u| known(u)) else {
        return choose_user(&oid, &raw);
    };
    let code = random_token("code-");
    oid.codes().insert(
        code.clone(),
        Grant {
            user: user.clone(),
            team: q.team.clone().unwrap_or_else(|| TEAM_ID.to_string()),
            client_id,
            redirect_uri: redirect_uri.clone(),
            nonce: q.nonce.clone(),
        },
    );
    let mut target = format!(
        "{redirect_uri}{}code={}",
        if redirect_uri.contains('?') { '&' } else { '?' },
        urlencode(&code)
    );
    if let Some(state) = &q.state {
        target.push_str(&format!("&state={}", urlencode(state)));
    }
    let mut response = Redirect::to(&target).into_response();
    if let Ok(v) = format!("{USER_COOKIE}={user}; Path=/; HttpOnly; SameSite=Lax").parse() {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    response
}

#[derive(Deserialize)]
struct SignInAs {
    user: String,
    next: String,
}

/// Emulator only: "signs in to Slack" as `user` in this browser (the cookie authorize
/// reads), then goes on to `next` — a loopback URL, so this is no open redirect. Lets
/// `warroom demo --console` hand out one link that arrives signed in.
async fn sign_in_as(State(oid): State<Arc<OpenId>>, Query(q): Query<SignInAs>) -> Response {
    let loopback = ["http://127.0.0.1:", "http://localhost:", "http://[::1]:"];
    if !loopback.iter().any(|p| q.next.starts_with(p)) {
        return (StatusCode::BAD_REQUEST, "next must be a loopback URL").into_response();
    }
    if oid.shared.workspace().user_name(&q.user).is_none() {
        return (StatusCode::BAD_REQUEST, "no such user").into_response();
    }
    let mut response = Redirect::to(&q.next).into_response();
    if let Ok(v) = format!("{USER_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax", q.user).parse() {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    response
}

/// The query string exactly as sent, to rebuild the authorize URL with `user=` added.
struct RawQueryString(String);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for RawQueryString {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(RawQueryString(parts.uri.query().unwrap_or("").to_string()))
    }
}

/// Slack's "which account?" step: one link per workspace member.
fn choose_user(oid: &OpenId, raw_query: &str) -> Response {
    let listed = oid
        .shared
        .workspace()
        .dispatch("users.list", &Default::default(), unix_now())
        .unwrap_or_default();
    let members: Vec<(String, String)> = listed
        .get("members")
        .and_then(Value::as_array)
        .map(|m| m.as_slice())
        .unwrap_or_default()
        .iter()
        .filter(|m| m["is_bot"] != json!(true))
        .filter_map(|m| {
            Some((
                m["id"].as_str()?.to_string(),
                m["name"].as_str()?.to_string(),
            ))
        })
        .collect();
    let mut page = String::from(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Sign in to Slack (emulator)</title><link rel=\"icon\" href=\"data:,\"></head><body><h1>Sign in to Slack (emulator)</h1><ul>",
    );
    for (id, name) in members {
        page.push_str(&format!(
            "<li><a id=\"as-{id}\" href=\"/openid/connect/authorize?{}&amp;user={id}\">{}</a></li>",
            html_escape(raw_query),
            html_escape(&name)
        ));
    }
    page.push_str("</ul></body></html>");
    Html(page).into_response()
}

#[derive(Deserialize)]
struct TokenForm {
    client_id: Option<String>,
    client_secret: Option<String>,
    code: Option<String>,
    redirect_uri: Option<String>,
}

fn slack_error(code: &str) -> Response {
    Json(json!({"ok": false, "error": code})).into_response()
}

async fn token(
    State(oid): State<Arc<OpenId>>,
    headers: HeaderMap,
    Form(f): Form<TokenForm>,
) -> Response {
    let Some(code) = f.code else {
        return slack_error("invalid_arguments");
    };
    if f.client_secret.as_deref().unwrap_or("").is_empty() {
        return slack_error("invalid_client_id");
    }
    let Some(grant) = oid.codes().remove(&code) else {
        return slack_error("invalid_code");
    };
    if f.client_id.as_deref() != Some(grant.client_id.as_str()) {
        return slack_error("invalid_client_id");
    }
    if f.redirect_uri.as_deref() != Some(grant.redirect_uri.as_str()) {
        return slack_error("bad_redirect_uri");
    }
    let name = oid
        .shared
        .workspace()
        .user_name(&grant.user)
        .unwrap_or_default();
    let now = unix_now();
    let mut claims = json!({
        "iss": origin(&headers),
        "sub": grant.user,
        "aud": grant.client_id,
        "exp": now + 3600,
        "iat": now,
        "auth_time": now,
        "https://slack.com/user_id": grant.user,
        "https://slack.com/team_id": grant.team,
        "https://slack.com/team_name": "Example",
        "name": name,
        "given_name": name,
    });
    if let Some(nonce) = &grant.nonce {
        claims["nonce"] = json!(nonce);
    }
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(KEY_ID.to_string());
    let key = match EncodingKey::from_rsa_pem(PRIVATE_KEY_PEM.as_bytes()) {
        Ok(k) => k,
        Err(_) => return slack_error("internal_error"),
    };
    let Ok(id_token) = jsonwebtoken::encode(&header, &claims, &key) else {
        return slack_error("internal_error");
    };
    let access = random_token("xoxp-");
    oid.tokens()
        .insert(access.clone(), (grant.user.clone(), grant.team.clone()));
    Json(json!({
        "ok": true,
        "access_token": access,
        "token_type": "Bearer",
        "id_token": id_token,
    }))
    .into_response()
}

async fn user_info(State(oid): State<Arc<OpenId>>, headers: HeaderMap) -> Response {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    let Some((user, team)) = oid.tokens().get(bearer).cloned() else {
        return slack_error("invalid_auth");
    };
    let name = oid.shared.workspace().user_name(&user).unwrap_or_default();
    Json(json!({
        "ok": true,
        "sub": user,
        "https://slack.com/user_id": user,
        "https://slack.com/team_id": team,
        "name": name,
        "given_name": name,
    }))
    .into_response()
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|e| e.trim_start_matches('=').to_string())
        .unwrap_or_default()
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
