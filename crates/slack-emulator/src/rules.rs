//! Slack's input rules: channel names, message content, Block Kit arrays and modals.
//!
//! These are the checks that make a real workspace answer `invalid_name_specials`,
//! `invalid_blocks` or `invalid_arguments`; the fake applies them so an app that passes its
//! tests does not meet them for the first time in production.

use std::collections::HashSet;

use serde_json::Value;

use super::api::{err, json_arg, str_arg, ApiError, Args};

/// Slack's documented limits that apps trip over.
pub(crate) const MAX_CHANNEL_NAME: usize = 80;
pub(crate) const MAX_TOPIC: usize = 250;
pub(crate) const MAX_TEXT: usize = 40_000;
pub(crate) const MAX_MESSAGE_BLOCKS: usize = 50;
pub(crate) const MAX_VIEW_BLOCKS: usize = 100;
pub(crate) const MAX_VIEW_TITLE: usize = 24;
pub(crate) const MAX_PRIVATE_METADATA: usize = 3_000;

/// Slack's channel-name rules: lowercase letters, digits, hyphens and underscores, at most 80.
pub(crate) fn validate_channel_name(name: &str) -> Result<(), ApiError> {
    if name.is_empty() {
        return err("invalid_name_required");
    }
    if name.chars().count() > MAX_CHANNEL_NAME {
        return err("invalid_name_maxlength");
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    {
        return err("invalid_name_specials");
    }
    if name.chars().all(|c| c == '-' || c == '_') {
        return err("invalid_name_punctuation");
    }
    Ok(())
}

/// The text and blocks of a message to post. Slack wants at least one of `text`, `blocks` or
/// `attachments`; an empty `blocks` array counts as none.
pub(crate) fn message_content(args: &Args) -> Result<(String, Value), ApiError> {
    let text = str_arg(args, "text");
    let blocks = match json_arg(args, "blocks") {
        Some(raw) => validate_blocks(raw, MAX_MESSAGE_BLOCKS, "invalid_blocks")?,
        None => Value::Null,
    };
    if text.is_none() && blocks.is_null() && !has_attachments(args) {
        return err("no_text");
    }
    let text = text.unwrap_or_default();
    if text.chars().count() > MAX_TEXT {
        return err("msg_too_long");
    }
    Ok((text, blocks))
}

pub(crate) fn has_attachments(args: &Args) -> bool {
    matches!(json_arg(args, "attachments"), Some(Value::Array(a)) if !a.is_empty())
}

/// Checks a Block Kit array: every block an object with a string `type`, at most `max` of
/// them, no `block_id` twice (Slack rejects duplicates). `[]` becomes `Null` (no blocks).
pub(crate) fn validate_blocks(
    raw: Value,
    max: usize,
    code: &'static str,
) -> Result<Value, ApiError> {
    let Value::Array(blocks) = raw else {
        return Err(ApiError::with_detail(
            code,
            "[ERROR] blocks must be a JSON array",
        ));
    };
    if blocks.len() > max {
        return Err(ApiError::with_detail(
            code,
            format!("[ERROR] no more than {max} items allowed [json-pointer:/blocks]"),
        ));
    }
    let mut block_ids = HashSet::new();
    for (i, block) in blocks.iter().enumerate() {
        if block.get("type").and_then(Value::as_str).is_none() {
            return Err(ApiError::with_detail(
                code,
                format!("[ERROR] missing required field: type [json-pointer:/blocks/{i}]"),
            ));
        }
        if let Some(id) = block.get("block_id").and_then(Value::as_str) {
            if !block_ids.insert(id.to_owned()) {
                return Err(ApiError::with_detail(
                    code,
                    format!("[ERROR] duplicate block_id {id} [json-pointer:/blocks/{i}]"),
                ));
            }
        }
    }
    if blocks.is_empty() {
        Ok(Value::Null)
    } else {
        Ok(Value::Array(blocks))
    }
}

/// Checks a modal the way `views.open` does, returning it unchanged. Slack answers
/// `invalid_arguments` for every violation, with the reason in `response_metadata`.
pub(crate) fn validate_view(view: Option<Value>) -> Result<Value, ApiError> {
    let invalid = |why: &str| ApiError::with_detail("invalid_arguments", format!("[ERROR] {why}"));
    let Some(view) = view else {
        return Err(invalid("missing required field: view"));
    };
    if !view.is_object() {
        return Err(invalid("view must be a JSON object"));
    }
    if view.get("type").and_then(Value::as_str) != Some("modal") {
        return Err(invalid("view type must be `modal`"));
    }
    for key in ["title", "submit", "close"] {
        let Some(label) = view.get(key) else {
            if key == "title" {
                return Err(invalid("missing required field: title"));
            }
            continue;
        };
        let text = label.get("text").and_then(Value::as_str);
        let is_plain = label.get("type").and_then(Value::as_str) == Some("plain_text");
        match text {
            Some(t) if is_plain && t.chars().count() <= MAX_VIEW_TITLE => {}
            _ => {
                return Err(invalid(&format!(
                    "{key} must be plain_text of at most {MAX_VIEW_TITLE} characters [json-pointer:/view/{key}]"
                )))
            }
        }
    }
    let blocks = view
        .get("blocks")
        .cloned()
        .ok_or_else(|| invalid("missing required field: blocks"))?;
    let blocks = validate_blocks(blocks, MAX_VIEW_BLOCKS, "invalid_arguments")?;
    let has_input = blocks.as_array().is_some_and(|bs| {
        bs.iter()
            .any(|b| b.get("type").and_then(Value::as_str) == Some("input"))
    });
    if has_input && view.get("submit").is_none() {
        return Err(invalid(
            "a view with input blocks needs a submit button [json-pointer:/view/submit]",
        ));
    }
    if let Some(meta) = view.get("private_metadata").and_then(Value::as_str) {
        if meta.chars().count() > MAX_PRIVATE_METADATA {
            return Err(invalid(
                "private_metadata must be at most 3000 characters [json-pointer:/view/private_metadata]",
            ));
        }
    }
    Ok(view)
}
