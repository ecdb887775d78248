//! Escalation: mention the policy's `escalate_to` in the channel and the announcement
//! thread, once per cause (manually, after unanswered reminders, or on a timer).

use super::{severity_of, who, Builder, Ctx};
use crate::incident::effect::{EscalationCause, Notice};
use crate::incident::refusal::Refusal;
use crate::policy::Severity;

pub(super) fn escalate_manually(
    b: &mut Builder,
    reason: Option<&str>,
    ctx: &Ctx,
) -> Result<(), Refusal> {
    if !b.incident.status.is_open() {
        return Err(Refusal::NothingToEscalate {
            incident: b.incident.id.clone(),
            status: b.incident.status,
        });
    }
    let sev = severity_of(ctx.policy, &b.incident)?;
    if sev.escalate_to.is_none() {
        return Err(Refusal::NoEscalationTarget {
            severity: sev.name.clone(),
        });
    }
    let n = b
        .incident
        .schedule
        .escalations
        .iter()
        .filter(|c| c.starts_with("manual"))
        .count();
    let key = format!("manual:{}", n + 1);
    let cause = EscalationCause::Manual {
        by: ctx.actor.to_string(),
        reason: reason.map(str::to_string),
    };
    escalate(b, sev, &key, cause);
    Ok(())
}

/// The cause as the timeline words it.
fn why(cause: &EscalationCause) -> String {
    match cause {
        EscalationCause::Manual {
            by,
            reason: Some(r),
        } => format!("{} escalated: {r}", who(by)),
        EscalationCause::Manual { by, reason: None } => format!("{} escalated", who(by)),
        EscalationCause::UnansweredReminders => {
            "two update reminders in a row went unanswered".into()
        }
        EscalationCause::Timer { after_ms } => format!(
            "unresolved after {}",
            humantime::format_duration(std::time::Duration::from_millis(
                u64::try_from(*after_ms).unwrap_or(0)
            ))
        ),
    }
}

/// Escalates to `sev.escalate_to`, unless `key` (the cause) already escalated.
pub(super) fn escalate(b: &mut Builder, sev: &Severity, key: &str, cause: EscalationCause) {
    let Some(target) = sev.escalate_to.as_deref() else {
        return;
    };
    if b.incident.schedule.escalations.iter().any(|c| c == key) {
        return;
    }
    b.incident.schedule.escalations.push(key.to_string());
    b.record(
        "escalated",
        format!("Escalated to {target}: {}", why(&cause)),
    );
    let notice = Notice::Escalated {
        target: target.to_string(),
        cause,
    };
    b.say(notice.clone());
    if !b.incident.private {
        b.say_in_announcement_thread(notice);
    }
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
        let mut once = incident();
        once.schedule.escalations = vec!["manual:1".into()];
        let mut low = incident();
        low.severity = "P3".into();
        let mut resolved = incident();
        resolved.status = Status::Resolved;
        let mut private = incident();
        private.private = true;
        let esc = |r: Option<&str>| Action::Escalate {
            reason: r.map(str::to_string),
        };
        // (incident, action) → (timeline, effect kinds, causes after) | refusal
        type Expect<'a> = Result<(&'a str, Vec<&'a str>, Vec<&'a str>), Refusal>;
        let rows: Vec<(_, Action, Expect)> = vec![
            (
                &open,
                esc(Some("db on fire")),
                Ok((
                    "Escalated to S0SENIOR: @U0BOB escalated: db on fire",
                    vec!["post", "post_in_announcement_thread"],
                    vec!["manual:1"],
                )),
            ),
            (
                &once,
                esc(None),
                Ok((
                    "Escalated to S0SENIOR: @U0BOB escalated",
                    vec!["post", "post_in_announcement_thread"],
                    vec!["manual:1", "manual:2"],
                )),
            ),
            (
                &private,
                esc(None),
                Ok((
                    "Escalated to S0SENIOR: @U0BOB escalated",
                    vec!["post"],
                    vec!["manual:1"],
                )),
            ),
            (
                &low,
                esc(None),
                Err(Refusal::NoEscalationTarget {
                    severity: "P3".into(),
                }),
            ),
            (
                &resolved,
                esc(None),
                Err(Refusal::NothingToEscalate {
                    incident: resolved.id.clone(),
                    status: Status::Resolved,
                }),
            ),
        ];
        for (inc, action, expected) in rows {
            let got = decide(inc, &action, &ctx(&policy, BOB));
            match (got, expected) {
                (Ok(o), Ok((text, effects, causes))) => {
                    assert_eq!(o.timeline[0].text, text);
                    assert_eq!(kinds(&o.effects), effects);
                    assert_eq!(o.incident.schedule.escalations, causes);
                }
                (Err(r), Err(e)) => assert_eq!(r, e),
                (got, expected) => panic!("{action:?}: {got:?} vs {expected:?}"),
            }
        }
    }
}
