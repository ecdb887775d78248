//! The declare modal: built for `/incident` (or "Declare" in a shortcut), read back on
//! submission into a [`DeclareRequest`].

use super::{input, modal, option, text_input, FieldErrors, Modal, VALUE};
use crate::incident::decide::DeclareRequest;
use crate::policy::{Impact, Policy, Urgency};
use crate::render::blocks::plain;
use crate::render::mrkdwn::truncate;
use crate::slack::payload::normalize_mentions;
use crate::slack::payload::ViewValues;
use serde_json::{json, Value};

const TITLE: &str = "title";
/// Also where a refusal to declare is shown.
pub const SEVERITY: &str = "severity";
const IMPACT: &str = "impact";
const URGENCY: &str = "urgency";
const SERVICE: &str = "service";
const DESCRIPTION: &str = "description";
const PRIVATE: &str = "private";
const DRILL: &str = "drill";

/// The declare modal. `origin_channel` rides in `private_metadata` so the answer
/// goes back where the command was typed.
pub fn view(policy: &Policy, origin_channel: &str) -> Value {
    let severities: Vec<Value> = policy
        .severities
        .iter()
        .map(|s| {
            let mut o = option(&s.display(), &s.name);
            if !s.description.is_empty() {
                o["description"] = plain(&truncate(&s.description, 75));
            }
            o
        })
        .collect();
    modal(
        Modal::Declare,
        origin_channel,
        "Declare incident",
        "Declare",
        json!([
            input(TITLE, "Title", text_input(false, None), false),
            input(
                SEVERITY,
                "Severity",
                json!({"type": "static_select", "action_id": VALUE,
                "placeholder": plain("Choose, or let impact and urgency decide"), "options": severities}),
                true
            ),
            input(
                IMPACT,
                "Impact",
                json!({"type": "static_select", "action_id": VALUE, "options": [
                option("All users", "all"), option("Some users", "some"), option("A single user", "single")]}),
                true
            ),
            input(
                URGENCY,
                "Urgency",
                json!({"type": "static_select", "action_id": VALUE, "options": [
                option("Complete failure", "complete"), option("Degraded", "degraded")]}),
                true
            ),
            input(SERVICE, "Affected service", text_input(false, None), true),
            input(DESCRIPTION, "Description", text_input(true, None), true),
            input(
                PRIVATE,
                "Visibility",
                json!({"type": "checkboxes", "action_id": VALUE, "options": [
                option("Private incident (private channel, not announced)", "private")]}),
                true
            ),
            input(
                DRILL,
                "Drill",
                json!({"type": "checkboxes", "action_id": VALUE, "options": [
                option("Drill: an exercise, nobody is paged", "drill")]}),
                true
            ),
        ]),
    )
}

/// The submitted modal as a declaration by `user`, or what to fix. Without a severity,
/// impact × urgency suggest one through the policy's matrix.
pub fn read(
    values: &ViewValues,
    policy: &Policy,
    user: &str,
    origin_channel: &str,
) -> Result<DeclareRequest, FieldErrors> {
    let mut errors = FieldErrors::new();
    let title = values.text(TITLE);
    if title.is_none() {
        errors.insert(TITLE, "Give the incident a title.".to_string());
    }
    let impact = values.selected(IMPACT).and_then(|v| Impact::parse(&v));
    let urgency = values.selected(URGENCY).and_then(|v| Urgency::parse(&v));
    let severity = match values.selected(SEVERITY) {
        Some(s) => Some(s),
        None => match (impact, urgency) {
            (Some(i), Some(u)) => policy.suggest_severity(i, u).map(|s| s.name.clone()),
            _ => None,
        },
    };
    if severity.is_none() {
        errors.insert(
            SEVERITY,
            "Choose a severity, or set both impact and urgency so warroom can suggest one."
                .to_string(),
        );
    }
    let (Some(title), Some(severity)) = (title, severity) else {
        return Err(errors);
    };
    Ok(DeclareRequest {
        title: normalize_mentions(&title),
        severity,
        private: values.checked(PRIVATE).iter().any(|v| v == "private"),
        drill: values.checked(DRILL).iter().any(|v| v == "drill"),
        reporter: user.to_string(),
        origin_channel: origin_channel.to_string(),
        description: values
            .text(DESCRIPTION)
            .map(|t| normalize_mentions(&t))
            .unwrap_or_default(),
        service: values.text(SERVICE).unwrap_or_default(),
        impact: impact.map(|i| i.label().to_string()).unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::slack::payload::FieldValue;
    use std::collections::HashMap;

    fn submitted(fields: &[(&str, FieldValue)]) -> ViewValues {
        ViewValues(
            fields
                .iter()
                .map(|(block, v)| {
                    (
                        block.to_string(),
                        HashMap::from([(VALUE.to_string(), v.clone())]),
                    )
                })
                .collect(),
        )
    }

    #[test]
    fn reads_what_the_view_asks_for() {
        let policy = Policy::builtin();
        // Every block the reader reads is one the view shows.
        let view = view(&policy, "C0GENERAL");
        let shown: Vec<&str> = view["blocks"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|b| b["block_id"].as_str())
            .collect();
        for block in [
            TITLE,
            SEVERITY,
            IMPACT,
            URGENCY,
            SERVICE,
            DESCRIPTION,
            PRIVATE,
            DRILL,
        ] {
            assert!(shown.contains(&block), "{block}");
        }

        let values = submitted(&[
            (TITLE, FieldValue::Text(Some(" Checkout down ".into()))),
            (IMPACT, FieldValue::Option(Some("all".into()))),
            (URGENCY, FieldValue::Option(Some("complete".into()))),
            (PRIVATE, FieldValue::Options(vec!["private".into()])),
        ]);
        let req = read(&values, &policy, "U0ALICE", "C0GENERAL").unwrap();
        assert_eq!(req.title, "Checkout down");
        assert_eq!(req.severity, "P0", "impact × urgency suggest one");
        assert!(req.private && !req.drill);
        assert_eq!(
            (req.reporter.as_str(), req.origin_channel.as_str()),
            ("U0ALICE", "C0GENERAL")
        );
    }

    #[test]
    fn says_what_is_missing_on_its_field() {
        let Err(errors) = read(&submitted(&[]), &Policy::builtin(), "U0ALICE", "C1") else {
            panic!("an empty form declares nothing");
        };
        assert_eq!(
            errors.keys().copied().collect::<Vec<_>>(),
            [SEVERITY, TITLE]
        );
    }
}
