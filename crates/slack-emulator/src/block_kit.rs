//! Slack's Block Kit rules: which blocks and elements exist, their required fields, which
//! text type each field takes, and the documented length and count limits.
//!
//! Slack rejects a message or view that breaks any of them (`invalid_blocks` for messages,
//! `invalid_arguments` for views) and lists every violation in `response_metadata.messages`
//! as `[ERROR] <reason> [json-pointer:<where>]`. [`check_blocks`] and [`check_view`] return
//! those messages (empty when valid), so the fake answers as Slack does and tests can check
//! a payload the app answered over HTTP (an interaction response carrying a view) too.

use std::collections::HashSet;

use serde_json::{Map, Value};

/// Where blocks are shown; messages and views (modals, App Home tabs) allow different
/// blocks and counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Surface {
    Message,
    Modal,
    Home,
}

pub const MAX_MESSAGE_BLOCKS: usize = 50;
pub const MAX_VIEW_BLOCKS: usize = 100;
pub const MAX_SECTION_TEXT: usize = 3_000;
pub const MAX_SECTION_FIELD: usize = 2_000;
pub const MAX_SECTION_FIELDS: usize = 10;
pub const MAX_HEADER_TEXT: usize = 150;
pub const MAX_BUTTON_TEXT: usize = 75;
pub const MAX_OPTION_TEXT: usize = 75;
pub const MAX_OPTION_VALUE: usize = 150;
pub const MAX_PLACEHOLDER: usize = 150;
pub const MAX_LABEL: usize = 2_000;
pub const MAX_VIEW_LABEL: usize = 24;
pub const MAX_ID: usize = 255;
pub const MAX_STATIC_OPTIONS: usize = 100;
pub const MAX_CHOICE_OPTIONS: usize = 10;
pub const MAX_ACTIONS_ELEMENTS: usize = 25;
pub const MAX_CONTEXT_ELEMENTS: usize = 10;
pub const MAX_BUTTON_VALUE: usize = 2_000;
pub const MAX_URL: usize = 3_000;
pub const MAX_PRIVATE_METADATA: usize = 3_000;
pub const MAX_MARKDOWN_BLOCK: usize = 12_000;
pub const MAX_INPUT_LENGTH: u64 = 3_000;

/// The violations of a `blocks` array shown on `surface` (empty when Slack accepts it).
pub fn check_blocks(blocks: &Value, surface: Surface) -> Vec<String> {
    let mut c = Checker::default();
    c.blocks(blocks, surface, "/blocks");
    c.errors
}

/// The violations of a modal `view` object, as `views.open` judges it (empty when valid).
pub fn check_view(view: &Value) -> Vec<String> {
    let mut c = Checker::default();
    c.view(view, "/view");
    c.errors
}

/// The violations of an App Home `view` object, as `views.publish` judges it (empty when
/// valid): `type` `home` and at most 100 blocks, each with the rules of a modal's.
pub fn check_home_view(view: &Value) -> Vec<String> {
    let mut c = Checker::default();
    c.home_view(view, "/view");
    c.errors
}

/// The `block_id`s of the input blocks of a view: the only keys a `response_action: errors`
/// may name.
pub fn input_block_ids(view: &Value) -> Vec<String> {
    view["blocks"]
        .as_array()
        .map(|blocks| {
            blocks
                .iter()
                .filter(|b| b["type"] == "input")
                .filter_map(|b| b["block_id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Which text objects a field accepts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum TextKind {
    Plain,
    Any,
}

#[derive(Default)]
struct Checker {
    errors: Vec<String>,
}

impl Checker {
    fn fail(&mut self, reason: impl std::fmt::Display, at: &str) {
        self.errors
            .push(format!("[ERROR] {reason} [json-pointer:{at}]"));
    }

    fn view(&mut self, view: &Value, at: &str) {
        let Some(obj) = view.as_object() else {
            self.fail("must be an object", at);
            return;
        };
        match obj.get("type").and_then(Value::as_str) {
            Some("modal") => {}
            Some(_) => self.fail("must be one of the provided values", &format!("{at}/type")),
            None => self.fail("missing required field: type", at),
        }
        match obj.get("title") {
            Some(t) => self.text(t, TextKind::Plain, MAX_VIEW_LABEL, &format!("{at}/title")),
            None => self.fail("missing required field: title", at),
        }
        for key in ["submit", "close"] {
            if let Some(t) = obj.get(key) {
                self.text(t, TextKind::Plain, MAX_VIEW_LABEL, &format!("{at}/{key}"));
            }
        }
        for key in ["private_metadata", "callback_id", "external_id"] {
            let max = if key == "private_metadata" {
                MAX_PRIVATE_METADATA
            } else {
                MAX_ID
            };
            self.opt_string(obj, key, max, at);
        }
        let Some(blocks) = obj.get("blocks") else {
            self.fail("missing required field: blocks", at);
            return;
        };
        self.blocks(blocks, Surface::Modal, &format!("{at}/blocks"));
        let has_input = blocks
            .as_array()
            .is_some_and(|bs| bs.iter().any(|b| b["type"] == "input"));
        if has_input && !obj.contains_key("submit") {
            self.fail(
                "a view with input blocks must have a submit button",
                &format!("{at}/submit"),
            );
        }
    }

    fn home_view(&mut self, view: &Value, at: &str) {
        let Some(obj) = view.as_object() else {
            self.fail("must be an object", at);
            return;
        };
        match obj.get("type").and_then(Value::as_str) {
            Some("home") => {}
            Some(_) => self.fail("must be one of the provided values", &format!("{at}/type")),
            None => self.fail("missing required field: type", at),
        }
        for key in ["private_metadata", "callback_id", "external_id"] {
            let max = if key == "private_metadata" {
                MAX_PRIVATE_METADATA
            } else {
                MAX_ID
            };
            self.opt_string(obj, key, max, at);
        }
        match obj.get("blocks") {
            Some(blocks) => self.blocks(blocks, Surface::Home, &format!("{at}/blocks")),
            None => self.fail("missing required field: blocks", at),
        }
    }

    fn blocks(&mut self, blocks: &Value, surface: Surface, at: &str) {
        let Some(blocks) = blocks.as_array() else {
            self.fail("must be an array", at);
            return;
        };
        let max = match surface {
            Surface::Message => MAX_MESSAGE_BLOCKS,
            Surface::Modal | Surface::Home => MAX_VIEW_BLOCKS,
        };
        if blocks.len() > max {
            self.fail(format!("no more than {max} items allowed"), at);
        }
        let mut block_ids = HashSet::new();
        for (i, block) in blocks.iter().enumerate() {
            let here = format!("{at}/{i}");
            if let Some(id) = block.get("block_id").and_then(Value::as_str) {
                if !block_ids.insert(id.to_owned()) {
                    self.fail(format!("duplicate block_id: {id}"), &here);
                }
            }
            self.block(block, surface, &here);
        }
    }

    fn block(&mut self, block: &Value, surface: Surface, at: &str) {
        let Some(obj) = block.as_object() else {
            self.fail("must be an object", at);
            return;
        };
        let Some(kind) = obj.get("type").and_then(Value::as_str) else {
            self.fail("missing required field: type", at);
            return;
        };
        self.opt_string(obj, "block_id", MAX_ID, at);
        match kind {
            "section" => self.section(obj, at),
            "divider" => {}
            "header" => self.required_text(obj, "text", TextKind::Plain, MAX_HEADER_TEXT, at),
            "actions" => self.actions(obj, at),
            "context" => self.context(obj, at),
            "image" => self.image(obj, at),
            "input" => self.input(obj, at),
            "rich_text" => {
                if !obj.get("elements").is_some_and(Value::is_array) {
                    self.fail("missing required field: elements", at);
                }
            }
            "markdown" if surface == Surface::Message => match obj.get("text") {
                Some(Value::String(t)) if t.chars().count() <= MAX_MARKDOWN_BLOCK => {}
                Some(Value::String(_)) => self.fail(
                    format!("must be less than {} characters", MAX_MARKDOWN_BLOCK + 1),
                    &format!("{at}/text"),
                ),
                Some(_) => self.fail("must provide a string", &format!("{at}/text")),
                None => self.fail("missing required field: text", at),
            },
            _ => self.fail(
                format!("unsupported block type {kind:?} in a {surface:?}"),
                &format!("{at}/type"),
            ),
        }
    }

    fn section(&mut self, obj: &Map<String, Value>, at: &str) {
        let text = obj.get("text");
        let fields = obj.get("fields");
        if text.is_none() && fields.is_none() {
            self.fail("must provide either text or fields", at);
        }
        if let Some(t) = text {
            self.text(t, TextKind::Any, MAX_SECTION_TEXT, &format!("{at}/text"));
        }
        if let Some(fields) = fields {
            match fields.as_array() {
                Some(items) if items.is_empty() => {
                    self.fail("must provide at least 1 item", &format!("{at}/fields"))
                }
                Some(items) => {
                    if items.len() > MAX_SECTION_FIELDS {
                        self.fail(
                            format!("no more than {MAX_SECTION_FIELDS} items allowed"),
                            &format!("{at}/fields"),
                        );
                    }
                    for (i, f) in items.iter().enumerate() {
                        self.text(
                            f,
                            TextKind::Any,
                            MAX_SECTION_FIELD,
                            &format!("{at}/fields/{i}"),
                        );
                    }
                }
                None => self.fail("must be an array", &format!("{at}/fields")),
            }
        }
        if let Some(accessory) = obj.get("accessory") {
            let mut action_ids = HashSet::new();
            self.element(accessory, &format!("{at}/accessory"), &mut action_ids);
        }
    }

    fn actions(&mut self, obj: &Map<String, Value>, at: &str) {
        let Some(elements) = self.element_list(obj, MAX_ACTIONS_ELEMENTS, at) else {
            return;
        };
        let mut action_ids = HashSet::new();
        for (i, e) in elements.iter().enumerate() {
            let here = format!("{at}/elements/{i}");
            if e["type"] == "plain_text_input" {
                self.fail("plain_text_input is only allowed in input blocks", &here);
                continue;
            }
            self.element(e, &here, &mut action_ids);
        }
    }

    fn context(&mut self, obj: &Map<String, Value>, at: &str) {
        let Some(elements) = self.element_list(obj, MAX_CONTEXT_ELEMENTS, at) else {
            return;
        };
        for (i, e) in elements.iter().enumerate() {
            let here = format!("{at}/elements/{i}");
            match e["type"].as_str() {
                Some("image") => self.image(e.as_object().unwrap_or(&Map::new()), &here),
                Some("plain_text") | Some("mrkdwn") => {
                    self.text(e, TextKind::Any, MAX_SECTION_TEXT, &here)
                }
                _ => self.fail("must be an image element or a text object", &here),
            }
        }
    }

    fn element_list<'a>(
        &mut self,
        obj: &'a Map<String, Value>,
        max: usize,
        at: &str,
    ) -> Option<&'a Vec<Value>> {
        let Some(elements) = obj.get("elements") else {
            self.fail("missing required field: elements", at);
            return None;
        };
        let here = format!("{at}/elements");
        let Some(elements) = elements.as_array() else {
            self.fail("must be an array", &here);
            return None;
        };
        if elements.is_empty() {
            self.fail("must provide at least 1 item", &here);
        }
        if elements.len() > max {
            self.fail(format!("no more than {max} items allowed"), &here);
        }
        Some(elements)
    }

    fn image(&mut self, obj: &Map<String, Value>, at: &str) {
        if !obj.contains_key("image_url") && !obj.contains_key("slack_file") {
            self.fail("missing required field: image_url", at);
        }
        self.opt_string(obj, "image_url", MAX_URL, at);
        match obj.get("alt_text") {
            Some(Value::String(t)) if !t.is_empty() && t.chars().count() <= MAX_LABEL => {}
            Some(_) => self.fail("must be a non-empty string", &format!("{at}/alt_text")),
            None => self.fail("missing required field: alt_text", at),
        }
        if let Some(title) = obj.get("title") {
            self.text(title, TextKind::Plain, MAX_LABEL, &format!("{at}/title"));
        }
    }

    fn input(&mut self, obj: &Map<String, Value>, at: &str) {
        self.required_text(obj, "label", TextKind::Plain, MAX_LABEL, at);
        if let Some(hint) = obj.get("hint") {
            self.text(hint, TextKind::Plain, MAX_LABEL, &format!("{at}/hint"));
        }
        for key in ["optional", "dispatch_action"] {
            if obj.get(key).is_some_and(|v| !v.is_boolean()) {
                self.fail("must be a boolean", &format!("{at}/{key}"));
            }
        }
        let Some(element) = obj.get("element") else {
            self.fail("missing required field: element", at);
            return;
        };
        let here = format!("{at}/element");
        let allowed = [
            "plain_text_input",
            "checkboxes",
            "radio_buttons",
            "static_select",
            "users_select",
            "conversations_select",
            "channels_select",
            "external_select",
            "multi_static_select",
            "multi_users_select",
            "multi_conversations_select",
            "multi_channels_select",
            "multi_external_select",
            "datepicker",
            "timepicker",
            "datetimepicker",
            "email_text_input",
            "url_text_input",
            "number_input",
            "rich_text_input",
            "file_input",
        ];
        match element["type"].as_str() {
            Some(kind) if allowed.contains(&kind) => {
                self.element(element, &here, &mut HashSet::new())
            }
            _ => self.fail("unsupported element type in an input block", &here),
        }
    }

    /// An interactive element; `action_ids` are those already used in the same block.
    fn element(&mut self, e: &Value, at: &str, action_ids: &mut HashSet<String>) {
        let Some(obj) = e.as_object() else {
            self.fail("must be an object", at);
            return;
        };
        let Some(kind) = obj.get("type").and_then(Value::as_str) else {
            self.fail("missing required field: type", at);
            return;
        };
        self.opt_string(obj, "action_id", MAX_ID, at);
        if let Some(id) = obj.get("action_id").and_then(Value::as_str) {
            if !action_ids.insert(id.to_owned()) {
                self.fail(
                    format!("duplicate action_id: {id}"),
                    &format!("{at}/action_id"),
                );
            }
        }
        if let Some(p) = obj.get("placeholder") {
            self.text(
                p,
                TextKind::Plain,
                MAX_PLACEHOLDER,
                &format!("{at}/placeholder"),
            );
        }
        match kind {
            "button" => {
                self.required_text(obj, "text", TextKind::Plain, MAX_BUTTON_TEXT, at);
                self.opt_string(obj, "value", MAX_BUTTON_VALUE, at);
                self.opt_string(obj, "url", MAX_URL, at);
                if let Some(style) = obj.get("style") {
                    if style != "primary" && style != "danger" {
                        self.fail("must be one of the provided values", &format!("{at}/style"));
                    }
                }
            }
            "static_select" | "multi_static_select" => self.static_select(obj, at),
            "overflow" => self.options(obj, TextKind::Plain, 5, at, true),
            "checkboxes" | "radio_buttons" => {
                self.options(obj, TextKind::Any, MAX_CHOICE_OPTIONS, at, true)
            }
            "plain_text_input" => {
                for key in ["min_length", "max_length"] {
                    match obj.get(key) {
                        None => {}
                        Some(v) if v.as_u64().is_some_and(|n| n <= MAX_INPUT_LENGTH) => {}
                        Some(_) => self.fail(
                            format!("must be an integer of at most {MAX_INPUT_LENGTH}"),
                            &format!("{at}/{key}"),
                        ),
                    }
                }
                if let Some(v) = obj.get("initial_value") {
                    if !v.is_string() {
                        self.fail("must provide a string", &format!("{at}/initial_value"));
                    }
                }
            }
            "users_select"
            | "conversations_select"
            | "channels_select"
            | "external_select"
            | "multi_users_select"
            | "multi_conversations_select"
            | "multi_channels_select"
            | "multi_external_select"
            | "datepicker"
            | "timepicker"
            | "datetimepicker"
            | "email_text_input"
            | "url_text_input"
            | "number_input"
            | "rich_text_input"
            | "file_input"
            | "workflow_button" => {}
            "image" => self.image(obj, at),
            _ => self.fail(
                format!("unsupported element type {kind:?}"),
                &format!("{at}/type"),
            ),
        }
    }

    fn static_select(&mut self, obj: &Map<String, Value>, at: &str) {
        if obj.contains_key("option_groups") {
            let Some(groups) = obj["option_groups"].as_array() else {
                self.fail("must be an array", &format!("{at}/option_groups"));
                return;
            };
            if groups.len() > MAX_STATIC_OPTIONS {
                self.fail(
                    format!("no more than {MAX_STATIC_OPTIONS} items allowed"),
                    &format!("{at}/option_groups"),
                );
            }
            for (i, g) in groups.iter().enumerate() {
                let here = format!("{at}/option_groups/{i}");
                let g = g.as_object().cloned().unwrap_or_default();
                self.required_text(&g, "label", TextKind::Plain, MAX_OPTION_TEXT, &here);
                self.options(&g, TextKind::Plain, MAX_STATIC_OPTIONS, &here, false);
            }
            return;
        }
        self.options(obj, TextKind::Plain, MAX_STATIC_OPTIONS, at, false);
        if let Some(initial) = obj.get("initial_option") {
            let listed = obj["options"]
                .as_array()
                .is_some_and(|opts| opts.iter().any(|o| o == initial));
            if !listed {
                self.fail(
                    "initial_option must be one of the options",
                    &format!("{at}/initial_option"),
                );
            }
        }
    }

    /// `options`: required, 1..=`max` option objects whose text is of `kind`.
    fn options(
        &mut self,
        obj: &Map<String, Value>,
        kind: TextKind,
        max: usize,
        at: &str,
        needs_two: bool,
    ) {
        let here = format!("{at}/options");
        let Some(options) = obj.get("options") else {
            self.fail("missing required field: options", at);
            return;
        };
        let Some(options) = options.as_array() else {
            self.fail("must be an array", &here);
            return;
        };
        let min = if needs_two && obj["type"] == "overflow" {
            2
        } else {
            1
        };
        if options.len() < min {
            self.fail(format!("must provide at least {min} items"), &here);
        }
        if options.len() > max {
            self.fail(format!("no more than {max} items allowed"), &here);
        }
        for (i, o) in options.iter().enumerate() {
            let at = format!("{here}/{i}");
            let o = o.as_object().cloned().unwrap_or_default();
            self.required_text(&o, "text", kind, MAX_OPTION_TEXT, &at);
            if let Some(d) = o.get("description") {
                self.text(d, kind, MAX_OPTION_TEXT, &format!("{at}/description"));
            }
            match o.get("value") {
                Some(Value::String(v)) if v.chars().count() <= MAX_OPTION_VALUE => {}
                Some(_) => self.fail(
                    format!("must be a string of at most {MAX_OPTION_VALUE} characters"),
                    &format!("{at}/value"),
                ),
                None => self.fail("missing required field: value", &at),
            }
        }
    }

    fn required_text(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        kind: TextKind,
        max: usize,
        at: &str,
    ) {
        match obj.get(key) {
            Some(t) => self.text(t, kind, max, &format!("{at}/{key}")),
            None => self.fail(format!("missing required field: {key}"), at),
        }
    }

    /// A text object: `plain_text` (or `mrkdwn` where `kind` allows it), non-empty, at most
    /// `max` characters.
    fn text(&mut self, t: &Value, kind: TextKind, max: usize, at: &str) {
        let Some(obj) = t.as_object() else {
            self.fail("must be a text object", at);
            return;
        };
        match (obj.get("type").and_then(Value::as_str), kind) {
            (Some("plain_text"), _) | (Some("mrkdwn"), TextKind::Any) => {}
            (Some("mrkdwn"), TextKind::Plain) => {
                self.fail("must be a plain_text object", &format!("{at}/type"))
            }
            _ => self.fail(
                "must be one of the provided values (plain_text, mrkdwn)",
                &format!("{at}/type"),
            ),
        }
        if obj["type"] == "plain_text" && obj.contains_key("verbatim") {
            self.fail(
                "verbatim is only allowed in mrkdwn",
                &format!("{at}/verbatim"),
            );
        }
        if obj["type"] == "mrkdwn" && obj.contains_key("emoji") {
            self.fail(
                "emoji is only allowed in plain_text",
                &format!("{at}/emoji"),
            );
        }
        match obj.get("text") {
            Some(Value::String(s)) if s.is_empty() => {
                self.fail("must be more than 0 characters", &format!("{at}/text"))
            }
            Some(Value::String(s)) if s.chars().count() > max => self.fail(
                format!("must be less than {} characters", max + 1),
                &format!("{at}/text"),
            ),
            Some(Value::String(_)) => {}
            Some(_) => self.fail("must provide a string", &format!("{at}/text")),
            None => self.fail("missing required field: text", at),
        }
    }

    fn opt_string(&mut self, obj: &Map<String, Value>, key: &str, max: usize, at: &str) {
        match obj.get(key) {
            None => {}
            Some(Value::String(s)) if s.chars().count() <= max => {}
            Some(Value::String(_)) => self.fail(
                format!("must be less than {} characters", max + 1),
                &format!("{at}/{key}"),
            ),
            Some(_) => self.fail("must provide a string", &format!("{at}/{key}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn plain(t: &str) -> Value {
        json!({"type": "plain_text", "text": t})
    }

    fn one(blocks: Value) -> Vec<String> {
        check_blocks(&blocks, Surface::Message)
    }

    #[test]
    fn a_typical_card_is_valid() {
        let blocks = json!([
            {"type": "header", "text": plain("INC-1: Checkout down")},
            {"type": "section", "text": {"type": "mrkdwn", "text": "*Severity:* P1"},
             "fields": [{"type": "mrkdwn", "text": "*IC:* <@U1>"}]},
            {"type": "divider"},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": "declared"}]},
            {"type": "actions", "block_id": "role:1:ic", "elements": [
                {"type": "button", "action_id": "take", "text": plain("Take role"), "value": "1:ic"},
                {"type": "users_select", "action_id": "assign", "placeholder": plain("Assign")},
            ]},
        ]);
        assert_eq!(one(blocks), Vec::<String>::new());
    }

    #[test]
    fn lengths_are_slacks() {
        let long = |n: usize| "x".repeat(n);
        assert!(
            one(json!([{"type": "section", "text": {"type": "mrkdwn", "text": long(3000)}}]))
                .is_empty()
        );
        let e = one(json!([{"type": "section", "text": {"type": "mrkdwn", "text": long(3001)}}]));
        assert_eq!(
            e,
            vec!["[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]"]
        );
        assert_eq!(
            one(json!([{"type": "header", "text": plain(&long(151))}])).len(),
            1
        );
        assert_eq!(
            one(json!([{"type": "actions", "elements": [
                {"type": "button", "action_id": "a", "text": plain(&long(76))}]}]))
            .len(),
            1
        );
        let options: Vec<Value> = (0..101)
            .map(|i| json!({"text": plain(&i.to_string()), "value": i.to_string()}))
            .collect();
        let e = one(json!([{"type": "actions", "elements": [
            {"type": "static_select", "action_id": "s", "placeholder": plain(&long(151)), "options": options}]}]));
        assert_eq!(e.len(), 2, "{e:?}");
        let blocks: Vec<Value> = (0..51).map(|_| json!({"type": "divider"})).collect();
        assert_eq!(
            one(Value::Array(blocks)),
            vec!["[ERROR] no more than 50 items allowed [json-pointer:/blocks]"]
        );
    }

    #[test]
    fn ids_are_unique_and_bounded() {
        let e = one(json!([
            {"type": "divider", "block_id": "a"},
            {"type": "divider", "block_id": "a"},
            {"type": "actions", "block_id": "x".repeat(256), "elements": [
                {"type": "button", "action_id": "b", "text": plain("1")},
                {"type": "button", "action_id": "b", "text": plain("2")}]},
        ]));
        assert_eq!(e.len(), 3, "{e:?}");
        // The same action_id in two blocks is fine.
        assert!(one(json!([
            {"type": "actions", "elements": [{"type": "button", "action_id": "b", "text": plain("1")}]},
            {"type": "actions", "elements": [{"type": "button", "action_id": "b", "text": plain("1")}]},
        ]))
        .is_empty());
    }

    #[test]
    fn text_types_where_each_is_allowed() {
        let mrkdwn = json!({"type": "mrkdwn", "text": "*x*"});
        assert_eq!(one(json!([{"type": "header", "text": mrkdwn}])).len(), 1);
        assert_eq!(
            one(json!([{"type": "actions", "elements": [{"type": "button", "action_id": "a", "text": mrkdwn}]}])).len(),
            1
        );
        assert!(one(json!([{"type": "section", "text": mrkdwn}])).is_empty());
        assert_eq!(one(json!([{"type": "section"}])).len(), 1);
        assert_eq!(
            one(json!([{"type": "section", "text": plain("")}])).len(),
            1
        );
        assert_eq!(one(json!([{"type": "carousel"}])).len(), 1);
        assert_eq!(
            one(
                json!([{"type": "input", "label": plain("x"), "element": {"type": "plain_text_input"}}])
            ),
            Vec::<String>::new()
        );
    }

    #[test]
    fn views_have_short_labels_and_a_submit_for_inputs() {
        let view = json!({"type": "modal", "title": plain("Declare an incident"), "submit": plain("Declare"),
            "blocks": [{"type": "input", "block_id": "title", "label": plain("Title"),
                "element": {"type": "plain_text_input", "action_id": "v"}}]});
        assert!(check_view(&view).is_empty());
        assert_eq!(input_block_ids(&view), vec!["title"]);
        let mut long = view.clone();
        long["title"] = plain(&"x".repeat(25));
        assert_eq!(
            check_view(&long),
            vec!["[ERROR] must be less than 25 characters [json-pointer:/view/title/text]"]
        );
        let mut no_submit = view.clone();
        no_submit.as_object_mut().unwrap().remove("submit");
        assert_eq!(check_view(&no_submit).len(), 1);
        assert_eq!(check_view(&json!({"type": "home", "blocks": []})).len(), 2);
    }
}
