//! The wire shapes: exactly the fields warroom reads, everything optional that Slack may
//! leave out or send as null.

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
