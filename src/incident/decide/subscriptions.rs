//! Subscribers hear, by DM, everything said in the channel that changes an incident's
//! course: updates, status and severity changes, escalations, resolution and close.
//! Applied to every decision's effects by the command path.

use crate::incident::effect::Effect;

/// Adds a `NotifySubscribers` after the effects for each notice subscribers get.
pub fn notify_subscribers(effects: &mut Vec<Effect>) {
    let for_subscribers: Vec<Effect> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Say { notice } if notice.is_for_subscribers() => {
                Some(Effect::NotifySubscribers {
                    notice: notice.clone(),
                })
            }
            _ => None,
        })
        .collect();
    effects.extend(for_subscribers);
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::{decide, Action, UpdateFields};
    use super::*;
    use crate::incident::model::Status;

    #[test]
    fn course_changes_reach_subscribers_and_chatter_does_not() {
        let policy = policy();
        let inc = with_ic(incident(), ALICE);
        // (action, notices for subscribers)
        let rows = [
            (Action::SetStatus(Status::Mitigating), 1),
            (Action::SetSeverity("P0".into()), 1),
            (
                Action::PostUpdate(UpdateFields {
                    summary: "rolled back".into(),
                    ..UpdateFields::default()
                }),
                1,
            ),
            (
                Action::Resolve {
                    summary: "fixed".into(),
                },
                1,
            ),
            (Action::Note("just a note".into()), 0),
            (
                Action::AssignRole {
                    role: "tech".into(),
                    user: BOB.into(),
                },
                0,
            ),
        ];
        for (action, expected) in rows {
            let mut o = decide(&inc, &action, &ctx(&policy, ALICE)).unwrap();
            notify_subscribers(&mut o.effects);
            let n = o
                .effects
                .iter()
                .filter(|e| matches!(e, Effect::NotifySubscribers { .. }))
                .count();
            assert_eq!(n, expected, "{action:?}");
        }
    }
}
