//! The modals warroom opens, each in its own file with its builder (the view) and its
//! reader (the submitted values → a typed request, or the errors to show on the fields),
//! so a block id is written and read in one place.
//!
//! - `declare.rs`: `/incident` with no arguments; title, severity or impact × urgency, …
//! - `update.rs`: the status update (status, summary, impact, actions, next steps, ETA);
//! - `resolve.rs`: the resolution summary;
//! - `status_draft.rs`: a status-page draft's public text.

pub mod declare;
pub mod resolve;
pub mod status_draft;
pub mod update;

use super::blocks::plain;
use super::mrkdwn::truncate;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Messages to show under the named blocks (`response_action: errors`).
pub type FieldErrors = BTreeMap<&'static str, String>;

/// The modal a submission comes from, by its `callback_id`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Modal {
    Declare,
    Update,
    Resolve,
    StatusDraft,
}

impl Modal {
    pub fn callback_id(self) -> &'static str {
        match self {
            Modal::Declare => "declare_incident",
            Modal::Update => "post_update",
            Modal::Resolve => "resolve_incident",
            Modal::StatusDraft => "edit_status_draft",
        }
    }

    /// `None` for a view warroom did not open.
    pub fn from_callback_id(id: &str) -> Option<Modal> {
        [
            Modal::Declare,
            Modal::Update,
            Modal::Resolve,
            Modal::StatusDraft,
        ]
        .into_iter()
        .find(|m| m.callback_id() == id)
    }
}

/// Every input has this action id; the block id tells them apart.
const VALUE: &str = "value";

fn input(block_id: &str, label: &str, element: Value, optional: bool) -> Value {
    json!({"type": "input", "block_id": block_id, "optional": optional, "label": plain(label), "element": element})
}

fn text_input(multiline: bool, initial: Option<&str>) -> Value {
    let mut e = json!({"type": "plain_text_input", "action_id": VALUE, "multiline": multiline});
    if let Some(v) = initial.filter(|v| !v.is_empty()) {
        e["initial_value"] = json!(v);
    }
    e
}

fn option(text: &str, value: &str) -> Value {
    json!({"text": plain(&truncate(text, 75)), "value": value})
}

/// The modal's frame around `blocks`; `metadata` comes back with the submission.
fn modal(modal: Modal, metadata: &str, title: &str, submit: &str, blocks: Value) -> Value {
    json!({
        "type": "modal",
        "callback_id": modal.callback_id(),
        "private_metadata": metadata,
        "title": plain(title),
        "submit": plain(submit),
        "close": plain("Cancel"),
        "blocks": blocks
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callback_ids_round_trip_and_do_not_change() {
        // Views already open in Slack carry these; renaming one breaks their submission.
        for (m, id) in [
            (Modal::Declare, "declare_incident"),
            (Modal::Update, "post_update"),
            (Modal::Resolve, "resolve_incident"),
            (Modal::StatusDraft, "edit_status_draft"),
        ] {
            assert_eq!(m.callback_id(), id);
            assert_eq!(Modal::from_callback_id(id), Some(m));
        }
        assert_eq!(Modal::from_callback_id("something_else"), None);
    }
}
