//! Action items: follow-up work, added and completed during or after the incident.

use super::{who, ActionItemChange, Builder, Ctx};
use crate::incident::effect::{Effect, Notice};
use crate::incident::followup;
use crate::incident::model::ActionItem;
use crate::incident::refusal::{Refusal, Reply};

pub(super) fn add(
    b: &mut Builder,
    text: &str,
    owner: Option<&str>,
    due: Option<chrono::NaiveDate>,
    ctx: &Ctx,
) {
    let due_date = due;
    let due = due.map(|d| d.format("%Y-%m-%d").to_string());
    let mut line = format!("Action item: {text}");
    if let Some(o) = owner {
        line.push_str(&format!(" (owner {})", who(o)));
    }
    if let Some(d) = &due {
        line.push_str(&format!(" due {d}"));
    }
    b.record("action_item", line);
    b.say(Notice::ActionItemAdded {
        text: text.to_string(),
        owner: owner.map(str::to_string),
        due: due.clone(),
        by: ctx.actor.to_string(),
    });
    if let Some(o) = owner {
        if o != ctx.actor {
            // A DM lasts where an ephemeral in the channel would be gone after a reload.
            b.effects.push(Effect::DirectMessage {
                user: o.to_string(),
                notice: Notice::ActionItemGiven {
                    text: text.to_string(),
                    due: due.clone(),
                    by: ctx.actor.to_string(),
                },
            });
        }
    }
    let remind_at = owner
        .and(due_date)
        .map(|d| followup::reminder_at(d, &ctx.policy.digest));
    b.action_items.push(ActionItemChange::Add {
        text: text.to_string(),
        owner: owner.map(str::to_string),
        due,
        remind_at,
    });
}

/// The item's due date came: its owner gets a DM with Done and Snooze, once per due
/// time (done or ownerless items just stop being due).
pub(super) fn due(b: &mut Builder, item: &ActionItem) -> Result<(), Refusal> {
    same_incident(b, item)?;
    b.action_items.push(ActionItemChange::Remind {
        id: item.id,
        at: None,
    });
    if let (false, Some(owner)) = (item.done, &item.owner) {
        b.effects.push(Effect::RemindActionItem {
            item: item.id,
            owner: owner.clone(),
        });
    }
    Ok(())
}

pub(super) fn snooze(
    b: &mut Builder,
    item: &ActionItem,
    days: u32,
    ctx: &Ctx,
) -> Result<(), Refusal> {
    same_incident(b, item)?;
    if item.done {
        return Err(Refusal::ItemAlreadyDone { item: item.id });
    }
    let at = ctx.now + i64::from(days.clamp(1, 30)) * 86_400_000;
    b.action_items.push(ActionItemChange::Remind {
        id: item.id,
        at: Some(at),
    });
    b.reply = Some(Reply::ItemSnoozed);
    Ok(())
}

fn same_incident(b: &Builder, item: &ActionItem) -> Result<(), Refusal> {
    if item.incident_id != b.incident.id {
        return Err(Refusal::ItemOfOtherIncident {
            item: item.id,
            incident: item.incident_id.clone(),
        });
    }
    Ok(())
}

pub(super) fn complete(b: &mut Builder, item: &ActionItem, ctx: &Ctx) -> Result<(), Refusal> {
    if item.incident_id != b.incident.id {
        return Err(Refusal::ItemOfOtherIncident {
            item: item.id,
            incident: item.incident_id.clone(),
        });
    }
    if item.done {
        return Err(Refusal::ItemAlreadyDone { item: item.id });
    }
    b.record(
        "action_item_done",
        format!("Action item #{} done: {}", item.id, item.text),
    );
    b.say(Notice::ActionItemDone {
        id: item.id,
        text: item.text.clone(),
        by: ctx.actor.to_string(),
    });
    b.action_items.push(ActionItemChange::Done { id: item.id });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::{decide, Action};
    use super::*;
    use crate::incident::model::Status;

    fn item(id: i64, incident: &str, done: bool) -> ActionItem {
        ActionItem {
            id,
            incident_id: incident.into(),
            text: "Add a canary".into(),
            owner: None,
            due: None,
            done,
            created_by: ALICE.into(),
            created_at: NOW - MIN,
            done_at: None,
            done_by: None,
        }
    }

    #[test]
    fn table() {
        let policy = policy();
        let mut closed = incident();
        closed.status = Status::Closed;
        let id = closed.id.clone();
        let add = |owner: Option<&str>, due: Option<(i32, u32, u32)>| Action::AddActionItem {
            text: "Add a canary".into(),
            owner: owner.map(str::to_string),
            due: due.and_then(|(y, m, d)| chrono::NaiveDate::from_ymd_opt(y, m, d)),
        };
        // (action) → (timeline, effect kinds, change) | refusal
        type Expect<'a> = Result<(&'a str, Vec<&'a str>, ActionItemChange), Refusal>;
        let rows: Vec<(Action, Expect)> = vec![
            (
                add(Some(CAROL), Some((2026, 12, 1))),
                Ok((
                    "Action item: Add a canary (owner @U0CAROL) due 2026-12-01",
                    vec!["post", "direct_message"],
                    ActionItemChange::Add {
                        text: "Add a canary".into(),
                        owner: Some(CAROL.into()),
                        due: Some("2026-12-01".into()),
                        // The default [digest] time: 09:00 UTC.
                        remind_at: Some(1_796_115_600_000),
                    },
                )),
            ),
            (
                add(Some(BOB), None),
                Ok((
                    "Action item: Add a canary (owner @U0BOB)",
                    vec!["post"],
                    ActionItemChange::Add {
                        text: "Add a canary".into(),
                        owner: Some(BOB.into()),
                        due: None,
                        remind_at: None,
                    },
                )),
            ),
            (
                Action::CompleteActionItem {
                    item: item(3, &id, false),
                },
                Ok((
                    "Action item #3 done: Add a canary",
                    vec!["post"],
                    ActionItemChange::Done { id: 3 },
                )),
            ),
            (
                Action::CompleteActionItem {
                    item: item(3, "INC-OTHER", false),
                },
                Err(Refusal::ItemOfOtherIncident {
                    item: 3,
                    incident: "INC-OTHER".into(),
                }),
            ),
            (
                Action::CompleteActionItem {
                    item: item(4, &id, true),
                },
                Err(Refusal::ItemAlreadyDone { item: 4 }),
            ),
        ];
        // Action items go on after close.
        for (action, expected) in rows {
            let got = decide(&closed, &action, &ctx(&policy, BOB));
            match (got, expected) {
                (Ok(o), Ok((text, effects, change))) => {
                    assert_eq!(o.timeline[0].text, text);
                    assert_eq!(kinds(&o.effects), effects);
                    assert_eq!(o.action_items, vec![change]);
                }
                (Err(r), Err(e)) => assert_eq!(r, e),
                (got, expected) => panic!("{action:?}: {got:?} vs {expected:?}"),
            }
        }
    }

    #[test]
    fn due_items_remind_their_owner_once_and_snooze_moves_it() {
        let policy = policy();
        let inc = incident();
        let mut owned = item(4, &inc.id, false);
        owned.owner = Some(CAROL.into());
        let c = ctx(&policy, super::super::SYSTEM_ACTOR);
        let o = decide(
            &inc,
            &Action::ActionItemDue {
                item: owned.clone(),
            },
            &c,
        )
        .unwrap();
        assert_eq!(kinds(&o.effects), vec!["remind_action_item"]);
        assert_eq!(
            o.action_items,
            vec![ActionItemChange::Remind { id: 4, at: None }]
        );
        // Done meanwhile, or nobody owns it: the reminder just stops.
        let mut done = owned.clone();
        done.done = true;
        let o = decide(&inc, &Action::ActionItemDue { item: done.clone() }, &c).unwrap();
        assert!(o.effects.is_empty());
        assert_eq!(o.action_items.len(), 1);
        let o = decide(
            &inc,
            &Action::SnoozeActionItem {
                item: owned.clone(),
                days: 1,
            },
            &ctx(&policy, CAROL),
        )
        .unwrap();
        assert_eq!(
            o.action_items,
            vec![ActionItemChange::Remind {
                id: 4,
                at: Some(NOW + 86_400_000)
            }]
        );
        assert_eq!(o.reply, Some(Reply::ItemSnoozed));
        assert_eq!(
            decide(
                &inc,
                &Action::SnoozeActionItem {
                    item: done,
                    days: 1
                },
                &ctx(&policy, CAROL)
            )
            .unwrap_err(),
            Refusal::ItemAlreadyDone { item: 4 }
        );
    }
}
