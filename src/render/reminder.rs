//! The "update due" reminder: who is reminded, since when nothing was said, and its
//! *Post update* and *Snooze* buttons.

use super::mrkdwn::{escape, mentions};
use super::time::hhmm;
use super::Message;
use crate::slack::button::{Button, Snooze};
use serde_json::{json, Value};

/// The reminder of an update due on `incident_id`, mentioning `who`.
pub fn reminder(
    incident_id: &str,
    who: &[String],
    last_update_at: Option<i64>,
    declared_at: i64,
) -> Message {
    let text = reminder_text(incident_id, who, last_update_at, declared_at);
    Message::with_blocks(text.clone(), reminder_blocks(incident_id, &text))
}

fn reminder_text(
    incident_id: &str,
    who: &[String],
    last_update_at: Option<i64>,
    declared_at: i64,
) -> String {
    let last = match last_update_at {
        Some(at) => format!("last update {}", hhmm(at)),
        None => format!("no update since declared at {}", hhmm(declared_at)),
    };
    format!(
        ":alarm_clock: {} — an update on {} is due ({last}).",
        mentions(who),
        escape(incident_id)
    )
}

fn reminder_blocks(incident_id: &str, text: &str) -> Value {
    let update = Button::PostUpdate {
        incident: incident_id.to_string(),
    };
    let mut elements = vec![json!(
        {"type": "button", "action_id": update.action_id(), "style": "primary",
         "text": {"type": "plain_text", "text": "Post update"}, "value": update.value()}
    )];
    for snooze in Snooze::ALL {
        let b = Button::Snooze {
            incident: incident_id.to_string(),
            snooze,
        };
        elements.push(json!({"type": "button", "action_id": b.action_id(),
            "text": {"type": "plain_text", "text": snooze.label()}, "value": b.value()}));
    }
    json!([
        {"type": "section", "text": {"type": "mrkdwn", "text": text}},
        {"type": "actions", "block_id": format!("reminder:{incident_id}"), "elements": elements}
    ])
}
