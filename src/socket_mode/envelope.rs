//! One envelope: re-encoded as the request Slack would have POSTed over HTTP, run through
//! the same handlers, and its answer turned into the envelope's ack.

use crate::http::MAX_BODY;
use crate::metrics::Metrics;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use tower::ServiceExt;

/// Handler answers larger than this are not forwarded as an ack payload.
const MAX_ACK_BODY: usize = 1024 * 1024;

/// A Socket Mode envelope, as Slack sends it.
#[derive(Debug, Deserialize)]
pub(super) struct Envelope {
    #[serde(rename = "type")]
    pub(super) kind: String,
    #[serde(default)]
    pub(super) envelope_id: Option<String>,
    #[serde(default)]
    pub(super) payload: Value,
    #[serde(default)]
    pub(super) accepts_response_payload: bool,
    #[serde(default)]
    pub(super) retry_attempt: Option<u64>,
    #[serde(default)]
    pub(super) reason: Option<String>,
}

/// The request Slack would have POSTed over HTTP for an envelope.
struct Forward {
    path: &'static str,
    content_type: &'static str,
    body: Vec<u8>,
}

/// Re-encodes an envelope's payload as the HTTP request of the same Slack feature; `Ok(None)`
/// for envelope types warroom does not handle.
fn forward(envelope: &Envelope) -> Result<Option<Forward>, String> {
    let form = "application/x-www-form-urlencoded";
    let fwd = match envelope.kind.as_str() {
        "slash_commands" => {
            let Value::Object(fields) = &envelope.payload else {
                return Err("slash command payload is not an object".into());
            };
            Forward {
                path: "/slack/commands",
                content_type: form,
                body: form_fields(fields)?.into_bytes(),
            }
        }
        "interactive" => {
            if !envelope.payload.is_object() {
                return Err("interaction payload is not an object".into());
            }
            let body = serde_urlencoded::to_string([("payload", envelope.payload.to_string())])
                .map_err(|e| format!("interaction payload: {e}"))?;
            Forward {
                path: "/slack/interactions",
                content_type: form,
                body: body.into_bytes(),
            }
        }
        "events_api" => {
            if !envelope.payload.is_object() {
                return Err("event payload is not an object".into());
            }
            Forward {
                path: "/slack/events",
                content_type: "application/json",
                body: envelope.payload.to_string().into_bytes(),
            }
        }
        _ => return Ok(None),
    };
    Ok(Some(fwd))
}

/// A slash command's fields as Slack's form body: strings as they are, numbers and booleans
/// in their text form, anything nested as JSON text; nulls are left out.
fn form_fields(fields: &Map<String, Value>) -> Result<String, String> {
    let pairs: Vec<(&str, String)> = fields
        .iter()
        .filter_map(|(k, v)| {
            let v = match v {
                Value::Null => return None,
                Value::String(s) => s.clone(),
                Value::Bool(_) | Value::Number(_) | Value::Array(_) | Value::Object(_) => {
                    v.to_string()
                }
            };
            Some((k.as_str(), v))
        })
        .collect();
    serde_urlencoded::to_string(pairs).map_err(|e| format!("slash command payload: {e}"))
}

/// Runs one envelope through the HTTP handlers; returns the ack to send, or `None` to leave
/// it unanswered (the handler could not record it).
pub(super) async fn handle(
    routes: Router,
    metrics: &Metrics,
    envelope: Envelope,
) -> Option<String> {
    let envelope_id = envelope.envelope_id.clone()?;
    let kind = envelope.kind.as_str();
    let label = match kind {
        "slash_commands" | "interactive" | "events_api" => kind,
        _ => "other",
    };
    let count = |result: &str| {
        metrics.inc(
            "warroom_socket_envelopes_total",
            &format!("type=\"{label}\",result=\"{result}\""),
        )
    };
    let bare_ack = || json!({ "envelope_id": envelope_id }).to_string();

    let fwd = match forward(&envelope) {
        Ok(Some(fwd)) => fwd,
        Ok(None) => {
            tracing::debug!(kind, "Socket Mode: envelope type ignored");
            count("ignored");
            return Some(bare_ack());
        }
        Err(reason) => {
            tracing::warn!(kind, %reason, "Socket Mode: malformed envelope");
            count("rejected");
            return Some(bare_ack());
        }
    };
    if fwd.body.len() > MAX_BODY {
        tracing::warn!(kind, len = fwd.body.len(), "Socket Mode: payload too large");
        count("rejected");
        return Some(bare_ack());
    }

    let mut request = Request::post(fwd.path).header(header::CONTENT_TYPE, fwd.content_type);
    if let Some(n) = envelope.retry_attempt.filter(|n| *n > 0) {
        request = request.header("x-slack-retry-num", n);
    }
    let request = match request.body(Body::from(fwd.body)) {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(kind, error = %e, "Socket Mode: cannot build the request");
            count("rejected");
            return Some(bare_ack());
        }
    };
    let response = match routes.oneshot(request).await {
        Ok(r) => r,
        Err(never) => match never {},
    };
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), MAX_ACK_BODY)
        .await
        .unwrap_or_default();

    if status.is_client_error() {
        let reason = String::from_utf8_lossy(&body);
        let reason = reason.lines().next().unwrap_or("").trim().to_string();
        tracing::warn!(kind, status = status.as_u16(), %reason, "Socket Mode: envelope refused");
        count("rejected");
        return Some(bare_ack());
    }
    if !status.is_success() {
        tracing::error!(
            kind,
            status = status.as_u16(),
            "Socket Mode: envelope not handled; left unacknowledged"
        );
        count("failed");
        return None;
    }
    count("ok");
    let payload = if envelope.accepts_response_payload && kind != "events_api" {
        ack_payload(kind, status, &body)
    } else {
        None
    };
    let mut ack = json!({ "envelope_id": envelope_id });
    if let Some(payload) = payload {
        ack["payload"] = payload;
    }
    Some(ack.to_string())
}

/// What a successful handler answer carries back to Slack: its JSON object; for a slash
/// command, plain text too (Slack shows a text answer as the ephemeral reply).
fn ack_payload(kind: &str, status: StatusCode, body: &[u8]) -> Option<Value> {
    if status == StatusCode::NO_CONTENT || body.iter().all(u8::is_ascii_whitespace) {
        return None;
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(v @ Value::Object(_)) => Some(v),
        _ if kind == "slash_commands" => {
            let text = String::from_utf8_lossy(body).trim().to_string();
            Some(json!({ "text": text }))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope(kind: &str, payload: Value) -> Envelope {
        Envelope {
            kind: kind.into(),
            envelope_id: Some("e1".into()),
            payload,
            accepts_response_payload: true,
            retry_attempt: None,
            reason: None,
        }
    }

    #[test]
    fn slash_command_fields_become_a_form() {
        let fwd = forward(&envelope(
            "slash_commands",
            json!({"user_id": "U1", "channel_id": "C1", "text": "declare P1 a & b",
                "is_enterprise_install": false, "enterprise_id": null}),
        ))
        .unwrap()
        .unwrap();
        assert_eq!(fwd.path, "/slack/commands");
        let fields: std::collections::HashMap<String, String> =
            serde_urlencoded::from_bytes(&fwd.body).unwrap();
        assert_eq!(fields["text"], "declare P1 a & b");
        assert_eq!(fields["is_enterprise_install"], "false");
        assert!(!fields.contains_key("enterprise_id"));
    }

    #[test]
    fn interactions_become_a_payload_field_and_events_json() {
        let payload = json!({"type": "block_actions", "user": {"id": "U1"}});
        let fwd = forward(&envelope("interactive", payload.clone()))
            .unwrap()
            .unwrap();
        assert_eq!(fwd.path, "/slack/interactions");
        let fields: std::collections::HashMap<String, String> =
            serde_urlencoded::from_bytes(&fwd.body).unwrap();
        assert_eq!(
            serde_json::from_str::<Value>(&fields["payload"]).unwrap(),
            payload
        );
        let fwd = forward(&envelope("events_api", json!({"type": "event_callback"})))
            .unwrap()
            .unwrap();
        assert_eq!(fwd.content_type, "application/json");
    }

    #[test]
    fn malformed_and_unknown_envelopes() {
        assert!(forward(&envelope("slash_commands", json!("text"))).is_err());
        assert!(forward(&envelope("interactive", json!([1]))).is_err());
        assert!(forward(&envelope("events_api", Value::Null)).is_err());
        assert!(forward(&envelope("something_new", json!({})))
            .unwrap()
            .is_none());
    }

    #[test]
    fn ack_payloads() {
        let ok = StatusCode::OK;
        assert_eq!(ack_payload("slash_commands", ok, b""), None);
        assert_eq!(
            ack_payload("interactive", ok, br#"{"response_action":"clear"}"#),
            Some(json!({"response_action": "clear"}))
        );
        assert_eq!(ack_payload("interactive", ok, b"plain"), None);
        assert_eq!(
            ack_payload("slash_commands", ok, b"hi\n"),
            Some(json!({"text": "hi"}))
        );
    }
}
