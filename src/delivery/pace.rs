//! Slack's rate tiers, kept before Slack has to enforce them: each Web API method may be
//! called so many times a minute (Tier 2: 20, Tier 3: 50, Tier 4: 100) and
//! `chat.postMessage` about once a second per channel. A call that would go over waits
//! instead of earning a 429 (in the call for a channel's next post slot, otherwise its
//! effect is put back until the slot frees). Effects of the gravest incidents may use the
//! whole allowance while the rest leave a twentieth of it (at least one call) free, and a
//! grave call held back takes the next slot, so a P0 declared in a storm of P3s is set up
//! at once, not a minute later. The reserve is kept small because every call it holds
//! back in a storm waits a whole minute: 19 of Tier 2's 20 for ordinary incidents set
//! a storm of 24 up within seconds of the floor, and the 20th is the P0's.

use crate::slack::client::{CallError, SlackApi};
use serde_json::Value;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const MINUTE: Duration = Duration::from_secs(60);
/// Our windows run a little longer than Slack's, so clocks and network jitter never tip
/// a call over.
const MARGIN: Duration = Duration::from_millis(500);
const POST_MARGIN: Duration = Duration::from_millis(100);
/// The share of each allowance kept for the gravest incidents (at least one call).
const GRAVE_RESERVE: usize = 20;

/// Calls of `allowed` that effects of less grave incidents may make.
fn ordinary_allowance(allowed: usize) -> usize {
    allowed
        .saturating_sub((allowed / GRAVE_RESERVE).max(1))
        .max(1)
}

/// Calls allowed per window for `method` (with `args`), and the key they count under.
fn limit(method: &str, args: &Value) -> Option<(String, usize, Duration)> {
    let per_minute = match method {
        "chat.postMessage" => {
            let channel = args.get("channel").and_then(Value::as_str).unwrap_or("");
            return Some((
                format!("{method}:{channel}"),
                1,
                Duration::from_secs(1) + POST_MARGIN,
            ));
        }
        "conversations.create"
        | "conversations.setTopic"
        | "conversations.list"
        | "conversations.canvases.create"
        | "pins.add"
        | "files.completeUploadExternal" => 20,
        "conversations.invite"
        | "conversations.history"
        | "conversations.replies"
        | "conversations.open"
        | "conversations.info"
        | "conversations.members"
        | "chat.update"
        | "canvases.edit" => 50,
        "users.info" | "chat.postEphemeral" | "files.getUploadURLExternal" | "views.publish" => 100,
        _ => return None,
    };
    Some((method.to_string(), per_minute, MINUTE + MARGIN))
}

/// A wait this short is slept through inside the call (a channel's next post slot);
/// longer ones put the effect back in the outbox until the slot frees.
const WAIT_IN_CALL: Duration = Duration::from_millis(1_500);
/// How long a grave call that was held back keeps ordinary calls off its slot.
const GRAVE_CLAIM: Duration = Duration::from_secs(3);

#[derive(Default)]
struct Windows {
    calls: HashMap<String, VecDeque<Instant>>,
    /// Keys a grave call is waiting for: the next slot is theirs.
    grave_waiting: HashMap<String, Instant>,
}

/// The calls made in each window, shared by every delivery worker of this process.
#[derive(Default)]
pub struct Pacer {
    windows: Mutex<Windows>,
}

impl Pacer {
    /// Counts a call of `method` now, or says how long until it may be made. `grave`
    /// calls may use the whole allowance, others [`ordinary_allowance`] of it.
    pub fn admit(
        &self,
        method: &str,
        args: &Value,
        grave: bool,
        now: Instant,
    ) -> Result<(), Duration> {
        let Some((key, allowed, window)) = limit(method, args) else {
            return Ok(());
        };
        let allowed = if grave || allowed == 1 {
            allowed
        } else {
            ordinary_allowance(allowed)
        };
        // A poisoned lock only means another worker panicked mid-count: keep counting.
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        let Windows {
            calls,
            grave_waiting,
        } = &mut *windows;
        let calls = calls.entry(key.clone()).or_default();
        while calls
            .front()
            .is_some_and(|t| now.duration_since(*t) >= window)
        {
            calls.pop_front();
        }
        let grave_ahead = !grave
            && grave_waiting
                .get(&key)
                .is_some_and(|since| now.duration_since(*since) < GRAVE_CLAIM);
        if calls.len() < allowed && !grave_ahead {
            calls.push_back(now);
            if grave {
                grave_waiting.remove(&key);
            }
            return Ok(());
        }
        if grave {
            grave_waiting.entry(key).or_insert(now);
        }
        // The slot frees when the call `allowed` places back leaves the window.
        let frees_at = match calls.len().checked_sub(allowed) {
            Some(i) => calls[i] + window,
            None => now + Duration::from_millis(200),
        };
        Err(frees_at
            .saturating_duration_since(now)
            .max(Duration::from_millis(10)))
    }
}

/// The Web API as one delivery sees it: paced, and remembering whether any call of this
/// delivery reached Slack (then a retry must look for what it did).
pub struct PacedApi<'a> {
    pub inner: &'a dyn SlackApi,
    pub pacer: &'a Pacer,
    pub grave: bool,
    pub reached_slack: std::sync::atomic::AtomicBool,
}

impl<'a> PacedApi<'a> {
    pub fn new(inner: &'a dyn SlackApi, pacer: &'a Pacer, grave: bool) -> PacedApi<'a> {
        PacedApi {
            inner,
            pacer,
            grave,
            reached_slack: Default::default(),
        }
    }

    pub fn reached_slack(&self) -> bool {
        self.reached_slack
            .load(std::sync::atomic::Ordering::Relaxed)
    }
}

#[async_trait::async_trait]
impl SlackApi for PacedApi<'_> {
    async fn call(&self, method: &str, args: Value) -> Result<Value, CallError> {
        let mut slept = Duration::ZERO;
        while let Err(wait) = self.pacer.admit(method, &args, self.grave, Instant::now()) {
            // A channel's next post slot is a second away at most: wait for it here, so
            // the effect keeps its place (and a frozen test clock cannot strand it).
            if wait > WAIT_IN_CALL || slept + wait > WAIT_IN_CALL * 2 {
                return Err(CallError::Paced(wait));
            }
            tokio::time::sleep(wait).await;
            slept += wait;
        }
        self.reached_slack
            .store(true, std::sync::atomic::Ordering::Relaxed);
        super::join::call_rejoining(self.inner, method, args).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tier_two_leaves_room_for_the_gravest() {
        let pacer = Pacer::default();
        let t0 = Instant::now();
        let args = json!({"name": "x"});
        for _ in 0..19 {
            assert!(pacer
                .admit("conversations.create", &args, false, t0)
                .is_ok());
        }
        // Ordinary incidents stop one call short of the allowance…
        let wait = pacer
            .admit("conversations.create", &args, false, t0)
            .unwrap_err();
        assert!(wait > Duration::from_secs(60) && wait <= MINUTE + MARGIN);
        // …the gravest may use the rest at once.
        assert!(pacer.admit("conversations.create", &args, true, t0).is_ok());
        assert!(pacer
            .admit("conversations.create", &args, true, t0)
            .is_err());
        // A minute later the window has moved on.
        let later = t0 + MINUTE + MARGIN;
        assert!(pacer
            .admit("conversations.create", &args, false, later)
            .is_ok());
    }

    #[test]
    fn larger_tiers_keep_a_twentieth_for_the_gravest() {
        assert_eq!(ordinary_allowance(20), 19);
        assert_eq!(ordinary_allowance(50), 48);
        assert_eq!(ordinary_allowance(100), 95);
        assert_eq!(ordinary_allowance(1), 1);
    }

    #[test]
    fn a_grave_call_held_back_takes_the_next_slot() {
        let pacer = Pacer::default();
        let t0 = Instant::now();
        let a = json!({"channel": "C1"});
        assert!(pacer.admit("chat.postMessage", &a, false, t0).is_ok());
        assert!(pacer.admit("chat.postMessage", &a, true, t0).is_err());
        let slot = t0 + Duration::from_millis(1_200);
        assert!(pacer.admit("chat.postMessage", &a, false, slot).is_err());
        assert!(pacer.admit("chat.postMessage", &a, true, slot).is_ok());
        let next = slot + Duration::from_millis(1_200);
        assert!(pacer.admit("chat.postMessage", &a, false, next).is_ok());
    }

    #[test]
    fn posts_are_paced_per_channel() {
        let pacer = Pacer::default();
        let t0 = Instant::now();
        let a = json!({"channel": "C1"});
        let b = json!({"channel": "C2"});
        assert!(pacer.admit("chat.postMessage", &a, false, t0).is_ok());
        assert!(pacer.admit("chat.postMessage", &b, false, t0).is_ok());
        let wait = pacer.admit("chat.postMessage", &a, false, t0).unwrap_err();
        assert!(wait > Duration::from_secs(1));
        assert!(pacer
            .admit(
                "chat.postMessage",
                &a,
                false,
                t0 + Duration::from_millis(1_100)
            )
            .is_ok());
        // Methods without a tier are never held.
        assert!(pacer.admit("auth.test", &a, false, t0).is_ok());
    }
}
