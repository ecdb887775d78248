//! Escalation-chain steps as people read them: in the incident channel (the target
//! mentioned) and in the DM to a user called, each with the "I'm on it" button.

use super::mrkdwn::{escape, in_incident_channel, mention, mention_target, user_text};
use super::time::cadence;
use super::Message;
use crate::incident::effect::{ChainTarget, Notice};
use crate::incident::model::Incident;
use crate::slack::button::Button;
use serde_json::{json, Value};

/// A step of the escalation chain, said in the channel, or (`dm`) to the user it calls.
fn step_text(inc: &Incident, notice: &Notice, dm: bool) -> String {
    let Notice::ChainStepCalled {
        step,
        of,
        target,
        waited_ms,
    } = notice
    else {
        return String::new();
    };
    let id = escape(&inc.id);
    let waited = cadence(*waited_ms);
    let title = user_text(&inc.title);
    if dm {
        let channel = in_incident_channel(inc);
        return format!(
            ":rotating_light: You are called for {id} ({title}){channel}: escalation step {step} of {of}, nobody acknowledged within {waited}. Press *I'm on it* if you take it."
        );
    }
    let called = match target {
        ChainTarget::User { id } => mention(id),
        ChainTarget::Group { id } => mention_target(id),
        ChainTarget::PagerDuty { paged: true } => "PagerDuty's on-call (paged)".into(),
        ChainTarget::PagerDuty { paged: false } => {
            "PagerDuty's on-call — not paged: PagerDuty is not configured or this is a drill".into()
        }
    };
    format!(
        ":rotating_light: *Escalation step {step} of {of}* for {id}: {called} — nobody acknowledged within {waited}. Whoever takes it, press *I'm on it*."
    )
}

fn step_blocks(incident_id: &str, text: &str) -> Value {
    let ack = Button::AcknowledgeEscalation {
        incident: incident_id.to_string(),
    };
    json!([
        {"type": "section", "text": {"type": "mrkdwn", "text": text}},
        {"type": "actions", "elements": [
            {"type": "button", "action_id": ack.action_id(), "style": "primary",
             "text": {"type": "plain_text", "text": "I'm on it"}, "value": ack.value()}
        ]}
    ])
}

/// A step of the chain in the incident channel, with "I'm on it".
pub fn in_channel(inc: &Incident, notice: &Notice) -> Message {
    let text = step_text(inc, notice, false);
    Message::with_blocks(text.clone(), step_blocks(&inc.id, &text))
}

/// The DM to the user a step of the escalation chain calls, with "I'm on it".
pub fn dm(inc: &Incident, notice: &Notice) -> Message {
    let text = step_text(inc, notice, true);
    Message::with_blocks(text.clone(), step_blocks(&inc.id, &text))
}
