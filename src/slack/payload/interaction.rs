//! Interactivity payloads: block actions, view submissions and message shortcuts, read
//! from their wire shapes into small owned types.

use super::{bad, wire, PayloadError};
use serde::Deserialize;
use serde_json::Value;
use std::collections::HashMap;

/// One action of a `block_actions` payload.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ActionInfo {
    pub action_id: String,
    pub block_id: String,
    pub value: Option<String>,
    pub selected_user: Option<String>,
    pub selected_option: Option<String>,
    /// Values of the ticked options of a checkboxes element.
    pub selected_options: Vec<String>,
}

/// Values of a submitted view: `block_id → action_id → value`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ViewValues(pub HashMap<String, HashMap<String, FieldValue>>);

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldValue {
    Text(Option<String>),
    Option(Option<String>),
    Options(Vec<String>),
    User(Option<String>),
}

impl ViewValues {
    fn field(&self, block: &str) -> Option<&FieldValue> {
        self.0.get(block).and_then(|m| m.values().next())
    }
    /// Trimmed text of a plain_text_input, None when empty.
    pub fn text(&self, block: &str) -> Option<String> {
        match self.field(block) {
            Some(FieldValue::Text(Some(t))) if !t.trim().is_empty() => Some(t.trim().to_string()),
            _ => None,
        }
    }
    /// Value of a static_select / radio_buttons.
    pub fn selected(&self, block: &str) -> Option<String> {
        match self.field(block) {
            Some(FieldValue::Option(o)) => o.clone(),
            _ => None,
        }
    }
    /// Values of a checkboxes group.
    pub fn checked(&self, block: &str) -> Vec<String> {
        match self.field(block) {
            Some(FieldValue::Options(o)) => o.clone(),
            _ => Vec::new(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Interaction {
    BlockActions {
        user: String,
        channel: Option<String>,
        trigger_id: String,
        message_ts: Option<String>,
        actions: Vec<ActionInfo>,
    },
    ViewSubmission {
        user: String,
        view_id: String,
        callback_id: String,
        private_metadata: String,
        values: ViewValues,
    },
    MessageAction {
        user: String,
        channel: String,
        callback_id: String,
        trigger_id: String,
        message_ts: String,
        message_user: String,
        message_text: String,
    },
    /// Anything we have no use for (view_closed, global shortcuts…): acknowledged, ignored.
    Other(String),
}

/// `Some(non-empty)` or an error naming what is missing.
fn required(value: Option<String>, what: &str) -> Result<String, PayloadError> {
    value
        .filter(|v| !v.is_empty())
        .ok_or_else(|| bad(format!("interaction payload without {what}")))
}

fn user_id(user: Option<wire::Id>) -> Result<String, PayloadError> {
    required(user.and_then(|u| u.id), "user.id")
}

/// Parses the `payload=` field of an interactivity request body.
pub fn parse_interaction(body: &[u8]) -> Result<Interaction, PayloadError> {
    let form: wire::InteractionForm = serde_urlencoded::from_bytes(body)
        .map_err(|e| bad(format!("malformed interaction form: {e}")))?;
    let raw = form
        .payload
        .ok_or_else(|| bad("interaction without a payload field"))?;
    let payload: wire::Payload = serde_json::from_str(&raw)
        .map_err(|e| bad(format!("malformed interaction payload: {e}")))?;
    from_wire(payload, || serde_json::from_str(&raw))
}

/// An interaction payload that arrived as JSON (a Socket Mode envelope's `payload`).
pub fn interaction_from_json(payload: &Value) -> Result<Interaction, PayloadError> {
    if !payload.is_object() {
        return Err(bad("interaction payload is not an object"));
    }
    let parsed = wire::Payload::deserialize(payload)
        .map_err(|e| bad(format!("malformed interaction payload: {e}")))?;
    from_wire(parsed, || wire::Kind::deserialize(payload))
}

/// The owned interaction of a parsed payload; `kind` reads the bare `type` of one that
/// warroom has no use for, to name it.
fn from_wire(
    payload: wire::Payload,
    kind: impl FnOnce() -> Result<wire::Kind, serde_json::Error>,
) -> Result<Interaction, PayloadError> {
    match payload {
        wire::Payload::BlockActions(p) => {
            let actions = p
                .actions
                .ok_or_else(|| bad("block_actions without actions"))?
                .into_iter()
                .map(|a| ActionInfo {
                    action_id: a.action_id.unwrap_or_default(),
                    block_id: a.block_id.unwrap_or_default(),
                    value: a.value,
                    selected_user: a.selected_user,
                    selected_option: a.selected_option.and_then(|o| o.value),
                    selected_options: a
                        .selected_options
                        .unwrap_or_default()
                        .into_iter()
                        .filter_map(|o| o.value)
                        .collect(),
                })
                .collect();
            let (container_channel, container_ts) = match p.container {
                Some(c) => (c.channel_id, c.message_ts),
                None => (None, None),
            };
            Ok(Interaction::BlockActions {
                user: user_id(p.user)?,
                channel: p.channel.and_then(|c| c.id).or(container_channel),
                trigger_id: p.trigger_id.unwrap_or_default(),
                message_ts: container_ts.or_else(|| p.message.and_then(|m| m.ts)),
                actions,
            })
        }
        wire::Payload::ViewSubmission(p) => {
            let user = user_id(p.user)?;
            let view = p.view.ok_or_else(|| bad("view_submission without view"))?;
            Ok(Interaction::ViewSubmission {
                user,
                view_id: view.id.unwrap_or_default(),
                callback_id: required(view.callback_id, "view.callback_id")?,
                private_metadata: view.private_metadata.unwrap_or_default(),
                values: view_values(view.state.and_then(|s| s.values)),
            })
        }
        wire::Payload::MessageAction(p) => {
            let (message_ts, message_user, message_text) = match p.message {
                Some(m) => (m.ts, m.user, m.text),
                None => (None, None, None),
            };
            Ok(Interaction::MessageAction {
                user: user_id(p.user)?,
                channel: required(p.channel.and_then(|c| c.id), "channel.id")?,
                callback_id: required(p.callback_id, "callback_id")?,
                trigger_id: p.trigger_id.unwrap_or_default(),
                message_ts: required(
                    p.message_ts.filter(|t| !t.is_empty()).or(message_ts),
                    "message_ts",
                )?,
                message_user: message_user.unwrap_or_default(),
                message_text: message_text.unwrap_or_default(),
            })
        }
        wire::Payload::Other => {
            let kind = kind().map_err(|e| bad(format!("malformed interaction payload: {e}")))?;
            Ok(Interaction::Other(required(Some(kind.kind), "type")?))
        }
    }
}

fn view_values(values: Option<HashMap<String, HashMap<String, wire::Field>>>) -> ViewValues {
    let blocks = values.unwrap_or_default();
    let values = blocks
        .into_iter()
        .map(|(block_id, fields)| {
            let fields = fields
                .into_iter()
                .map(|(action_id, f)| (action_id, field_value(f)))
                .collect();
            (block_id, fields)
        })
        .collect();
    ViewValues(values)
}

fn field_value(f: wire::Field) -> FieldValue {
    match f.kind.as_deref().unwrap_or_default() {
        "static_select" | "radio_buttons" | "external_select" => {
            FieldValue::Option(f.selected_option.and_then(|o| o.value))
        }
        "checkboxes" | "multi_static_select" => FieldValue::Options(
            f.selected_options
                .unwrap_or_default()
                .into_iter()
                .filter_map(|o| o.value)
                .collect(),
        ),
        "users_select" => FieldValue::User(f.selected_user),
        _ => FieldValue::Text(f.value),
    }
}
