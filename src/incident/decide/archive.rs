//! A closed incident's channel: announced, then archived once, when its due times come
//! (planned at close from the policy's `archive_after`).

use super::Builder;
use crate::incident::effect::{Effect, Notice};
use crate::incident::model::Status;

/// Only ever reached for a closed incident: an incident that is not closed never has its
/// channel archived (delivery checks again).
pub(super) fn tick(b: &mut Builder, now: i64) {
    if b.incident.status != Status::Closed {
        return;
    }
    let due = |t: Option<i64>| t.is_some_and(|t| t <= now);
    let s = &mut b.incident.schedule;
    if due(s.archive_at) {
        // Back from a long downtime, the notice is moot: archive without it.
        s.archive_at = None;
        s.archive_notice_at = None;
        b.record("archived", "Channel archived".into());
        b.effects.push(Effect::ArchiveChannel);
        return;
    }
    if due(s.archive_notice_at) {
        s.archive_notice_at = None;
        if let Some(at) = s.archive_at {
            b.say(Notice::ArchiveSoon { at });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::{decide, Action};
    use crate::incident::model::Status;
    use std::time::Duration;

    #[test]
    fn close_plans_the_archive_and_ticks_archive_once() {
        let mut policy = policy();
        policy.archive_after = Some(Duration::from_secs(7 * 86_400));
        let mut inc = with_ic(incident(), BOB);
        inc.status = Status::Resolved;
        let closed = decide(
            &inc,
            &Action::Close { open_items: vec![] },
            &ctx(&policy, BOB),
        )
        .unwrap()
        .incident;
        let day = 86_400_000;
        assert_eq!(closed.schedule.archive_at, Some(NOW + 7 * day));
        assert_eq!(closed.schedule.archive_notice_at, Some(NOW + 6 * day));
        assert_eq!(closed.schedule.next_due_at(), Some(NOW + 6 * day));

        let at = |now: i64| {
            let mut c = ctx(&policy, super::super::SYSTEM_ACTOR);
            c.now = now;
            c
        };
        let noticed = decide(&closed, &Action::Tick, &at(NOW + 6 * day)).unwrap();
        assert_eq!(kinds(&noticed.effects), vec!["post"]);
        assert!(noticed.timeline.is_empty());
        assert_eq!(noticed.incident.schedule.next_due_at(), Some(NOW + 7 * day));
        let archived = decide(&noticed.incident, &Action::Tick, &at(NOW + 7 * day)).unwrap();
        assert_eq!(kinds(&archived.effects), vec!["archive_channel"]);
        assert_eq!(archived.timeline[0].kind, "archived");
        assert_eq!(archived.incident.schedule.next_due_at(), None);
        let again = decide(&archived.incident, &Action::Tick, &at(NOW + 8 * day)).unwrap();
        assert!(again.effects.is_empty());

        // Down through both: archived at once, no notice.
        let late = decide(&closed, &Action::Tick, &at(NOW + 30 * day)).unwrap();
        assert_eq!(kinds(&late.effects), vec!["archive_channel"]);
    }

    #[test]
    fn zero_never_archives_and_short_delays_notice_halfway() {
        let mut policy = policy();
        let mut inc = with_ic(incident(), BOB);
        inc.status = Status::Resolved;
        let close = |policy: &crate::policy::Policy| {
            decide(
                &inc,
                &Action::Close { open_items: vec![] },
                &ctx(policy, BOB),
            )
            .unwrap()
            .incident
            .schedule
        };
        policy.archive_after = None;
        assert_eq!(close(&policy).next_due_at(), None);
        policy.archive_after = Some(Duration::from_secs(4));
        let s = close(&policy);
        assert_eq!(
            (s.archive_notice_at, s.archive_at),
            (Some(NOW + 2_000), Some(NOW + 4_000))
        );
    }
}
