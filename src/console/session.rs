//! Signed cookies: the session, and the short-lived sign-in state. The value is
//! `base64url(JSON).base64url(HMAC-SHA256(name ‖ JSON))` under `WARROOM_SESSION_SECRET`:
//! stateless, so any replica can read it, and the cookie's name is under the MAC so one
//! cookie cannot be passed off as the other.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

pub const SESSION_COOKIE: &str = "warroom_session";
pub const LOGIN_COOKIE: &str = "warroom_login";
/// A session ends after this long without a request.
pub const IDLE_SECS: i64 = 12 * 3600;
/// A sign-in must come back from Slack within this long.
pub const LOGIN_SECS: i64 = 600;

/// A signed-in visitor.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Session {
    pub user: String,
    pub name: String,
    /// Sent back with `POST /auth/logout`.
    pub csrf: String,
    /// Unix seconds of the last request.
    pub active: i64,
}

/// What `/auth/login` remembers until Slack redirects back.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LoginState {
    pub state: String,
    pub nonce: String,
    pub created: i64,
}

fn mac(secret: &[u8], name: &str, payload: &[u8]) -> Option<Hmac<Sha256>> {
    let mut m = Hmac::<Sha256>::new_from_slice(secret).ok()?;
    m.update(name.as_bytes());
    m.update(b"\0");
    m.update(payload);
    Some(m)
}

pub fn seal<T: Serialize>(secret: &[u8], name: &str, value: &T) -> Option<String> {
    let json = serde_json::to_vec(value).ok()?;
    let tag = mac(secret, name, &json)?.finalize().into_bytes();
    Some(format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(&json),
        URL_SAFE_NO_PAD.encode(tag)
    ))
}

pub fn open<T: DeserializeOwned>(secret: &[u8], name: &str, text: &str) -> Option<T> {
    let (body, tag) = text.split_once('.')?;
    let json = URL_SAFE_NO_PAD.decode(body).ok()?;
    let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
    mac(secret, name, &json)?.verify_slice(&tag).ok()?;
    serde_json::from_slice(&json).ok()
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn read_cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| {
            let (k, v) = c.trim().split_once('=')?;
            (k == name).then(|| v.to_string())
        })
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax (it must come back on Slack's redirect),
/// Secure over https. `max_age` 0 deletes it.
pub fn set_cookie(name: &str, value: &str, max_age: i64, secure: bool) -> String {
    format!(
        "{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{}",
        if secure { "; Secure" } else { "" }
    )
}

/// 32 random bytes, base64url: state, nonce, CSRF token.
pub fn random() -> String {
    let bytes: [u8; 32] = rand::random();
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_the_same_secret_and_name() {
        let secret = [7u8; 32];
        let s = Session {
            user: "U1".into(),
            name: "alice".into(),
            csrf: "c".into(),
            active: 5,
        };
        let sealed = seal(&secret, SESSION_COOKIE, &s).unwrap();
        let back: Session = open(&secret, SESSION_COOKIE, &sealed).unwrap();
        assert_eq!(back.user, "U1");
        assert!(open::<Session>(&[8u8; 32], SESSION_COOKIE, &sealed).is_none());
        assert!(open::<Session>(&secret, LOGIN_COOKIE, &sealed).is_none());
        let (body, tag) = sealed.split_once('.').unwrap();
        let forged =
            URL_SAFE_NO_PAD.encode(br#"{"user":"U0ADMIN","name":"x","csrf":"c","active":5}"#);
        assert!(open::<Session>(&secret, SESSION_COOKIE, &format!("{forged}.{tag}")).is_none());
        assert!(open::<Session>(&secret, SESSION_COOKIE, body).is_none());
    }
}
