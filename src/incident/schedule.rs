//! Due times of an incident, derived from its severity's policy. The scheduler only
//! reads these; everything that moves them happens here, in the domain.

use super::model::{Incident, Schedule};
use crate::policy::Severity;

pub(crate) fn ms(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX / 4)
}

/// Starts every clock of `sev` from `now`: at declaration and when the severity changes
/// ("cadence and targets follow the new severity from now").
pub fn rebase(inc: &mut Incident, sev: &Severity, now: i64) {
    let open = inc.status.is_open();
    let s = &mut inc.schedule;
    s.severity_since = now;
    s.next_update_due_at = sev.update_every.filter(|_| open).map(|d| now + ms(d));
    s.next_nag_at = match (
        sev.respond_within,
        inc.roles.contains_key(super::model::IC_ROLE),
    ) {
        (Some(d), false) if open => Some(now + ms(d)),
        _ => None,
    };
    s.target_warn_at = sev
        .resolve_within
        .filter(|_| open)
        .map(|d| now + ms(d) * 8 / 10);
    s.target_breach_at = sev.resolve_within.filter(|_| open).map(|d| now + ms(d));
    s.escalate_at = sev
        .escalate_after
        .filter(|_| {
            open && sev.escalate_to.is_some() && !s.escalations.iter().any(|c| c == "timer")
        })
        .map(|d| now + ms(d));
    s.ignored_reminders = 0;
    // The escalation chain of the new severity starts from its first step, unless someone
    // already acknowledged: then it stays stopped.
    if s.chain_acked_by.is_none() {
        s.chain_called = 0;
        s.chain_next_at = sev
            .escalation
            .first()
            .filter(|_| open)
            .map(|step| now + ms(step.after));
    }
}

/// An update was posted: the cadence restarts and the ignored-reminder streak ends.
pub fn on_update(inc: &mut Incident, sev: &Severity, now: i64) {
    let open = inc.status.is_open();
    inc.schedule.next_update_due_at = sev.update_every.filter(|_| open).map(|d| now + ms(d));
    inc.schedule.ignored_reminders = 0;
}

/// Resolved or closed: nothing more is due.
pub fn stop(s: &mut Schedule) {
    s.next_update_due_at = None;
    s.next_nag_at = None;
    s.target_warn_at = None;
    s.target_breach_at = None;
    s.escalate_at = None;
    s.chain_next_at = None;
}

/// How long before archiving the channel says so: a day, or half the delay when the
/// policy archives sooner than two days after close.
const ARCHIVE_NOTICE_LEAD_MS: i64 = 86_400_000;

/// Closed: the channel is archived `archive_after` from now (never when `None`), with a
/// notice ahead of it.
pub fn plan_archive(s: &mut Schedule, archive_after: Option<std::time::Duration>, now: i64) {
    let Some(after) = archive_after.map(ms).filter(|ms| *ms > 0) else {
        s.archive_notice_at = None;
        s.archive_at = None;
        return;
    };
    let lead = ARCHIVE_NOTICE_LEAD_MS.min(after / 2);
    s.archive_at = Some(now + after);
    s.archive_notice_at = Some(now + after - lead);
}

/// How often the no-IC nag repeats: the update cadence, else the response window.
pub fn nag_interval(sev: &Severity) -> Option<std::time::Duration> {
    sev.update_every.or(sev.respond_within)
}
