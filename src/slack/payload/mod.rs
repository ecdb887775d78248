//! What Slack sends us, deserialised with serde into the wire shapes below and then into
//! small owned types. Tolerant of fields we don't use (Enterprise Grid's `enterprise`,
//! `authorizations`, `is_ext_shared_channel`, … are ignored, and may be null), strict about
//! the ones we do: a missing user or action is a clear error (a 400), not a panic.
//!
//! `interaction.rs`: the interactivity payloads (buttons, modals, message shortcuts);
//! `wire.rs`: the serde shapes of the JSON; `mentions.rs`: user mentions in the text Slack
//! sends, read into user ids; this file: slash commands, events, errors.

use serde::Deserialize;
use serde_json::Value;

mod interaction;
mod mentions;
#[cfg(test)]
mod tests;
mod wire;

pub use interaction::{
    interaction_from_json, parse_interaction, ActionInfo, FieldValue, Interaction, ViewValues,
};
pub use mentions::{normalize_mentions, parse_mention};

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
    with_user_and_channel(form)
}

/// A slash command that arrived as a JSON object (a Socket Mode envelope's `payload`): the
/// same fields as the form, read the same way. Strings are taken as they are; numbers,
/// booleans and anything nested as their JSON text (what the form would carry); nulls are
/// left out.
pub fn slash_command_from_json(payload: &Value) -> Result<SlashCommandForm, PayloadError> {
    let Value::Object(fields) = payload else {
        return Err(bad("slash command payload is not an object"));
    };
    let fields: serde_json::Map<String, Value> = fields
        .iter()
        .filter_map(|(k, v)| {
            let text = match v {
                Value::Null => return None,
                Value::String(s) => s.clone(),
                Value::Bool(_) | Value::Number(_) | Value::Array(_) | Value::Object(_) => {
                    v.to_string()
                }
            };
            Some((k.clone(), Value::String(text)))
        })
        .collect();
    let form = SlashCommandForm::deserialize(Value::Object(fields))
        .map_err(|e| bad(format!("malformed slash command: {e}")))?;
    with_user_and_channel(form)
}

fn with_user_and_channel(mut form: SlashCommandForm) -> Result<SlashCommandForm, PayloadError> {
    if form.user_id.is_empty() || form.channel_id.is_empty() {
        return Err(bad("slash command without user_id or channel_id"));
    }
    // A NUL byte (`%00`) is nothing a person meant to type, and PostgreSQL refuses to
    // store it: it goes before the text becomes a title or a note.
    form.text.retain(|c| c != '\0');
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
    event_from_wire(envelope)
}

/// An Events API body that arrived as JSON (a Socket Mode envelope's `payload`).
pub fn event_from_json(payload: &Value) -> Result<EventBody, PayloadError> {
    if !payload.is_object() {
        return Err(bad("event payload is not an object"));
    }
    let envelope =
        wire::Envelope::deserialize(payload).map_err(|e| bad(format!("malformed event: {e}")))?;
    event_from_wire(envelope)
}

fn event_from_wire(envelope: wire::Envelope) -> Result<EventBody, PayloadError> {
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
