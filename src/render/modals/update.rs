//! The status-update modal (the update template: status, summary, impact, actions taken,
//! next steps, ETA): built for "Post update" and `/incident update`, read back into
//! [`UpdateFields`].

use super::{input, modal, option, text_input, FieldErrors, Modal, VALUE};
use crate::incident::decide::UpdateFields;
use crate::incident::model::{Incident, Status};
use crate::slack::payload::normalize_mentions;
use crate::slack::payload::ViewValues;
use serde_json::{json, Value};

const STATUS: &str = "status";
/// Also where a refusal of the update is shown.
pub const SUMMARY: &str = "summary";
const IMPACT: &str = "impact";
const ACTIONS: &str = "actions_taken";
const NEXT: &str = "next_steps";
const ETA: &str = "eta";

/// The update modal for `inc`, its status and impact filled in.
pub fn view(inc: &Incident) -> Value {
    let statuses: Vec<Value> = Status::ALL
        .iter()
        .filter(|s| s.is_open())
        .map(|s| option(s.title(), s.as_str()))
        .collect();
    let current = option(inc.status.title(), inc.status.as_str());
    modal(
        Modal::Update,
        &inc.id,
        "Status update",
        "Post update",
        json!([
            input(
                STATUS,
                "Current status",
                json!({"type": "static_select", "action_id": VALUE,
                "options": statuses, "initial_option": current}),
                false
            ),
            input(SUMMARY, "What is going on", text_input(true, None), false),
            input(IMPACT, "Impact", text_input(false, Some(&inc.impact)), true),
            input(ACTIONS, "Actions taken", text_input(true, None), true),
            input(NEXT, "Next steps", text_input(true, None), true),
            input(ETA, "ETA", text_input(false, None), true),
        ]),
    )
}

/// The submitted update, or what to fix.
pub fn read(values: &ViewValues) -> Result<UpdateFields, FieldErrors> {
    let status = values.selected(STATUS).and_then(|s| Status::parse(&s));
    let Some(summary) = values.text(SUMMARY) else {
        return Err(FieldErrors::from([(
            SUMMARY,
            "Say what is going on.".to_string(),
        )]));
    };
    let text = |b: &str| {
        values
            .text(b)
            .map(|t| normalize_mentions(&t))
            .unwrap_or_default()
    };
    Ok(UpdateFields {
        status,
        summary: normalize_mentions(&summary),
        impact: text(IMPACT),
        actions_taken: text(ACTIONS),
        next_steps: text(NEXT),
        eta: text(ETA),
    })
}
