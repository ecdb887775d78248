//! Words and Block Kit the domain puts into messages: updates, reminders, nags.
//! Card, topic and announcement are rendered at delivery time in `slack::blocks`.

use super::model::{Incident, StatusUpdate};
use crate::clock::from_ms;
use crate::slack::ids;
use serde_json::{json, Value};

/// "#3 Add alerting on 5xx — <@U1> — due 2026-12-01"
pub fn action_item_line(item: &super::model::ActionItem) -> String {
    let mut line = format!("#{} {}", item.id, item.text);
    if let Some(o) = &item.owner {
        line.push_str(&format!(" — <@{o}>"));
    }
    if let Some(d) = &item.due {
        line.push_str(&format!(" — due {d}"));
    }
    line
}

/// "14:05 UTC"
pub fn hhmm(ms: i64) -> String {
    from_ms(ms).format("%H:%M UTC").to_string()
}

/// "2026-11-22 14:05 UTC"
pub fn datetime(ms: i64) -> String {
    from_ms(ms).format("%Y-%m-%d %H:%M UTC").to_string()
}

/// "1h 05m", "12m", "45s", "2d 3h"
pub fn duration_between(from: i64, to: i64) -> String {
    human_ms((to - from).max(0))
}

pub fn human_ms(ms: i64) -> String {
    let secs = ms / 1000;
    let (d, h, m, s) = (
        secs / 86400,
        secs % 86400 / 3600,
        secs % 3600 / 60,
        secs % 60,
    );
    if d > 0 {
        format!("{d}d {h}h")
    } else if h > 0 {
        format!("{h}h {m:02}m")
    } else if m > 0 {
        format!("{m}m")
    } else {
        format!("{s}s")
    }
}

/// `<@U…>` for users, `<!subteam^S…>` for user groups.
pub fn mention_target(target: &str) -> String {
    if target.starts_with('S') {
        format!("<!subteam^{target}>")
    } else {
        format!("<@{target}>")
    }
}

fn or_dash(s: &str) -> &str {
    if s.trim().is_empty() {
        "—"
    } else {
        s
    }
}

/// The update template of seeds/001, as posted in the channel.
pub fn update_text(inc: &Incident, u: &StatusUpdate) -> String {
    let status = super::model::Status::parse(&u.status)
        .map(|s| s.title())
        .unwrap_or("?");
    let current = if u.summary.is_empty() {
        status.to_string()
    } else {
        format!("{status} — {}", u.summary)
    };
    let next = match inc.schedule.next_update_due_at {
        Some(due) => format!("Next update due by {}", hhmm(due)),
        None => "No update cadence at this severity".to_string(),
    };
    format!(
        "*[{}] Status Update* — {} by <@{}>\n• *Current Status:* {current}\n• *Impact:* {}\n• *Actions Taken:* {}\n• *Next Steps:* {}\n• *ETA:* {}\n_{next}_",
        hhmm(u.at),
        inc.id,
        u.author,
        or_dash(&u.impact),
        or_dash(&u.actions_taken),
        or_dash(&u.next_steps),
        or_dash(&u.eta),
    )
}

/// One line for the timeline.
pub fn update_one_line(u: &StatusUpdate) -> String {
    let mut line = format!("Update ({})", u.status);
    for (label, value) in [
        ("", &u.summary),
        ("impact: ", &u.impact),
        ("actions: ", &u.actions_taken),
        ("next: ", &u.next_steps),
        ("ETA: ", &u.eta),
    ] {
        if !value.is_empty() {
            line.push_str(if line.ends_with(')') { ": " } else { "; " });
            line.push_str(label);
            line.push_str(value);
        }
    }
    line
}

fn mentions(users: &[String]) -> String {
    users
        .iter()
        .map(|u| format!("<@{u}>"))
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn reminder_text(inc: &Incident, who: &[String]) -> String {
    let since = inc.last_update_at.unwrap_or(inc.declared_at);
    let last = if inc.last_update_at.is_some() {
        format!("last update {}", hhmm(since))
    } else {
        format!("no update since declared at {}", hhmm(since))
    };
    format!(
        ":alarm_clock: {} — an update on {} is due ({last}).",
        mentions(who),
        inc.id
    )
}

pub fn reminder_blocks(inc: &Incident, who: &[String]) -> Value {
    json!([
        {"type": "section", "text": {"type": "mrkdwn", "text": reminder_text(inc, who)}},
        {"type": "actions", "block_id": format!("reminder:{}", inc.id), "elements": [
            {"type": "button", "action_id": ids::POST_UPDATE, "style": "primary",
             "text": {"type": "plain_text", "text": "Post update"}, "value": inc.id},
            {"type": "button", "action_id": ids::SNOOZE_15, "text": {"type": "plain_text", "text": "Snooze 15m"}, "value": inc.id},
            {"type": "button", "action_id": ids::SNOOZE_30, "text": {"type": "plain_text", "text": "Snooze 30m"}, "value": inc.id},
            {"type": "button", "action_id": ids::SNOOZE_60, "text": {"type": "plain_text", "text": "Snooze 1h"}, "value": inc.id}
        ]}
    ])
}

pub fn no_ic_text(inc: &Incident) -> String {
    format!(
        ":warning: {} has no Incident Commander yet ({} since declared). Someone take the role: `/incident role ic @you` or the button below.",
        inc.id,
        duration_between(inc.declared_at, inc.schedule.next_nag_at.unwrap_or(inc.declared_at).max(inc.declared_at))
    )
}

pub fn no_ic_blocks(inc: &Incident) -> Value {
    json!([
        {"type": "section", "text": {"type": "mrkdwn", "text": no_ic_text(inc)}},
        {"type": "actions", "block_id": format!("role:{}:ic", inc.id), "elements": [
            {"type": "button", "action_id": ids::TAKE_ROLE, "style": "primary",
             "text": {"type": "plain_text", "text": "Take Incident Commander"}, "value": format!("{}:ic", inc.id)}
        ]}
    ])
}
