//! Exactly once across lost answers: Slack may apply a call and then time out, answer 5xx,
//! or see us killed before we record its answer. Every message warroom posts is tagged with
//! the outbox effect it delivers (Slack message `metadata`), so a retried delivery first
//! looks for its own tag in the channel (or thread) and adopts the `ts` it finds instead of
//! posting again; a retried channel creation that meets `name_taken` adopts the channel
//! when our bot created it for this incident.

use crate::slack::client::{CallError, SlackApi};
use serde_json::{json, Value};
use std::collections::HashMap;

/// The metadata `event_type` of every message warroom posts.
pub const EVENT_TYPE: &str = "warroom_effect";
/// How far back (before the effect was written) a lookup reads: clocks disagree a little.
const SKEW_SECS: i64 = 60;
/// Messages read per history page, and pages at most (a busy channel's last 1,000 messages).
const PAGE: usize = 200;
const MAX_PAGES: usize = 5;

/// Which delivery a message belongs to: the outbox row, and which part of it.
#[derive(Clone, Copy, Debug)]
pub struct Tag<'a> {
    pub effect_id: i64,
    pub incident: &'a str,
    pub part: usize,
}

impl Tag<'_> {
    /// The `metadata` argument of `chat.postMessage`.
    pub fn metadata(&self) -> Value {
        json!({
            "event_type": EVENT_TYPE,
            "event_payload": {"effect_id": self.effect_id, "incident": self.incident, "part": self.part}
        })
    }
}

/// What an earlier attempt of one effect left in a conversation: part → ts.
pub type Found = HashMap<usize, String>;

/// Reads the conversation (the thread under `thread_ts` when set) for messages tagged
/// with `effect_id` of `incident`, posted by `bot_user` since `since_ms` (less the skew).
/// `channel` may be a user id (the app's DM with them).
pub async fn find(
    api: &dyn SlackApi,
    channel: &str,
    thread_ts: Option<&str>,
    effect_id: i64,
    incident: &str,
    bot_user: &str,
    since_ms: i64,
) -> Result<Found, CallError> {
    let channel = conversation_id(api, channel).await?;
    let oldest = format!("{}.000000", (since_ms / 1000 - SKEW_SECS).max(0));
    let mut found = Found::new();
    let mut bound: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let mut args = json!({"channel": channel, "include_all_metadata": true,
                              "limit": PAGE, "oldest": oldest});
        // History pages newest first, so the next page ends (`latest`) where this one
        // stopped; replies page oldest first, so the next starts (`oldest`) there.
        let method = match (thread_ts, &bound) {
            (Some(parent), bound) => {
                args["ts"] = json!(parent);
                if let Some(b) = bound {
                    args["oldest"] = json!(b);
                }
                "conversations.replies"
            }
            (None, bound) => {
                if let Some(b) = bound {
                    args["latest"] = json!(b);
                }
                "conversations.history"
            }
        };
        let page = api.call(method, args).await?;
        let messages = page
            .get("messages")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for m in &messages {
            if let Some(part) = tagged_part(m, effect_id, incident, bot_user) {
                if let Some(ts) = m.get("ts").and_then(Value::as_str) {
                    found.insert(part, ts.to_string());
                }
            }
        }
        let more = page.get("has_more").and_then(Value::as_bool) == Some(true);
        let last = messages
            .last()
            .and_then(|m| m.get("ts"))
            .and_then(Value::as_str);
        match (more, last) {
            (true, Some(ts)) if bound.as_deref() != Some(ts) => bound = Some(ts.to_string()),
            _ => break,
        }
    }
    Ok(found)
}

/// The part number when `message` is ours and tagged with this effect.
fn tagged_part(message: &Value, effect_id: i64, incident: &str, bot_user: &str) -> Option<usize> {
    let meta = message.get("metadata")?;
    if meta.get("event_type").and_then(Value::as_str) != Some(EVENT_TYPE) {
        return None;
    }
    // Another app (a staging install in the same channel) may tag the same way.
    if !bot_user.is_empty() && message.get("user").and_then(Value::as_str) != Some(bot_user) {
        return None;
    }
    let payload = meta.get("event_payload")?;
    let same = payload.get("effect_id").and_then(Value::as_i64) == Some(effect_id)
        && payload.get("incident").and_then(Value::as_str) == Some(incident);
    same.then(|| payload.get("part").and_then(Value::as_u64).unwrap_or(0) as usize)
}

/// A conversation id for `channel`: a user id stands for the app's DM with them.
async fn conversation_id(api: &dyn SlackApi, channel: &str) -> Result<String, CallError> {
    if !channel.starts_with(['U', 'W']) {
        return Ok(channel.to_string());
    }
    let opened = api
        .call("conversations.open", json!({"users": channel}))
        .await?;
    opened
        .pointer("/channel/id")
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| CallError::Transport("conversations.open answered without an id".into()))
}

/// The channel named `name` when our bot created it for an incident declared at
/// `declared_at_ms` (a create whose answer we lost), else None.
pub async fn own_channel(
    api: &dyn SlackApi,
    name: &str,
    bot_user: &str,
    declared_at_ms: i64,
) -> Result<Option<(String, String)>, CallError> {
    let mut cursor = String::new();
    for _ in 0..50 {
        let page = api
            .call(
                "conversations.list",
                json!({"types": "public_channel,private_channel", "exclude_archived": true,
                       "limit": 1000, "cursor": cursor}),
            )
            .await?;
        let channels = page.get("channels").and_then(Value::as_array);
        for c in channels.into_iter().flatten() {
            if c.get("name").and_then(Value::as_str) != Some(name) {
                continue;
            }
            let by_us = c.get("creator").and_then(Value::as_str) == Some(bot_user);
            let created = c.get("created").and_then(Value::as_i64).unwrap_or(0);
            let after_declare = created >= declared_at_ms / 1000 - SKEW_SECS;
            let id = c.get("id").and_then(Value::as_str);
            return Ok(match (by_us && after_declare, id) {
                (true, Some(id)) => Some((id.to_string(), name.to_string())),
                _ => None,
            });
        }
        cursor = page
            .pointer("/response_metadata/next_cursor")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if cursor.is_empty() {
            break;
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_own_tag_counts() {
        let tag = Tag {
            effect_id: 7,
            incident: "INC-1",
            part: 2,
        };
        let mine = json!({"user": "U0BOT", "ts": "1.2", "metadata": tag.metadata()});
        assert_eq!(tagged_part(&mine, 7, "INC-1", "U0BOT"), Some(2));
        assert_eq!(tagged_part(&mine, 8, "INC-1", "U0BOT"), None);
        assert_eq!(tagged_part(&mine, 7, "INC-2", "U0BOT"), None);
        assert_eq!(tagged_part(&mine, 7, "INC-1", "U0OTHER"), None);
        let untagged = json!({"user": "U0BOT", "ts": "1.2"});
        assert_eq!(tagged_part(&untagged, 7, "INC-1", "U0BOT"), None);
    }
}
