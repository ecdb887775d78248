//! What Slack sends us, deserialised with serde into the wire shapes below and then into
//! small owned types. Tolerant of fields we don't use (Enterprise Grid's `enterprise`,
//! `authorizations`, `is_ext_shared_channel`, … are ignored, and may be null), strict about
//! the ones we do: a missing user or action is a clear error (a 400), not a panic.

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

/// The wire shapes: exactly the fields warroom reads, everything optional that Slack may
/// leave out or send as null.
mod wire {
    use serde::Deserialize;
    use serde_json::Value;
    use std::collections::HashMap;

    /// The form Slack posts to the interactivity URL.
    #[derive(Deserialize)]
    pub struct InteractionForm {
        pub payload: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(tag = "type", rename_all = "snake_case")]
    pub enum Payload {
        BlockActions(BlockActions),
        ViewSubmission(ViewSubmission),
        MessageAction(MessageAction),
        #[serde(other)]
        Other,
    }

    /// Only the `type`, to name a payload we ignore.
    #[derive(Deserialize)]
    pub struct Kind {
        #[serde(rename = "type")]
        pub kind: String,
    }

    #[derive(Deserialize)]
    pub struct Id {
        pub id: Option<String>,
    }

    #[derive(Deserialize)]
    pub struct Container {
        pub channel_id: Option<String>,
        pub message_ts: Option<String>,
    }

    #[derive(Deserialize)]
    pub struct Message {
        pub ts: Option<String>,
        pub user: Option<String>,
        pub text: Option<String>,
    }

    #[derive(Deserialize)]
    pub struct SelectedOption {
        pub value: Option<String>,
    }

    #[derive(Deserialize)]
    pub struct BlockActions {
        pub user: Option<Id>,
        pub channel: Option<Id>,
        pub container: Option<Container>,
        pub trigger_id: Option<String>,
        pub message: Option<Message>,
        pub actions: Option<Vec<Action>>,
    }

    #[derive(Deserialize)]
    pub struct Action {
        pub action_id: Option<String>,
        pub block_id: Option<String>,
        pub value: Option<String>,
        pub selected_user: Option<String>,
        pub selected_option: Option<SelectedOption>,
        pub selected_options: Option<Vec<SelectedOption>>,
    }

    #[derive(Deserialize)]
    pub struct ViewSubmission {
        pub user: Option<Id>,
        pub view: Option<View>,
    }

    #[derive(Deserialize)]
    pub struct View {
        pub id: Option<String>,
        pub callback_id: Option<String>,
        pub private_metadata: Option<String>,
        pub state: Option<State>,
    }

    #[derive(Deserialize)]
    pub struct State {
        /// `block_id → action_id → field`.
        pub values: Option<HashMap<String, HashMap<String, Field>>>,
    }

    /// One input's state; which member is set depends on `type`.
    #[derive(Deserialize)]
    pub struct Field {
        #[serde(rename = "type")]
        pub kind: Option<String>,
        pub value: Option<String>,
        pub selected_option: Option<SelectedOption>,
        pub selected_options: Option<Vec<SelectedOption>>,
        pub selected_user: Option<String>,
    }

    #[derive(Deserialize)]
    pub struct MessageAction {
        pub user: Option<Id>,
        pub channel: Option<Id>,
        pub callback_id: Option<String>,
        pub trigger_id: Option<String>,
        pub message_ts: Option<String>,
        pub message: Option<Message>,
    }

    /// An Events API body (the outer envelope; the inner event stays JSON).
    #[derive(Deserialize)]
    pub struct Envelope {
        #[serde(rename = "type")]
        pub kind: Option<String>,
        pub challenge: Option<String>,
        pub event_id: Option<String>,
        pub event: Option<Value>,
    }
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
            let kind: wire::Kind = serde_json::from_str(&raw)
                .map_err(|e| bad(format!("malformed interaction payload: {e}")))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn form(json: &str) -> Vec<u8> {
        serde_urlencoded::to_string([("payload", json)])
            .unwrap()
            .into_bytes()
    }

    fn fixture_form(json: &str) -> Vec<u8> {
        form(json)
    }

    #[test]
    fn slack_examples_parse() {
        let cmd = include_bytes!("../../tests/fixtures/slack/slash-command.form");
        let f = parse_slash_command(cmd.trim_ascii()).unwrap();
        assert_eq!(f.user_id, "U2147483697");
        assert_eq!(f.channel_id, "C2147483705");
        assert_eq!(f.command, "/incident");
        assert_eq!(f.text, "declare P1 Checkout API returns 500s");

        let clicked = include_str!("../../tests/fixtures/slack/block-actions.json");
        let Interaction::BlockActions {
            user,
            channel,
            message_ts,
            actions,
            ..
        } = parse_interaction(&fixture_form(clicked)).unwrap()
        else {
            panic!()
        };
        assert_eq!(user, "U2147483697");
        assert_eq!(channel.as_deref(), Some("C0INCIDENT"));
        assert_eq!(message_ts.as_deref(), Some("1700000000.000100"));
        assert_eq!(actions.len(), 1);
        assert_eq!(
            actions[0].value.as_deref(),
            Some("<the value the app gave the button>")
        );

        let submitted = include_str!("../../tests/fixtures/slack/view-submission.json");
        let Interaction::ViewSubmission {
            view_id, values, ..
        } = parse_interaction(&fixture_form(submitted)).unwrap()
        else {
            panic!()
        };
        assert_eq!(view_id, "V0MODAL");
        assert_eq!(
            values.text("<block_id of a plain_text_input>").as_deref(),
            Some("Checkout API returns 500s")
        );
        assert_eq!(
            values.selected("<block_id of a static_select>").as_deref(),
            Some("P1")
        );
        assert!(values.checked("<block_id of a checkboxes>").is_empty());

        let shortcut = include_str!("../../tests/fixtures/slack/message-action.json");
        assert_eq!(
            parse_interaction(&fixture_form(shortcut)).unwrap(),
            Interaction::MessageAction {
                user: "U2147483697".into(),
                channel: "C0INCIDENT".into(),
                callback_id: "<the callback_id of the shortcut in the app manifest>".into(),
                trigger_id: "13345224609.738474920.8088930838d88f008e0".into(),
                message_ts: "1700000090.000200".into(),
                message_user: "U0TECHLEAD".into(),
                message_text: "Rolled back deploy 1234; error rate falling".into(),
            }
        );

        let event = include_bytes!("../../tests/fixtures/slack/event-callback.json");
        let EventBody::Callback { event_id, event } = parse_event(event).unwrap() else {
            panic!()
        };
        assert_eq!(event_id, "Ev0PV52K21");
        assert_eq!(event["type"], "reaction_added");
        let challenge = include_bytes!("../../tests/fixtures/slack/url-verification.json");
        assert!(matches!(
            parse_event(challenge).unwrap(),
            EventBody::UrlVerification { .. }
        ));
    }

    #[test]
    fn view_values_by_input_type() {
        let sub = r#"{"type":"view_submission","user":{"id":"U1"},"view":{"id":"V1","callback_id":"declare_incident","private_metadata":"C1",
          "state":{"values":{"title":{"value":{"type":"plain_text_input","value":" DB down "}},
          "severity":{"value":{"type":"static_select","selected_option":{"value":"P1"}}},
          "who":{"value":{"type":"users_select","selected_user":"U9"}},
          "empty":{"value":{"type":"plain_text_input","value":null}},
          "when":{"value":{"type":"datepicker","selected_date":"2026-11-22"}},
          "private":{"value":{"type":"checkboxes","selected_options":[{"value":"private"}]}}}}}}"#;
        let Interaction::ViewSubmission {
            values,
            callback_id,
            private_metadata,
            ..
        } = parse_interaction(&form(sub)).unwrap()
        else {
            panic!()
        };
        assert_eq!(callback_id, "declare_incident");
        assert_eq!(private_metadata, "C1");
        assert_eq!(values.text("title").as_deref(), Some("DB down"));
        assert_eq!(values.text("empty"), None);
        assert_eq!(values.text("when"), None);
        assert_eq!(values.selected("severity").as_deref(), Some("P1"));
        assert_eq!(values.checked("private"), vec!["private".to_string()]);
        assert_eq!(
            values.0["who"]["value"],
            FieldValue::User(Some("U9".into()))
        );
    }

    /// Enterprise Grid (and org-wide installs) add fields and send some as null or with
    /// other shapes; none of them matters to warroom.
    #[test]
    fn enterprise_grid_fields_are_tolerated() {
        let click = r#"{"type":"block_actions","enterprise":{"id":"E0001","name":"Globular"},
          "is_enterprise_install":true,"team":null,
          "user":{"id":"W0ALICE","username":"alice","team_id":"T0002","enterprise_id":"E0001"},
          "container":{"type":"message","message_ts":"1.2","channel_id":"C1","is_ephemeral":false},
          "channel":{"id":"C1","name":"x"},"trigger_id":"t","message":null,
          "actions":[{"type":"static_select","action_id":"a","block_id":"b",
            "selected_option":{"text":{"type":"plain_text","text":"P1"},"value":"P1"},"action_ts":"1"}]}"#;
        let Interaction::BlockActions { user, actions, .. } =
            parse_interaction(&form(click)).unwrap()
        else {
            panic!()
        };
        assert_eq!(user, "W0ALICE");
        assert_eq!(actions[0].selected_option.as_deref(), Some("P1"));

        let cmd = b"token=x&team_id=T0002&enterprise_id=E0001&enterprise_name=Globular&is_enterprise_install=true&channel_id=C1&user_id=W0ALICE&command=%2Fincident&text=list&api_app_id=A1&some_future_field=1";
        assert_eq!(parse_slash_command(cmd).unwrap().user_id, "W0ALICE");

        let event = br#"{"token":"x","team_id":"T0002","enterprise_id":"E0001","context_team_id":null,
          "context_enterprise_id":"E0001","api_app_id":"A1","is_ext_shared_channel":true,
          "authorizations":[{"enterprise_id":"E0001","team_id":null,"user_id":"W0BOT","is_bot":true,"is_enterprise_install":true}],
          "event":{"type":"app_home_opened","user":"W0ALICE","tab":"home"},
          "type":"event_callback","event_id":"Ev1","event_time":1700000000,"event_context":"4-abc"}"#;
        let EventBody::Callback { event_id, .. } = parse_event(event).unwrap() else {
            panic!()
        };
        assert_eq!(event_id, "Ev1");
        assert_eq!(
            parse_event(br#"{"type":"app_rate_limited","team_id":"T1","minute_rate_limited":1}"#)
                .unwrap(),
            EventBody::Other("app_rate_limited".into())
        );
        assert_eq!(
            parse_interaction(&form(
                r#"{"type":"view_closed","enterprise":null,"view":{}}"#
            ))
            .unwrap(),
            Interaction::Other("view_closed".into())
        );
    }

    #[test]
    fn malformed_is_an_error_not_a_panic() {
        let err = |body: &[u8]| parse_interaction(body).unwrap_err().0;
        assert!(err(b"payload=%7Bnot-json").contains("malformed interaction payload"));
        assert_eq!(err(b"nothing=1"), "interaction without a payload field");
        assert_eq!(
            err(&form(r#"{"type":"block_actions"}"#)),
            "block_actions without actions"
        );
        assert_eq!(
            err(&form(r#"{"type":"block_actions","actions":[]}"#)),
            "interaction payload without user.id"
        );
        assert_eq!(
            err(&form(
                r#"{"type":"view_submission","user":{"id":"U1"},"view":{"id":"V"}}"#
            )),
            "interaction payload without view.callback_id"
        );
        assert!(err(&form(
            r#"{"type":"block_actions","user":{"id":7},"actions":[]}"#
        ))
        .contains("invalid type"));
        assert!(parse_interaction(&form(r#"[1,2]"#)).is_err());
        assert!(parse_interaction(&form(r#"{"no":"type"}"#)).is_err());
        assert!(parse_slash_command(b"text=hi").is_err());
        assert!(parse_slash_command(b"user_id=U1&channel_id=").is_err());
        assert_eq!(parse_event(b"{}").unwrap_err().0, "event without type");
        assert!(parse_event(b"{\"type\":").is_err());
        assert!(parse_event(br#"{"type":"event_callback","event":{}}"#).is_err());
        assert_eq!(
            parse_event(br#"{"type":"url_verification","challenge":"abc"}"#).unwrap(),
            EventBody::UrlVerification {
                challenge: "abc".into()
            }
        );
    }
}
