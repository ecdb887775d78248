//! Request bodies shaped exactly like Slack's (see shared/slack/): what the tests, the
//! demo and the benchmarks send to warroom, so that they exercise it as Slack would.

use super::{Message, View};
use serde_json::{json, Value};

pub fn slash_command_form(user: &str, channel: &str, text: &str) -> String {
    serde_urlencoded::to_string([
        ("token", "gIkuvaNzQIHg97ATvDxqgjtO"),
        ("team_id", "T0001"),
        ("team_domain", "example"),
        ("channel_id", channel),
        ("channel_name", "general"),
        ("user_id", user),
        ("user_name", "someone"),
        ("command", "/incident"),
        ("text", text),
        ("api_app_id", "A123456"),
        ("is_enterprise_install", "false"),
        ("response_url", "https://hooks.slack.com/commands/1234/5678"),
        ("trigger_id", &new_trigger()),
    ])
    // Encoding string pairs cannot fail.
    .unwrap_or_default()
}

/// Slack trigger ids are single-use; every request gets a new one.
pub fn new_trigger() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(1);
    format!(
        "13345224609.738474920.{:x}",
        N.fetch_add(1, Ordering::SeqCst)
    )
}

pub fn block_actions(user: &str, message: &Message, action: Value) -> Value {
    json!({
        "type": "block_actions",
        "user": {"id": user, "username": "someone", "name": "someone", "team_id": "T0001"},
        "api_app_id": "A123456",
        "token": "gIkuvaNzQIHg97ATvDxqgjtO",
        "container": {"type": "message", "message_ts": message.ts, "channel_id": message.channel, "is_ephemeral": false},
        "trigger_id": new_trigger(),
        "team": {"id": "T0001", "domain": "example"},
        "enterprise": null,
        "is_enterprise_install": false,
        "channel": {"id": message.channel, "name": "channel"},
        "message": {"type": "message", "user": "U0BOT", "ts": message.ts, "bot_id": "B0BOT", "text": message.text, "blocks": message.blocks},
        "state": {"values": {}},
        "response_url": "https://hooks.slack.com/actions/T0001/123/abc",
        "actions": [action]
    })
}

/// A click in a view that is not a modal being submitted, e.g. an App Home tab: the
/// payload names the view (`container.type` `view`) and has no channel, message or
/// `response_url`, as Slack sends it.
pub fn block_actions_in_view(user: &str, view: &View, action: Value) -> Value {
    let kind = view.view["type"].as_str().unwrap_or("home");
    json!({
        "type": "block_actions",
        "user": {"id": user, "username": "someone", "name": "someone", "team_id": "T0001"},
        "api_app_id": "A123456",
        "token": "gIkuvaNzQIHg97ATvDxqgjtO",
        "container": {"type": "view", "view_id": view.id},
        "trigger_id": new_trigger(),
        "team": {"id": "T0001", "domain": "example"},
        "enterprise": null,
        "is_enterprise_install": false,
        "view": {
            "id": view.id,
            "team_id": "T0001",
            "type": kind,
            "blocks": view.view["blocks"],
            "private_metadata": view.view.get("private_metadata").cloned().unwrap_or(json!("")),
            "callback_id": view.view.get("callback_id").cloned().unwrap_or(json!("")),
            "state": {"values": {}},
            "hash": "156772938.1827394",
            "app_id": "A0BOT",
            "bot_id": "B0BOT"
        },
        "actions": [action]
    })
}

/// An Events API `event_callback` carrying `event`, with a fresh `event_id` (Slack gives
/// each event its own; retries keep it).
pub fn event_callback(event: Value) -> Value {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(1);
    let n = N.fetch_add(1, Ordering::SeqCst);
    json!({
        "token": "gIkuvaNzQIHg97ATvDxqgjtO",
        "team_id": "T0001",
        "api_app_id": "A123456",
        "event": event,
        "type": "event_callback",
        "event_id": format!("Ev{:08X}{}", n, std::process::id()),
        "event_time": 1_700_000_000,
        "authorizations": [{"team_id": "T0001", "user_id": "U0BOT", "is_bot": true}]
    })
}

/// `app_home_opened`: `user` opened the app's Home tab; `view` is the home Slack shows
/// them, if one was published.
pub fn app_home_opened(user: &str, view: Option<&View>) -> Value {
    let mut event = json!({
        "type": "app_home_opened",
        "user": user,
        "channel": format!("D{}", user.trim_start_matches(['U', 'W'])),
        "tab": "home",
        "event_ts": "1700000000.000100"
    });
    if let Some(view) = view {
        event["view"] = json!({"id": view.id, "type": "home", "blocks": view.view["blocks"]});
    }
    event_callback(event)
}

/// A `view_submission` for `view` with each input block filled from `fills`
/// (`block_id`, value); unfilled inputs arrive empty, as Slack sends them.
pub fn view_submission(user: &str, view: &View, fills: &[(&str, &str)]) -> Value {
    let mut values = serde_json::Map::new();
    for block in view.view["blocks"].as_array().cloned().unwrap_or_default() {
        if block["type"] != "input" {
            continue;
        }
        let block_id = block["block_id"].as_str().unwrap_or_default().to_string();
        let element = &block["element"];
        let action_id = element["action_id"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let fill = fills.iter().find(|(b, _)| *b == block_id).map(|(_, v)| *v);
        let kind = element["type"].as_str().unwrap_or_default();
        let value = match kind {
            "static_select" => {
                let chosen = fill.and_then(|v| {
                    element["options"]
                        .as_array()?
                        .iter()
                        .find(|o| o["value"] == v)
                        .cloned()
                });
                let chosen = chosen.or_else(|| {
                    fill.is_none()
                        .then(|| element.get("initial_option").cloned())
                        .flatten()
                });
                json!({"type": "static_select", "selected_option": chosen})
            }
            "checkboxes" => {
                let chosen: Vec<Value> = element["options"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|o| fill.is_some_and(|v| o["value"] == v))
                    .collect();
                json!({"type": "checkboxes", "selected_options": chosen})
            }
            "users_select" => json!({"type": "users_select", "selected_user": fill}),
            _ => {
                let initial = element.get("initial_value").and_then(Value::as_str);
                json!({"type": "plain_text_input", "value": fill.or(initial)})
            }
        };
        let mut inner = serde_json::Map::new();
        inner.insert(action_id, value);
        values.insert(block_id, Value::Object(inner));
    }
    json!({
        "type": "view_submission",
        "team": {"id": "T0001", "domain": "example"},
        "user": {"id": user, "username": "someone", "name": "someone", "team_id": "T0001"},
        "api_app_id": "A123456",
        "token": "gIkuvaNzQIHg97ATvDxqgjtO",
        "trigger_id": new_trigger(),
        "view": {
            "id": view.id,
            "team_id": "T0001",
            "type": "modal",
            "callback_id": view.view["callback_id"],
            "private_metadata": view.view["private_metadata"],
            "hash": "156772938.1827394",
            "title": view.view["title"],
            "blocks": view.view["blocks"],
            "state": {"values": values}
        },
        "response_urls": [],
        "is_enterprise_install": false,
        "enterprise": null
    })
}
