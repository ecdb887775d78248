//! Roles: taking one, assigning one, handing one over.

use super::{require_commander, who, Builder, Ctx};
use crate::incident::effect::{Effect, Notice};
use crate::incident::model::{RoleHolder, IC_ROLE};
use crate::incident::refusal::{Privileged, Refusal};

pub(super) fn assign_role(
    b: &mut Builder,
    role: &str,
    user: &str,
    ctx: &Ctx,
) -> Result<(), Refusal> {
    let def = ctx.policy.role(role).ok_or_else(|| Refusal::UnknownRole {
        given: role.to_string(),
    })?;
    if !b.incident.status.is_open() {
        return Err(Refusal::RolesFrozen {
            incident: b.incident.id.clone(),
            status: b.incident.status,
        });
    }
    let previous = b.incident.holder(&def.key).map(str::to_string);
    if previous.as_deref() == Some(user) {
        return Err(Refusal::AlreadyHolds {
            user: user.to_string(),
            role: def.key.clone(),
            incident: b.incident.id.clone(),
        });
    }
    if previous.is_some() {
        require_commander(
            &b.incident,
            ctx,
            Privileged::TakeOver {
                role: def.key.clone(),
            },
        )?;
    }
    b.incident.roles.insert(
        def.key.clone(),
        RoleHolder {
            user: user.to_string(),
            since: ctx.now,
        },
    );
    if def.key == IC_ROLE {
        if b.incident.first_ic_at.is_none() {
            b.incident.first_ic_at = Some(ctx.now);
        }
        b.incident.schedule.next_nag_at = None;
    }
    let by = (user != ctx.actor).then(|| ctx.actor.to_string());
    match previous {
        Some(prev) => {
            b.record(
                "handover",
                format!(
                    "{} handed over from {} to {}",
                    def.name,
                    who(&prev),
                    who(user)
                ),
            );
            b.say(Notice::RoleHandedOver {
                role: def.key.clone(),
                from: prev,
                to: user.to_string(),
                by,
            });
        }
        None => {
            b.record("role", format!("{} is {}", who(user), def.name));
            b.say(Notice::RoleTaken {
                role: def.key.clone(),
                user: user.to_string(),
                by,
            });
        }
    }
    b.effects.push(Effect::Invite {
        users: vec![user.to_string()],
    });
    b.tell(
        user,
        Notice::RoleDuties {
            role: def.key.clone(),
        },
    );
    b.effects.push(Effect::SetTopic);
    b.effects.push(Effect::UpdateCard);
    if def.key == IC_ROLE && !b.incident.private {
        b.effects.push(Effect::UpdateAnnouncement);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::{decide, Action};
    use super::*;
    use crate::incident::model::Status;

    #[test]
    fn table() {
        let policy = policy();
        let open = incident();
        let led = with_ic(incident(), BOB);
        let mut resolved = incident();
        resolved.status = Status::Resolved;
        let take = |role: &str| Action::TakeRole { role: role.into() };
        let assign = |role: &str, user: &str| Action::AssignRole {
            role: role.into(),
            user: user.into(),
        };
        // (incident, actor, action) → (timeline, effect kinds) | refusal
        #[allow(clippy::type_complexity)]
        let rows: Vec<(_, &str, Action, Result<(&str, Vec<&str>), Refusal>)> = vec![
            (
                &open,
                BOB,
                take("IC"),
                Ok((
                    "@U0BOB is Incident Commander",
                    vec![
                        "post",
                        "invite",
                        "ephemeral",
                        "set_topic",
                        "update_card",
                        "update_announcement",
                    ],
                )),
            ),
            (
                &open,
                ALICE,
                assign("tech", CAROL),
                Ok((
                    "@U0CAROL is Technical Lead",
                    vec!["post", "invite", "ephemeral", "set_topic", "update_card"],
                )),
            ),
            (
                &led,
                BOB,
                assign("ic", ADMIN),
                Ok((
                    "Incident Commander handed over from @U0BOB to @U0ADMIN",
                    vec![
                        "post",
                        "invite",
                        "ephemeral",
                        "set_topic",
                        "update_card",
                        "update_announcement",
                    ],
                )),
            ),
            (
                &led,
                CAROL,
                take("ic"),
                Err(Refusal::NotCommander {
                    ic: BOB.into(),
                    what: Privileged::TakeOver { role: "ic".into() },
                }),
            ),
            (
                &led,
                ALICE,
                assign("ic", BOB),
                Err(Refusal::AlreadyHolds {
                    user: BOB.into(),
                    role: "ic".into(),
                    incident: led.id.clone(),
                }),
            ),
            (
                &open,
                ALICE,
                take("chef"),
                Err(Refusal::UnknownRole {
                    given: "chef".into(),
                }),
            ),
            (
                &resolved,
                ALICE,
                take("ic"),
                Err(Refusal::RolesFrozen {
                    incident: resolved.id.clone(),
                    status: Status::Resolved,
                }),
            ),
        ];
        for (inc, actor, action, expected) in rows {
            let got = decide(inc, &action, &ctx(&policy, actor));
            match (got, expected) {
                (Ok(o), Ok((text, effects))) => {
                    assert_eq!(o.timeline[0].text, text, "{action:?}");
                    assert_eq!(kinds(&o.effects), effects, "{action:?}");
                }
                (Err(r), Err(e)) => assert_eq!(r, e, "{action:?}"),
                (got, expected) => panic!("{action:?}: {got:?} vs {expected:?}"),
            }
        }
    }

    #[test]
    fn first_ic_stops_the_nag_and_records_mtta() {
        let policy = policy();
        let mut inc = incident();
        inc.schedule.next_nag_at = Some(NOW + MIN);
        let o = decide(
            &inc,
            &Action::AssignRole {
                role: "ic".into(),
                user: BOB.into(),
            },
            &ctx(&policy, ALICE),
        )
        .unwrap();
        assert_eq!(o.incident.first_ic_at, Some(NOW));
        assert_eq!(o.incident.schedule.next_nag_at, None);
        assert_eq!(
            o.effects[0],
            Effect::Say {
                notice: Notice::RoleTaken {
                    role: "ic".into(),
                    user: BOB.into(),
                    by: Some(ALICE.into())
                }
            }
        );
    }
}
