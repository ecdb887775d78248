//! The post-resolution checklist: resolving posts the severity's checklist; `close`
//! then needs every item ticked, or an override by the IC or an admin.

use super::Outcome;
use crate::incident::effect::{Effect, Notice};
use crate::policy::Policy;

/// Adds `PostChecklist` when `outcome` resolves an incident whose severity has a checklist.
pub fn post_checklist(policy: &Policy, outcome: &mut Outcome) {
    let resolved = outcome.effects.iter().any(|e| {
        matches!(
            e,
            Effect::Say {
                notice: Notice::Resolved { .. }
            }
        )
    });
    let has_list = policy
        .severity(&outcome.incident.severity)
        .is_some_and(|s| !s.checklist.is_empty());
    if resolved && has_list {
        outcome.effects.push(Effect::PostChecklist);
    }
}

/// The items of `checklist` not in `checked`, in order.
pub fn unchecked(checklist: &[String], checked: &[String]) -> Vec<String> {
    checklist
        .iter()
        .filter(|i| !checked.contains(i))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::{decide, Action};
    use super::*;

    #[test]
    fn resolving_posts_the_checklist_once() {
        let mut policy = policy();
        let inc = with_ic(incident(), ALICE);
        let resolve = Action::Resolve {
            summary: "ok".into(),
        };
        let mut o = decide(&inc, &resolve, &ctx(&policy, ALICE)).unwrap();
        post_checklist(&policy, &mut o);
        assert_eq!(
            o.effects
                .iter()
                .filter(|e| **e == Effect::PostChecklist)
                .count(),
            1
        );
        // Other actions, or an empty checklist, post none.
        let mut o = decide(&inc, &Action::Note("n".into()), &ctx(&policy, ALICE)).unwrap();
        post_checklist(&policy, &mut o);
        assert!(!o.effects.contains(&Effect::PostChecklist));
        for s in policy.severities.iter_mut() {
            s.checklist.clear();
        }
        let mut o = decide(&inc, &resolve, &ctx(&policy, ALICE)).unwrap();
        post_checklist(&policy, &mut o);
        assert!(!o.effects.contains(&Effect::PostChecklist));
    }

    #[test]
    fn unchecked_keeps_the_order() {
        let list = vec!["a".to_string(), "b".into(), "c".into()];
        assert_eq!(unchecked(&list, &["b".into()]), vec!["a", "c"]);
    }
}
