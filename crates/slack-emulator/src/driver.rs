//! Plays Slack's side towards a running warroom: signs and sends slash commands,
//! button clicks, user picks and modal submissions exactly as Slack does. The tests,
//! `warroom demo` and `warroom-bench` all drive the app through this.

use super::clock::Clock;
use super::requests;
use super::signing::sign;
use super::{Button, FakeSlack, Message, View};
use serde_json::{json, Value};

/// An HTTP answer from warroom.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }

    /// The text of an ephemeral answer.
    pub fn text(&self) -> String {
        self.json()["text"].as_str().unwrap_or("").to_string()
    }
}

#[derive(Clone)]
pub struct SlackDriver {
    http: reqwest::Client,
    base_url: String,
    secret: String,
    clock: Clock,
    /// When set, every answer to a command or interaction is checked against Slack's rules
    /// and what breaks them is recorded in this fake (see [`FakeSlack::violations`]).
    checker: Option<FakeSlack>,
}

impl SlackDriver {
    /// `base_url` is warroom's (`http://127.0.0.1:PORT`); requests are signed with
    /// `secret` at `clock`'s now, as Slack would sign them.
    pub fn new(base_url: &str, secret: &str, clock: Clock) -> SlackDriver {
        SlackDriver {
            http: reqwest::Client::new(),
            base_url: base_url.trim_end_matches('/').to_string(),
            secret: secret.to_string(),
            clock,
            checker: None,
        }
    }

    /// Checks every slash-command and interaction answer as Slack would, recording what it
    /// refuses in `fake`'s violations.
    pub fn checking_answers(mut self, fake: &FakeSlack) -> SlackDriver {
        self.checker = Some(fake.clone());
        self
    }

    pub async fn post_signed(
        &self,
        path: &str,
        content_type: &str,
        body: String,
    ) -> reqwest::Result<Reply> {
        let ts = self.clock.now().to_string();
        let signature = sign(&self.secret, &ts, body.as_bytes());
        let res = self
            .http
            .post(format!("{}{path}", self.base_url))
            .header("content-type", content_type)
            .header("x-slack-request-timestamp", ts)
            .header("x-slack-signature", signature)
            .body(body)
            .send()
            .await?;
        Ok(Reply {
            status: res.status().as_u16(),
            body: res.text().await?,
        })
    }

    /// `/incident {text}` typed by `user` in `channel`.
    pub async fn command(&self, user: &str, channel: &str, text: &str) -> reqwest::Result<Reply> {
        let body = requests::slash_command_form(user, channel, text);
        let reply = self.post_signed("/slack/commands", FORM, body).await?;
        if let Some(fake) = &self.checker {
            fake.check_command_answer(reply.status, &reply.body);
        }
        Ok(reply)
    }

    /// An interaction payload, sent as the `payload` form field.
    pub async fn interact(&self, payload: Value) -> reqwest::Result<Reply> {
        let body =
            serde_urlencoded::to_string([("payload", payload.to_string())]).unwrap_or_default();
        let reply = self.post_signed("/slack/interactions", FORM, body).await?;
        // Only payloads shaped as Slack sends them (a user and a type) have an answer Slack
        // would read; tests also send malformed ones on purpose.
        let from_slack = payload["user"]["id"].is_string() && payload["type"].is_string();
        if let (Some(fake), true) = (&self.checker, from_slack) {
            fake.check_interaction_answer(&payload, reply.status, &reply.body);
        }
        Ok(reply)
    }

    /// `user` clicks `button` on `message`.
    pub async fn click(
        &self,
        user: &str,
        message: &Message,
        button: &Button,
    ) -> reqwest::Result<Reply> {
        let action = json!({"type": "button", "action_id": button.action_id, "block_id": button.block_id,
            "text": {"type": "plain_text", "text": button.text, "emoji": true},
            "value": button.value, "action_ts": "1700000050.123456"});
        self.interact(requests::block_actions(user, message, action))
            .await
    }

    /// `user` clicks `button` in `view` (an App Home tab: no channel, no message).
    pub async fn click_in_view(
        &self,
        user: &str,
        view: &View,
        button: &Button,
    ) -> reqwest::Result<Reply> {
        let action = json!({"type": "button", "action_id": button.action_id, "block_id": button.block_id,
            "text": {"type": "plain_text", "text": button.text, "emoji": true},
            "value": button.value, "action_ts": "1700000050.123456"});
        self.interact(requests::block_actions_in_view(user, view, action))
            .await
    }

    /// An Events API body (`event_callback`), sent as Slack does: raw JSON, signed.
    pub async fn event(&self, body: Value) -> reqwest::Result<Reply> {
        self.post_signed("/slack/events", "application/json", body.to_string())
            .await
    }

    /// `user` opens the app's Home tab, currently showing `shown` (if anything was published).
    pub async fn open_home(&self, user: &str, shown: Option<&View>) -> reqwest::Result<Reply> {
        self.event(requests::app_home_opened(user, shown)).await
    }

    /// `user` picks `chosen` in the users_select of block `block_id` on `message` (the
    /// action carries that element's `action_id`, as Slack's does).
    pub async fn select_user(
        &self,
        user: &str,
        message: &Message,
        block_id: &str,
        chosen: &str,
    ) -> reqwest::Result<Reply> {
        let action_id = users_select_action_id(message, block_id);
        let action = json!({"type": "users_select", "action_id": action_id,
            "block_id": block_id, "selected_user": chosen, "action_ts": "1700000050.123456"});
        self.interact(requests::block_actions(user, message, action))
            .await
    }

    /// `user` submits `view` (as the app opened it) with `fills` (block_id → value).
    pub async fn submit(
        &self,
        user: &str,
        view: &View,
        fills: &[(&str, &str)],
    ) -> reqwest::Result<Reply> {
        self.interact(requests::view_submission(user, view, fills))
            .await
    }
}

const FORM: &str = "application/x-www-form-urlencoded";

/// The `action_id` of the `users_select` in block `block_id` of `message` (empty if none).
fn users_select_action_id(message: &Message, block_id: &str) -> String {
    let blocks = message.blocks.as_array().cloned().unwrap_or_default();
    let block = blocks.iter().find(|b| b["block_id"] == block_id);
    let elements = block
        .map(|b| {
            let mut all = b["elements"].as_array().cloned().unwrap_or_default();
            all.push(b["accessory"].clone());
            all
        })
        .unwrap_or_default();
    elements
        .iter()
        .find(|e| e["type"] == "users_select")
        .and_then(|e| e["action_id"].as_str())
        .unwrap_or_default()
        .to_string()
}
