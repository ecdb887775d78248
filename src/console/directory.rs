//! What the console asks Slack with the bot token, behind small caches: the workspace's
//! team id (`auth.test`), people's display names (through the app's one name cache,
//! [`crate::people::People`]) and who is in each private incident channel
//! (`conversations.members`).

use crate::clock::Clock;
use crate::people::People;
use crate::slack::client::SharedApi;
use crate::store::{Store, StoreResult, Viewer};
use serde_json::json;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::OnceCell;

/// Membership decides who sees a private incident: keep it fresh.
const MEMBERS_TTL_MS: i64 = 60_000;
/// A page never waits longer than this for names; it shows user ids instead.
const NAME_WAIT: Duration = Duration::from_millis(1500);

pub struct Directory {
    api: SharedApi,
    clock: Clock,
    team: OnceCell<String>,
    people: Arc<People>,
    members: Mutex<HashMap<String, (HashSet<String>, i64)>>,
}

impl Directory {
    pub fn new(api: SharedApi, clock: Clock, people: Arc<People>) -> Directory {
        Directory {
            api,
            clock,
            team: OnceCell::new(),
            people,
            members: Mutex::default(),
        }
    }

    /// The workspace the bot token belongs to: only its members may sign in.
    pub async fn team_id(&self) -> Option<String> {
        self.team
            .get_or_try_init(|| async {
                let out = self
                    .api
                    .call("auth.test", json!({}))
                    .await
                    .map_err(|_| ())?;
                out["team_id"].as_str().map(str::to_string).ok_or(())
            })
            .await
            .ok()
            .cloned()
    }

    /// Display names of `ids`; an id Slack does not answer for in time stays an id.
    pub async fn names(&self, ids: &[String]) -> HashMap<String, String> {
        self.people.names_within(ids, NAME_WAIT).await
    }

    /// The viewer `user` is: admin per the policy, and member of which private incident
    /// channels. A channel Slack cannot list members of counts as not a member.
    pub async fn viewer(&self, store: &Store, user: &str, admin: bool) -> StoreResult<Viewer> {
        let mut viewer = Viewer {
            user: user.to_string(),
            admin,
            private_channels: Vec::new(),
        };
        if admin {
            return Ok(viewer);
        }
        let now = self.clock.now_ms();
        for channel in store.private_incident_channels().await? {
            let cached = {
                let cache = self.members.lock().unwrap_or_else(|e| e.into_inner());
                cache
                    .get(&channel)
                    .filter(|(_, at)| now - at < MEMBERS_TTL_MS)
                    .map(|(m, _)| m.contains(user))
            };
            let member = match cached {
                Some(m) => m,
                None => {
                    // A channel Slack cannot list is cached as empty: fail closed, and do
                    // not ask again on every page for the next minute.
                    let members = self.channel_members(&channel).await.unwrap_or_default();
                    let m = members.contains(user);
                    self.members
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .insert(channel.clone(), (members, now));
                    m
                }
            };
            if member {
                viewer.private_channels.push(channel);
            }
        }
        Ok(viewer)
    }

    async fn channel_members(&self, channel: &str) -> Option<HashSet<String>> {
        let mut members = HashSet::new();
        let mut cursor = String::new();
        loop {
            let mut args = json!({ "channel": channel, "limit": 1000 });
            if !cursor.is_empty() {
                args["cursor"] = json!(cursor);
            }
            let out = self.api.call("conversations.members", args).await.ok()?;
            for m in out["members"].as_array()? {
                if let Some(id) = m.as_str() {
                    members.insert(id.to_string());
                }
            }
            cursor = out["response_metadata"]["next_cursor"]
                .as_str()
                .unwrap_or("")
                .to_string();
            if cursor.is_empty() {
                return Some(members);
            }
        }
    }
}
