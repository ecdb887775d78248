//! The one retry policy for every delivery (Slack, PagerDuty, webhook): what an attempt
//! came to, which failures are worth retrying, which mean the goal already holds, and how
//! long to wait before the next try.

use crate::slack::client::CallError;
use crate::store::StoreError;
use rand::Rng;
use std::time::Duration;

/// What became of one delivery attempt.
#[derive(Debug)]
pub enum Delivery {
    /// Delivered (or nothing left to do); the note says why when no call was made.
    Done(Option<String>),
    /// Try again later.
    Retry(CallError),
    /// Will never succeed; recorded and surfaced.
    Failed(String),
}

impl From<StoreError> for Delivery {
    fn from(e: StoreError) -> Delivery {
        // The database hiccupped between the receiver's answer and our record of it.
        Delivery::Retry(CallError::Transport(format!("store: {e}")))
    }
}

/// First wait after a transient failure; doubles per attempt up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(500);
/// Longest wait between retries of a transient failure.
pub const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// Transient failures are retried; anything else failed for good.
pub fn classify(err: CallError) -> Delivery {
    if err.is_transient() {
        Delivery::Retry(err)
    } else {
        Delivery::Failed(err.code())
    }
}

/// Slack errors that mean "already done": the effect's goal holds (`already_in_channel`
/// for an invite, `already_pinned` for a pin).
pub fn already_done(err: &CallError, codes: &[&str]) -> bool {
    matches!(err, CallError::Api(code) if codes.contains(&code.as_str()))
}

/// Delay before retry number `attempts` (1-based): 0.5 s, 1 s, 2 s … capped, ±20 %
/// jitter; a 429 waits exactly what `Retry-After` asked.
pub fn backoff(attempts: i64, err: &CallError) -> Duration {
    match err {
        CallError::RateLimited(after) => return after.unwrap_or(Duration::from_secs(1)),
        CallError::Paced(until_free) => return *until_free,
        _ => {}
    }
    let exp = attempts.clamp(1, 20) as u32 - 1;
    let base = FIRST_BACKOFF
        .saturating_mul(2u32.saturating_pow(exp))
        .min(MAX_BACKOFF);
    base.mul_f64(rand::thread_rng().gen_range(0.8..1.2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_caps_and_obeys_retry_after() {
        let e = CallError::Timeout;
        let first = backoff(1, &e);
        assert!(first >= Duration::from_millis(400) && first <= Duration::from_millis(600));
        let fourth = backoff(4, &e);
        assert!(fourth >= Duration::from_millis(3200) && fourth <= Duration::from_millis(4800));
        assert!(backoff(30, &e) <= MAX_BACKOFF.mul_f64(1.2));
        assert_eq!(
            backoff(3, &CallError::RateLimited(Some(Duration::from_secs(7)))),
            Duration::from_secs(7)
        );
    }

    #[test]
    fn transient_or_final() {
        assert!(matches!(classify(CallError::Http(503)), Delivery::Retry(_)));
        assert!(matches!(
            classify(CallError::Api("channel_not_found".into())),
            Delivery::Failed(code) if code == "channel_not_found"
        ));
        assert!(already_done(
            &CallError::Api("already_pinned".into()),
            &["already_pinned"]
        ));
        assert!(!already_done(&CallError::Timeout, &["already_pinned"]));
    }
}
