//! Layout blocks: the `blocks` array of a surface (count, unique `block_id`s) and each
//! block type Slack offers there (section, divider, header, actions, context, image, input,
//! rich_text, and markdown in messages).

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::{
    Checker, Surface, TextKind, MAX_ACTIONS_ELEMENTS, MAX_CONTEXT_ELEMENTS, MAX_HEADER_TEXT,
    MAX_ID, MAX_LABEL, MAX_MARKDOWN_BLOCK, MAX_MESSAGE_BLOCKS, MAX_SECTION_FIELD,
    MAX_SECTION_FIELDS, MAX_SECTION_TEXT, MAX_URL, MAX_VIEW_BLOCKS,
};

impl Checker {
    pub(super) fn blocks(&mut self, blocks: &Value, surface: Surface, at: &str) {
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

    pub(super) fn image(&mut self, obj: &Map<String, Value>, at: &str) {
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
}
