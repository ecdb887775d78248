//! One envelope: its payload read as the Slack request it carries (the same payload types
//! HTTP bodies are read into), handed to the same handlers (`crate::ingress`), and their
//! answer turned into the envelope's ack. Nothing is re-encoded as an HTTP request: the
//! app-level token has authenticated the traffic, so there is no signature to check.

use crate::http::MAX_BODY;
use crate::ingress::{self, Ack, IngressError};
use crate::metrics::Metrics;
use crate::service::Service;
use crate::slack::payload::{
    event_from_json, interaction_from_json, slash_command_from_json, EventBody, Interaction,
    PayloadError, SlashCommandForm,
};
use serde::Deserialize;
use serde_json::{json, Value};

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
    /// Bytes of the frame it came in: the same size limit as an HTTP body applies.
    #[serde(skip)]
    pub(super) size: usize,
}

/// The Slack request an envelope carries.
#[derive(Debug)]
enum Carried {
    Command(SlashCommandForm),
    Interaction(Interaction),
    Event(EventBody),
}

/// Reads an envelope's payload; `Ok(None)` for envelope types warroom does not handle.
fn carried(envelope: &Envelope) -> Result<Option<Carried>, PayloadError> {
    let payload = &envelope.payload;
    Ok(Some(match envelope.kind.as_str() {
        "slash_commands" => Carried::Command(slash_command_from_json(payload)?),
        "interactive" => Carried::Interaction(interaction_from_json(payload)?),
        "events_api" => Carried::Event(event_from_json(payload)?),
        _ => return Ok(None),
    }))
}

/// Runs one envelope through the handlers; returns the ack to send, or `None` to leave it
/// unanswered (the handler could not record it, and Slack redelivering it may help).
pub(super) async fn handle(
    service: Service,
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

    if envelope.size > MAX_BODY {
        tracing::warn!(kind, len = envelope.size, "Socket Mode: payload too large");
        count("rejected");
        return Some(bare_ack());
    }
    let answer = match carried(&envelope) {
        Ok(None) => {
            tracing::debug!(kind, "Socket Mode: envelope type ignored");
            count("ignored");
            return Some(bare_ack());
        }
        Err(e) => Err(IngressError::from(e)),
        Ok(Some(Carried::Command(form))) => ingress::commands::handle(&service, &form).await,
        Ok(Some(Carried::Interaction(i))) => ingress::interactions::handle(&service, i).await,
        Ok(Some(Carried::Event(event))) => {
            let retry = envelope.retry_attempt.unwrap_or(0);
            ingress::events::handle(&service, event, retry).await
        }
    };
    let ack = match answer {
        Ok(ack) => ack,
        Err(e) if e.is_transient() => {
            tracing::error!(
                kind,
                error = %e,
                "Socket Mode: envelope not handled; left unacknowledged"
            );
            count("failed");
            return None;
        }
        Err(e) => {
            // Redelivery cannot fix it: acknowledged, so Slack does not send it again.
            tracing::warn!(kind, reason = %e, "Socket Mode: envelope refused");
            count("rejected");
            return Some(bare_ack());
        }
    };
    count("ok");
    let mut reply = json!({ "envelope_id": envelope_id });
    if envelope.accepts_response_payload && kind != "events_api" {
        if let Some(payload) = ack_payload(ack) {
            reply["payload"] = payload;
        }
    }
    Some(reply.to_string())
}

/// What an answer carries back to Slack in the ack: its JSON object, if it has one.
fn ack_payload(ack: Ack) -> Option<Value> {
    match ack {
        Ack::Json(v @ Value::Object(_)) => Some(v),
        Ack::Json(_) | Ack::Empty => None,
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
            size: 0,
        }
    }

    #[test]
    fn slash_command_fields_are_read_like_the_form() {
        let Ok(Some(Carried::Command(form))) = carried(&envelope(
            "slash_commands",
            json!({"user_id": "U1", "channel_id": "C1", "text": "declare P1 a & b",
                "trigger_id": 12345, "is_enterprise_install": false, "enterprise_id": null}),
        )) else {
            panic!("a slash command");
        };
        assert_eq!(form.text, "declare P1 a & b");
        assert_eq!(
            form.trigger_id, "12345",
            "numbers read as their text, as in a form"
        );
    }

    #[test]
    fn interactions_and_events_are_read_from_the_json() {
        let payload = json!({"type": "block_actions", "user": {"id": "U1"}, "actions": []});
        assert!(matches!(
            carried(&envelope("interactive", payload)),
            Ok(Some(Carried::Interaction(Interaction::BlockActions { .. })))
        ));
        let event = json!({"type": "event_callback", "event_id": "Ev1", "event": {}});
        assert!(matches!(
            carried(&envelope("events_api", event)),
            Ok(Some(Carried::Event(EventBody::Callback { .. })))
        ));
    }

    #[test]
    fn malformed_and_unknown_envelopes() {
        assert!(carried(&envelope("slash_commands", json!("text"))).is_err());
        assert!(carried(&envelope("slash_commands", json!({"text": "x"}))).is_err());
        assert!(carried(&envelope("interactive", json!([1]))).is_err());
        assert!(carried(&envelope("events_api", Value::Null)).is_err());
        assert!(carried(&envelope("something_new", json!({})))
            .unwrap()
            .is_none());
    }

    #[test]
    fn ack_payloads() {
        assert_eq!(ack_payload(Ack::Empty), None);
        assert_eq!(
            ack_payload(Ack::Json(json!({"response_action": "clear"}))),
            Some(json!({"response_action": "clear"}))
        );
        assert_eq!(
            ack_payload(Ack::ephemeral("hi")),
            Some(json!({"response_type": "ephemeral", "text": "hi"}))
        );
        assert_eq!(ack_payload(Ack::Json(json!("plain"))), None);
    }
}
