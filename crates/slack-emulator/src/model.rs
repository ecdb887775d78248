//! The records a test reads back from the fake workspace.
//!
//! These are snapshots (clones) of the emulator's state, shaped for assertions rather than for
//! the wire: a test asks "which buttons did the bot post?" or "does the card mention P1?", so
//! [`Message`] carries helpers that walk Block Kit the way a person would read the message.

use serde::Serialize;
use serde_json::Value;

/// A public or private channel as the workspace holds it now.
#[derive(Clone, Debug, Serialize)]
pub struct Channel {
    pub id: String,
    pub name: String,
    pub is_private: bool,
    pub topic: String,
    /// User ids, in the order they joined.
    pub members: Vec<String>,
    /// Timestamps of the pinned messages, in pin order.
    pub pins: Vec<String>,
    /// Archived by `conversations.archive`: read-only from then on.
    pub is_archived: bool,
}

/// A message in a channel: top-level (`thread_ts == None`) or a thread reply.
#[derive(Clone, Debug, Serialize)]
pub struct Message {
    pub channel: String,
    pub ts: String,
    pub user: String,
    pub text: String,
    /// The Block Kit array the app sent (latest edit), or `Null` when it sent none.
    pub blocks: Value,
    /// The parent's ts for a thread reply; `None` for a top-level message.
    pub thread_ts: Option<String>,
    /// How many times `chat.update` changed it.
    pub edits: u32,
    /// Files shared with the message by `files.completeUploadExternal`.
    pub files: Vec<FileRef>,
    /// The message `metadata` the app attached (`{"event_type", "event_payload"}`), if any.
    pub metadata: Option<Value>,
}

/// A file shared in a message, with what was uploaded for it.
#[derive(Clone, Debug, Serialize)]
pub struct FileRef {
    pub id: String,
    pub title: String,
    /// The uploaded bytes, decoded as UTF-8 (lossily): post-mortems and exports are text.
    pub content: String,
}

/// A channel canvas, as `conversations.canvases.create` and `canvases.edit` left it.
#[derive(Clone, Debug, Serialize)]
pub struct Canvas {
    pub id: String,
    pub channel: String,
    /// The Markdown content now.
    pub markdown: String,
    /// How many times `canvases.edit` changed it.
    pub edits: u32,
}

/// A message only one user sees. Slack keeps no history of these, the fake does.
#[derive(Clone, Debug, Serialize)]
pub struct Ephemeral {
    pub channel: String,
    pub user: String,
    pub text: String,
    pub blocks: Value,
}

/// A modal the app opened or pushed, in its latest state (updates replace `view`), or a
/// user's App Home as last published (`views.publish`; no trigger).
#[derive(Clone, Debug, Serialize)]
pub struct View {
    pub id: String,
    pub trigger_id: Option<String>,
    /// The view JSON as the app sent it (without the fields Slack adds in its answer).
    pub view: Value,
}

impl View {
    /// Every button a person could click in the view, in block order.
    pub fn buttons(&self) -> Vec<Button> {
        buttons_in(&self.view["blocks"])
    }

    /// The text of every text-bearing block, one per line (as [`Message::plain_text`]).
    pub fn plain_text(&self) -> String {
        block_lines(&self.view["blocks"]).join("\n")
    }
}

/// One HTTP call the fake received, whatever became of it.
#[derive(Clone, Debug, Serialize)]
pub struct Call {
    /// The Web API method (`chat.postMessage`), or `upload` for a file upload to an upload URL.
    pub method: String,
    /// The decoded arguments as one JSON object; the `token` argument is left out.
    pub args: Value,
    pub http_status: u16,
    pub ok: bool,
    /// Slack's error code when `ok` is false (`ratelimited`, `http_503`, `channel_not_found`…).
    pub error: Option<String>,
    /// Slack's explanations of the error (`response_metadata.messages`): which rule broke.
    pub error_messages: Vec<String>,
}

/// A clickable button found in a message's blocks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Button {
    /// The enclosing block's `block_id`, or empty when the app set none (Slack then makes one up,
    /// which a test cannot predict anyway).
    pub block_id: String,
    pub action_id: String,
    pub value: Option<String>,
    /// The button's label.
    pub text: String,
}

impl Message {
    /// Every button a person could click: elements of `actions` blocks and `section`
    /// accessories, in block order.
    pub fn buttons(&self) -> Vec<Button> {
        buttons_in(&self.blocks)
    }

    /// The message as readable text: `text`, then the text of every section (and its fields),
    /// header, context element, markdown and rich-text block, one per line. Tests search it
    /// without caring whether the app put a word in `text` or in a block.
    pub fn plain_text(&self) -> String {
        let mut lines: Vec<String> = Vec::new();
        if !self.text.is_empty() {
            lines.push(self.text.clone());
        }
        lines.extend(block_lines(&self.blocks));
        lines.join("\n")
    }

    /// Whether this is a reply in a thread.
    pub fn is_reply(&self) -> bool {
        self.thread_ts.is_some()
    }
}

/// Every button in `blocks`: elements of `actions` blocks and `section` accessories, in
/// block order.
fn buttons_in(blocks: &Value) -> Vec<Button> {
    let mut found = Vec::new();
    for block in blocks_of(blocks) {
        let block_id = str_at(block, &["block_id"]).unwrap_or_default();
        let candidates: Vec<&Value> = match block.get("type").and_then(Value::as_str) {
            Some("actions") => block
                .get("elements")
                .and_then(Value::as_array)
                .map(|els| els.iter().collect())
                .unwrap_or_default(),
            Some("section") => block.get("accessory").into_iter().collect(),
            _ => Vec::new(),
        };
        for element in candidates {
            if element.get("type").and_then(Value::as_str) != Some("button") {
                continue;
            }
            found.push(Button {
                block_id: block_id.clone(),
                action_id: str_at(element, &["action_id"]).unwrap_or_default(),
                value: str_at(element, &["value"]),
                text: str_at(element, &["text", "text"]).unwrap_or_default(),
            });
        }
    }
    found
}

/// The text of every section (and its fields), header, context element, markdown and
/// rich-text block of `blocks`, one per line.
fn block_lines(blocks: &Value) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for block in blocks_of(blocks) {
        match block.get("type").and_then(Value::as_str) {
            Some("section") => {
                lines.extend(str_at(block, &["text", "text"]));
                if let Some(fields) = block.get("fields").and_then(Value::as_array) {
                    lines.extend(fields.iter().filter_map(|f| str_at(f, &["text"])));
                }
            }
            Some("header") => lines.extend(str_at(block, &["text", "text"])),
            Some("context") => {
                if let Some(elements) = block.get("elements").and_then(Value::as_array) {
                    lines.extend(elements.iter().filter_map(|e| str_at(e, &["text"])));
                }
            }
            Some("markdown") => lines.extend(str_at(block, &["text"])),
            Some("rich_text") => {
                if let Some(elements) = block.get("elements").and_then(Value::as_array) {
                    for element in elements {
                        let mut line = String::new();
                        collect_rich_text(element, &mut line);
                        if !line.is_empty() {
                            lines.push(line);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    lines
}

/// The blocks of a message, tolerating `Null` or a malformed value.
fn blocks_of(blocks: &Value) -> impl Iterator<Item = &Value> {
    blocks.as_array().into_iter().flatten()
}

/// The string at a path of object keys, if every step exists and the leaf is a string.
fn str_at(value: &Value, path: &[&str]) -> Option<String> {
    let mut current = value;
    for key in path {
        current = current.get(key)?;
    }
    current.as_str().map(str::to_owned)
}

/// Concatenates the leaf texts of a rich-text element (sections, lists, quotes, preformatted),
/// rendering user mentions as `<@U…>` the way `text` would carry them.
fn collect_rich_text(element: &Value, out: &mut String) {
    match element.get("type").and_then(Value::as_str) {
        Some("text") | Some("link") => {
            if let Some(text) = element.get("text").and_then(Value::as_str) {
                out.push_str(text);
            } else if let Some(url) = element.get("url").and_then(Value::as_str) {
                out.push_str(url);
            }
        }
        Some("user") => {
            if let Some(id) = element.get("user_id").and_then(Value::as_str) {
                out.push_str(&format!("<@{id}>"));
            }
        }
        _ => {
            if let Some(children) = element.get("elements").and_then(Value::as_array) {
                for child in children {
                    collect_rich_text(child, out);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn message(text: &str, blocks: Value) -> Message {
        Message {
            channel: "C1".into(),
            ts: "1.000001".into(),
            user: "U0BOT".into(),
            text: text.into(),
            blocks,
            thread_ts: None,
            edits: 0,
            files: Vec::new(),
            metadata: None,
        }
    }

    #[test]
    fn buttons_are_found_in_actions_and_section_accessories() {
        let m = message(
            "",
            json!([
                {"type": "section", "block_id": "role_ic",
                 "text": {"type": "mrkdwn", "text": "*IC*: unassigned"},
                 "accessory": {"type": "button", "action_id": "take_role", "value": "ic",
                               "text": {"type": "plain_text", "text": "Take role"}}},
                {"type": "section", "text": {"type": "mrkdwn", "text": "x"},
                 "accessory": {"type": "users_select", "action_id": "assign"}},
                {"type": "actions", "block_id": "act", "elements": [
                    {"type": "button", "action_id": "join", "text": {"type": "plain_text", "text": "Join"}},
                    {"type": "static_select", "action_id": "sel"}
                ]}
            ]),
        );
        assert_eq!(
            m.buttons(),
            vec![
                Button {
                    block_id: "role_ic".into(),
                    action_id: "take_role".into(),
                    value: Some("ic".into()),
                    text: "Take role".into()
                },
                Button {
                    block_id: "act".into(),
                    action_id: "join".into(),
                    value: None,
                    text: "Join".into()
                },
            ]
        );
    }

    #[test]
    fn plain_text_reads_text_and_every_text_bearing_block() {
        let m = message(
            "fallback",
            json!([
                {"type": "header", "text": {"type": "plain_text", "text": "INC-1"}},
                {"type": "section", "text": {"type": "mrkdwn", "text": "body"},
                 "fields": [{"type": "mrkdwn", "text": "*Severity*: P1"}]},
                {"type": "context", "elements": [{"type": "mrkdwn", "text": "ctx"},
                                                 {"type": "image", "image_url": "x", "alt_text": "img"}]},
                {"type": "divider"},
                {"type": "rich_text", "elements": [{"type": "rich_text_section", "elements": [
                    {"type": "text", "text": "hi "}, {"type": "user", "user_id": "U1"}]}]}
            ]),
        );
        assert_eq!(
            m.plain_text(),
            "fallback\nINC-1\nbody\n*Severity*: P1\nctx\nhi <@U1>"
        );
        assert_eq!(message("only", Value::Null).plain_text(), "only");
    }
}
