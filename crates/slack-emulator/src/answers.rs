//! What Slack accepts as the app's HTTP answer to a slash command or an interaction.
//!
//! Slack reads these answers itself (they are not Web API calls), so a wrong one does not
//! fail loudly: the user sees "failed with the error …" or nothing at all. The rules:
//!
//! - every answer is HTTP 200, within 3 seconds;
//! - a slash command may answer with an empty body, plain text (shown to the user), or a JSON
//!   message whose `response_type` is `ephemeral` or `in_channel` and whose `blocks` are a
//!   valid message;
//! - `block_actions`, `message_action`, `shortcut` and `view_closed` want an empty body;
//! - `view_submission` wants an empty body (the modal closes), or a JSON object whose
//!   `response_action` is `clear`, `update` or `push` (with a valid `view`) or `errors`, whose
//!   `errors` keys must be `block_id`s of input blocks in the submitted view.
//!
//! Each function returns the broken rules (empty when Slack would accept the answer).

use serde_json::Value;

use crate::block_kit::{check_blocks, check_view, input_block_ids, Surface};

/// The maximum length of a message's `text`.
const MAX_TEXT: usize = 40_000;

/// Checks the answer to a slash command.
pub fn check_command_answer(status: u16, body: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if status != 200 {
        problems.push(format!(
            "slash command answered HTTP {status}; Slack shows the user an error for anything but 200"
        ));
        return problems;
    }
    let trimmed = body.trim();
    if trimmed.is_empty() {
        return problems;
    }
    let Ok(json) = serde_json::from_str::<Value>(trimmed) else {
        // Plain text: shown to the user as an ephemeral message.
        if body.chars().count() > MAX_TEXT {
            problems.push(format!(
                "slash command answer longer than {MAX_TEXT} characters"
            ));
        }
        return problems;
    };
    let Some(obj) = json.as_object() else {
        problems.push("slash command answer is JSON but not an object".to_owned());
        return problems;
    };
    if let Some(kind) = obj.get("response_type") {
        if kind != "ephemeral" && kind != "in_channel" {
            problems.push(format!(
                "response_type {kind} is not one of \"ephemeral\", \"in_channel\""
            ));
        }
    }
    if !obj.contains_key("text") && !obj.contains_key("blocks") {
        problems.push("slash command JSON answer has neither text nor blocks".to_owned());
    }
    if let Some(text) = obj.get("text") {
        match text.as_str() {
            Some(t) if t.chars().count() > MAX_TEXT => {
                problems.push(format!("text longer than {MAX_TEXT} characters"))
            }
            Some(_) => {}
            None => problems.push("text must be a string".to_owned()),
        }
    }
    if let Some(blocks) = obj.get("blocks") {
        problems.extend(check_blocks(blocks, Surface::Message));
    }
    problems
}

/// Checks the answer to an interaction `payload` (as Slack sent it to the app).
pub fn check_interaction_answer(payload: &Value, status: u16, body: &str) -> Vec<String> {
    let kind = payload["type"].as_str().unwrap_or_default();
    let mut problems = Vec::new();
    if status != 200 {
        problems.push(format!(
            "{kind} answered HTTP {status}; Slack wants 200 (the user sees an error otherwise)"
        ));
        return problems;
    }
    let trimmed = body.trim();
    if kind != "view_submission" {
        if !trimmed.is_empty() {
            problems.push(format!(
                "{kind} answered with a body ({trimmed:.80}); Slack wants an empty 200"
            ));
        }
        return problems;
    }
    if trimmed.is_empty() {
        return problems;
    }
    let Ok(answer) = serde_json::from_str::<Value>(trimmed) else {
        problems.push(format!(
            "view_submission answered with a body that is not JSON ({trimmed:.80})"
        ));
        return problems;
    };
    match answer["response_action"].as_str() {
        Some("clear") => {}
        Some("update") | Some("push") => problems.extend(check_view(&answer["view"])),
        Some("errors") => {
            let inputs = input_block_ids(&payload["view"]);
            match answer["errors"].as_object() {
                Some(errors) if !errors.is_empty() => {
                    for (block_id, message) in errors {
                        if !inputs.contains(block_id) {
                            problems.push(format!(
                                "errors names {block_id:?}, not an input block of the submitted view (inputs: {inputs:?})"
                            ));
                        }
                        if !message.is_string() {
                            problems.push(format!("errors[{block_id:?}] must be a string"));
                        }
                    }
                }
                _ => problems.push("response_action errors without an errors object".to_owned()),
            }
        }
        other => problems.push(format!(
            "view_submission response_action {other:?} is not one of clear, update, push, errors"
        )),
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn slash_command_answers() {
        assert!(check_command_answer(200, "").is_empty());
        assert!(check_command_answer(200, "plain words").is_empty());
        assert!(
            check_command_answer(200, r#"{"response_type":"ephemeral","text":"x"}"#).is_empty()
        );
        assert_eq!(
            check_command_answer(200, r#"{"response_type":"private","text":"x"}"#).len(),
            1
        );
        assert_eq!(
            check_command_answer(200, r#"{"response_type":"in_channel"}"#).len(),
            1
        );
        assert_eq!(check_command_answer(500, "").len(), 1);
        let bad_blocks = json!({"text": "x", "blocks": [{"type": "header", "text": {"type": "mrkdwn", "text": "x"}}]});
        assert_eq!(check_command_answer(200, &bad_blocks.to_string()).len(), 1);
    }

    #[test]
    fn interaction_answers() {
        let click = json!({"type": "block_actions"});
        assert!(check_interaction_answer(&click, 200, "").is_empty());
        assert_eq!(check_interaction_answer(&click, 200, "{}").len(), 1);
        assert_eq!(check_interaction_answer(&click, 404, "").len(), 1);

        let submitted = json!({"type": "view_submission", "view": {"blocks": [
            {"type": "input", "block_id": "title", "label": {"type": "plain_text", "text": "T"},
             "element": {"type": "plain_text_input", "action_id": "v"}},
            {"type": "section", "block_id": "info", "text": {"type": "mrkdwn", "text": "x"}}]}});
        assert!(check_interaction_answer(&submitted, 200, "").is_empty());
        let errors = json!({"response_action": "errors", "errors": {"title": "Too long"}});
        assert!(check_interaction_answer(&submitted, 200, &errors.to_string()).is_empty());
        let wrong = json!({"response_action": "errors", "errors": {"info": "no"}});
        assert_eq!(
            check_interaction_answer(&submitted, 200, &wrong.to_string()).len(),
            1
        );
        let unknown = json!({"response_action": "close"});
        assert_eq!(
            check_interaction_answer(&submitted, 200, &unknown.to_string()).len(),
            1
        );
        let update = json!({"response_action": "update", "view": {"type": "modal", "title": {"type": "plain_text", "text": "x"}, "blocks": []}});
        assert!(check_interaction_answer(&submitted, 200, &update.to_string()).is_empty());
    }
}
