//! What Slack sends us, parsed into small owned types. Parsing is tolerant of fields we
//! don't use and strict about the ones we do: a missing user or action is a 400, not a panic.

use serde::Deserialize;
use serde_json::Value;
use std::collections::HashMap;

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

pub fn parse_slash_command(body: &[u8]) -> Result<SlashCommandForm, PayloadError> {
    let form: SlashCommandForm = serde_urlencoded::from_bytes(body)
        .map_err(|e| bad(format!("malformed slash command form: {e}")))?;
    if form.user_id.is_empty() || form.channel_id.is_empty() {
        return Err(bad("slash command without user_id or channel_id"));
    }
    Ok(form)
}

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

fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut cur = v;
    for key in path {
        cur = cur.get(key)?;
    }
    cur.as_str()
}

fn required(v: &Value, path: &[&str]) -> Result<String, PayloadError> {
    str_at(v, path)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .ok_or_else(|| bad(format!("interaction payload without {}", path.join("."))))
}

/// Parses the `payload=` field of an interactivity request body.
pub fn parse_interaction(body: &[u8]) -> Result<Interaction, PayloadError> {
    let form: HashMap<String, String> = serde_urlencoded::from_bytes(body)
        .map_err(|e| bad(format!("malformed interaction form: {e}")))?;
    let raw = form
        .get("payload")
        .ok_or_else(|| bad("interaction without a payload field"))?;
    let v: Value =
        serde_json::from_str(raw).map_err(|e| bad(format!("payload is not JSON: {e}")))?;
    let kind = required(&v, &["type"])?;
    match kind.as_str() {
        "block_actions" => {
            let actions = v
                .get("actions")
                .and_then(Value::as_array)
                .ok_or_else(|| bad("block_actions without actions"))?
                .iter()
                .map(|a| ActionInfo {
                    action_id: str_at(a, &["action_id"]).unwrap_or_default().to_string(),
                    block_id: str_at(a, &["block_id"]).unwrap_or_default().to_string(),
                    value: str_at(a, &["value"]).map(str::to_string),
                    selected_user: str_at(a, &["selected_user"]).map(str::to_string),
                    selected_option: str_at(a, &["selected_option", "value"]).map(str::to_string),
                    selected_options: a
                        .get("selected_options")
                        .and_then(Value::as_array)
                        .map(|opts| {
                            opts.iter()
                                .filter_map(|o| str_at(o, &["value"]).map(str::to_string))
                                .collect()
                        })
                        .unwrap_or_default(),
                })
                .collect();
            Ok(Interaction::BlockActions {
                user: required(&v, &["user", "id"])?,
                channel: str_at(&v, &["channel", "id"])
                    .or_else(|| str_at(&v, &["container", "channel_id"]))
                    .map(str::to_string),
                trigger_id: str_at(&v, &["trigger_id"]).unwrap_or_default().to_string(),
                message_ts: str_at(&v, &["container", "message_ts"])
                    .or_else(|| str_at(&v, &["message", "ts"]))
                    .map(str::to_string),
                actions,
            })
        }
        "view_submission" => {
            let view = v
                .get("view")
                .ok_or_else(|| bad("view_submission without view"))?;
            Ok(Interaction::ViewSubmission {
                user: required(&v, &["user", "id"])?,
                view_id: str_at(view, &["id"]).unwrap_or_default().to_string(),
                callback_id: required(view, &["callback_id"])?,
                private_metadata: str_at(view, &["private_metadata"])
                    .unwrap_or_default()
                    .to_string(),
                values: parse_values(view.get("state").and_then(|s| s.get("values")))?,
            })
        }
        "message_action" => Ok(Interaction::MessageAction {
            user: required(&v, &["user", "id"])?,
            channel: required(&v, &["channel", "id"])?,
            callback_id: required(&v, &["callback_id"])?,
            trigger_id: str_at(&v, &["trigger_id"]).unwrap_or_default().to_string(),
            message_ts: required(&v, &["message_ts"])
                .or_else(|_| required(&v, &["message", "ts"]))?,
            message_user: str_at(&v, &["message", "user"])
                .unwrap_or_default()
                .to_string(),
            message_text: str_at(&v, &["message", "text"])
                .unwrap_or_default()
                .to_string(),
        }),
        other => Ok(Interaction::Other(other.to_string())),
    }
}

fn parse_values(values: Option<&Value>) -> Result<ViewValues, PayloadError> {
    let mut out = HashMap::new();
    let Some(values) = values else {
        return Ok(ViewValues(out));
    };
    let blocks = values
        .as_object()
        .ok_or_else(|| bad("view.state.values is not an object"))?;
    for (block_id, actions) in blocks {
        let Some(actions) = actions.as_object() else {
            continue;
        };
        let mut fields = HashMap::new();
        for (action_id, field) in actions {
            let value = match str_at(field, &["type"]).unwrap_or_default() {
                "static_select" | "radio_buttons" | "external_select" => FieldValue::Option(
                    str_at(field, &["selected_option", "value"]).map(str::to_string),
                ),
                "checkboxes" | "multi_static_select" => FieldValue::Options(
                    field
                        .get("selected_options")
                        .and_then(Value::as_array)
                        .map(|opts| {
                            opts.iter()
                                .filter_map(|o| str_at(o, &["value"]).map(str::to_string))
                                .collect()
                        })
                        .unwrap_or_default(),
                ),
                "users_select" => {
                    FieldValue::User(str_at(field, &["selected_user"]).map(str::to_string))
                }
                _ => FieldValue::Text(str_at(field, &["value"]).map(str::to_string)),
            };
            fields.insert(action_id.clone(), value);
        }
        out.insert(block_id.clone(), fields);
    }
    Ok(ViewValues(out))
}

/// An Events API body: `url_verification` or `event_callback`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventBody {
    UrlVerification { challenge: String },
    Callback { event_id: String, event: Value },
    Other(String),
}

pub fn parse_event(body: &[u8]) -> Result<EventBody, PayloadError> {
    let v: Value =
        serde_json::from_slice(body).map_err(|e| bad(format!("event is not JSON: {e}")))?;
    match required(&v, &["type"])?.as_str() {
        "url_verification" => Ok(EventBody::UrlVerification {
            challenge: required(&v, &["challenge"])?,
        }),
        "event_callback" => Ok(EventBody::Callback {
            event_id: required(&v, &["event_id"])?,
            event: v.get("event").cloned().unwrap_or(Value::Null),
        }),
        other => Ok(EventBody::Other(other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(json: &str) -> Vec<u8> {
        serde_urlencoded::to_string([("payload", json)])
            .unwrap()
            .into_bytes()
    }

    #[test]
    fn slack_examples_parse() {
        let cmd = std::fs::read("../shared/slack/slash-command.form")
            .or_else(|_| std::fs::read("../../shared/slack/slash-command.form"));
        if let Ok(cmd) = cmd {
            let f = parse_slash_command(cmd.trim_ascii()).unwrap();
            assert_eq!(f.user_id, "U2147483697");
            assert_eq!(f.text, "declare P1 Checkout API returns 500s");
        }
        let sub = r#"{"type":"view_submission","user":{"id":"U1"},"view":{"id":"V1","callback_id":"declare_incident","private_metadata":"C1",
          "state":{"values":{"title":{"value":{"type":"plain_text_input","value":" DB down "}},
          "severity":{"value":{"type":"static_select","selected_option":{"value":"P1"}}},
          "who":{"value":{"type":"users_select","selected_user":"U9"}},
          "private":{"value":{"type":"checkboxes","selected_options":[{"value":"private"}]}}}}}}"#;
        let Interaction::ViewSubmission {
            values,
            callback_id,
            ..
        } = parse_interaction(&form(sub)).unwrap()
        else {
            panic!()
        };
        assert_eq!(callback_id, "declare_incident");
        assert_eq!(values.text("title").as_deref(), Some("DB down"));
        assert_eq!(values.selected("severity").as_deref(), Some("P1"));
        assert_eq!(values.checked("private"), vec!["private".to_string()]);
    }

    #[test]
    fn malformed_is_an_error_not_a_panic() {
        assert!(parse_interaction(b"payload=%7Bnot-json").is_err());
        assert!(parse_interaction(b"nothing=1").is_err());
        assert!(parse_interaction(&form(r#"{"type":"block_actions"}"#)).is_err());
        assert!(parse_interaction(&form(r#"[1,2]"#)).is_err());
        assert!(parse_slash_command(b"text=hi").is_err());
        assert!(parse_event(b"{}").is_err());
        assert_eq!(
            parse_event(br#"{"type":"url_verification","challenge":"abc"}"#).unwrap(),
            EventBody::UrlVerification {
                challenge: "abc".into()
            }
        );
    }
}
