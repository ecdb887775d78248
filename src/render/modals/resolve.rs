//! The resolve modal: asks for the resolution summary (it becomes the post-mortem's root
//! cause), read back as the summary text.

use super::{input, modal, text_input, FieldErrors, Modal};
use crate::incident::model::Incident;
use crate::render::mrkdwn::{escape, truncate, user_text};
use crate::slack::payload::normalize_mentions;
use crate::slack::payload::ViewValues;
use serde_json::{json, Value};

/// The summary's block; also where a refusal to resolve is shown.
pub const SUMMARY: &str = "summary";

/// The resolve modal for `inc`.
pub fn view(inc: &Incident) -> Value {
    modal(
        Modal::Resolve,
        &inc.id,
        "Resolve incident",
        "Resolve",
        json!([
            {"type": "section", "text": {"type": "mrkdwn", "text": format!("*{}* {}", escape(&inc.id), user_text(&truncate(&inc.title, 200)))}},
            input(SUMMARY, "What fixed it, and what caused it?", text_input(true, None), false),
        ]),
    )
}

/// The submitted summary, or what to fix.
pub fn read(values: &ViewValues) -> Result<String, FieldErrors> {
    match values.text(SUMMARY) {
        Some(summary) => Ok(normalize_mentions(&summary)),
        None => Err(FieldErrors::from([(
            SUMMARY,
            "Write a short summary: it becomes the post-mortem's root cause.".to_string(),
        )])),
    }
}
