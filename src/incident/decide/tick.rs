//! What the scheduler finds due: update reminders, the no-commander nag, resolution
//! target warnings and breaches, and the escalation timer.

use super::archive;
use super::escalation::escalate;
use super::escalation_chain;
use super::{severity_of, Builder, Ctx};
use crate::incident::effect::{Effect, EscalationCause, Notice};
use crate::incident::model::{Incident, Status, COMMS_ROLE, IC_ROLE};
use crate::incident::refusal::Refusal;
use crate::incident::schedule;

/// Whatever is due at `ctx.now` fires once; due times move on from now, so a long
/// downtime yields one catch-up notice per cause, never a burst.
pub(super) fn tick(b: &mut Builder, ctx: &Ctx) -> Result<(), Refusal> {
    let now = ctx.now;
    let due = |t: Option<i64>| t.is_some_and(|t| t <= now);
    if b.incident.status == Status::Closed {
        archive::tick(b, now);
        return Ok(());
    }
    if !b.incident.status.is_open() {
        schedule::stop(&mut b.incident.schedule);
        return Ok(());
    }
    let sev = severity_of(ctx.policy, &b.incident)?.clone();

    if due(b.incident.schedule.next_update_due_at) {
        let every = sev.update_every.map(schedule::ms);
        b.incident.schedule.next_update_due_at = every.map(|e| now + e);
        b.incident.schedule.ignored_reminders += 1;
        b.record("reminder", "Update reminder".into());
        b.say(Notice::Reminder {
            who: reminder_targets(&b.incident),
            last_update_at: b.incident.last_update_at,
            declared_at: b.incident.declared_at,
        });
        if b.incident.schedule.ignored_reminders >= 2 {
            escalate(b, &sev, "reminders", EscalationCause::UnansweredReminders);
        }
    }
    if due(b.incident.schedule.next_nag_at) {
        let has_ic = b.incident.roles.contains_key(IC_ROLE);
        b.incident.schedule.next_nag_at = if has_ic {
            None
        } else {
            schedule::nag_interval(&sev).map(|d| now + schedule::ms(d))
        };
        if !has_ic {
            b.record("nag", "No Incident Commander yet".into());
            b.say(Notice::NoCommander {
                waited_ms: (now - b.incident.declared_at).max(0),
            });
        }
    }
    if due(b.incident.schedule.target_warn_at) {
        b.incident.schedule.target_warn_at = None;
        if let Some(target) = sev.resolve_within {
            b.record(
                "target_warning",
                format!(
                    "80% of the {} resolution target used",
                    humantime::format_duration(target)
                ),
            );
            b.say(Notice::TargetWarning {
                severity: sev.name.clone(),
                target_ms: schedule::ms(target),
                due_at: b.incident.schedule.target_breach_at,
            });
        }
    }
    if due(b.incident.schedule.target_breach_at) {
        b.incident.schedule.target_breach_at = None;
        if let Some(target) = sev.resolve_within {
            b.record(
                "target_breached",
                format!(
                    "{} resolution target breached",
                    humantime::format_duration(target)
                ),
            );
            b.say(Notice::TargetBreached {
                severity: sev.name.clone(),
                target_ms: schedule::ms(target),
            });
        }
    }
    if due(b.incident.schedule.escalate_at) {
        b.incident.schedule.escalate_at = None;
        if let Some(after) = sev.escalate_after {
            let cause = EscalationCause::Timer {
                after_ms: schedule::ms(after),
            };
            escalate(b, &sev, "timer", cause);
        }
    }
    escalation_chain::tick(b, &sev, ctx);
    if !b.effects.is_empty() {
        b.effects.push(Effect::UpdateCard);
    }
    Ok(())
}

/// The IC and the comms lead, or the reporter when neither is assigned.
pub fn reminder_targets(inc: &Incident) -> Vec<String> {
    let mut who: Vec<String> = [IC_ROLE, COMMS_ROLE]
        .iter()
        .filter_map(|r| inc.holder(r).map(str::to_string))
        .collect();
    who.dedup();
    if who.is_empty() {
        who.push(inc.reporter.clone());
    }
    who
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
        let past = Some(NOW - 1);
        let mut reminder = with_ic(incident(), BOB);
        reminder.schedule.next_update_due_at = past;
        let mut second_reminder = reminder.clone();
        second_reminder.schedule.ignored_reminders = 1;
        let mut nag = incident();
        nag.schedule.next_nag_at = past;
        let mut warn = incident();
        warn.schedule.target_warn_at = past;
        warn.schedule.target_breach_at = Some(NOW + MIN);
        let mut breach = incident();
        breach.schedule.target_breach_at = past;
        let mut timer = incident();
        timer.schedule.escalate_at = past;
        let mut timer_done = timer.clone();
        timer_done.schedule.escalations = vec!["timer".into()];
        let mut resolved = reminder.clone();
        resolved.status = Status::Resolved;
        let mut gone = reminder.clone();
        gone.severity = "P9".into();
        let quiet = incident();
        // (incident) → (timeline kinds, effect kinds) | refusal
        type Expect<'a> = Result<(Vec<&'a str>, Vec<&'a str>), Refusal>;
        let rows: Vec<(_, Expect)> = vec![
            (
                &reminder,
                Ok((vec!["reminder"], vec!["post", "update_card"])),
            ),
            (
                &second_reminder,
                Ok((
                    vec!["reminder", "escalated"],
                    vec!["post", "post", "post_in_announcement_thread", "update_card"],
                )),
            ),
            (&nag, Ok((vec!["nag"], vec!["post", "update_card"]))),
            (
                &warn,
                Ok((vec!["target_warning"], vec!["post", "update_card"])),
            ),
            (
                &breach,
                Ok((vec!["target_breached"], vec!["post", "update_card"])),
            ),
            (
                &timer,
                Ok((
                    vec!["escalated"],
                    vec!["post", "post_in_announcement_thread", "update_card"],
                )),
            ),
            (&timer_done, Ok((vec![], vec![]))),
            (&resolved, Ok((vec![], vec![]))),
            (&quiet, Ok((vec![], vec![]))),
            (
                &gone,
                Err(Refusal::SeverityGone {
                    severity: "P9".into(),
                }),
            ),
        ];
        for (i, (inc, expected)) in rows.into_iter().enumerate() {
            let got = decide(
                inc,
                &Action::Tick,
                &ctx(&policy, super::super::SYSTEM_ACTOR),
            );
            match (got, expected) {
                (Ok(o), Ok((timeline, effects))) => {
                    let kinds_got: Vec<&str> = o.timeline.iter().map(|e| e.kind.as_str()).collect();
                    assert_eq!(kinds_got, timeline, "row {i}");
                    assert_eq!(kinds(&o.effects), effects, "row {i}");
                }
                (Err(r), Err(e)) => assert_eq!(r, e, "row {i}"),
                (got, expected) => panic!("row {i}: {got:?} vs {expected:?}"),
            }
        }
    }

    #[test]
    fn due_times_move_on_from_now() {
        let policy = policy();
        let mut inc = with_ic(incident(), BOB);
        inc.schedule.next_update_due_at = Some(NOW - 3 * 60 * MIN);
        let o = decide(&inc, &Action::Tick, &ctx(&policy, "warroom")).unwrap();
        assert_eq!(o.incident.schedule.next_update_due_at, Some(NOW + 30 * MIN));
        assert_eq!(o.incident.schedule.ignored_reminders, 1);
        let mut resolved = inc.clone();
        resolved.status = Status::Resolved;
        let o = decide(&resolved, &Action::Tick, &ctx(&policy, "warroom")).unwrap();
        assert_eq!(o.incident.schedule.next_due_at(), None);
    }

    #[test]
    fn reminder_targets_fall_back_to_the_reporter() {
        assert_eq!(reminder_targets(&incident()), vec![ALICE.to_string()]);
        assert_eq!(
            reminder_targets(&with_ic(incident(), BOB)),
            vec![BOB.to_string()]
        );
    }
}
