//! Block Kit for what the app shows: the incident card with its role board, the
//! announcement, the topic line and the modals. Views are `serde_json::Value`s: the
//! emulator validates their shape in tests the same way Slack does.
//!
//! `plain_text` objects are shown literally by Slack (no mentions, links or
//! formatting), so text there is cut to the limit but not escaped; every `mrkdwn`
//! text is built from escaped parts.

use super::mrkdwn::{channel_link, escape, mention, split, strip_invisible, truncate, user_text};
use super::notices::{action_item_line, status_emoji};
use super::time::{datetime, hhmm};
use super::MAX_SECTION_TEXT;
use crate::incident::model::Incident;
use crate::policy::{Policy, Severity};
use crate::slack::button::{role_block_id, Button};
use serde_json::{json, Value};

/// Slack's limits on a header's text and a topic.
pub const MAX_HEADER: usize = 150;
pub const MAX_TOPIC: usize = 250;
/// How much of a title the announcement and other mrkdwn lines show.
const MAX_TITLE_IN_TEXT: usize = 1_000;

/// A `plain_text` object (shown literally by Slack; emoji names still render).
pub(super) fn plain(text: &str) -> Value {
    json!({"type": "plain_text", "text": text, "emoji": true})
}

pub(super) fn severity_display(policy: &Policy, inc: &Incident) -> String {
    escape(
        &policy
            .severity(&inc.severity)
            .map(Severity::display)
            .unwrap_or_else(|| inc.severity.clone()),
    )
}

fn holder_text(inc: &Incident, role: &str) -> String {
    inc.holder(role)
        .map(mention)
        .unwrap_or_else(|| "unassigned".into())
}

/// A title inside mrkdwn text: escaped, cut where it would crowd out the rest.
fn title_text(inc: &Incident) -> String {
    user_text(&truncate(&inc.title, MAX_TITLE_IN_TEXT))
}

/// A title inside a `plain_text` object: people as `@U…`, no markup to escape.
fn title_plain(inc: &Incident) -> String {
    super::mrkdwn::plain_user_text(&inc.title)
}

/// How a drill is labelled wherever the incident shows.
pub const DRILL_LABEL: &str = "DRILL";

/// `DRILL | ` before a drill's topic and header, nothing for a real incident.
fn drill_prefix(inc: &Incident) -> &'static str {
    if inc.drill {
        "DRILL | "
    } else {
        ""
    }
}

/// `{id} | {sev} {label} | {Status} | IC: {name or unassigned}` (`DRILL | ` first for drills).
pub fn topic(policy: &Policy, inc: &Incident) -> String {
    truncate(
        &strip_invisible(&format!(
            "{}{} | {} | {} | IC: {}",
            drill_prefix(inc),
            escape(&inc.id),
            severity_display(policy, inc),
            inc.status.title(),
            holder_text(inc, crate::incident::model::IC_ROLE)
        )),
        MAX_TOPIC,
    )
}

/// The fallback text of the card (notifications, search).
pub fn card_text(inc: &Incident) -> String {
    format!(
        "{}{}: {}",
        drill_prefix(inc),
        escape(&inc.id),
        title_text(inc)
    )
}

/// The pinned incident card: facts, role board, and the next things to do.
pub fn card(policy: &Policy, inc: &Incident) -> Value {
    let next_due = match inc.schedule.next_update_due_at {
        Some(t) if inc.status.is_open() => hhmm(t),
        _ => "—".to_string(),
    };
    let mut blocks = vec![
        json!({"type": "header", "text": plain(&truncate(&format!("{}{} {}", drill_prefix(inc), inc.id, title_plain(inc)), MAX_HEADER))}),
        json!({"type": "section", "fields": [
            {"type": "mrkdwn", "text": format!("*Severity*\n{}", severity_display(policy, inc))},
            {"type": "mrkdwn", "text": format!("*Status*\n{} {}", status_emoji(inc.status), inc.status.title())},
            {"type": "mrkdwn", "text": format!("*Reporter*\n{}", mention(&inc.reporter))},
            {"type": "mrkdwn", "text": format!("*Declared*\n{}", datetime(inc.declared_at))},
            {"type": "mrkdwn", "text": format!("*Next update due*\n{next_due}")},
            {"type": "mrkdwn", "text": format!("*Private*\n{}", if inc.private { "yes" } else { "no" })},
        ]}),
    ];
    let mut details = Vec::new();
    if !inc.service.is_empty() {
        details.push(format!("*Service:* {}", user_text(&inc.service)));
    }
    if !inc.impact.is_empty() {
        details.push(format!("*Impact:* {}", user_text(&inc.impact)));
    }
    if !inc.description.is_empty() {
        details.push(user_text(&inc.description));
    }
    if !details.is_empty() {
        // A long description takes several sections rather than losing its end.
        for part in split(&details.join("\n"), MAX_SECTION_TEXT) {
            blocks.push(json!({"type": "section", "text": {"type": "mrkdwn", "text": part}}));
        }
    }
    if let Some(url) = &inc.slack.postmortem_url {
        // The link comes from Slack, but is escaped like any text all the same.
        blocks.push(json!({"type": "context", "elements": [{"type": "mrkdwn",
            "text": format!(":memo: <{}|Post-mortem draft> (channel canvas)", escape(url))}]}));
    }
    blocks.push(json!({"type": "divider"}));
    blocks.extend(role_board(policy, inc));
    if inc.status.is_open() {
        let update = Button::PostUpdate {
            incident: inc.id.clone(),
        };
        let resolve = Button::Resolve {
            incident: inc.id.clone(),
        };
        blocks.push(json!({"type": "actions", "block_id": format!("card:{}", inc.id), "elements": [
            {"type": "button", "action_id": update.action_id(), "style": "primary", "text": plain("Post update"), "value": update.value()},
            {"type": "button", "action_id": resolve.action_id(), "text": plain("Resolve"), "value": resolve.value()},
        ]}));
    }
    Value::Array(blocks)
}

/// One row per role: holder, "Take role", and a user-select to assign someone.
pub fn role_board(policy: &Policy, inc: &Incident) -> Vec<Value> {
    let mut blocks = Vec::new();
    for role in &policy.roles {
        blocks.push(json!({"type": "section", "text": {"type": "mrkdwn",
            "text": format!("*{}*: {}", escape(&role.name), holder_text(inc, &role.key))}}));
        if !inc.status.is_open() {
            continue;
        }
        let take = Button::TakeRole {
            incident: inc.id.clone(),
            role: role.key.clone(),
        };
        let assign = Button::AssignRole {
            incident: inc.id.clone(),
            role: role.key.clone(),
        };
        let mut select = json!({"type": "users_select", "action_id": assign.action_id(),
            "placeholder": plain(&truncate(&format!("Assign {}", role.name), 150))});
        if let Some(user) = inc.holder(&role.key) {
            select["initial_user"] = json!(user);
        }
        blocks.push(json!({"type": "actions", "block_id": role_block_id(&inc.id, &role.key), "elements": [
            {"type": "button", "action_id": take.action_id(), "text": plain("Take role"), "value": take.value()},
            select,
        ]}));
    }
    blocks
}

/// The announcement in `announce_channel`, edited in place as the incident moves.
pub fn announcement(policy: &Policy, inc: &Incident) -> Value {
    let channel = inc
        .slack
        .channel_id
        .as_deref()
        .map(channel_link)
        .unwrap_or_else(|| "(channel being created)".into());
    let lead = if inc.drill {
        format!(":performing_arts: *{DRILL_LABEL}* (an exercise, not a real incident)\n:rotating_light:")
    } else {
        ":rotating_light:".to_string()
    };
    let mut blocks = vec![
        json!({"type": "section", "text": {"type": "mrkdwn", "text": format!(
            "{lead} *{}* {}\n*Severity:* {}   *Status:* {} {}   *IC:* {}\n*Channel:* {channel}",
            escape(&inc.id), title_text(inc), severity_display(policy, inc), status_emoji(inc.status), inc.status.title(),
            holder_text(inc, crate::incident::model::IC_ROLE)
        )}}),
    ];
    if inc.status.is_open() {
        let join = Button::Join {
            incident: inc.id.clone(),
        };
        let subscribe = Button::Subscribe {
            incident: inc.id.clone(),
        };
        blocks.push(json!({"type": "actions", "block_id": format!("announce:{}", inc.id), "elements": [
            {"type": "button", "action_id": join.action_id(), "style": "primary", "text": plain("Join"), "value": join.value()},
            {"type": "button", "action_id": subscribe.action_id(), "text": plain("Subscribe"), "value": subscribe.value()}
        ]}));
    }
    Value::Array(blocks)
}

pub fn announcement_text(policy: &Policy, inc: &Incident) -> String {
    format!(
        "{}{} {} — {} {}",
        drill_prefix(inc),
        escape(&inc.id),
        title_text(inc),
        severity_display(policy, inc),
        inc.status.title()
    )
}

/// `actions`: each open item with a "Done" button; done ones struck through.
pub fn action_items(inc: &Incident, items: &[crate::incident::model::ActionItem]) -> Value {
    let mut blocks = vec![
        json!({"type": "header", "text": plain(&truncate(&format!("Action items of {}", inc.id), MAX_HEADER))}),
    ];
    for item in items.iter().take(45) {
        let line = truncate_mrkdwn(&action_item_line(item), MAX_SECTION_TEXT - 40);
        let mut section = json!({"type": "section", "block_id": format!("action_item:{}", item.id),
            "text": {"type": "mrkdwn", "text": if item.done { format!("~{line}~ :white_check_mark:") } else { line }}});
        if !item.done {
            let done = Button::ActionDone { item: item.id };
            section["accessory"] = json!({"type": "button", "action_id": done.action_id(),
                "text": plain("Done"), "value": done.value()});
        }
        blocks.push(section);
    }
    if items.len() > 45 {
        blocks.push(json!({"type": "context", "elements": [{"type": "mrkdwn",
            "text": format!("…and {} more; see the post-mortem or the API.", items.len() - 45)}]}));
    }
    Value::Array(blocks)
}

/// Cuts rendered mrkdwn to `max` characters without breaking an escape or a mention.
pub(super) fn truncate_mrkdwn(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut head = split(text, max.saturating_sub(1)).swap_remove(0);
    head.push('…');
    head
}
