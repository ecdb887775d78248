//! People's names for the places where Slack does not render `<@U…>`: the post-mortem
//! Markdown, uploaded files, the outbound webhook.
//!
//! Names come from `users.info` and are cached for a TTL. Lookups never happen on the
//! request path: a render asks the cache, gets whatever it holds (a stale name is still
//! better than an id) and, on a miss, queues the id for the background refresher. When
//! Slack is down or the user is unknown, the render shows the id. Incidents prefetch the
//! people they involve when declared or when a role changes hands, so the first render
//! usually finds them cached.

use crate::incident::model::is_user_id;
use crate::slack::client::{CallError, SharedApi};
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::sync::{watch, Notify};

/// How long a looked-up name is trusted before it is refreshed.
pub const DEFAULT_TTL: Duration = Duration::from_secs(3_600);
/// How long to wait before asking again about someone Slack could not tell us about.
const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(30);
/// Longest wait for one `users.info` answer: the refresher must not stall behind it.
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(5);
/// How often the refresher wakes on its own, to retry failed lookups.
const IDLE_POLL: Duration = Duration::from_secs(30);

#[derive(Clone, Debug)]
struct Entry {
    /// `None`: Slack knows no name for this id (or no such user).
    name: Option<String>,
    /// When the answer was recorded; `None` while only failures were seen.
    fetched: Option<Instant>,
    /// When the last lookup failed (Slack down, timeout): retried after a pause.
    failed: Option<Instant>,
}

#[derive(Default)]
struct State {
    entries: HashMap<String, Entry>,
    pending: BTreeSet<String>,
}

/// The name cache and the queue of ids to look up.
pub struct People {
    state: Mutex<State>,
    wake: Notify,
    /// Notified whenever a lookup's outcome is recorded (for [`People::names_within`]).
    recorded: Notify,
    ttl: Duration,
}

impl Default for People {
    fn default() -> Self {
        People::new(DEFAULT_TTL)
    }
}

/// The name to show for a `users.info` user: the display name, else the real name.
pub fn name_from_user(user: &Value) -> Option<String> {
    let non_empty = |v: Option<&Value>| {
        v.and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    non_empty(user.pointer("/profile/display_name"))
        .or_else(|| non_empty(user.pointer("/profile/real_name")))
        .or_else(|| non_empty(user.get("real_name")))
}

impl People {
    pub fn new(ttl: Duration) -> People {
        People {
            state: Mutex::default(),
            wake: Notify::new(),
            recorded: Notify::new(),
            ttl,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding this lock leaves the map consistent: keep using it.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The cached name of `id`, at once. A miss or a stale entry queues a lookup.
    pub fn name(&self, id: &str) -> Option<String> {
        self.name_at(id, Instant::now())
    }

    /// The cached name, or the id itself: what a render shows.
    pub fn display(&self, id: &str) -> String {
        self.name(id).unwrap_or_else(|| id.to_owned())
    }

    /// The names of `ids` (each as [`People::display`] shows it), waiting up to `wait` for
    /// the refresher to look up the ones never seen before. For pages outside Slack (the
    /// console), which may take a moment; an answer to Slack never waits.
    pub async fn names_within(&self, ids: &[String], wait: Duration) -> HashMap<String, String> {
        self.want(ids.iter().map(String::as_str));
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            // Listen before looking, so an outcome recorded in between is not missed.
            let recorded = self.recorded.notified();
            tokio::pin!(recorded);
            recorded.as_mut().enable();
            let unseen = {
                let state = self.lock();
                ids.iter()
                    .any(|id| is_user_id(id) && !state.entries.contains_key(id.as_str()))
            };
            if !unseen || tokio::time::timeout_at(deadline, recorded).await.is_err() {
                break;
            }
        }
        ids.iter()
            .map(|id| (id.clone(), self.display(id)))
            .collect()
    }

    /// Queues lookups for these ids unless their names are fresh (prefetch).
    pub fn want<'a>(&self, ids: impl IntoIterator<Item = &'a str>) {
        let now = Instant::now();
        let mut queued = false;
        {
            let mut state = self.lock();
            for id in ids {
                queued |= self.queue_if_needed(&mut state, id, now);
            }
        }
        if queued {
            self.wake.notify_one();
        }
    }

    fn name_at(&self, id: &str, now: Instant) -> Option<String> {
        let (name, queued) = {
            let mut state = self.lock();
            let queued = self.queue_if_needed(&mut state, id, now);
            (state.entries.get(id).and_then(|e| e.name.clone()), queued)
        };
        if queued {
            self.wake.notify_one();
        }
        name
    }

    /// Queues `id` when it is unknown or stale, and not just failed; true if queued.
    fn queue_if_needed(&self, state: &mut State, id: &str, now: Instant) -> bool {
        if !is_user_id(id) || state.pending.contains(id) {
            return false;
        }
        let needed = match state.entries.get(id) {
            None => true,
            Some(e) => {
                let stale = e
                    .fetched
                    .is_none_or(|t| now.saturating_duration_since(t) >= self.ttl);
                let resting = e
                    .failed
                    .is_some_and(|t| now.saturating_duration_since(t) < RETRY_AFTER_FAILURE);
                stale && !resting
            }
        };
        if needed {
            state.pending.insert(id.to_owned());
        }
        needed
    }

    fn take_pending(&self) -> Vec<String> {
        std::mem::take(&mut self.lock().pending)
            .into_iter()
            .collect()
    }

    /// Records Slack's answer (`Some(name)` or `None` for "no name") for `id`.
    fn record(&self, id: &str, name: Option<String>, now: Instant) {
        self.lock().entries.insert(
            id.to_owned(),
            Entry {
                name,
                fetched: Some(now),
                failed: None,
            },
        );
        self.recorded.notify_waiters();
    }

    /// Records a failed lookup: an older name is kept, the lookup retried later.
    fn record_failure(&self, id: &str, now: Instant) {
        let mut state = self.lock();
        let entry = state.entries.entry(id.to_owned()).or_insert(Entry {
            name: None,
            fetched: None,
            failed: None,
        });
        entry.failed = Some(now);
        drop(state);
        self.recorded.notify_waiters();
    }

    /// Looks up one id and records the outcome.
    async fn refresh(&self, api: &SharedApi, id: &str) {
        let call = api.call("users.info", json!({"user": id}));
        let answer = match tokio::time::timeout(LOOKUP_TIMEOUT, call).await {
            Ok(answer) => answer,
            Err(_) => Err(CallError::Timeout),
        };
        let now = Instant::now();
        match answer {
            Ok(answer) => {
                let name = answer.get("user").and_then(name_from_user);
                self.record(id, name, now);
            }
            // Slack answered: there is no such person to name.
            Err(CallError::Api(code)) if code == "user_not_found" => self.record(id, None, now),
            Err(e) => {
                tracing::debug!(user = id, error = %e, "users.info failed; showing the id");
                self.record_failure(id, now);
            }
        }
    }

    /// The background refresher: looks up queued ids until `stop`.
    pub async fn run(self: Arc<Self>, api: SharedApi, mut stop: watch::Receiver<bool>) {
        loop {
            for id in self.take_pending() {
                if *stop.borrow() {
                    return;
                }
                self.refresh(&api, &id).await;
            }
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(IDLE_POLL) => {}
                _ = stop.wait_for(|s| *s) => return,
            }
        }
    }
}

/// Adds `people: {user id: name}` to a webhook body for the incident's reporter and role
/// holders: receivers outside Slack cannot resolve ids. Ids without a cached name map to
/// themselves.
pub fn name_people(body: &mut Value, inc: &crate::incident::model::Incident, people: &People) {
    let mut names = serde_json::Map::new();
    let holders = inc.roles.values().map(|h| h.user.as_str());
    for id in std::iter::once(inc.reporter.as_str()).chain(holders) {
        if is_user_id(id) && !names.contains_key(id) {
            names.insert(id.to_owned(), json!(people.display(id)));
        }
    }
    body["people"] = Value::Object(names);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_name_then_real_name_then_nothing() {
        let u = json!({"real_name": "Ann Example", "profile": {"display_name": "ann", "real_name": "Ann E."}});
        assert_eq!(name_from_user(&u).as_deref(), Some("ann"));
        let u = json!({"real_name": "Ann Example", "profile": {"display_name": " ", "real_name": "Ann E."}});
        assert_eq!(name_from_user(&u).as_deref(), Some("Ann E."));
        let u = json!({"real_name": "Ann Example", "profile": {}});
        assert_eq!(name_from_user(&u).as_deref(), Some("Ann Example"));
        assert_eq!(name_from_user(&json!({"id": "U1"})), None);
    }

    #[test]
    fn only_user_ids_are_looked_up() {
        assert!(is_user_id("U0ALICE") && is_user_id("W123"));
        assert!(!is_user_id("S0SENIOR") && !is_user_id("warroom") && !is_user_id("U"));
        let people = People::default();
        people.want(["S0SENIOR", "warroom", "U0A", "U0A"]);
        assert_eq!(people.take_pending(), vec!["U0A".to_string()]);
    }

    #[test]
    fn a_miss_shows_the_id_and_queues_one_lookup() {
        let people = People::default();
        assert_eq!(people.display("U1"), "U1");
        assert_eq!(people.display("U1"), "U1");
        assert_eq!(people.take_pending(), vec!["U1".to_string()]);
        people.record("U1", Some("ann".into()), Instant::now());
        assert_eq!(people.display("U1"), "ann");
        assert!(
            people.take_pending().is_empty(),
            "fresh names are not looked up"
        );
    }

    #[test]
    fn stale_names_are_still_shown_and_refreshed() {
        let people = People::new(Duration::from_secs(60));
        let t0 = Instant::now();
        people.record("U1", Some("ann".into()), t0);
        assert_eq!(
            people.name_at("U1", t0 + Duration::from_secs(59)),
            Some("ann".into())
        );
        assert!(people.take_pending().is_empty());
        assert_eq!(
            people.name_at("U1", t0 + Duration::from_secs(61)),
            Some("ann".into())
        );
        assert_eq!(people.take_pending(), vec!["U1".to_string()]);
    }

    #[test]
    fn failures_keep_the_old_name_and_rest_before_retrying() {
        let people = People::new(Duration::from_secs(60));
        let t0 = Instant::now();
        people.record_failure("U2", t0);
        assert_eq!(people.name_at("U2", t0 + Duration::from_secs(1)), None);
        assert!(people.take_pending().is_empty(), "resting after a failure");
        assert_eq!(people.name_at("U2", t0 + RETRY_AFTER_FAILURE), None);
        assert_eq!(people.take_pending(), vec!["U2".to_string()]);

        people.record("U3", Some("bo".into()), t0);
        people.record_failure("U3", t0 + Duration::from_secs(120));
        assert_eq!(
            people.name_at("U3", t0 + Duration::from_secs(121)),
            Some("bo".into())
        );
    }

    #[tokio::test]
    async fn names_within_waits_for_unseen_people_at_most_as_long_as_asked() {
        let people = Arc::new(People::default());
        // No refresher runs: the ids come back once the wait is over.
        let ids = vec!["U1".to_string(), "S1".to_string()];
        let started = Instant::now();
        let names = people.names_within(&ids, Duration::from_millis(50)).await;
        assert!(started.elapsed() >= Duration::from_millis(50));
        assert_eq!((names["U1"].as_str(), names["S1"].as_str()), ("U1", "S1"));
        // An answer recorded while a page waits ends the wait at once.
        let waiting = people.clone();
        let page = tokio::spawn(async move {
            waiting
                .names_within(&["U3".to_string()], Duration::from_secs(60))
                .await
        });
        people.record("U3", Some("cy".into()), Instant::now());
        let names = tokio::time::timeout(Duration::from_secs(10), page)
            .await
            .expect("the wait ends when the name arrives")
            .expect("no panic");
        assert_eq!(names["U3"], "cy");
    }

    #[test]
    fn unknown_users_are_cached_as_nameless() {
        let people = People::default();
        let t0 = Instant::now();
        people.record("U9", None, t0);
        assert_eq!(people.name_at("U9", t0), None);
        assert!(people.take_pending().is_empty());
    }
}
