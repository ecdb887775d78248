//! Composition objects and plain fields: text objects (which type where, non-empty, how
//! long), option objects, and optional string fields with a maximum length.

use serde_json::{Map, Value};

use super::{Checker, TextKind, MAX_OPTION_TEXT, MAX_OPTION_VALUE};

impl Checker {
    /// `options`: required, 1..=`max` option objects whose text is of `kind`.
    pub(super) fn options(
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

    pub(super) fn required_text(
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
    pub(super) fn text(&mut self, t: &Value, kind: TextKind, max: usize, at: &str) {
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

    pub(super) fn opt_string(&mut self, obj: &Map<String, Value>, key: &str, max: usize, at: &str) {
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
