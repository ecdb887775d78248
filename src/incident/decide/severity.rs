//! Re-grading an incident: the new severity's clocks run from now.

use super::{require_commander, Builder, Ctx};
use crate::incident::effect::{Notice, PageAction};
use crate::incident::refusal::{Privileged, Refusal};
use crate::incident::schedule;

pub(super) fn set_severity(b: &mut Builder, name: &str, ctx: &Ctx) -> Result<(), Refusal> {
    let sev = ctx
        .policy
        .severity(name)
        .ok_or_else(|| Refusal::UnknownSeverity {
            given: name.to_string(),
        })?;
    require_commander(&b.incident, ctx, Privileged::ChangeSeverity)?;
    if sev.name == b.incident.severity {
        return Err(Refusal::AlreadySeverity {
            incident: b.incident.id.clone(),
            severity: sev.name.clone(),
        });
    }
    let from = std::mem::replace(&mut b.incident.severity, sev.name.clone());
    if b.incident.status.is_open() {
        schedule::rebase(&mut b.incident, sev, ctx.now);
    }
    b.record(
        "severity",
        format!("Severity {from} → {} {}", sev.name, sev.label),
    );
    b.say(Notice::SeverityChanged {
        from: from.clone(),
        to: sev.name.clone(),
        by: ctx.actor.to_string(),
    });
    if sev.page && b.incident.status.is_open() {
        b.page(ctx, PageAction::Trigger);
    }
    let was_broadcast = ctx.policy.severity(&from).is_some_and(|s| s.broadcast);
    if !was_broadcast && b.incident.status.is_open() {
        // Graver now, and told to the public: its story starts here (no-op unless the
        // new severity broadcasts).
        let status = b.incident.status;
        super::status_page::offer(b, ctx, None, status);
    }
    b.notify(
        ctx,
        "incident.severity_changed",
        serde_json::json!({"from": from, "to": sev.name}),
    );
    b.refresh_views();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::{decide, Action};
    use super::*;

    #[test]
    fn table() {
        let policy = policy();
        let open = incident();
        let led = with_ic(incident(), BOB);
        let mut medium = incident();
        medium.severity = "P2".into();
        // (incident, actor, severity) → (timeline, effect kinds) | refusal
        type Expect<'a> = Result<(&'a str, Vec<&'a str>), Refusal>;
        let rows: Vec<(_, &str, &str, Expect)> = vec![
            (
                &open,
                ALICE,
                "p0",
                Ok((
                    "Severity P1 → P0 Critical",
                    vec![
                        "post",
                        "page",
                        "webhook",
                        "set_topic",
                        "update_card",
                        "update_announcement",
                    ],
                )),
            ),
            (
                &led,
                BOB,
                "P3",
                Ok((
                    "Severity P1 → P3 Low",
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
                &led,
                ADMIN,
                "P2",
                Ok((
                    "Severity P1 → P2 Medium",
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
                // Raised to a broadcast severity: the public story starts, a draft is offered.
                &medium,
                ALICE,
                "P1",
                Ok((
                    "Severity P2 → P1 High",
                    vec![
                        "post",
                        "page",
                        "offer_status_draft",
                        "webhook",
                        "set_topic",
                        "update_card",
                        "update_announcement",
                    ],
                )),
            ),
            (
                &open,
                ALICE,
                "P7",
                Err(Refusal::UnknownSeverity { given: "P7".into() }),
            ),
            (
                &led,
                CAROL,
                "P2",
                Err(Refusal::NotCommander {
                    ic: BOB.into(),
                    what: Privileged::ChangeSeverity,
                }),
            ),
            (
                &open,
                ALICE,
                "P1",
                Err(Refusal::AlreadySeverity {
                    incident: open.id.clone(),
                    severity: "P1".into(),
                }),
            ),
        ];
        for (inc, actor, sev, expected) in rows {
            let got = decide(inc, &Action::SetSeverity(sev.into()), &ctx(&policy, actor));
            match (got, expected) {
                (Ok(o), Ok((text, effects))) => {
                    assert_eq!(o.timeline[0].text, text);
                    assert_eq!(kinds(&o.effects), effects, "{sev}");
                    assert_eq!(o.incident.schedule.severity_since, NOW);
                }
                (Err(r), Err(e)) => assert_eq!(r, e, "{sev}"),
                (got, expected) => panic!("{sev}: {got:?} vs {expected:?}"),
            }
        }
    }
}
