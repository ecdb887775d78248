//! The outbound JSON webhook: every lifecycle event with the incident as `/api` shows
//! it, signed with HMAC-SHA256 when a secret is configured.

use super::retry::{classify, Delivery};
use crate::clock::Clock;
use crate::incident::model::Incident;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

#[derive(Clone)]
pub struct Webhook {
    pub url: String,
    pub secret: Option<String>,
}

impl std::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Webhook({}, signed: {})",
            self.url,
            self.secret.is_some()
        )
    }
}

/// Header carrying `sha256=hex(HMAC-SHA256(secret, "{timestamp}.{body}"))`.
pub const SIGNATURE_HEADER: &str = "x-warroom-signature";
pub const TIMESTAMP_HEADER: &str = "x-warroom-timestamp";

/// The webhook signature over `"{timestamp}.{body}"` (receivers recompute and compare).
pub fn sign_webhook(secret: &str, timestamp: &str, body: &[u8]) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(m) => m,
        Err(_) => unreachable!("HMAC takes keys of any length"),
    };
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

pub fn webhook_body(event: &str, detail: &Value, inc: &Incident, clock: &Clock) -> Value {
    json!({
        "event": event,
        "at": clock.now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "detail": detail,
        "incident": crate::http::incident_json(inc),
    })
}

/// Posts `event` about `inc`, signed.
pub async fn deliver(
    hook: &Webhook,
    http: &crate::outbound::HttpClient,
    clock: &Clock,
    people: &crate::people::People,
    inc: &Incident,
    event: &str,
    detail: &Value,
) -> Delivery {
    let mut body = webhook_body(event, detail, inc, clock);
    crate::people::name_people(&mut body, inc, people);
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    let ts = clock.now().timestamp().to_string();
    let mut headers = vec![(TIMESTAMP_HEADER, ts.clone())];
    if let Some(secret) = &hook.secret {
        headers.push((SIGNATURE_HEADER, sign_webhook(secret, &ts, &bytes)));
    }
    match super::post_json(http, &hook.url, &body, &headers).await {
        Ok(()) => Delivery::Done(None),
        Err(e) => classify(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_signature_is_hmac_of_timestamp_dot_body() {
        // echo -n '1700000000.{"a":1}' | openssl dgst -sha256 -hmac s3cret
        assert_eq!(
            sign_webhook("s3cret", "1700000000", br#"{"a":1}"#),
            "sha256=1698a50bc74d1ff1db85c4e0a5297c2ad9fdba245d5737cdb789e4cc6e098940"
        );
        assert_ne!(
            sign_webhook("s3cret", "1700000000", b"x"),
            sign_webhook("s3cret", "1700000001", b"x")
        );
    }
}
