//! View objects: a modal (`views.open`, or a view the app answers an interaction with) and
//! an App Home tab (`views.publish`): their type, title and button labels, string fields and
//! blocks.

use serde_json::Value;

use super::{Checker, Surface, TextKind, MAX_ID, MAX_PRIVATE_METADATA, MAX_VIEW_LABEL};

impl Checker {
    pub(super) fn view(&mut self, view: &Value, at: &str) {
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

    pub(super) fn home_view(&mut self, view: &Value, at: &str) {
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
}
