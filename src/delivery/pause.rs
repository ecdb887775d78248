//! Slack refusing the bot token (`invalid_auth`, `token_revoked`, `account_inactive`…)
//! is not a reason to fail every effect: the token will be rotated or the app
//! reinstalled, and then everything pending must still go out. So delivery pauses:
//! nothing is marked failed, one effect probes Slack every claim lease (30 s), `/readyz`
//! answers 503 with the reason, the `warroom_slack_auth_failing` gauge is 1, one log
//! line a minute says so, and the first call that succeeds resumes delivery.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Slack's answers that mean the token itself is refused.
pub const TOKEN_REFUSED: &[&str] = &[
    "invalid_auth",
    "not_authed",
    "token_revoked",
    "token_expired",
    "account_inactive",
];

const LOG_EVERY: Duration = Duration::from_secs(60);

struct Paused {
    reason: String,
    last_log: Instant,
    last_probe: Instant,
}

/// Whether delivery is paused, shared by the workers, `/readyz` and `/metrics`.
pub struct DeliveryPause {
    state: Mutex<Option<Paused>>,
    /// How often a paused delivery tries one effect to see whether Slack takes the
    /// token again.
    probe_every: Duration,
}

impl DeliveryPause {
    pub fn new(probe_every: Duration) -> DeliveryPause {
        DeliveryPause {
            state: Mutex::new(None),
            probe_every,
        }
    }

    pub fn probe_every(&self) -> Duration {
        self.probe_every
    }

    fn state(&self) -> std::sync::MutexGuard<'_, Option<Paused>> {
        // A poisoned lock only means a worker panicked while holding it.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Is `code` Slack refusing the token?
    pub fn refuses_token(code: &str) -> bool {
        TOKEN_REFUSED.contains(&code)
    }

    /// Slack refused the token: pause (or stay paused), logging at most once a minute.
    pub fn pause(&self, reason: &str, now: Instant) {
        let mut state = self.state();
        match state.as_mut() {
            None => {
                tracing::error!(%reason, "Slack refuses the bot token: delivery paused, nothing is lost; rotate SLACK_BOT_TOKEN or reinstall the app");
                *state = Some(Paused {
                    reason: reason.to_string(),
                    last_log: now,
                    last_probe: now,
                });
            }
            Some(p) => {
                p.reason = reason.to_string();
                if now.duration_since(p.last_log) >= LOG_EVERY {
                    tracing::error!(%reason, "Slack still refuses the bot token: delivery paused");
                    p.last_log = now;
                }
            }
        }
    }

    /// A call succeeded: delivery goes on.
    pub fn resume(&self) {
        let mut state = self.state();
        if let Some(p) = state.take() {
            tracing::info!(reason = %p.reason, "Slack takes the bot token again: delivery resumed");
        }
    }

    /// Why delivery is paused, if it is.
    pub fn reason(&self) -> Option<String> {
        self.state().as_ref().map(|p| p.reason.clone())
    }

    /// May a worker deliver now? Always when not paused; when paused, one worker every
    /// `probe_every` (the probe).
    pub fn may_deliver(&self, now: Instant) -> bool {
        let mut state = self.state();
        match state.as_mut() {
            None => true,
            Some(p) if now.duration_since(p.last_probe) >= self.probe_every => {
                p.last_probe = now;
                true
            }
            Some(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_probes_and_resumes() {
        const PROBE_EVERY: Duration = Duration::from_secs(30);
        let pause = DeliveryPause::new(PROBE_EVERY);
        let t0 = Instant::now();
        assert!(pause.may_deliver(t0));
        assert!(DeliveryPause::refuses_token("token_revoked"));
        assert!(!DeliveryPause::refuses_token("channel_not_found"));
        pause.pause("token_revoked", t0);
        assert_eq!(pause.reason().as_deref(), Some("token_revoked"));
        assert!(!pause.may_deliver(t0 + Duration::from_secs(1)));
        assert!(pause.may_deliver(t0 + PROBE_EVERY));
        assert!(!pause.may_deliver(t0 + PROBE_EVERY + Duration::from_secs(1)));
        pause.resume();
        assert_eq!(pause.reason(), None);
        assert!(pause.may_deliver(t0 + PROBE_EVERY + Duration::from_secs(2)));
    }
}
