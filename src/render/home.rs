//! The App Home tab: what a person sees when they open warroom in Slack. The open
//! incidents they may see (severity, status, IC, age, channel), the roles they hold, their
//! open action items with a "Done" button each, and "Declare incident".
//!
//! Slack takes at most 100 blocks in a view: each list is cut at a fixed length and ends
//! with "…and N more", so the whole stays far below the limit whatever the numbers.

use super::blocks::{plain, severity_display, truncate_mrkdwn, DRILL_LABEL};
use super::mrkdwn::{channel_link, escape, mention, truncate, user_text};
use super::notices::{role_name, status_emoji};
use super::time::duration_between;
use super::MAX_SECTION_TEXT;
use crate::incident::model::{ActionItem, Incident};
use crate::policy::Policy;
use crate::slack::button::Button;
use serde_json::{json, Value};

/// How many incidents, role lines and action items the home lists before "…and N more".
pub const MAX_INCIDENTS: usize = 30;
pub const MAX_ROLES: usize = 20;
pub const MAX_ITEMS: usize = 30;
/// How much of a title a line shows.
const TITLE_IN_LINE: usize = 300;

/// What one person's home shows, gathered at delivery.
pub struct Home<'a> {
    pub user: &'a str,
    /// The open incidents they may see, newest first.
    pub incidents: &'a [Incident],
    /// Their open action items, oldest first.
    pub items: &'a [ActionItem],
    /// Epoch ms: ages are counted to it.
    pub now: i64,
}

/// The `view` for `views.publish`.
pub fn view(policy: &Policy, home: &Home) -> Value {
    let mut blocks = vec![
        json!({"type": "header", "text": plain("Incidents")}),
        json!({"type": "actions", "block_id": "home:declare", "elements": [
            button(&Button::Declare, "Declare incident", true),
        ]}),
    ];
    blocks.extend(incidents(policy, home));
    blocks.push(json!({"type": "divider"}));
    blocks.push(json!({"type": "header", "text": plain("Your roles")}));
    blocks.push(roles(policy, home));
    blocks.push(json!({"type": "divider"}));
    blocks.push(json!({"type": "header", "text": plain("Your action items")}));
    blocks.extend(items(home));
    json!({"type": "home", "callback_id": "warroom_home", "blocks": blocks})
}

fn incidents(policy: &Policy, home: &Home) -> Vec<Value> {
    if home.incidents.is_empty() {
        return vec![section(
            "home:incidents",
            "No open incidents. :sunny:".into(),
        )];
    }
    let mut blocks: Vec<Value> = home
        .incidents
        .iter()
        .take(MAX_INCIDENTS)
        .map(|inc| {
            section(
                &format!("home:incident:{}", inc.id),
                incident_line(policy, inc, home.now),
            )
        })
        .collect();
    if let Some(more) = more(home.incidents.len(), MAX_INCIDENTS) {
        blocks.push(context(&format!(
            "…and {more} more open incidents: `/incident list` shows them all."
        )));
    }
    blocks
}

/// `*INC-…* title` then `P1 · :mag: Investigating · IC: @x · 1h 05m · #channel`.
fn incident_line(policy: &Policy, inc: &Incident, now: i64) -> String {
    let drill = if inc.drill {
        format!("*{DRILL_LABEL}* ")
    } else {
        String::new()
    };
    let private = if inc.private { ":lock: " } else { "" };
    let ic = inc.ic().map(mention).unwrap_or_else(|| "unassigned".into());
    let channel = inc
        .slack
        .channel_id
        .as_deref()
        .map(channel_link)
        .unwrap_or_else(|| "channel being created".into());
    let line = format!(
        "{drill}{private}*{}* {}\n{} · {} {} · IC: {ic} · declared {} ago · {channel}",
        escape(&inc.id),
        user_text(&truncate(&inc.title, TITLE_IN_LINE)),
        severity_display(policy, inc),
        status_emoji(inc.status),
        inc.status.title(),
        duration_between(inc.declared_at, now),
    );
    truncate_mrkdwn(&line, MAX_SECTION_TEXT)
}

/// One section listing each role the person holds on an open incident.
fn roles(policy: &Policy, home: &Home) -> Value {
    let held: Vec<String> = home
        .incidents
        .iter()
        .flat_map(|inc| {
            let mut keys: Vec<&String> = inc
                .roles
                .iter()
                .filter(|(_, holder)| holder.user == home.user)
                .map(|(key, _)| key)
                .collect();
            keys.sort();
            keys.into_iter().map(move |key| {
                format!(
                    "• *{}* on *{}* {}",
                    role_name(policy, key),
                    escape(&inc.id),
                    user_text(&truncate(&inc.title, 100))
                )
            })
        })
        .collect();
    if held.is_empty() {
        return section("home:roles", "You hold no role on an open incident.".into());
    }
    let mut text = held
        .iter()
        .take(MAX_ROLES)
        .cloned()
        .collect::<Vec<_>>()
        .join("\n");
    if let Some(more) = more(held.len(), MAX_ROLES) {
        text.push_str(&format!("\n…and {more} more"));
    }
    section("home:roles", truncate_mrkdwn(&text, MAX_SECTION_TEXT))
}

fn items(home: &Home) -> Vec<Value> {
    if home.items.is_empty() {
        return vec![section("home:items", "No open action items. :tada:".into())];
    }
    let mut blocks: Vec<Value> = home
        .items
        .iter()
        .take(MAX_ITEMS)
        .map(|item| {
            let mut line = format!("#{} {}", item.id, user_text(&item.text));
            if let Some(due) = &item.due {
                line.push_str(&format!(" — due {}", escape(due)));
            }
            line.push_str(&format!(" — {}", escape(&item.incident_id)));
            let mut block = section(
                &format!("home:item:{}", item.id),
                truncate_mrkdwn(&line, MAX_SECTION_TEXT - 10),
            );
            block["accessory"] = button(&Button::ActionDone { item: item.id }, "Done", false);
            block
        })
        .collect();
    if let Some(more) = more(home.items.len(), MAX_ITEMS) {
        blocks.push(context(&format!("…and {more} more open action items.")));
    }
    blocks
}

/// How many were left out of a list of `len` shown up to `max`.
fn more(len: usize, max: usize) -> Option<usize> {
    (len > max).then(|| len - max)
}

fn section(block_id: &str, text: String) -> Value {
    json!({"type": "section", "block_id": block_id, "text": {"type": "mrkdwn", "text": text}})
}

fn context(text: &str) -> Value {
    json!({"type": "context", "elements": [{"type": "mrkdwn", "text": text}]})
}

fn button(b: &Button, words: &str, primary: bool) -> Value {
    let mut element = json!({"type": "button", "action_id": b.action_id(), "text": plain(words)});
    if let Some(value) = b.value() {
        element["value"] = json!(value);
    }
    if primary {
        element["style"] = json!("primary");
    }
    element
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::decide::fixtures::{incident, policy, with_ic};

    fn item(id: i64, text: &str) -> ActionItem {
        ActionItem {
            id,
            incident_id: "INC-1".into(),
            text: text.into(),
            owner: Some("U0ALICE".into()),
            due: Some("2026-12-01".into()),
            done: false,
            created_by: "U0BOB".into(),
            created_at: 0,
            done_at: None,
            done_by: None,
        }
    }

    fn check(view: &Value) {
        let problems = slack_emulator::block_kit::check_home_view(view);
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn shows_incidents_roles_and_items_escaped() {
        let policy = policy();
        let mut inc = with_ic(incident(), "U0ALICE");
        inc.title = "<!channel> checkout & co".into();
        inc.slack.channel_id = Some("C0INC".into());
        let now = inc.declared_at + 65 * 60_000;
        let incidents = [inc];
        let items = [item(7, "<!here> rotate keys")];
        let view = view(
            &policy,
            &Home {
                user: "U0ALICE",
                incidents: &incidents,
                items: &items,
                now,
            },
        );
        check(&view);
        let text = view.to_string();
        assert!(
            !text.contains("<!channel>") && !text.contains("<!here>"),
            "{text}"
        );
        assert!(
            text.contains("&lt;!channel&gt; checkout &amp; co"),
            "{text}"
        );
        assert!(text.contains("IC: <@U0ALICE>"), "{text}");
        assert!(text.contains("declared 1h 05m ago"), "{text}");
        assert!(text.contains("<#C0INC>"), "{text}");
        assert!(text.contains("on *INC-"), "the IC role is listed: {text}");
        assert!(text.contains("\"action_id\":\"action_done\""), "{text}");
        assert!(text.contains("\"value\":\"7\""), "{text}");
        assert!(
            text.contains("\"action_id\":\"open_declare_modal\""),
            "{text}"
        );
    }

    #[test]
    fn empty_and_crowded_homes_are_valid_views() {
        let policy = policy();
        let empty = view(
            &policy,
            &Home {
                user: "U0ALICE",
                incidents: &[],
                items: &[],
                now: 0,
            },
        );
        check(&empty);
        assert!(empty.to_string().contains("No open incidents"));

        // Far more of everything than fits: the lists are cut and say how many are left.
        let long = "x".repeat(5_000);
        let incidents: Vec<Incident> = (0..200)
            .map(|n| {
                let mut inc = with_ic(incident(), "U0ALICE");
                inc.id = format!("INC-2026-11-22-{n:03}");
                inc.title = long.clone();
                inc
            })
            .collect();
        let items: Vec<ActionItem> = (0..200).map(|n| item(n, &long)).collect();
        let crowded = view(
            &policy,
            &Home {
                user: "U0ALICE",
                incidents: &incidents,
                items: &items,
                now: 0,
            },
        );
        check(&crowded);
        let blocks = crowded["blocks"].as_array().unwrap().len();
        assert!(blocks <= 100, "{blocks} blocks");
        let text = crowded.to_string();
        assert!(text.contains("and 170 more open incidents"), "{text}");
        assert!(text.contains("and 170 more open action items"));
        assert!(text.contains("and 180 more"), "roles are cut too");
    }
}
