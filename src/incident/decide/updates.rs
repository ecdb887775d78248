//! Status updates, notes and snoozing the update reminder.

use super::{severity_of, Builder, Ctx};
use crate::incident::effect::Notice;
use crate::incident::model::{Status, StatusUpdate};
use crate::incident::refusal::{Refusal, Reply};
use crate::incident::schedule;

/// Fields of the status update template.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UpdateFields {
    pub status: Option<Status>,
    pub summary: String,
    pub impact: String,
    pub actions_taken: String,
    pub next_steps: String,
    pub eta: String,
}

pub(super) fn post_update(
    b: &mut Builder,
    fields: &UpdateFields,
    ctx: &Ctx,
) -> Result<(), Refusal> {
    if !b.incident.status.is_open() {
        return Err(Refusal::NoUpdatesDue {
            incident: b.incident.id.clone(),
            status: b.incident.status,
        });
    }
    let sev = severity_of(ctx.policy, &b.incident)?;
    if let Some(status) = fields.status {
        if status != b.incident.status && status.is_open() {
            let from = b.incident.status;
            b.incident.status = status;
            if matches!(status, Status::Mitigating | Status::Monitoring)
                && b.incident.mitigated_at.is_none()
            {
                b.incident.mitigated_at = Some(ctx.now);
            }
            b.record(
                "status",
                format!("Status {} → {}", from.title(), status.title()),
            );
        }
    }
    schedule::on_update(&mut b.incident, sev, ctx.now);
    b.incident.last_update_at = Some(ctx.now);
    let update = StatusUpdate {
        at: ctx.now,
        author: ctx.actor.to_string(),
        status: b.incident.status.as_str().to_string(),
        summary: fields.summary.trim().to_string(),
        impact: fields.impact.trim().to_string(),
        actions_taken: fields.actions_taken.trim().to_string(),
        next_steps: fields.next_steps.trim().to_string(),
        eta: fields.eta.trim().to_string(),
    };
    b.record("update", one_line(&update));
    let notice = Notice::Update {
        update: update.clone(),
        next_due: b.incident.schedule.next_update_due_at,
    };
    b.say(notice.clone());
    if sev.broadcast && !b.incident.private {
        b.say_in_announcement_thread(notice);
    }
    b.update = Some(update);
    b.refresh_views();
    Ok(())
}

/// An update as one timeline line: "Update (mitigating): rolled back; ETA: 15:00".
pub fn one_line(u: &StatusUpdate) -> String {
    let mut line = format!("Update ({})", u.status);
    for (label, value) in [
        ("", &u.summary),
        ("impact: ", &u.impact),
        ("actions: ", &u.actions_taken),
        ("next: ", &u.next_steps),
        ("ETA: ", &u.eta),
    ] {
        if !value.is_empty() {
            line.push_str(if line.ends_with(')') { ": " } else { "; " });
            line.push_str(label);
            line.push_str(value);
        }
    }
    line
}

pub(super) fn note(b: &mut Builder, text: &str) {
    b.record("note", text.to_string());
    b.reply = Some(Reply::Noted);
}

pub(super) fn snooze(b: &mut Builder, minutes: u32, ctx: &Ctx) -> Result<(), Refusal> {
    if !b.incident.status.is_open() {
        return Err(Refusal::NothingToSnooze {
            incident: b.incident.id.clone(),
            status: b.incident.status,
        });
    }
    if b.incident.schedule.next_update_due_at.is_none() {
        return Err(Refusal::NoCadence {
            incident: b.incident.id.clone(),
            severity: b.incident.severity.clone(),
        });
    }
    let until = ctx.now + i64::from(minutes) * 60_000;
    b.incident.schedule.next_update_due_at = Some(until);
    b.record(
        "snoozed",
        format!("Update reminder snoozed for {minutes} min"),
    );
    b.say(Notice::Snoozed {
        by: ctx.actor.to_string(),
        until,
    });
    b.effects.push(crate::incident::Effect::UpdateCard);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::{decide, Action};
    use super::*;

    fn update(summary: &str, status: Option<Status>) -> Action {
        Action::PostUpdate(UpdateFields {
            status,
            summary: summary.into(),
            eta: " 15:00 ".into(),
            ..UpdateFields::default()
        })
    }

    #[test]
    fn table() {
        let policy = policy();
        let mut cadenced = incident();
        cadenced.schedule.next_update_due_at = Some(NOW + 5 * MIN);
        cadenced.schedule.ignored_reminders = 1;
        let mut private = cadenced.clone();
        private.private = true;
        let mut resolved = incident();
        resolved.status = Status::Resolved;
        let mut gone = incident();
        gone.severity = "P9".into();
        let uncadenced = incident();
        // (incident, action) → (timeline texts, effect kinds, reply) | refusal
        type Expect<'a> = Result<(Vec<&'a str>, Vec<&'a str>, Option<Reply>), Refusal>;
        let rows: Vec<(_, Action, Expect)> = vec![
            (
                &cadenced,
                update("rolled back", Some(Status::Mitigating)),
                Ok((
                    vec![
                        "Status Investigating → Mitigating",
                        "Update (mitigating): rolled back; ETA: 15:00",
                    ],
                    vec![
                        "post",
                        "post_in_announcement_thread",
                        "set_topic",
                        "update_card",
                        "update_announcement",
                    ],
                    None,
                )),
            ),
            (
                &private,
                update("quiet", None),
                Ok((
                    vec!["Update (investigating): quiet; ETA: 15:00"],
                    vec!["post", "set_topic", "update_card"],
                    None,
                )),
            ),
            (
                &resolved,
                update("late", None),
                Err(Refusal::NoUpdatesDue {
                    incident: resolved.id.clone(),
                    status: Status::Resolved,
                }),
            ),
            (
                &gone,
                update("x", None),
                Err(Refusal::SeverityGone {
                    severity: "P9".into(),
                }),
            ),
            (
                &cadenced,
                Action::Note("saw <!here> & more".into()),
                Ok((vec!["saw <!here> & more"], vec![], Some(Reply::Noted))),
            ),
            (
                &cadenced,
                Action::Snooze { minutes: 30 },
                Ok((
                    vec!["Update reminder snoozed for 30 min"],
                    vec!["post", "update_card"],
                    None,
                )),
            ),
            (
                &uncadenced,
                Action::Snooze { minutes: 30 },
                Err(Refusal::NoCadence {
                    incident: cadenced.id.clone(),
                    severity: "P1".into(),
                }),
            ),
            (
                &resolved,
                Action::Snooze { minutes: 15 },
                Err(Refusal::NothingToSnooze {
                    incident: resolved.id.clone(),
                    status: Status::Resolved,
                }),
            ),
        ];
        for (inc, action, expected) in rows {
            let got = decide(inc, &action, &ctx(&policy, BOB));
            match (got, expected) {
                (Ok(o), Ok((texts, effects, reply))) => {
                    let got: Vec<&str> = o.timeline.iter().map(|e| e.text.as_str()).collect();
                    assert_eq!(got, texts, "{action:?}");
                    assert_eq!(kinds(&o.effects), effects, "{action:?}");
                    assert_eq!(o.reply, reply, "{action:?}");
                }
                (Err(r), Err(e)) => assert_eq!(r, e, "{action:?}"),
                (got, expected) => panic!("{action:?}: {got:?} vs {expected:?}"),
            }
        }
    }

    #[test]
    fn an_update_restarts_the_cadence() {
        let policy = policy();
        let mut inc = incident();
        inc.schedule.next_update_due_at = Some(NOW + 5 * MIN);
        inc.schedule.ignored_reminders = 1;
        let o = decide(&inc, &update("x", None), &ctx(&policy, BOB)).unwrap();
        assert_eq!(o.incident.schedule.next_update_due_at, Some(NOW + 30 * MIN));
        assert_eq!(o.incident.schedule.ignored_reminders, 0);
        assert_eq!(o.incident.last_update_at, Some(NOW));
        assert_eq!(o.update.unwrap().eta, "15:00");
    }
}
