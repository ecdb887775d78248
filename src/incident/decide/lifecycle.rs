//! Status changes, resolve, reopen and close.

use super::{require_commander, severity_of, status_page, Builder, Ctx};
use crate::incident::effect::{Notice, PageAction};
use crate::incident::model::{ActionItem, Status};
use crate::incident::refusal::{Privileged, Refusal};
use crate::incident::schedule;

pub(super) fn set_status(b: &mut Builder, status: Status, ctx: &Ctx) -> Result<(), Refusal> {
    if status == Status::Resolved {
        return resolve(b, "", ctx);
    }
    if status == Status::Closed {
        return close(b, &[], ctx);
    }
    let from = b.incident.status;
    if from == status {
        return Err(Refusal::AlreadyStatus {
            incident: b.incident.id.clone(),
            status,
        });
    }
    b.incident.status = status;
    if matches!(status, Status::Mitigating | Status::Monitoring)
        && b.incident.mitigated_at.is_none()
    {
        b.incident.mitigated_at = Some(ctx.now);
    }
    if from == Status::Resolved {
        // Reopened: the clocks of its severity run again from now.
        b.incident.resolved_at = None;
        let sev = severity_of(ctx.policy, &b.incident)?;
        schedule::rebase(&mut b.incident, sev, ctx.now);
        b.record("reopened", format!("Reopened as {}", status.title()));
    } else {
        b.record(
            "status",
            format!("Status {} → {}", from.title(), status.title()),
        );
    }
    b.say(Notice::StatusChanged {
        status,
        by: ctx.actor.to_string(),
    });
    let pages = ctx
        .policy
        .severity(&b.incident.severity)
        .is_some_and(|s| s.page);
    if from == Status::Resolved && pages {
        b.page(ctx, PageAction::Trigger);
    }
    b.notify(
        ctx,
        "incident.status_changed",
        serde_json::json!({"from": from, "to": status}),
    );
    b.refresh_views();
    status_page::offer(b, ctx, Some(from), status);
    Ok(())
}

pub(super) fn resolve(b: &mut Builder, summary: &str, ctx: &Ctx) -> Result<(), Refusal> {
    require_commander(&b.incident, ctx, Privileged::Resolve)?;
    if b.incident.status == Status::Resolved {
        return Err(Refusal::AlreadyResolved {
            incident: b.incident.id.clone(),
        });
    }
    let from = b.incident.status;
    let inc = &mut b.incident;
    inc.status = Status::Resolved;
    inc.resolved_at = Some(ctx.now);
    if inc.mitigated_at.is_none() {
        inc.mitigated_at = Some(ctx.now);
    }
    let summary = summary.trim();
    if !summary.is_empty() {
        inc.resolve_summary = summary.to_string();
    }
    schedule::stop(&mut inc.schedule);
    let after_ms = (ctx.now - inc.declared_at).max(0);
    b.record(
        "resolved",
        if summary.is_empty() {
            "Resolved".to_string()
        } else {
            format!("Resolved: {summary}")
        },
    );
    let notice = Notice::Resolved {
        by: ctx.actor.to_string(),
        after_ms,
        summary: summary.to_string(),
    };
    b.say(notice.clone());
    let broadcast = ctx
        .policy
        .severity(&b.incident.severity)
        .is_some_and(|s| s.broadcast);
    if broadcast && !b.incident.private {
        b.say_in_announcement_thread(notice);
    }
    // Resolving a page that was never triggered is a no-op for PagerDuty.
    b.page(ctx, PageAction::Resolve);
    b.notify(
        ctx,
        "incident.resolved",
        serde_json::json!({"summary": b.incident.resolve_summary}),
    );
    b.refresh_views();
    status_page::offer(b, ctx, Some(from), Status::Resolved);
    Ok(())
}

pub(super) fn close(b: &mut Builder, open_items: &[ActionItem], ctx: &Ctx) -> Result<(), Refusal> {
    require_commander(&b.incident, ctx, Privileged::Close)?;
    if b.incident.status != Status::Resolved {
        return Err(Refusal::NotResolved {
            incident: b.incident.id.clone(),
            status: b.incident.status,
        });
    }
    b.incident.status = Status::Closed;
    b.incident.closed_at = Some(ctx.now);
    schedule::stop(&mut b.incident.schedule);
    schedule::plan_archive(&mut b.incident.schedule, ctx.policy.archive_after, ctx.now);
    b.record("closed", "Closed".into());
    b.say(Notice::Closed {
        by: ctx.actor.to_string(),
        open_items: open_items.to_vec(),
    });
    b.notify(
        ctx,
        "incident.status_changed",
        serde_json::json!({"from": Status::Resolved, "to": Status::Closed}),
    );
    b.refresh_views();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::{decide, Action};
    use super::*;
    use crate::incident::effect::Effect;

    #[test]
    fn table() {
        let policy = policy();
        let open = incident();
        let led = with_ic(incident(), BOB);
        let mut resolved = with_ic(incident(), BOB);
        resolved.status = Status::Resolved;
        resolved.resolved_at = Some(NOW - MIN);
        let id = open.id.clone();
        let not_commander = |what| Refusal::NotCommander {
            ic: BOB.into(),
            what,
        };
        // Resolving takes the same steps whichever action asks for it.
        let resolved_effects = vec![
            "post",
            "post_in_announcement_thread",
            "page",
            "webhook",
            "set_topic",
            "update_card",
            "update_announcement",
            "offer_status_draft",
        ];
        // (incident, actor, action) → (timeline text, effect kinds) | refusal
        type Row<'a> = (
            &'a crate::incident::Incident,
            &'a str,
            Action,
            Result<(&'a str, Vec<&'a str>), Refusal>,
        );
        let rows: Vec<Row> = vec![
            (
                &open,
                ALICE,
                Action::SetStatus(Status::Identified),
                Ok((
                    "Status Investigating → Identified",
                    vec![
                        "post",
                        "webhook",
                        "set_topic",
                        "update_card",
                        "update_announcement",
                        "offer_status_draft",
                    ],
                )),
            ),
            (
                &open,
                ALICE,
                Action::SetStatus(Status::Investigating),
                Err(Refusal::AlreadyStatus {
                    incident: id.clone(),
                    status: Status::Investigating,
                }),
            ),
            (
                &resolved,
                BOB,
                Action::SetStatus(Status::Monitoring),
                Ok((
                    "Reopened as Monitoring",
                    vec![
                        "post",
                        "page",
                        "webhook",
                        "set_topic",
                        "update_card",
                        "update_announcement",
                        "offer_status_draft",
                    ],
                )),
            ),
            (
                &led,
                BOB,
                Action::Resolve {
                    summary: " rolled back ".into(),
                },
                Ok(("Resolved: rolled back", resolved_effects.clone())),
            ),
            (
                &led,
                ADMIN,
                Action::SetStatus(Status::Resolved),
                Ok(("Resolved", resolved_effects)),
            ),
            (
                &led,
                CAROL,
                Action::Resolve {
                    summary: String::new(),
                },
                Err(not_commander(Privileged::Resolve)),
            ),
            (
                &resolved,
                BOB,
                Action::Resolve {
                    summary: String::new(),
                },
                Err(Refusal::AlreadyResolved {
                    incident: id.clone(),
                }),
            ),
            (
                &resolved,
                BOB,
                Action::Close { open_items: vec![] },
                Ok((
                    "Closed",
                    vec![
                        "post",
                        "webhook",
                        "set_topic",
                        "update_card",
                        "update_announcement",
                    ],
                )),
            ),
            (
                &resolved,
                CAROL,
                Action::Close { open_items: vec![] },
                Err(not_commander(Privileged::Close)),
            ),
            (
                &led,
                BOB,
                Action::Close { open_items: vec![] },
                Err(Refusal::NotResolved {
                    incident: id.clone(),
                    status: Status::Investigating,
                }),
            ),
        ];
        for (inc, actor, action, expected) in rows {
            let got = decide(inc, &action, &ctx(&policy, actor));
            match (got, expected) {
                (Ok(o), Ok((text, effects))) => {
                    assert_eq!(o.timeline.len(), 1, "{action:?}");
                    assert_eq!(o.timeline[0].text, text, "{action:?}");
                    assert_eq!(kinds(&o.effects), effects, "{action:?}");
                }
                (Err(r), Err(e)) => assert_eq!(r, e, "{action:?}"),
                (got, expected) => panic!("{action:?}: {got:?} vs {expected:?}"),
            }
        }
    }

    #[test]
    fn resolve_states_and_notice() {
        let policy = policy();
        let o = decide(
            &with_ic(incident(), BOB),
            &Action::Resolve {
                summary: "pool <!channel>".into(),
            },
            &ctx(&policy, BOB),
        )
        .unwrap();
        assert_eq!(o.incident.resolved_at, Some(NOW));
        assert_eq!(o.incident.mitigated_at, Some(NOW));
        assert_eq!(o.incident.resolve_summary, "pool <!channel>");
        assert_eq!(o.incident.schedule.next_due_at(), None);
        assert_eq!(
            o.effects[0],
            Effect::Say {
                notice: Notice::Resolved {
                    by: BOB.into(),
                    after_ms: 10 * MIN,
                    summary: "pool <!channel>".into()
                }
            }
        );
    }

    #[test]
    fn mitigating_sets_mitigated_at_once() {
        let policy = policy();
        let o = decide(
            &incident(),
            &Action::SetStatus(Status::Mitigating),
            &ctx(&policy, ALICE),
        )
        .unwrap();
        assert_eq!(o.incident.mitigated_at, Some(NOW));
    }
}
