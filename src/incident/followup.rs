//! When action-item follow-up happens: the owner's reminder on the due date and the
//! weekly digest, both at the policy's `[digest]` time of day in its time zone. Pure
//! time arithmetic; the scheduler reads these, the store keeps what was already done.

use crate::policy::Digest;
use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc};

const WEEK_MS: i64 = 7 * 86_400_000;

/// `date` at the digest's time of day in its time zone, as epoch ms. A time the zone
/// skips (a DST gap) moves an hour on; an ambiguous one takes the earlier instant.
pub fn at_digest_time(date: NaiveDate, digest: &Digest) -> i64 {
    let local = date.and_time(digest.time);
    match digest.timezone.from_local_datetime(&local) {
        chrono::LocalResult::Single(t) => t.timestamp_millis(),
        chrono::LocalResult::Ambiguous(early, _) => early.timestamp_millis(),
        chrono::LocalResult::None => digest
            .timezone
            .from_local_datetime(&(local + Duration::hours(1)))
            .earliest()
            .map(|t| t.timestamp_millis())
            .unwrap_or_else(|| Utc.from_utc_datetime(&local).timestamp_millis()),
    }
}

/// When an item due on `due` reminds its owner.
pub fn reminder_at(due: NaiveDate, digest: &Digest) -> i64 {
    at_digest_time(due, digest)
}

/// The latest digest time at or before `now` (the policy's weekday and time, local).
pub fn digest_slot(digest: &Digest, now: i64) -> i64 {
    let today = crate::clock::from_ms(now)
        .with_timezone(&digest.timezone)
        .date_naive();
    let back = (today.weekday().num_days_from_monday() + 7 - digest.day.num_days_from_monday()) % 7;
    let mut day = today - Duration::days(i64::from(back));
    loop {
        let slot = at_digest_time(day, digest);
        if slot <= now {
            return slot;
        }
        day -= Duration::days(7);
    }
}

/// The first digest time after `now`.
pub fn next_digest_slot(digest: &Digest, now: i64) -> i64 {
    let last = digest_slot(digest, now);
    let date = crate::clock::from_ms(last)
        .with_timezone(&digest.timezone)
        .date_naive();
    at_digest_time(date + Duration::days(7), digest).max(last + WEEK_MS / 2)
}

/// What the digest covers: the week up to its slot.
pub fn digest_week(slot: i64) -> (i64, i64) {
    (slot - WEEK_MS, slot)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveTime, Weekday};

    fn paris_friday() -> Digest {
        Digest {
            day: Weekday::Fri,
            time: NaiveTime::from_hms_opt(16, 30, 0).unwrap(),
            timezone: chrono_tz::Europe::Paris,
        }
    }

    fn ms(s: &str) -> i64 {
        chrono::DateTime::parse_from_rfc3339(s)
            .unwrap()
            .timestamp_millis()
    }

    #[test]
    fn slots_are_local_weekday_and_time() {
        let d = paris_friday();
        // Monday 30 Nov 2026 → Friday 27 Nov, 16:30 in Paris (CET, UTC+1).
        let now = ms("2026-11-30T10:00:00Z");
        assert_eq!(digest_slot(&d, now), ms("2026-11-27T15:30:00Z"));
        assert_eq!(next_digest_slot(&d, now), ms("2026-12-04T15:30:00Z"));
        // On the day, before and after the time.
        assert_eq!(
            digest_slot(&d, ms("2026-12-04T15:29:59Z")),
            ms("2026-11-27T15:30:00Z")
        );
        assert_eq!(
            digest_slot(&d, ms("2026-12-04T15:30:00Z")),
            ms("2026-12-04T15:30:00Z")
        );
        // Summer time (CEST, UTC+2).
        assert_eq!(
            digest_slot(&d, ms("2026-07-01T00:00:00Z")),
            ms("2026-06-26T14:30:00Z")
        );
        let reminder = reminder_at(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(), &d);
        assert_eq!(reminder, ms("2026-12-01T15:30:00Z"));
        assert_eq!(Digest::default().timezone, chrono_tz::UTC);
        let monday_nine = digest_slot(&Digest::default(), now);
        assert_eq!(monday_nine, ms("2026-11-30T09:00:00Z"));
    }
}
