//! Escalation chains with acknowledgement: a severity's `[[severity.escalation]]` steps,
//! called one after another while nobody says "I'm on it". Step 1 is called `after` the
//! declaration (or the severity change, or the reopening), each later step `after` the
//! one before it. Acknowledging stops the chain for good and records who took it.
//!
//! The chain's due time is one of the incident's timers, so it is ticked by the same
//! leased scheduler pass as reminders: two replicas never call one step twice.

use super::{who, Builder, Ctx};
use crate::incident::effect::{ChainTarget, Effect, Notice, PageAction};
use crate::incident::refusal::Refusal;
use crate::incident::schedule::ms;
use crate::policy::{EscalationTarget, Severity};

/// Calls the chain's next step when it is due and nobody acknowledged.
pub(super) fn tick(b: &mut Builder, sev: &Severity, ctx: &Ctx) {
    let s = &b.incident.schedule;
    if s.chain_next_at.is_none_or(|t| t > ctx.now) {
        return;
    }
    let called = usize::try_from(s.chain_called).unwrap_or(usize::MAX);
    let step = match (&s.chain_acked_by, sev.escalation.get(called)) {
        (None, Some(step)) => step.clone(),
        // Acknowledged, or the policy lost steps since: nothing more to call.
        _ => {
            b.incident.schedule.chain_next_at = None;
            return;
        }
    };
    let of = sev.escalation.len() as i64;
    let number = called as i64 + 1;
    b.incident.schedule.chain_called = number;
    b.incident.schedule.chain_next_at = sev
        .escalation
        .get(called + 1)
        .map(|next| ctx.now + ms(next.after));
    let paged = ctx.paging && !b.incident.drill;
    let target = match &step.to {
        EscalationTarget::User(id) => ChainTarget::User { id: id.clone() },
        EscalationTarget::Group(id) => ChainTarget::Group { id: id.clone() },
        EscalationTarget::PagerDuty => ChainTarget::PagerDuty { paged },
    };
    let waited = humantime::format_duration(step.after);
    b.record(
        "escalation_step",
        format!(
            "Escalation step {number} of {of}: called {}, nobody acknowledged within {waited}",
            target_words(&target)
        ),
    );
    let notice = Notice::ChainStepCalled {
        step: number,
        of,
        target: target.clone(),
        waited_ms: ms(step.after),
    };
    b.say(notice.clone());
    match target {
        ChainTarget::User { id } => b.effects.push(Effect::EscalationDm { user: id, notice }),
        ChainTarget::PagerDuty { paged: true } => b.page(ctx, PageAction::Trigger),
        ChainTarget::Group { .. } | ChainTarget::PagerDuty { paged: false } => {}
    }
}

/// "I'm on it": the actor takes the escalation; no further step is called.
pub(super) fn acknowledge(b: &mut Builder, ctx: &Ctx) -> Result<(), Refusal> {
    let s = &b.incident.schedule;
    if let Some(by) = &s.chain_acked_by {
        return Err(Refusal::AlreadyAcknowledged {
            incident: b.incident.id.clone(),
            by: by.clone(),
        });
    }
    if s.chain_called == 0 || !b.incident.status.is_open() {
        return Err(Refusal::NothingToAcknowledge {
            incident: b.incident.id.clone(),
            status: b.incident.status,
        });
    }
    let step = s.chain_called;
    b.incident.schedule.chain_acked_by = Some(ctx.actor.to_string());
    b.incident.schedule.chain_next_at = None;
    b.record(
        "escalation_acknowledged",
        format!(
            "{} acknowledged the escalation at step {step}",
            who(ctx.actor)
        ),
    );
    b.say(Notice::ChainAcknowledged {
        by: ctx.actor.to_string(),
        step,
    });
    Ok(())
}

/// A step's target as the timeline words it.
fn target_words(target: &ChainTarget) -> String {
    match target {
        ChainTarget::User { id } | ChainTarget::Group { id } => who(id),
        ChainTarget::PagerDuty { paged: true } => "PagerDuty's on-call".into(),
        ChainTarget::PagerDuty { paged: false } => {
            "PagerDuty's on-call (not paged: PagerDuty is not configured, or this is a drill)"
                .into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::{decide, Action, SYSTEM_ACTOR};
    use super::*;
    use crate::incident::model::{Incident, Status};
    use crate::policy::{EscalationStep, Policy};
    use std::time::Duration;

    const LEAD: &str = "U0LEAD";

    /// P1's chain: the lead after 5 minutes, the seniors 10 minutes later, then PagerDuty.
    fn chained() -> Policy {
        let mut policy = policy();
        let step = |min: u64, to| EscalationStep {
            after: Duration::from_secs(min * 60),
            to,
        };
        if let Some(p1) = policy.severities.iter_mut().find(|s| s.name == "P1") {
            p1.escalation = vec![
                step(5, EscalationTarget::User(LEAD.into())),
                step(10, EscalationTarget::Group("S0SENIOR".into())),
                step(15, EscalationTarget::PagerDuty),
            ];
        }
        policy
    }

    fn due(called: i64) -> Incident {
        let mut inc = incident();
        inc.schedule.chain_called = called;
        inc.schedule.chain_next_at = Some(NOW - 1);
        inc
    }

    #[test]
    fn steps_are_called_in_order_until_the_chain_ends() {
        let policy = chained();
        let tick = |inc: &Incident| decide(inc, &Action::Tick, &ctx(&policy, SYSTEM_ACTOR));
        // (called before) → (timeline, effect kinds, called after, next due)
        type Row<'a> = (i64, &'a str, Vec<&'a str>, i64, Option<i64>);
        let rows: Vec<Row> = vec![
            (
                0,
                "Escalation step 1 of 3: called @U0LEAD, nobody acknowledged within 5m",
                vec!["post", "escalation_dm", "update_card"],
                1,
                Some(NOW + 10 * MIN),
            ),
            (
                1,
                "Escalation step 2 of 3: called @S0SENIOR, nobody acknowledged within 10m",
                vec!["post", "update_card"],
                2,
                Some(NOW + 15 * MIN),
            ),
            (
                2,
                "Escalation step 3 of 3: called PagerDuty's on-call, nobody acknowledged within 15m",
                vec!["post", "page", "update_card"],
                3,
                None,
            ),
        ];
        for (before, text, effects, after, next) in rows {
            let o = tick(&due(before)).unwrap();
            assert_eq!(o.timeline[0].text, text);
            assert_eq!(kinds(&o.effects), effects, "step {after}");
            assert_eq!(o.incident.schedule.chain_called, after);
            assert_eq!(o.incident.schedule.chain_next_at, next);
        }
        // Past the last step, or acknowledged, or not yet due: nothing is called.
        let mut acked = due(1);
        acked.schedule.chain_acked_by = Some(BOB.into());
        let mut early = due(0);
        early.schedule.chain_next_at = Some(NOW + 1);
        for inc in [due(3), acked, early] {
            let o = tick(&inc).unwrap();
            assert!(o.timeline.is_empty(), "{:?}", o.timeline);
            assert!(o.effects.is_empty());
        }
    }

    #[test]
    fn a_drill_or_no_pagerduty_calls_nobody_at_the_pagerduty_step() {
        let policy = chained();
        let mut drill = due(2);
        drill.drill = true;
        let o = decide(&drill, &Action::Tick, &ctx(&policy, SYSTEM_ACTOR)).unwrap();
        assert_eq!(kinds(&o.effects), vec!["post", "update_card"]);
        assert!(o.timeline[0].text.contains("not paged"));
        let mut quiet = ctx(&policy, SYSTEM_ACTOR);
        quiet.paging = false;
        let o = decide(&due(2), &Action::Tick, &quiet).unwrap();
        assert_eq!(kinds(&o.effects), vec!["post", "update_card"]);
    }

    #[test]
    fn acknowledging_stops_the_chain_once() {
        let policy = chained();
        let ack = Action::AcknowledgeEscalation;
        let mut running = due(1);
        running.schedule.chain_next_at = Some(NOW + 10 * MIN);
        let o = decide(&running, &ack, &ctx(&policy, LEAD)).unwrap();
        assert_eq!(
            o.timeline[0].text,
            "@U0LEAD acknowledged the escalation at step 1"
        );
        assert_eq!(kinds(&o.effects), vec!["post"]);
        assert_eq!(o.incident.schedule.chain_acked_by.as_deref(), Some(LEAD));
        assert_eq!(o.incident.schedule.chain_next_at, None);
        // Refusals: taken already, nothing called yet, resolved.
        let mut taken = o.incident.clone();
        taken.version += 1;
        let mut not_called = incident();
        not_called.schedule.chain_next_at = Some(NOW + MIN);
        let mut resolved = due(1);
        resolved.status = Status::Resolved;
        let rows = [
            (
                taken,
                Refusal::AlreadyAcknowledged {
                    incident: running.id.clone(),
                    by: LEAD.into(),
                },
            ),
            (
                not_called,
                Refusal::NothingToAcknowledge {
                    incident: running.id.clone(),
                    status: Status::Investigating,
                },
            ),
            (
                resolved,
                Refusal::NothingToAcknowledge {
                    incident: running.id.clone(),
                    status: Status::Resolved,
                },
            ),
        ];
        for (inc, refusal) in rows {
            assert_eq!(decide(&inc, &ack, &ctx(&policy, BOB)).unwrap_err(), refusal);
        }
    }

    #[test]
    fn the_chain_starts_at_declare_and_restarts_with_the_severity() {
        let policy = chained();
        let mut inc = incident();
        crate::incident::schedule::rebase(&mut inc, &policy.severities[1], NOW);
        assert_eq!(inc.schedule.chain_next_at, Some(NOW + 5 * MIN));
        // P0 has no chain: changing to it stops the P1 chain.
        let o = decide(
            &inc,
            &Action::SetSeverity("P0".into()),
            &ctx(&policy, ALICE),
        )
        .unwrap();
        assert_eq!(o.incident.schedule.chain_next_at, None);
        // Resolving stops it too.
        let o = decide(
            &inc,
            &Action::Resolve {
                summary: String::new(),
            },
            &ctx(&policy, ALICE),
        )
        .unwrap();
        assert_eq!(o.incident.schedule.chain_next_at, None);
    }
}
