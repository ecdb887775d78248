//! Block elements: buttons, selects, choice lists, inputs and the rest, with unique
//! `action_id`s within a block.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::{
    Checker, TextKind, MAX_BUTTON_TEXT, MAX_BUTTON_VALUE, MAX_CHOICE_OPTIONS, MAX_ID,
    MAX_INPUT_LENGTH, MAX_OPTION_TEXT, MAX_PLACEHOLDER, MAX_STATIC_OPTIONS, MAX_URL,
};

impl Checker {
    /// An interactive element; `action_ids` are those already used in the same block.
    pub(super) fn element(&mut self, e: &Value, at: &str, action_ids: &mut HashSet<String>) {
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
}
