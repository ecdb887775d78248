//! `chat.*`: posting (to a channel by id or `#name`, or to a person, which goes to the app's
//! DM with them), replying in threads, updating the bot's own messages, and ephemeral
//! messages. Each checks the channel first (`channel_not_found`, and for posts
//! `not_in_channel` and `is_archived`), then what it acts on (`message_not_found`,
//! `cant_update_message`; `user_not_found`, `user_not_in_channel`), then the content with
//! Slack's rules (`no_text`, `msg_too_long`, `invalid_blocks`, `invalid_metadata_format`),
//! and for a reply `thread_not_found`.

use serde_json::{json, Value};

use super::{err, fields, json_arg, str_arg, ApiError, ApiResult, Args, Ephemeral, Message};
use super::{has_attachments, message_content, validate_blocks, MAX_TEXT};
use super::{Workspace, APP_ID, BOT_ID, BOT_USER_ID, TEAM_ID};

impl Workspace {
    pub(super) fn chat_post_message(&mut self, args: &Args, now: i64) -> ApiResult {
        // chat.postMessage, unlike most methods, also accepts a channel name (`#general`),
        // and a user id: the message goes to the app's DM with that user.
        let target = str_arg(args, "channel").unwrap_or_default();
        if target.starts_with(['U', 'W']) && self.channel_index(&target).is_none() {
            if !self.users.iter().any(|u| u.id == target) {
                return Err(ApiError::from("channel_not_found"));
            }
            let dm = format!("D{}", &target[1..]);
            if self.channel_index(&dm).is_none() {
                self.add_channel(&dm, &format!("dm-{target}"), &[BOT_USER_ID, &target], now);
            }
            let mut redirected = args.clone();
            redirected.insert("channel".into(), serde_json::Value::String(dm));
            return self.chat_post_message(&redirected, now);
        }
        let idx = match self.channel_index(&target) {
            Some(idx) => idx,
            None => self
                .channels
                .iter()
                .position(|c| c.channel.name == target.trim_start_matches('#'))
                .ok_or(ApiError::from("channel_not_found"))?,
        };
        self.require_postable(idx)?;
        self.require_unarchived(idx)?;
        let (text, blocks) = message_content(args)?;
        let metadata = message_metadata(args)?;
        let channel_id = self.channels[idx].channel.id.clone();
        let thread_ts = str_arg(args, "thread_ts");
        if let Some(parent) = &thread_ts {
            if self.top_level_index(&channel_id, parent).is_none() {
                return err("thread_not_found");
            }
        }
        let ts = self.next_ts(now);
        let message = Message {
            channel: channel_id.clone(),
            ts: ts.clone(),
            user: BOT_USER_ID.to_owned(),
            text,
            blocks,
            thread_ts,
            edits: 0,
            files: Vec::new(),
            metadata,
        };
        let message_json = self.message_json(&message, true);
        self.messages.push(message);
        Ok(fields([
            ("channel", json!(channel_id)),
            ("ts", json!(ts)),
            ("message", message_json),
        ]))
    }

    pub(super) fn chat_update(&mut self, args: &Args, now: i64) -> ApiResult {
        let idx = self.channel_arg(args, "channel")?;
        let channel_id = self.channels[idx].channel.id.clone();
        let ts = str_arg(args, "ts").unwrap_or_default();
        let Some(m) = self.message_index(&channel_id, &ts) else {
            return err("message_not_found");
        };
        if self.messages[m].user != BOT_USER_ID {
            return err("cant_update_message");
        }
        let text = str_arg(args, "text");
        // Slack keeps the previous blocks when `blocks` is left out, and clears them for `[]`.
        let blocks = match json_arg(args, "blocks") {
            Some(raw) => Some(validate_blocks(raw, "invalid_blocks")?),
            None => None,
        };
        let has_content = text.is_some() || blocks.as_ref().is_some_and(|b| !b.is_null());
        if !has_content && !has_attachments(args) {
            return err("no_text");
        }
        if text.as_ref().is_some_and(|t| t.chars().count() > MAX_TEXT) {
            return err("msg_too_long");
        }
        let metadata = message_metadata(args)?;
        let message = &mut self.messages[m];
        if let Some(text) = text {
            message.text = text;
        }
        // Slack keeps the metadata unless the update carries new metadata.
        if metadata.is_some() {
            message.metadata = metadata;
        }
        if let Some(blocks) = blocks {
            message.blocks = blocks;
        }
        message.edits += 1;
        let snapshot = message.clone();
        let mut message_json = self.message_json(&snapshot, true);
        if let Some(obj) = message_json.as_object_mut() {
            obj.insert(
                "edited".into(),
                json!({"user": BOT_USER_ID, "ts": format!("{now}.000000")}),
            );
        }
        let mut out = fields([
            ("channel", json!(channel_id)),
            ("ts", json!(ts)),
            ("text", json!(snapshot.text)),
            ("message", message_json),
        ]);
        if let Some(parent) = snapshot.thread_ts {
            out.insert("thread_ts".into(), json!(parent));
        }
        Ok(out)
    }

    pub(super) fn chat_post_ephemeral(&mut self, args: &Args, now: i64) -> ApiResult {
        let idx = self.channel_arg(args, "channel")?;
        self.require_postable(idx)?;
        self.require_unarchived(idx)?;
        let user = str_arg(args, "user").unwrap_or_default();
        if !self.user_exists(&user) {
            return err("user_not_found");
        }
        if !self.is_member(idx, &user) {
            return err("user_not_in_channel");
        }
        let (text, blocks) = message_content(args)?;
        self.ephemerals.push(Ephemeral {
            channel: self.channels[idx].channel.id.clone(),
            user,
            text,
            blocks,
        });
        Ok(fields([("message_ts", json!(self.next_ts(now)))]))
    }

    /// A message as Slack's history and postMessage answers show it.
    /// `with_metadata`: include the message's `metadata` (history only does when asked with
    /// `include_all_metadata`).
    pub(super) fn message_json(&self, m: &Message, with_metadata: bool) -> Value {
        let mut out = fields([
            ("type", json!("message")),
            ("user", json!(m.user)),
            ("text", json!(m.text)),
            ("ts", json!(m.ts)),
            ("team", json!(TEAM_ID)),
        ]);
        if m.user == BOT_USER_ID {
            out.insert("bot_id".into(), json!(BOT_ID));
            out.insert("app_id".into(), json!(APP_ID));
        }
        if m.blocks.is_array() {
            out.insert("blocks".into(), m.blocks.clone());
        }
        if let (Some(metadata), true) = (&m.metadata, with_metadata) {
            out.insert("metadata".into(), metadata.clone());
        }
        if !m.files.is_empty() {
            let files: Vec<Value> = m
                .files
                .iter()
                .map(|f| {
                    let name = self
                        .uploads
                        .get(&f.id)
                        .map(|u| u.filename.clone())
                        .unwrap_or_else(|| f.title.clone());
                    json!({"id": f.id, "title": f.title, "name": name})
                })
                .collect();
            out.insert("files".into(), Value::Array(files));
            out.insert("upload".into(), json!(false));
        }
        match &m.thread_ts {
            Some(parent) => {
                out.insert("thread_ts".into(), json!(parent));
                out.insert("parent_user_id".into(), json!(BOT_USER_ID));
            }
            None => {
                let replies = self
                    .messages
                    .iter()
                    .filter(|r| r.channel == m.channel && r.thread_ts.as_deref() == Some(&m.ts))
                    .count();
                if replies > 0 {
                    out.insert("thread_ts".into(), json!(m.ts));
                    out.insert("reply_count".into(), json!(replies));
                }
            }
        }
        if m.edits > 0 {
            out.insert("edited".into(), json!({"user": BOT_USER_ID, "ts": m.ts}));
        }
        Value::Object(out)
    }
}

/// Slack's message metadata: an object with a string `event_type` and an object
/// `event_payload`; anything else is `invalid_metadata_format`.
fn message_metadata(args: &Args) -> Result<Option<Value>, ApiError> {
    let Some(metadata) = json_arg(args, "metadata") else {
        return Ok(None);
    };
    let well_formed = metadata["event_type"]
        .as_str()
        .is_some_and(|t| !t.is_empty())
        && metadata["event_payload"].is_object();
    if well_formed {
        Ok(Some(json!({
            "event_type": metadata["event_type"],
            "event_payload": metadata["event_payload"],
        })))
    } else {
        err("invalid_metadata_format")
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::super::test_support::{call, code_of, create, post, ws, NOW};

    #[test]
    fn post_thread_update_and_pin() {
        let mut ws = ws();
        let id = create(&mut ws, "inc");
        let blocks = json!([{"type": "section", "text": {"type": "mrkdwn", "text": "card"}}]);
        let out = call(
            &mut ws,
            "chat.postMessage",
            json!({"channel": id, "text": "card", "blocks": blocks}),
        )
        .unwrap();
        let ts = out["ts"].as_str().unwrap().to_owned();
        assert_eq!(out["channel"], id.as_str());
        assert_eq!(out["message"]["user"], "U0BOT");
        assert_eq!(out["message"]["bot_id"], "B0BOT");
        assert_eq!(out["message"]["blocks"], blocks);
        assert_eq!(ts, format!("{NOW}.000100"));

        let reply = call(
            &mut ws,
            "chat.postMessage",
            json!({"channel": id, "text": "reply", "thread_ts": ts}),
        )
        .unwrap();
        let reply_ts = reply["ts"].as_str().unwrap().to_owned();
        assert_eq!(reply["message"]["thread_ts"], ts.as_str());
        assert!(reply_ts > ts);
        // Replies to replies, and threads elsewhere, do not exist.
        for (channel, parent) in [(id.as_str(), reply_ts.as_str()), ("C0GENERAL", ts.as_str())] {
            assert_eq!(
                code_of(
                    &mut ws,
                    "chat.postMessage",
                    json!({"channel": channel, "text": "x", "thread_ts": parent})
                ),
                "thread_not_found"
            );
        }

        let new_blocks = json!([{"type": "header", "text": {"type": "plain_text", "text": "v2"}}]);
        let out = call(
            &mut ws,
            "chat.update",
            json!({"channel": id, "ts": ts, "text": "card v2", "blocks": new_blocks}),
        )
        .unwrap();
        assert_eq!(out["text"], "card v2");
        assert_eq!(out["message"]["edited"]["user"], "U0BOT");
        // Leaving blocks out keeps them.
        call(
            &mut ws,
            "chat.update",
            json!({"channel": id, "ts": ts, "text": "card v3"}),
        )
        .unwrap();
        assert_eq!(
            code_of(
                &mut ws,
                "chat.update",
                json!({"channel": id, "ts": "1.2", "text": "x"})
            ),
            "message_not_found"
        );

        assert_eq!(
            code_of(&mut ws, "pins.add", json!({"channel": id, "timestamp": ts})),
            "ok"
        );
        assert_eq!(
            code_of(&mut ws, "pins.add", json!({"channel": id, "timestamp": ts})),
            "already_pinned"
        );
        assert_eq!(
            code_of(
                &mut ws,
                "pins.add",
                json!({"channel": id, "timestamp": "1.2"})
            ),
            "message_not_found"
        );

        let messages = ws.messages(&id);
        assert_eq!(messages.len(), 2);
        assert_eq!(messages[0].text, "card v3");
        assert_eq!(messages[0].blocks, new_blocks);
        assert_eq!(messages[0].edits, 2);
        assert_eq!(messages[0].thread_ts, None);
        assert_eq!(messages[1].thread_ts.as_deref(), Some(ts.as_str()));
        assert_eq!(ws.channel(&id).unwrap().pins, vec![ts.clone()]);

        let history = call(&mut ws, "conversations.history", json!({"channel": id})).unwrap();
        assert_eq!(history["messages"].as_array().unwrap().len(), 1);
        assert_eq!(history["messages"][0]["reply_count"], 1);
    }

    #[test]
    fn post_validates_content() {
        let mut ws = ws();
        let id = create(&mut ws, "inc");
        let mut post = |a: Value| code_of(&mut ws, "chat.postMessage", a);
        assert_eq!(
            post(json!({"channel": "C404", "text": "x"})),
            "channel_not_found"
        );
        assert_eq!(post(json!({"text": "x"})), "channel_not_found");
        assert_eq!(post(json!({"channel": id})), "no_text");
        assert_eq!(
            post(json!({"channel": id, "text": "", "blocks": []})),
            "no_text"
        );
        assert_eq!(
            post(json!({"channel": id, "blocks": {"type": "section"}})),
            "invalid_blocks"
        );
        assert_eq!(
            post(json!({"channel": id, "blocks": [{"text": "x"}]})),
            "invalid_blocks"
        );
        assert_eq!(
            post(json!({"channel": id, "blocks": "not json"})),
            "invalid_blocks"
        );
        assert_eq!(
            post(
                json!({"channel": id, "blocks": [{"type": "divider", "block_id": "a"}, {"type": "divider", "block_id": "a"}]})
            ),
            "invalid_blocks"
        );
        let many: Vec<Value> = (0..51).map(|_| json!({"type": "divider"})).collect();
        assert_eq!(
            post(json!({"channel": id, "blocks": many})),
            "invalid_blocks"
        );
        assert_eq!(
            post(json!({"channel": id, "text": "x".repeat(40_001)})),
            "msg_too_long"
        );
        assert_eq!(
            post(json!({"channel": id, "text": "x".repeat(40_000)})),
            "ok"
        );
        // Blocks as a JSON string (form encoding) are accepted.
        assert_eq!(
            post(json!({"channel": id, "blocks": "[{\"type\":\"divider\"}]"})),
            "ok"
        );
        // By name, and to a public channel the bot is not in.
        assert_eq!(post(json!({"channel": "#general", "text": "hi"})), "ok");
        assert_eq!(post(json!({"channel": "C0GENERAL", "text": "hi"})), "ok");
        assert_eq!(ws.messages("C0GENERAL").len(), 2);
    }

    #[test]
    fn update_only_the_bots_messages() {
        let mut ws = ws();
        let ts = ws
            .post_as_user("C0GENERAL", "U1", "human words", None, NOW)
            .unwrap();
        assert_eq!(
            code_of(
                &mut ws,
                "chat.update",
                json!({"channel": "C0GENERAL", "ts": ts, "text": "x"})
            ),
            "cant_update_message"
        );
        let mine = post(&mut ws, json!({"channel": "C0GENERAL", "text": "x"}));
        assert_eq!(
            code_of(
                &mut ws,
                "chat.update",
                json!({"channel": "C0GENERAL", "ts": mine})
            ),
            "no_text"
        );
    }

    #[test]
    fn ephemeral_requires_the_user_in_the_channel() {
        let mut ws = ws();
        let ok = call(
            &mut ws,
            "chat.postEphemeral",
            json!({"channel": "C0GENERAL", "user": "U1", "text": "only you"}),
        )
        .unwrap();
        assert!(ok["message_ts"]
            .as_str()
            .unwrap()
            .starts_with("1700000000."));
        assert_eq!(
            code_of(
                &mut ws,
                "chat.postEphemeral",
                json!({"channel": "C0GENERAL", "user": "U3", "text": "x"})
            ),
            "user_not_in_channel"
        );
        assert_eq!(
            code_of(
                &mut ws,
                "chat.postEphemeral",
                json!({"channel": "C404", "user": "U1", "text": "x"})
            ),
            "channel_not_found"
        );
        assert_eq!(
            code_of(
                &mut ws,
                "chat.postEphemeral",
                json!({"channel": "C0GENERAL", "user": "U9", "text": "x"})
            ),
            "user_not_found"
        );
        let eph = ws.ephemerals();
        assert_eq!(eph.len(), 1);
        assert_eq!(eph[0].user, "U1");
        assert_eq!(eph[0].text, "only you");
        assert!(ws.messages("C0GENERAL").is_empty());
    }
}
