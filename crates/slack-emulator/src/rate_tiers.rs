//! Slack's rate limits, enforced on demand: each Web API method belongs to a tier that allows
//! so many calls a minute per workspace, and `chat.postMessage` allows about one message a
//! second per channel. A call over its limit is answered HTTP 429 with `Retry-After` (whole
//! seconds until a slot frees) and changes nothing, as on Slack. Off by default.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use serde_json::{Map, Value};

/// The limits in force: calls allowed per window, per method (or per channel for posts).
#[derive(Clone, Debug)]
pub struct RateTiers {
    /// Tier 2 (20 a minute): `conversations.create`, `conversations.setTopic`, `pins.add`.
    pub tier2_per_minute: usize,
    /// Tier 3 (50 a minute): `conversations.invite`, `chat.update`.
    pub tier3_per_minute: usize,
    /// `chat.postMessage`: messages a second into one channel.
    pub posts_per_channel_per_second: usize,
}

impl Default for RateTiers {
    fn default() -> RateTiers {
        RateTiers {
            tier2_per_minute: 20,
            tier3_per_minute: 50,
            posts_per_channel_per_second: 1,
        }
    }
}

const TIER2: &[&str] = &[
    "conversations.archive",
    "conversations.create",
    "conversations.list",
    "conversations.setTopic",
    "pins.add",
];
const TIER3: &[&str] = &[
    "conversations.invite",
    "chat.update",
    "conversations.history",
    "conversations.replies",
    "conversations.open",
];

/// The calls accepted in the current windows.
#[derive(Default)]
pub(crate) struct Limiter {
    windows: HashMap<String, VecDeque<Instant>>,
}

impl Limiter {
    /// Admits a call of `method` with `args` at `now`, or says how long until it would be.
    pub(crate) fn admit(
        &mut self,
        tiers: &RateTiers,
        method: &str,
        args: &Map<String, Value>,
        now: Instant,
    ) -> Result<(), Duration> {
        let minute = Duration::from_secs(60);
        let (key, limit, window) = if TIER2.contains(&method) {
            (method.to_owned(), tiers.tier2_per_minute, minute)
        } else if TIER3.contains(&method) {
            (method.to_owned(), tiers.tier3_per_minute, minute)
        } else if method == "chat.postMessage" {
            let channel = args.get("channel").and_then(Value::as_str).unwrap_or("");
            (
                format!("{method}:{channel}"),
                tiers.posts_per_channel_per_second,
                Duration::from_secs(1),
            )
        } else {
            return Ok(());
        };
        let calls = self.windows.entry(key).or_default();
        while calls
            .front()
            .is_some_and(|t| now.duration_since(*t) >= window)
        {
            calls.pop_front();
        }
        if calls.len() >= limit.max(1) {
            let oldest = calls.front().copied().unwrap_or(now);
            return Err(window.saturating_sub(now.duration_since(oldest)));
        }
        calls.push_back(now);
        Ok(())
    }
}

/// `Retry-After` in whole seconds, rounded up and never 0 (Slack never says "retry now").
pub(crate) fn retry_after_secs(wait: Duration) -> u64 {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    secs.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tiers_count_per_method_and_posts_per_channel() {
        let tiers = RateTiers::default();
        let mut limiter = Limiter::default();
        let t0 = Instant::now();
        let none = Map::new();
        for _ in 0..20 {
            assert!(limiter.admit(&tiers, "pins.add", &none, t0).is_ok());
        }
        let wait = limiter.admit(&tiers, "pins.add", &none, t0).unwrap_err();
        assert_eq!(retry_after_secs(wait), 60);
        assert!(limiter
            .admit(&tiers, "pins.add", &none, t0 + Duration::from_secs(60))
            .is_ok());
        // Methods outside the tiers pass.
        assert!(limiter.admit(&tiers, "views.open", &none, t0).is_ok());

        let c1 = json!({"channel": "C1"}).as_object().cloned().unwrap();
        let c2 = json!({"channel": "C2"}).as_object().cloned().unwrap();
        assert!(limiter.admit(&tiers, "chat.postMessage", &c1, t0).is_ok());
        assert!(limiter.admit(&tiers, "chat.postMessage", &c2, t0).is_ok());
        let wait = limiter
            .admit(
                &tiers,
                "chat.postMessage",
                &c1,
                t0 + Duration::from_millis(400),
            )
            .unwrap_err();
        assert_eq!(retry_after_secs(wait), 1);
        assert!(limiter
            .admit(&tiers, "chat.postMessage", &c1, t0 + Duration::from_secs(1))
            .is_ok());
    }
}
