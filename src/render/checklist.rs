//! The post-resolution checklist message: one checkbox per item of the severity's list.

use super::mrkdwn::escape;
use super::Message;
use crate::incident::model::Incident;
use crate::slack::button::Button;
use serde_json::{json, Value};

/// Slack takes at most 10 options per checkboxes element.
pub const ITEMS_PER_BLOCK: usize = 10;
/// Slack's limit on an option's text.
const MAX_OPTION_TEXT: usize = 75;

/// The checklist message; `checked` are the ticked items.
pub fn checklist(inc: &Incident, items: &[String], checked: &[String]) -> Message {
    let text = format!(
        ":clipboard: *Post-resolution checklist for {}* — `/incident close` needs every item ticked (the IC or an admin can override with `/incident close --force`).",
        escape(&inc.id)
    );
    let mut blocks = vec![json!({"type": "section", "text": {"type": "mrkdwn", "text": text}})];
    for (chunk, part) in items.chunks(ITEMS_PER_BLOCK).enumerate() {
        let option = |i: usize, item: &String| -> Value {
            json!({"text": {"type": "plain_text", "text": super::mrkdwn::truncate(item, MAX_OPTION_TEXT), "emoji": true},
                   "value": (chunk * ITEMS_PER_BLOCK + i).to_string()})
        };
        let options: Vec<Value> = part
            .iter()
            .enumerate()
            .map(|(i, it)| option(i, it))
            .collect();
        let initial: Vec<Value> = part
            .iter()
            .enumerate()
            .filter(|(_, it)| checked.contains(it))
            .map(|(i, it)| option(i, it))
            .collect();
        let button = Button::Checklist {
            incident: inc.id.clone(),
            chunk,
        };
        let mut element =
            json!({"type": "checkboxes", "action_id": button.action_id(), "options": options});
        if !initial.is_empty() {
            element["initial_options"] = Value::Array(initial);
        }
        blocks
            .push(json!({"type": "actions", "block_id": button.block_id(), "elements": [element]}));
    }
    let list: Vec<String> = items.iter().map(|i| format!("☐ {}", escape(i))).collect();
    Message {
        text: format!("{text}\n{}", list.join("\n")),
        blocks: Some(Value::Array(blocks)),
    }
}

/// `close` refused: these items are not ticked yet.
pub fn incomplete(inc: &Incident, unchecked: &[String]) -> String {
    let list: Vec<String> = unchecked
        .iter()
        .map(|i| format!("• {}", escape(i)))
        .collect();
    format!(
        "{} can't close yet: the post-resolution checklist has {} item(s) left:\n{}\nTick them on the checklist message, or (IC or admin) `/incident close --force` to close anyway; the override is recorded on the timeline.",
        escape(&inc.id),
        unchecked.len(),
        list.join("\n")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_escaped_and_chunked_by_ten() {
        let inc = crate::incident::decide::fixtures::incident();
        let items: Vec<String> = (0..12).map(|i| format!("<b>item {i}</b>")).collect();
        let m = checklist(&inc, &items, &[items[11].clone()]);
        let blocks = m.blocks.unwrap();
        assert_eq!(blocks.as_array().unwrap().len(), 3);
        assert_eq!(
            blocks[2]["elements"][0]["initial_options"][0]["value"],
            "11"
        );
        assert!(m.text.contains("&lt;b&gt;item 0&lt;/b&gt;"));
        assert!(!m.text.contains("<b>"));
    }
}
