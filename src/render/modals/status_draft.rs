//! The status-page draft's Edit modal: the public words in one text field, read back as
//! the new text of the draft (its id travels in the view's metadata).

use super::{input, modal, FieldErrors, Modal, VALUE};
use crate::incident::model::Incident;
use crate::incident::status_page::StatusDraft;
use crate::render::mrkdwn::{escape, truncate};
use crate::slack::payload::ViewValues;
use serde_json::{json, Value};

/// The text's block; also where a refusal to edit is shown.
pub const TEXT: &str = "status_text";
/// Slack's limit on a plain-text input.
const MAX_TEXT: usize = 3000;

/// The Edit modal for `draft` of `inc`.
pub fn view(inc: &Incident, draft: &StatusDraft) -> Value {
    let element = json!({"type": "plain_text_input", "action_id": VALUE, "multiline": true,
                         "max_length": MAX_TEXT, "initial_value": truncate(&draft.text, MAX_TEXT)});
    modal(
        Modal::StatusDraft,
        &draft.id.to_string(),
        "Status page draft",
        "Save",
        json!([
            {"type": "section", "text": {"type": "mrkdwn", "text": format!(
                "*{}* — what the public reads while it is *{}*. Publishing is a separate step.",
                escape(&inc.id), draft.status.title())}},
            input(TEXT, "Public status text", element, false),
        ]),
    )
}

/// The draft id from the view's metadata and the submitted text, or what to fix.
pub fn read(metadata: &str, values: &ViewValues) -> Result<(i64, String), FieldErrors> {
    let Ok(id) = metadata.parse::<i64>() else {
        return Err(FieldErrors::from([(
            TEXT,
            "This form lost track of its draft; click Edit on the draft again.".to_string(),
        )]));
    };
    match values.text(TEXT) {
        Some(text) => Ok((id, text)),
        None => Err(FieldErrors::from([(
            TEXT,
            "Write the text the public should read.".to_string(),
        )])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::decide::fixtures::{incident, NOW};
    use crate::incident::status_page::{DraftState, PublicStatus};

    #[test]
    fn the_view_holds_the_text_and_the_draft_id() {
        let d = StatusDraft {
            id: 12,
            incident_id: incident().id,
            status: PublicStatus::Identified,
            text: "We found it <!here>".into(),
            state: DraftState::Drafted,
            created_at: NOW,
            edited_by: None,
            published_by: None,
            published_at: None,
            superseded_by: None,
        };
        let v = view(&incident(), &d);
        assert_eq!(v["callback_id"], "edit_status_draft");
        assert_eq!(v["private_metadata"], "12");
        // A plain-text input shows the words as typed; Slack does not read them as mrkdwn.
        assert_eq!(
            v["blocks"][1]["element"]["initial_value"],
            "We found it <!here>"
        );
        assert!(read("x", &ViewValues::default()).is_err());
        assert!(read("12", &ViewValues::default()).is_err());
    }
}
