//! What warroom says in the channel, the announcement thread and to one person: every
//! [`Notice`], worded. User text is escaped; people are mentioned from their ids.

use super::blocks;
use super::mrkdwn::{escape, mention, mention_target, user_text};
use super::time::{cadence, hhmm, human_ms};
use super::Message;
use crate::incident::effect::{EscalationCause, Notice};
use crate::incident::model::{ActionItem, Incident, Status, StatusUpdate, IC_ROLE};
use crate::policy::Policy;
use crate::slack::button::{role_block_id, Button};
use serde_json::{json, Value};

/// The emoji that goes with a status.
pub fn status_emoji(status: Status) -> &'static str {
    match status {
        Status::Investigating => ":mag:",
        Status::Identified => ":bulb:",
        Status::Mitigating => ":hammer_and_wrench:",
        Status::Monitoring => ":eyes:",
        Status::Resolved => ":white_check_mark:",
        Status::Closed => ":lock:",
    }
}

/// A role's display name, from its key.
pub fn role_name(policy: &Policy, key: &str) -> String {
    escape(
        &policy
            .role(key)
            .map(|r| r.name.clone())
            .unwrap_or_else(|| key.to_string()),
    )
}

/// "#3 Add alerting on 5xx — <@U1> — due 2026-12-01"
pub fn action_item_line(item: &ActionItem) -> String {
    let mut line = format!("#{} {}", item.id, user_text(&item.text));
    if let Some(o) = &item.owner {
        line.push_str(&format!(" — {}", mention(o)));
    }
    if let Some(d) = &item.due {
        line.push_str(&format!(" — due {}", escape(d)));
    }
    line
}

fn or_dash(s: &str) -> String {
    if s.trim().is_empty() {
        "—".to_string()
    } else {
        user_text(s)
    }
}

/// The status update template, as posted in the channel.
pub fn update_text(incident_id: &str, u: &StatusUpdate, next_due: Option<i64>) -> String {
    let status = Status::parse(&u.status).map(|s| s.title()).unwrap_or("?");
    let current = if u.summary.is_empty() {
        status.to_string()
    } else {
        format!("{status} — {}", user_text(&u.summary))
    };
    let next = match next_due {
        Some(due) => format!("Next update due by {}", hhmm(due)),
        None => "No update cadence at this severity".to_string(),
    };
    format!(
        "*[{}] Status Update* — {} by {}\n• *Current Status:* {current}\n• *Impact:* {}\n• *Actions Taken:* {}\n• *Next Steps:* {}\n• *ETA:* {}\n_{next}_",
        hhmm(u.at),
        incident_id,
        mention(&u.author),
        or_dash(&u.impact),
        or_dash(&u.actions_taken),
        or_dash(&u.next_steps),
        or_dash(&u.eta),
    )
}

fn by_suffix(by: &Option<String>) -> String {
    by.as_deref()
        .map(|a| format!(" (assigned by {})", mention(a)))
        .unwrap_or_default()
}

fn escalation_why(cause: &EscalationCause) -> String {
    match cause {
        EscalationCause::Manual {
            by,
            reason: Some(r),
        } => format!("{} escalated: {}", mention(by), user_text(r)),
        EscalationCause::Manual { by, reason: None } => format!("{} escalated", mention(by)),
        EscalationCause::UnansweredReminders => {
            "two update reminders in a row went unanswered".into()
        }
        EscalationCause::Timer { after_ms } => format!("unresolved after {}", cadence(*after_ms)),
    }
}

/// Words `notice` about `inc`.
pub fn notice(policy: &Policy, inc: &Incident, notice: &Notice) -> Message {
    let id = escape(&inc.id);
    let text = match notice {
        Notice::StatusChanged { status, by } => format!(
            "{} Status changed to *{}* by {}",
            status_emoji(*status),
            status.title(),
            mention(by)
        ),
        Notice::SeverityChanged { from, to, by } => {
            let sev = policy.severity(to);
            let label = sev.map(|s| s.label.as_str()).unwrap_or("");
            let cadence_note = match sev.and_then(|s| s.update_every) {
                Some(d) => format!(
                    " Updates are now due every {}.",
                    humantime::format_duration(d)
                ),
                None => " No update cadence at this severity.".to_string(),
            };
            format!(
                ":rotating_light: Severity changed {} → *{} {}* by {}.{cadence_note}",
                escape(from),
                escape(to),
                escape(label),
                mention(by)
            )
        }
        Notice::RoleTaken { role, user, by } => format!(
            ":raised_hand: {} is now *{}*{}",
            mention(user),
            role_name(policy, role),
            by_suffix(by)
        ),
        Notice::RoleHandedOver { role, from, to, by } => format!(
            ":handshake: *{}* handed over from {} to {}{}",
            role_name(policy, role),
            mention(from),
            mention(to),
            by_suffix(by)
        ),
        Notice::RoleDuties { role } => format!(
            "You are now the *{}* of {id}. Your duties: {}",
            role_name(policy, role),
            escape(&policy.role(role).map(|r| r.duties.clone()).unwrap_or_default())
        ),
        Notice::Update { update, next_due } => update_text(&inc.id, update, *next_due),
        Notice::Resolved {
            by,
            after_ms,
            summary,
        } => {
            let mut text = format!(
                ":white_check_mark: *Resolved* by {} after {}.",
                mention(by),
                human_ms(*after_ms)
            );
            if !summary.is_empty() {
                text.push_str(&format!("\n>{}", user_text(summary)));
            }
            text.push_str(
                "\nReminders have stopped. Run `/incident close` when the follow-up work is done.",
            );
            text
        }
        Notice::Closed { by, open_items } => {
            let mut text = format!(":lock: *Closed* by {}.", mention(by));
            if open_items.is_empty() {
                text.push_str(" No open action items.");
            } else {
                text.push_str(&format!(" {} action item(s) still open:", open_items.len()));
                for item in open_items {
                    text.push_str(&format!("\n• {}", action_item_line(item)));
                }
            }
            text
        }
        Notice::Escalated { target, cause } => format!(
            ":rotating_light: *Escalation* {id}: {} — {}.",
            mention_target(target),
            escalation_why(cause)
        ),
        Notice::ActionItemAdded {
            text,
            owner,
            due,
            by,
        } => {
            let mut line = format!("Action item: {}", user_text(text));
            if let Some(o) = owner {
                line.push_str(&format!(" (owner {})", mention(o)));
            }
            if let Some(d) = due {
                line.push_str(&format!(" due {}", escape(d)));
            }
            format!(":memo: {line} — added by {}", mention(by))
        }
        Notice::ActionItemGiven { text, due, by } => format!(
            "{} gave you an action item on {id}: {}{}",
            mention(by),
            user_text(text),
            due.as_deref()
                .map(|d| format!(" (due {})", escape(d)))
                .unwrap_or_default()
        ),
        Notice::ActionItemDone { id: item, text, by } => format!(
            ":white_check_mark: Action item #{item} done: {} — {}",
            user_text(text),
            mention(by)
        ),
        Notice::Snoozed { by, until } => format!(
            ":zzz: {} snoozed the update reminder until {}.",
            mention(by),
            hhmm(*until)
        ),
        Notice::Reminder {
            who,
            last_update_at,
            declared_at,
        } => {
            return super::reminder::reminder(&inc.id, who, *last_update_at, *declared_at);
        }
        Notice::NoCommander { waited_ms } => {
            let text = format!(
                ":warning: {id} has no Incident Commander yet ({} since declared). Someone take the role: `/incident role ic @you` or the button below.",
                human_ms(*waited_ms)
            );
            return Message::with_blocks(text.clone(), no_ic_blocks(&inc.id, &text));
        }
        Notice::TargetWarning {
            severity,
            target_ms,
            due_at,
        } => format!(
            ":hourglass_flowing_sand: {id} has used 80% of its {} resolution target for {} (due {}).",
            cadence(*target_ms),
            escape(severity),
            due_at.map(hhmm).unwrap_or_default()
        ),
        Notice::TargetBreached {
            severity,
            target_ms,
        } => format!(
            ":red_circle: {id} breached its {} resolution target for {}.",
            cadence(*target_ms),
            escape(severity)
        ),
        Notice::RoleBoard => {
            let mut board = vec![json!({"type": "section", "text": {"type": "mrkdwn",
                "text": format!("*Roles of {id}*")}})];
            board.extend(blocks::role_board(policy, inc));
            return Message::with_blocks(format!("Roles of {id}"), Value::Array(board));
        }
        Notice::ActionItems { items } => {
            return Message::with_blocks(
                format!("Action items of {id}"),
                blocks::action_items(inc, items),
            )
        }
        Notice::PostmortemPart { part, of, markdown } => format!(
            ":page_facing_up: Post-mortem draft for {id} ({part}/{of}):\n```\n{}```",
            escape(markdown)
        ),
        Notice::DeliveryFailed { what, reason } => format!(
            ":warning: warroom could not {} (Slack said `{}`). Check the app's scopes and channel membership.",
            escape(&what.replace('_', " ")),
            escape(reason)
        ),
        Notice::ChannelLost { reason } => format!(
            ":warning: The channel of {id} can no longer be used (Slack said `{}`): it was \
             deleted or archived. The incident goes on: `/incident` commands still work from \
             any channel warroom is in, and updates go to the announcement thread and \
             subscribers.",
            escape(reason)
        ),
        Notice::Refused { refusal } => super::answers::refusal(policy, refusal),
        Notice::Replied { reply } => super::answers::reply(*reply).to_string(),
        Notice::ArchiveSoon { at } => format!(
            ":file_cabinet: {id} is closed: this channel will be archived at {}. \
             Its history stays searchable.",
            super::time::datetime(*at),
        ),
        Notice::ChainStepCalled { .. } => return super::escalation_chain::in_channel(inc, notice),
        Notice::ChainAcknowledged { by, step } => format!(
            ":white_check_mark: {} is on it: escalation of {id} acknowledged at step {step}. No further step will be called.",
            mention(by)
        ),
        Notice::AlertGroupResolved { source, alerts } => format!(
            ":large_green_circle: {} reports the alert group resolved: {}. The incident stays \
             as it is: resolve it with `/incident resolve` once you are sure.",
            escape(source),
            alerts
                .iter()
                .map(|a| user_text(a))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Message::text(text)
}

fn no_ic_blocks(incident_id: &str, text: &str) -> Value {
    let take = Button::TakeRole {
        incident: incident_id.to_string(),
        role: IC_ROLE.to_string(),
    };
    json!([
        {"type": "section", "text": {"type": "mrkdwn", "text": text}},
        {"type": "actions", "block_id": role_block_id(incident_id, IC_ROLE), "elements": [
            {"type": "button", "action_id": take.action_id(), "style": "primary",
             "text": {"type": "plain_text", "text": "Take Incident Commander"}, "value": take.value()}
        ]}
    ])
}

/// The declarer's pointer to the new channel, where they declared it.
pub fn declared_notice(incident_id: &str, channel: &str) -> String {
    format!(
        ":rotating_light: {} is declared: {}. Roles, updates and the timeline live there.",
        escape(incident_id),
        super::mrkdwn::channel_link(channel)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::decide::fixtures::{incident, policy, NOW};
    use crate::incident::refusal::{Refusal, Reply};
    use crate::render::mrkdwn::unescape;

    const HOSTILE: &str = "<!channel> <!subteam^S1> <https://evil.example|x> & *bold*";

    fn item(text: &str) -> ActionItem {
        ActionItem {
            id: 3,
            incident_id: "INC-1".into(),
            text: text.into(),
            owner: Some("U0CAROL".into()),
            due: Some("2026-12-01".into()),
            done: false,
            created_by: "U0ALICE".into(),
            created_at: NOW,
            done_at: None,
            done_by: None,
        }
    }

    /// Only warroom's own references: the people named, the policy's group, the channel.
    fn assert_only_own_markup(text: &str) {
        let mut rest = text;
        while let Some(start) = rest.find('<') {
            let tail = &rest[start..];
            let end = tail.find('>').expect("closed");
            let r = &tail[..=end];
            assert!(
                r.starts_with("<@U0") || r == "<!subteam^S0SENIOR>",
                "{r} in {text}"
            );
            rest = &tail[end + 1..];
        }
    }

    #[test]
    fn every_notice_escapes_what_people_typed() {
        let policy = policy();
        let mut inc = incident();
        inc.title = HOSTILE.into();
        let update = StatusUpdate {
            at: NOW,
            author: "U0BOB".into(),
            status: "mitigating".into(),
            summary: HOSTILE.into(),
            impact: HOSTILE.into(),
            actions_taken: HOSTILE.into(),
            next_steps: HOSTILE.into(),
            eta: HOSTILE.into(),
        };
        let by = || "U0BOB".to_string();
        let notices = vec![
            Notice::StatusChanged {
                status: Status::Mitigating,
                by: by(),
            },
            Notice::SeverityChanged {
                from: "P2".into(),
                to: "P1".into(),
                by: by(),
            },
            Notice::RoleTaken {
                role: "ic".into(),
                user: by(),
                by: Some("U0ALICE".into()),
            },
            Notice::RoleHandedOver {
                role: "ic".into(),
                from: by(),
                to: "U0ALICE".into(),
                by: None,
            },
            Notice::RoleDuties { role: "ic".into() },
            Notice::Update {
                update,
                next_due: Some(NOW),
            },
            Notice::Resolved {
                by: by(),
                after_ms: 60_000,
                summary: HOSTILE.into(),
            },
            Notice::Closed {
                by: by(),
                open_items: vec![item(HOSTILE)],
            },
            Notice::Escalated {
                target: "S0SENIOR".into(),
                cause: EscalationCause::Manual {
                    by: by(),
                    reason: Some(HOSTILE.into()),
                },
            },
            Notice::ActionItemAdded {
                text: HOSTILE.into(),
                owner: Some("U0CAROL".into()),
                due: None,
                by: by(),
            },
            Notice::ActionItemGiven {
                text: HOSTILE.into(),
                due: Some("2026-12-01".into()),
                by: by(),
            },
            Notice::ActionItemDone {
                id: 3,
                text: HOSTILE.into(),
                by: by(),
            },
            Notice::Snoozed {
                by: by(),
                until: NOW,
            },
            Notice::Reminder {
                who: vec![by()],
                last_update_at: None,
                declared_at: NOW,
            },
            Notice::NoCommander { waited_ms: 60_000 },
            Notice::TargetWarning {
                severity: "P1".into(),
                target_ms: 3_600_000,
                due_at: Some(NOW),
            },
            Notice::TargetBreached {
                severity: "P1".into(),
                target_ms: 3_600_000,
            },
            Notice::RoleBoard,
            Notice::ActionItems {
                items: vec![item(HOSTILE)],
            },
            Notice::PostmortemPart {
                part: 1,
                of: 1,
                markdown: HOSTILE.into(),
            },
            Notice::DeliveryFailed {
                what: "set_topic".into(),
                reason: HOSTILE.into(),
            },
            Notice::ChannelLost {
                reason: HOSTILE.into(),
            },
            Notice::Refused {
                refusal: Refusal::UnknownRole {
                    given: HOSTILE.into(),
                },
            },
            Notice::Replied {
                reply: Reply::Noted,
            },
            Notice::AlertGroupResolved {
                source: "alertmanager".into(),
                alerts: vec![HOSTILE.into()],
            },
            Notice::ArchiveSoon { at: NOW },
        ];
        for n in &notices {
            let m = notice(&policy, &inc, n);
            assert_only_own_markup(&m.text);
            if let Some(blocks) = &m.blocks {
                let mut texts = Vec::new();
                collect_mrkdwn(blocks, &mut texts);
                texts.iter().for_each(|t| assert_only_own_markup(t));
            }
            let carries_user_text = !matches!(
                n,
                Notice::StatusChanged { .. }
                    | Notice::SeverityChanged { .. }
                    | Notice::RoleTaken { .. }
                    | Notice::RoleHandedOver { .. }
                    | Notice::RoleDuties { .. }
                    | Notice::Snoozed { .. }
                    | Notice::Reminder { .. }
                    | Notice::NoCommander { .. }
                    | Notice::TargetWarning { .. }
                    | Notice::TargetBreached { .. }
                    | Notice::RoleBoard
                    | Notice::ActionItems { .. }
                    | Notice::Replied { .. }
                    | Notice::ArchiveSoon { .. }
            );
            if carries_user_text {
                assert!(unescape(&m.text).contains(HOSTILE), "{n:?}: {}", m.text);
            }
        }
    }

    fn collect_mrkdwn(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Array(a) => a.iter().for_each(|v| collect_mrkdwn(v, out)),
            Value::Object(m) => {
                if m.get("type").and_then(Value::as_str) == Some("mrkdwn") {
                    out.extend(m.get("text").and_then(Value::as_str).map(String::from));
                }
                m.values().for_each(|v| collect_mrkdwn(v, out));
            }
            _ => {}
        }
    }

    #[test]
    fn wording_matches_what_people_know() {
        let policy = policy();
        let inc = incident();
        let text = |n: Notice| notice(&policy, &inc, &n).text;
        assert_eq!(
            text(Notice::RoleTaken {
                role: "ic".into(),
                user: "U0BOB".into(),
                by: Some("U0ALICE".into())
            }),
            ":raised_hand: <@U0BOB> is now *Incident Commander* (assigned by <@U0ALICE>)"
        );
        assert_eq!(
            text(Notice::Escalated {
                target: "S0SENIOR".into(),
                cause: EscalationCause::Timer {
                    after_ms: 7_200_000
                }
            }),
            ":rotating_light: *Escalation* INC-2026-11-22-001: <!subteam^S0SENIOR> — unresolved after 2h."
        );
        assert_eq!(
            text(Notice::Reminder {
                who: vec!["U0BOB".into(), "U0ALICE".into()],
                last_update_at: Some(NOW),
                declared_at: NOW,
            }),
            ":alarm_clock: <@U0BOB> <@U0ALICE> — an update on INC-2026-11-22-001 is due (last update 14:00 UTC)."
        );
    }
}
