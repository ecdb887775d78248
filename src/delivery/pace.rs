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
use crate::store::Store;
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

/// One key's window: the calls made in it (ms, oldest first) and, when a grave call is
/// waiting for this key, since when (the next slot is theirs).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Window {
    pub calls: VecDeque<i64>,
    pub grave_since: Option<i64>,
}

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX / 4)
}

impl Window {
    /// Counts a call at `now` (ms) when `allowed` calls per `window` leave room for it,
    /// or says how long until they would. `grave` calls may use the whole allowance,
    /// others [`ordinary_allowance`] of it, and never the slot a grave call waits for.
    pub fn admit(
        &mut self,
        allowed: usize,
        window: Duration,
        grave: bool,
        now: i64,
    ) -> Result<(), Duration> {
        let window = ms(window);
        let allowed = if grave || allowed == 1 {
            allowed
        } else {
            ordinary_allowance(allowed)
        };
        while self.calls.front().is_some_and(|t| now - *t >= window) {
            self.calls.pop_front();
        }
        let grave_ahead = !grave
            && self
                .grave_since
                .is_some_and(|since| now - since < ms(GRAVE_CLAIM));
        if self.calls.len() < allowed && !grave_ahead {
            self.calls.push_back(now);
            if grave {
                self.grave_since = None;
            }
            return Ok(());
        }
        if grave && self.grave_since.is_none() {
            self.grave_since = Some(now);
        }
        // The slot frees when the call `allowed` places back leaves the window.
        let frees_at = match self.calls.len().checked_sub(allowed) {
            Some(i) => self.calls[i] + window,
            None => now + 200,
        };
        Err(Duration::from_millis(
            u64::try_from(frees_at - now).unwrap_or(0).max(10),
        ))
    }
}

/// Where the windows are kept: in this process, or — with several replicas on
/// PostgreSQL — in the database, so the replicas together stay within Slack's tiers.
pub enum Pacer {
    Local {
        windows: Mutex<HashMap<String, Window>>,
        /// The origin of this process's window times.
        epoch: Instant,
    },
    Shared(Store),
}

impl Default for Pacer {
    fn default() -> Pacer {
        Pacer::Local {
            windows: Mutex::default(),
            epoch: Instant::now(),
        }
    }
}

impl Pacer {
    /// Windows shared through `store` when it is PostgreSQL (replicas), else local.
    pub fn for_store(store: &Store) -> Pacer {
        if store.is_shared() {
            Pacer::Shared(store.clone())
        } else {
            Pacer::default()
        }
    }

    /// Counts a call of `method` now, or says how long until it may be made (the local
    /// windows, at `now`).
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
        match self {
            Pacer::Local { windows, epoch } => {
                // A poisoned lock only means another worker panicked mid-count: keep counting.
                let mut windows = windows.lock().unwrap_or_else(|p| p.into_inner());
                let at = ms(now.saturating_duration_since(*epoch));
                windows
                    .entry(key)
                    .or_default()
                    .admit(allowed, window, grave, at)
            }
            Pacer::Shared(_) => Ok(()),
        }
    }

    /// Counts a call of `method` now, wherever the windows are kept. A database that
    /// cannot be reached paces nothing (Slack's 429 and the retry path still hold).
    async fn admit_now(&self, method: &str, args: &Value, grave: bool) -> Result<(), Duration> {
        let Pacer::Shared(store) = self else {
            return self.admit(method, args, grave, Instant::now());
        };
        let Some((key, allowed, window)) = limit(method, args) else {
            return Ok(());
        };
        match store.pace_window(&key, allowed, window, grave).await {
            Ok(admitted) => admitted,
            Err(e) => {
                tracing::warn!(error = %e, %key, "shared pacing unavailable: call not paced");
                Ok(())
            }
        }
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
        while let Err(wait) = self.pacer.admit_now(method, &args, self.grave).await {
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
