//! Slack's input rules: channel names, message content, Block Kit arrays and modals.
//!
//! These are the checks that make a real workspace answer `invalid_name_specials`,
//! `invalid_blocks` or `invalid_arguments`; the fake applies them so an app that passes its
//! tests does not meet them for the first time in production.

use serde_json::Value;

use super::api::{err, json_arg, str_arg, ApiError, Args};
use super::block_kit::{check_blocks, check_home_view, check_view, Surface};

/// Slack's documented limits that apps trip over.
pub(crate) const MAX_CHANNEL_NAME: usize = 80;
pub(crate) const MAX_TOPIC: usize = 250;
pub(crate) const MAX_TEXT: usize = 40_000;

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
        Some(raw) => validate_blocks(raw, "invalid_blocks")?,
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

/// The `blocks` argument of a message: a JSON array (`[]` becomes `Null`, no blocks). The
/// Block Kit rules themselves are checked before the method runs ([`block_kit_errors`]).
pub(crate) fn validate_blocks(raw: Value, code: &'static str) -> Result<Value, ApiError> {
    match raw {
        Value::Array(blocks) if blocks.is_empty() => Ok(Value::Null),
        Value::Array(blocks) => Ok(Value::Array(blocks)),
        _ => Err(ApiError::with_detail(
            code,
            "[ERROR] must be an array [json-pointer:/blocks]",
        )),
    }
}

/// The `view` argument of `views.open` and `views.publish`: a JSON object (its Block Kit rules are checked before
/// the method runs, [`block_kit_errors`]).
pub(crate) fn validate_view(view: Option<Value>) -> Result<Value, ApiError> {
    match view {
        Some(view) if view.is_object() => Ok(view),
        Some(_) => Err(ApiError::with_detail(
            "invalid_arguments",
            "[ERROR] must be an object [json-pointer:/view]",
        )),
        None => Err(ApiError::with_detail(
            "invalid_arguments",
            "[ERROR] missing required field: view",
        )),
    }
}

/// Slack's answer to a call whose `blocks` or `view` breaks a Block Kit rule: messages answer
/// `invalid_blocks`, views `invalid_arguments`, each listing every broken rule.
pub(crate) fn block_kit_errors(method: &str, args: &Args) -> Option<ApiError> {
    let (key, code) = match method {
        "chat.postMessage" | "chat.update" | "chat.postEphemeral" => ("blocks", "invalid_blocks"),
        "views.open" | "views.publish" => ("view", "invalid_arguments"),
        _ => return None,
    };
    let value = json_arg(args, key)?;
    let problems = match key {
        "view" if value.is_object() && method == "views.publish" => check_home_view(&value),
        "view" if value.is_object() => check_view(&value),
        "blocks" if value.is_array() => check_blocks(&value, Surface::Message),
        // Not even the right JSON type: the method's own decoding answers.
        _ => return None,
    };
    (!problems.is_empty()).then(|| ApiError::with_messages(code, problems))
}
