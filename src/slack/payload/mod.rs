//! What Slack sends us, deserialised with serde into the wire shapes below and then into
//! small owned types. Tolerant of fields we don't use (Enterprise Grid's `enterprise`,
//! `authorizations`, `is_ext_shared_channel`, … are ignored, and may be null), strict about
//! the ones we do: a missing user or action is a clear error (a 400), not a panic.
//!
//! `interaction.rs`: the interactivity payloads (buttons, modals, message shortcuts);
//! `wire.rs`: the serde shapes of the JSON; this file: slash commands, events, errors.

use serde::Deserialize;
use serde_json::Value;

mod interaction;
#[cfg(test)]
mod tests;
mod wire;

pub use interaction::{parse_interaction, ActionInfo, FieldValue, Interaction, ViewValues};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0}")]
pub struct PayloadError(pub String);

fn bad(msg: impl Into<String>) -> PayloadError {
    PayloadError(msg.into())
}

/// A slash command (`application/x-www-form-urlencoded`).
#[derive(Clone, Debug, Deserialize)]
pub struct SlashCommandForm {
    pub user_id: String,
    pub channel_id: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub trigger_id: String,
    #[serde(default)]
    pub command: String,
}

/// Parses a slash command form; fields other than these (team, enterprise, response_url…)
/// are ignored.
pub fn parse_slash_command(body: &[u8]) -> Result<SlashCommandForm, PayloadError> {
    let form: SlashCommandForm = serde_urlencoded::from_bytes(body)
        .map_err(|e| bad(format!("malformed slash command form: {e}")))?;
    if form.user_id.is_empty() || form.channel_id.is_empty() {
        return Err(bad("slash command without user_id or channel_id"));
    }
    Ok(form)
}

/// An Events API body: `url_verification` or `event_callback`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventBody {
    UrlVerification { challenge: String },
    Callback { event_id: String, event: Value },
    Other(String),
}

pub fn parse_event(body: &[u8]) -> Result<EventBody, PayloadError> {
    let envelope: wire::Envelope =
        serde_json::from_slice(body).map_err(|e| bad(format!("malformed event: {e}")))?;
    let missing = |what: &str| bad(format!("event without {what}"));
    let kind = envelope
        .kind
        .filter(|k| !k.is_empty())
        .ok_or_else(|| missing("type"))?;
    match kind.as_str() {
        "url_verification" => Ok(EventBody::UrlVerification {
            challenge: envelope
                .challenge
                .filter(|c| !c.is_empty())
                .ok_or_else(|| missing("challenge"))?,
        }),
        "event_callback" => Ok(EventBody::Callback {
            event_id: envelope
                .event_id
                .filter(|c| !c.is_empty())
                .ok_or_else(|| missing("event_id"))?,
            event: envelope.event.unwrap_or(Value::Null),
        }),
        _ => Ok(EventBody::Other(kind)),
    }
}
