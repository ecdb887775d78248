//! What the console asks Slack with the bot token, behind small caches: the workspace's
//! team id (`auth.test`), people's display names (`users.info`) and who is in each private
//! incident channel (`conversations.members`).

use crate::clock::Clock;
use crate::slack::client::SharedApi;
use crate::store::{Store, StoreResult, Viewer};
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::OnceCell;

/// Names change rarely; a stale one for an hour is fine.
const NAME_TTL_MS: i64 = 3_600_000;
/// Membership decides who sees a private incident: keep it fresh.
const MEMBERS_TTL_MS: i64 = 60_000;
/// A page never waits longer than this for names; it shows user ids instead.
const NAME_WAIT: Duration = Duration::from_millis(1500);

pub struct Directory {
    api: SharedApi,
    clock: Clock,
    team: OnceCell<String>,
    names: Mutex<HashMap<String, (String, i64)>>,
    members: Mutex<HashMap<String, (HashSet<String>, i64)>>,
}

impl Directory {
    pub fn new(api: SharedApi, clock: Clock) -> Directory {
        Directory {
            api,
            clock,
            team: OnceCell::new(),
            names: Mutex::default(),
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
        let now = self.clock.now_ms();
        let mut out = HashMap::new();
        let mut missing = Vec::new();
        {
            let cache = self.names.lock().unwrap_or_else(|e| e.into_inner());
            for id in ids {
                match cache.get(id) {
                    Some((name, at)) if now - at < NAME_TTL_MS => {
                        out.insert(id.clone(), name.clone());
                    }
                    _ if !missing.contains(id) && !id.is_empty() => missing.push(id.clone()),
                    _ => {}
                }
            }
        }
        let lookups = missing.iter().map(|id| async move {
            let answer = self.api.call("users.info", json!({ "user": id })).await;
            (id.clone(), answer.ok().and_then(|v| display_name(&v)))
        });
        if let Ok(found) =
            tokio::time::timeout(NAME_WAIT, futures_util::future::join_all(lookups)).await
        {
            let mut cache = self.names.lock().unwrap_or_else(|e| e.into_inner());
            for (id, name) in found.into_iter() {
                if let Some(name) = name {
                    cache.insert(id.clone(), (name.clone(), now));
                    out.insert(id, name);
                }
            }
        }
        for id in ids {
            out.entry(id.clone()).or_insert_with(|| id.clone());
        }
        out
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

fn display_name(answer: &Value) -> Option<String> {
    let user = &answer["user"];
    [
        &user["profile"]["display_name"],
        &user["profile"]["real_name"],
        &user["real_name"],
        &user["name"],
    ]
    .into_iter()
    .filter_map(Value::as_str)
    .find(|s| !s.is_empty())
    .map(str::to_string)
}
