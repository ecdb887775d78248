//! Action-item follow-up as people read it: the owner's due-date DM (Done / Snooze) and
//! the weekly digest of the week's incidents and the open action items.

use super::mrkdwn::{escape, truncate, user_text};
use super::notices::action_item_line;
use super::{Message, MAX_SECTION_TEXT};
use crate::incident::model::{ActionItem, Incident};
use crate::slack::button::Button;
use serde_json::{json, Value};

/// How many incidents and items the digest lists before it says "and N more".
const DIGEST_LINES: usize = 40;

fn plain(text: &str) -> Value {
    json!({"type": "plain_text", "text": text, "emoji": true})
}

/// To the owner, on the due date: the item, its incident, Done and Snooze.
pub fn due_dm(inc: &Incident, item: &ActionItem) -> Message {
    let text = format!(
        ":hourglass: Your action item from *{}* ({}) is due: {}",
        escape(&inc.id),
        user_text(&truncate(&inc.title, 300)),
        action_item_line(item)
    );
    let blocks = json!([
        {"type": "section", "block_id": format!("due:{}", item.id),
         "text": {"type": "mrkdwn", "text": truncate(&text, MAX_SECTION_TEXT - 10)}},
        {"type": "actions", "block_id": format!("due_actions:{}", item.id), "elements": [
            button(&Button::ActionDone { item: item.id }, "Done", true),
            button(&Button::SnoozeActionItem { item: item.id, days: 1 }, "Snooze 1 day", false),
            button(&Button::SnoozeActionItem { item: item.id, days: 7 }, "Snooze 1 week", false),
        ]},
    ]);
    Message::with_blocks(text, blocks)
}

/// An open item as the digest lists it, with its incident.
pub struct DigestItem<'a> {
    pub item: &'a ActionItem,
    pub incident_title: &'a str,
    pub overdue: bool,
}

/// The weekly digest: the week's incidents (`week` is the day range shown) and the open
/// action items, overdue ones first. Private incidents and drills are left out: the
/// digest goes to the announcement channel.
pub fn digest(week: &str, incidents: &[Incident], items: &[DigestItem]) -> Message {
    let mut text = format!("*Weekly incident digest* — {}\n", escape(week));
    text.push_str(&format!(
        "\n*Incidents declared this week: {}*\n",
        incidents.len()
    ));
    for inc in incidents.iter().take(DIGEST_LINES) {
        text.push_str(&format!(
            "• *{}* {} — {} — {}\n",
            escape(&inc.id),
            escape(&inc.severity),
            user_text(&truncate(&inc.title, 200)),
            inc.status.title()
        ));
    }
    if incidents.len() > DIGEST_LINES {
        text.push_str(&format!("…and {} more\n", incidents.len() - DIGEST_LINES));
    }
    let overdue = items.iter().filter(|i| i.overdue).count();
    text.push_str(&format!(
        "\n*Open action items: {} ({overdue} overdue)*\n",
        items.len()
    ));
    let mut sorted: Vec<&DigestItem> = items.iter().collect();
    sorted.sort_by_key(|i| !i.overdue);
    for i in sorted.iter().take(DIGEST_LINES) {
        text.push_str(&format!(
            "• {}{} ({} {})\n",
            if i.overdue {
                ":red_circle: *overdue* "
            } else {
                ""
            },
            action_item_line(i.item),
            escape(&i.item.incident_id),
            user_text(&truncate(i.incident_title, 100)),
        ));
    }
    if items.len() > DIGEST_LINES {
        text.push_str(&format!("…and {} more\n", items.len() - DIGEST_LINES));
    }
    Message::text(text)
}

/// A button of the due-date DM, encoded by [`Button`].
fn button(b: &Button, words: &str, primary: bool) -> serde_json::Value {
    let mut element = json!({"type": "button", "action_id": b.action_id(),
                             "text": plain(words), "value": b.value()});
    if primary {
        element["style"] = json!("primary");
    }
    element
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::decide::fixtures::incident;

    fn item(text: &str, due: Option<&str>) -> ActionItem {
        ActionItem {
            id: 9,
            incident_id: "INC-1".into(),
            text: text.into(),
            owner: Some("U0CAROL".into()),
            due: due.map(str::to_string),
            done: false,
            created_by: "U1".into(),
            created_at: 0,
            done_at: None,
            done_by: None,
        }
    }

    #[test]
    fn user_text_is_escaped_and_overdue_first() {
        let mut inc = incident();
        inc.title = "<!channel> & co".into();
        let dm = due_dm(&inc, &item("<!here> fix", Some("2026-12-01")));
        assert!(!dm.text.contains("<!channel>") && !dm.text.contains("<!here>"));
        assert!(dm.text.contains("&lt;!here&gt; fix"), "{}", dm.text);
        let blocks = dm.blocks.unwrap().to_string();
        assert!(blocks.contains("\"value\":\"9:7\""), "{blocks}");

        let late = item("late one", Some("2026-11-01"));
        let fine = item("fine one", None);
        let d = digest(
            "2026-11-23 – 2026-11-30",
            &[inc],
            &[
                DigestItem {
                    item: &fine,
                    incident_title: "t",
                    overdue: false,
                },
                DigestItem {
                    item: &late,
                    incident_title: "<b>",
                    overdue: true,
                },
            ],
        );
        assert!(
            d.text.contains("Open action items: 2 (1 overdue)"),
            "{}",
            d.text
        );
        assert!(d.text.find("late one") < d.text.find("fine one"));
        assert!(!d.text.contains("<!channel>") && !d.text.contains("<b>"));
    }
}
