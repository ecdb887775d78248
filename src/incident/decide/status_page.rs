//! Status-page drafts: offered on each status change of a broadcast severity; edited and
//! published by the comms lead, the IC or an admin. Publishing goes to Statuspage in its
//! own lane, except for drills, which only say they would have.

use super::{who, Builder, Ctx, DraftChange};
use crate::incident::effect::Effect;
use crate::incident::model::{Status, COMMS_ROLE};
use crate::incident::refusal::{Refusal, Reply};
use crate::incident::status_page::{DraftState, PublicStatus, StatusDraft};

/// Offers a draft when the incident moved `from` → `to` (`from` is `None` on declare) and
/// the public story changed, for severities that broadcast.
pub(super) fn offer(b: &mut Builder, ctx: &Ctx, from: Option<Status>, to: Status) {
    let broadcast = ctx
        .policy
        .severity(&b.incident.severity)
        .is_some_and(|s| s.broadcast);
    if !broadcast && !ctx.public_story {
        return;
    }
    if let Some(status) = PublicStatus::for_change(from, to) {
        b.effects.push(Effect::OfferStatusDraft { status });
    }
}

/// The comms lead speaks for the incident in public; the IC and admins may too. While
/// nobody holds comms or IC, the people in the response (its reporter and role holders)
/// may: not anyone who happens to be in the channel.
fn require_comms(b: &Builder, ctx: &Ctx) -> Result<(), Refusal> {
    let comms = b.incident.holder(COMMS_ROLE);
    let ic = b.incident.ic();
    let allowed = ctx.is_admin()
        || comms == Some(ctx.actor)
        || ic == Some(ctx.actor)
        || (comms.is_none() && ic.is_none() && b.incident.involves(ctx.actor));
    if allowed {
        Ok(())
    } else {
        Err(Refusal::NotCommsLead {
            comms: comms.map(str::to_string),
            ic: ic.map(str::to_string),
        })
    }
}

fn check_draft(b: &Builder, draft: &StatusDraft) -> Result<(), Refusal> {
    if draft.incident_id != b.incident.id {
        return Err(Refusal::DraftOfOtherIncident {
            draft: draft.id,
            incident: draft.incident_id.clone(),
        });
    }
    if draft.state == DraftState::Published {
        return Err(Refusal::DraftAlreadyPublished { draft: draft.id });
    }
    if let Some(newer) = draft.superseded_by {
        return Err(Refusal::DraftSuperseded {
            draft: draft.id,
            newer,
        });
    }
    Ok(())
}

pub(super) fn edit(
    b: &mut Builder,
    draft: &StatusDraft,
    text: &str,
    ctx: &Ctx,
) -> Result<(), Refusal> {
    require_comms(b, ctx)?;
    check_draft(b, draft)?;
    let text = text.trim();
    if text.is_empty() {
        return Err(Refusal::EmptyDraft);
    }
    b.status_draft = Some(DraftChange::Edited {
        id: draft.id,
        text: text.to_string(),
        by: ctx.actor.to_string(),
        at: ctx.now,
    });
    b.effects
        .push(Effect::RefreshStatusDraft { draft: draft.id });
    b.reply = Some(Reply::DraftEdited);
    Ok(())
}

pub(super) fn publish(b: &mut Builder, draft: &StatusDraft, ctx: &Ctx) -> Result<(), Refusal> {
    require_comms(b, ctx)?;
    check_draft(b, draft)?;
    // A drill rehearses the words, never the public page.
    if !b.incident.drill && !ctx.statuspage {
        return Err(Refusal::StatuspageNotConfigured);
    }
    b.status_draft = Some(DraftChange::Published {
        id: draft.id,
        by: ctx.actor.to_string(),
        at: ctx.now,
    });
    b.effects
        .push(Effect::RefreshStatusDraft { draft: draft.id });
    if b.incident.drill {
        b.record(
            "status_page",
            format!(
                "Drill: status page draft ({}) marked published by {}; Statuspage not called: {}",
                draft.status.title(),
                who(ctx.actor),
                draft.text
            ),
        );
        b.reply = Some(Reply::DrillDraftNotSent);
    } else {
        b.record(
            "status_page",
            format!(
                "Status page ({}) published by {}: {}",
                draft.status.title(),
                who(ctx.actor),
                draft.text
            ),
        );
        b.effects.push(Effect::PublishStatus { draft: draft.id });
        b.reply = Some(Reply::DraftPublished);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::{decide, declare, Action, DeclareRequest};
    use super::*;
    use crate::incident::model::RoleHolder;

    fn draft(status: PublicStatus) -> StatusDraft {
        StatusDraft {
            id: 7,
            incident_id: incident().id,
            status,
            text: "We're looking into it.".into(),
            state: DraftState::Drafted,
            created_at: NOW,
            edited_by: None,
            published_by: None,
            published_at: None,
            superseded_by: None,
        }
    }

    fn with_comms(mut inc: crate::incident::Incident, user: &str) -> crate::incident::Incident {
        inc.roles.insert(
            COMMS_ROLE.into(),
            RoleHolder {
                user: user.into(),
                since: NOW - MIN,
            },
        );
        inc
    }

    fn offered(effects: &[Effect]) -> Vec<PublicStatus> {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::OfferStatusDraft { status } => Some(*status),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn status_changes_of_broadcast_severities_offer_a_draft() {
        let policy = policy();
        let inc = with_ic(incident(), BOB); // P1 broadcasts
        let mut p2 = inc.clone();
        p2.severity = "P2".into();
        let mut mitigating = inc.clone();
        mitigating.status = Status::Identified;
        let mut resolved = inc.clone();
        resolved.status = Status::Resolved;
        // (incident, action) → drafts offered
        let rows = [
            (
                &inc,
                Action::SetStatus(Status::Identified),
                vec![PublicStatus::Identified],
            ),
            (
                &inc,
                Action::SetStatus(Status::Mitigating),
                vec![PublicStatus::Identified],
            ),
            (&mitigating, Action::SetStatus(Status::Mitigating), vec![]),
            (
                &inc,
                Action::SetStatus(Status::Monitoring),
                vec![PublicStatus::Monitoring],
            ),
            (
                &inc,
                Action::Resolve {
                    summary: String::new(),
                },
                vec![PublicStatus::Resolved],
            ),
            (
                &resolved,
                Action::SetStatus(Status::Identified),
                vec![PublicStatus::Identified],
            ),
            (&p2, Action::SetStatus(Status::Identified), vec![]),
            (&inc, Action::Note("n".into()), vec![]),
        ];
        for (inc, action, expected) in rows {
            let o = decide(inc, &action, &ctx(&policy, BOB)).unwrap();
            assert_eq!(offered(&o.effects), expected, "{} {action:?}", inc.severity);
        }
        // Lowered to a severity that does not broadcast after telling the public: the
        // public page still hears how it ends.
        let mut told = ctx(&policy, BOB);
        told.public_story = true;
        for (action, expected) in [
            (
                Action::Resolve {
                    summary: String::new(),
                },
                vec![PublicStatus::Resolved],
            ),
            (
                Action::SetStatus(Status::Monitoring),
                vec![PublicStatus::Monitoring],
            ),
        ] {
            let o = decide(&p2, &action, &told).unwrap();
            assert_eq!(
                offered(&o.effects),
                expected,
                "P2 after a publish, {action:?}"
            );
        }
    }

    #[test]
    fn declaring_a_broadcast_severity_offers_investigating_drills_too() {
        let policy = policy();
        for (severity, drill, expected) in [
            ("P0", false, vec![PublicStatus::Investigating]),
            ("P1", true, vec![PublicStatus::Investigating]),
            ("P2", false, vec![]),
        ] {
            let req = DeclareRequest {
                title: "Checkout down".into(),
                severity: severity.into(),
                private: false,
                drill,
                reporter: ALICE.into(),
                origin_channel: String::new(),
                description: String::new(),
                service: String::new(),
                impact: String::new(),
            };
            let o = declare("INC-1".into(), req, &ctx(&policy, ALICE)).unwrap();
            assert_eq!(offered(&o.effects), expected, "{severity}");
        }
    }

    #[test]
    fn who_may_edit_and_publish() {
        let policy = policy();
        let nobody = incident();
        let comms_bob = with_comms(incident(), BOB);
        let ic_carol_comms_bob = with_comms(with_ic(incident(), CAROL), BOB);
        let ic_carol = with_ic(incident(), CAROL);
        let refused = |comms: Option<&str>, ic: Option<&str>| {
            Err(Refusal::NotCommsLead {
                comms: comms.map(str::to_string),
                ic: ic.map(str::to_string),
            })
        };
        // (incident, actor) → Ok | refusal
        let rows: Vec<(&crate::incident::Incident, &str, Result<(), Refusal>)> = vec![
            // Nobody holds comms or IC: the reporter may, someone outside the response not.
            (&nobody, ALICE, Ok(())),
            (&nobody, CAROL, refused(None, None)),
            (&comms_bob, BOB, Ok(())),
            (&comms_bob, CAROL, refused(Some(BOB), None)),
            (&comms_bob, ADMIN, Ok(())),
            (&ic_carol_comms_bob, CAROL, Ok(())),
            (&ic_carol_comms_bob, ALICE, refused(Some(BOB), Some(CAROL))),
            (&ic_carol, ALICE, refused(None, Some(CAROL))),
        ];
        for (inc, actor, expected) in rows {
            for action in [
                Action::PublishStatusDraft {
                    draft: draft(PublicStatus::Investigating),
                },
                Action::EditStatusDraft {
                    draft: draft(PublicStatus::Investigating),
                    text: "new".into(),
                },
            ] {
                let got = decide(inc, &action, &ctx(&policy, actor)).map(|_| ());
                assert_eq!(got, expected, "{actor} {action:?}");
            }
        }
    }

    #[test]
    fn publish_and_edit_table() {
        let policy = policy();
        let inc = with_comms(incident(), BOB);
        let mut drill = inc.clone();
        drill.drill = true;
        let mut closed = inc.clone();
        closed.status = Status::Closed;
        let mut published = draft(PublicStatus::Identified);
        published.state = DraftState::Published;
        // An Investigating draft left behind when Identified was drafted (#9).
        let mut superseded = draft(PublicStatus::Investigating);
        superseded.superseded_by = Some(9);
        let mut elsewhere = draft(PublicStatus::Identified);
        elsewhere.incident_id = "INC-2026-11-22-002".into();
        let publish = |d: StatusDraft| Action::PublishStatusDraft { draft: d };
        let edit = |text: &str| Action::EditStatusDraft {
            draft: draft(PublicStatus::Identified),
            text: text.into(),
        };
        // (incident, action, configured) → (effect kinds, reply, timeline kinds) | refusal
        type Row<'a> = (
            &'a crate::incident::Incident,
            Action,
            bool,
            Result<(Vec<&'a str>, Reply, Vec<&'a str>), Refusal>,
        );
        let rows: Vec<Row> = vec![
            (
                &inc,
                publish(draft(PublicStatus::Identified)),
                true,
                Ok((
                    vec!["refresh_status_draft", "publish_status"],
                    Reply::DraftPublished,
                    vec!["status_page"],
                )),
            ),
            (
                &closed,
                publish(draft(PublicStatus::Resolved)),
                true,
                Ok((
                    vec!["refresh_status_draft", "publish_status"],
                    Reply::DraftPublished,
                    vec!["status_page"],
                )),
            ),
            (
                &drill,
                publish(draft(PublicStatus::Identified)),
                true,
                Ok((
                    vec!["refresh_status_draft"],
                    Reply::DrillDraftNotSent,
                    vec!["status_page"],
                )),
            ),
            (
                &drill,
                publish(draft(PublicStatus::Identified)),
                false,
                Ok((
                    vec!["refresh_status_draft"],
                    Reply::DrillDraftNotSent,
                    vec!["status_page"],
                )),
            ),
            (
                &inc,
                publish(draft(PublicStatus::Identified)),
                false,
                Err(Refusal::StatuspageNotConfigured),
            ),
            (
                &inc,
                publish(published.clone()),
                true,
                Err(Refusal::DraftAlreadyPublished { draft: 7 }),
            ),
            (
                &inc,
                publish(superseded.clone()),
                true,
                Err(Refusal::DraftSuperseded { draft: 7, newer: 9 }),
            ),
            (
                &inc,
                Action::EditStatusDraft {
                    draft: superseded,
                    text: "x".into(),
                },
                true,
                Err(Refusal::DraftSuperseded { draft: 7, newer: 9 }),
            ),
            (
                &inc,
                publish(elsewhere),
                true,
                Err(Refusal::DraftOfOtherIncident {
                    draft: 7,
                    incident: "INC-2026-11-22-002".into(),
                }),
            ),
            (
                &inc,
                edit(" Better words. "),
                false,
                Ok((vec!["refresh_status_draft"], Reply::DraftEdited, vec![])),
            ),
            (&inc, edit("   "), true, Err(Refusal::EmptyDraft)),
            (
                &inc,
                Action::EditStatusDraft {
                    draft: published,
                    text: "x".into(),
                },
                true,
                Err(Refusal::DraftAlreadyPublished { draft: 7 }),
            ),
        ];
        for (inc, action, configured, expected) in rows {
            let mut c = ctx(&policy, BOB);
            c.statuspage = configured;
            match (decide(inc, &action, &c), expected) {
                (Ok(o), Ok((effects, reply, timeline))) => {
                    assert_eq!(kinds(&o.effects), effects, "{action:?}");
                    assert_eq!(o.reply, Some(reply), "{action:?}");
                    let recorded: Vec<&str> = o.timeline.iter().map(|t| t.kind.as_str()).collect();
                    assert_eq!(recorded, timeline, "{action:?}");
                    assert!(o.status_draft.is_some());
                }
                (Err(r), Err(e)) => assert_eq!(r, e, "{action:?}"),
                (got, expected) => panic!("{action:?}: {got:?} vs {expected:?}"),
            }
        }
    }

    #[test]
    fn publishing_records_who_and_the_words() {
        let policy = policy();
        let o = decide(
            &with_comms(incident(), BOB),
            &Action::PublishStatusDraft {
                draft: draft(PublicStatus::Identified),
            },
            &ctx(&policy, BOB),
        )
        .unwrap();
        assert_eq!(
            o.status_draft,
            Some(DraftChange::Published {
                id: 7,
                by: BOB.into(),
                at: NOW
            })
        );
        assert_eq!(
            o.timeline[0].text,
            "Status page (Identified) published by @U0BOB: We're looking into it."
        );
        let o = decide(
            &with_comms(incident(), BOB),
            &Action::EditStatusDraft {
                draft: draft(PublicStatus::Identified),
                text: " <!channel> fixed ".into(),
            },
            &ctx(&policy, BOB),
        )
        .unwrap();
        assert_eq!(
            o.status_draft,
            Some(DraftChange::Edited {
                id: 7,
                text: "<!channel> fixed".into(),
                by: BOB.into(),
                at: NOW
            })
        );
    }
}
