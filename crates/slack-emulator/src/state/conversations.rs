//! `conversations.*`: creating channels, inviting and joining, reading a channel (info,
//! members, list, history) and setting its topic. Each method checks the channel first
//! (`channel_not_found`; for reads, a private channel the bot is not in does not exist), then
//! its own errors in the order Slack documents them (`is_archived`, `not_in_channel`,
//! `name_taken`, `no_user`, `cant_invite_self`, `user_not_found`, `already_in_channel`,
//! `too_long`…). `conversations.archive`, `.replies`, `.open` and `.canvases.create` have
//! files of their own.

use serde_json::{json, Map, Value};

use super::{bool_arg, dedup, err, fields, list_arg, str_arg, validate_channel_name};
use super::{ApiError, ApiResult, Args, Channel, ChannelRecord, Message, Workspace};
use super::{BOT_USER_ID, MAX_TOPIC, TEAM_ID};

impl Workspace {
    pub(super) fn conversations_create(&mut self, args: &Args, now: i64) -> ApiResult {
        let name = str_arg(args, "name").unwrap_or_default();
        validate_channel_name(&name)?;
        if self.channels.iter().any(|c| c.channel.name == name) {
            return err("name_taken");
        }
        let id = self.fresh_id("C", 10);
        self.channels.push(ChannelRecord {
            channel: Channel {
                id,
                name,
                is_private: bool_arg(args, "is_private"),
                topic: String::new(),
                members: vec![BOT_USER_ID.to_owned()],
                pins: Vec::new(),
                is_archived: false,
            },
            created: now,
            creator: BOT_USER_ID.to_owned(),
            topic_creator: String::new(),
            topic_last_set: 0,
        });
        Ok(fields([(
            "channel",
            self.channel_json(self.channels.len() - 1),
        )]))
    }

    pub(super) fn conversations_invite(&mut self, args: &Args) -> ApiResult {
        let idx = self.channel_arg(args, "channel")?;
        self.require_unarchived(idx)?;
        let users = list_arg(args, "users");
        if users.is_empty() {
            return err("no_user");
        }
        if !self.is_member(idx, BOT_USER_ID) {
            return err("not_in_channel");
        }
        if users.iter().any(|u| u == BOT_USER_ID) {
            return err("cant_invite_self");
        }
        if let Some(unknown) = users.iter().find(|u| !self.user_exists(u)) {
            return Err(ApiError::with_detail(
                "user_not_found",
                format!("[ERROR] no such user: {unknown}"),
            ));
        }
        let new: Vec<String> = dedup(
            users
                .into_iter()
                .filter(|u| !self.channels[idx].channel.members.contains(u)),
        );
        if new.is_empty() {
            return err("already_in_channel");
        }
        self.channels[idx].channel.members.extend(new);
        Ok(fields([("channel", self.channel_json(idx))]))
    }

    pub(super) fn conversations_join(&mut self, args: &Args) -> ApiResult {
        let idx = self.channel_arg(args, "channel")?;
        if self.channels[idx].channel.is_private {
            return err("method_not_supported_for_channel_type");
        }
        self.require_unarchived(idx)?;
        let mut out = Map::new();
        if self.is_member(idx, BOT_USER_ID) {
            // Slack answers ok with a warning rather than an error here.
            out.insert("warning".into(), json!("already_in_channel"));
        } else {
            self.channels[idx]
                .channel
                .members
                .push(BOT_USER_ID.to_owned());
        }
        out.insert("channel".into(), self.channel_json(idx));
        Ok(out)
    }

    pub(super) fn conversations_info(&self, args: &Args) -> ApiResult {
        let idx = self.visible_channel_arg(args, "channel")?;
        Ok(fields([("channel", self.channel_json(idx))]))
    }

    /// Members of a channel the bot can see (the console checks private-incident access).
    pub(super) fn conversations_members(&self, args: &Args) -> ApiResult {
        let idx = self.visible_channel_arg(args, "channel")?;
        Ok(fields([
            ("members", json!(self.channels[idx].channel.members)),
            ("response_metadata", json!({"next_cursor": ""})),
        ]))
    }

    pub(super) fn conversations_list(&self) -> Map<String, Value> {
        let channels: Vec<Value> = (0..self.channels.len())
            .filter(|&i| self.is_visible(i))
            .map(|i| self.channel_json(i))
            .collect();
        fields([
            ("channels", Value::Array(channels)),
            ("response_metadata", json!({"next_cursor": ""})),
        ])
    }

    pub(super) fn conversations_history(&self, args: &Args) -> ApiResult {
        let idx = self.visible_channel_arg(args, "channel")?;
        let channel_id = &self.channels[idx].channel.id;
        // Slack's default page is 100 messages, at most 999.
        let window = crate::history::HistoryWindow::from_args(args);
        let limit = window.limit.min(999);
        let with_metadata = bool_arg(args, "include_all_metadata");
        // Newest first, top-level only, as Slack answers.
        let matching: Vec<&Message> = self
            .messages
            .iter()
            .rev()
            .filter(|m| &m.channel == channel_id && m.thread_ts.is_none())
            .filter(|m| window.contains(&m.ts))
            .collect();
        let has_more = matching.len() > limit;
        let messages: Vec<Value> = matching
            .into_iter()
            .take(limit)
            .map(|m| self.message_json(m, with_metadata))
            .collect();
        Ok(fields([
            ("messages", Value::Array(messages)),
            ("has_more", json!(has_more)),
            ("response_metadata", json!({"next_cursor": ""})),
        ]))
    }

    pub(super) fn conversations_set_topic(&mut self, args: &Args, now: i64) -> ApiResult {
        let idx = self.channel_arg(args, "channel")?;
        self.require_unarchived(idx)?;
        if !self.is_member(idx, BOT_USER_ID) {
            return err("not_in_channel");
        }
        let topic = str_arg(args, "topic").unwrap_or_default();
        if topic.chars().count() > MAX_TOPIC {
            return err("too_long");
        }
        let rec = &mut self.channels[idx];
        rec.channel.topic = topic;
        rec.topic_creator = BOT_USER_ID.to_owned();
        rec.topic_last_set = now;
        Ok(fields([("channel", self.channel_json(idx))]))
    }

    /// A channel object as `conversations.info` answers it: everything slack-morphism's
    /// `SlackChannelInfo` needs (notably `created`) and what apps commonly read.
    fn channel_json(&self, idx: usize) -> Value {
        let rec = &self.channels[idx];
        let c = &rec.channel;
        json!({
            "id": c.id,
            "name": c.name,
            "name_normalized": c.name,
            "is_channel": true,
            "is_group": false,
            "is_im": false,
            "is_mpim": false,
            "is_private": c.is_private,
            "is_archived": c.is_archived,
            "is_general": c.name == "general",
            "is_shared": false,
            "is_org_shared": false,
            "is_ext_shared": false,
            "is_member": c.members.iter().any(|m| m == BOT_USER_ID),
            "created": rec.created,
            "creator": rec.creator,
            "unlinked": 0,
            "context_team_id": TEAM_ID,
            "topic": {"value": c.topic, "creator": rec.topic_creator, "last_set": rec.topic_last_set},
            "purpose": {"value": "", "creator": "", "last_set": 0},
            "previous_names": [],
            "num_members": c.members.len(),
            "properties": self.canvas_property(&c.id).map(|canvas| json!({"canvas": canvas})),
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::super::test_support::{call, code_of, create, ws, NOW};
    use super::super::{Channel, ChannelRecord, Workspace};

    #[test]
    fn create_channel_makes_the_bot_a_member_and_answers_the_channel() {
        let mut ws = ws();
        let out = call(
            &mut ws,
            "conversations.create",
            json!({"name": "incident-20240101-db", "is_private": true}),
        )
        .unwrap();
        let channel = &out["channel"];
        let id = channel["id"].as_str().unwrap();
        assert_eq!(id.len(), 11);
        assert!(id.starts_with('C'));
        assert!(id[1..]
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()));
        assert_eq!(channel["is_channel"], true);
        assert_eq!(channel["is_private"], true);
        assert_eq!(channel["creator"], "U0BOT");
        assert_eq!(channel["created"], NOW);
        let stored = ws.channel(id).unwrap();
        assert_eq!(stored.members, vec!["U0BOT"]);
        assert!(stored.is_private);
        assert_eq!(ws.channel_by_name("incident-20240101-db").unwrap().id, id);
    }

    #[test]
    fn channel_names_follow_slack_rules() {
        let mut ws = ws();
        let mut create =
            |name: &str| code_of(&mut ws, "conversations.create", json!({ "name": name }));
        assert_eq!(create(""), "invalid_name_required");
        assert_eq!(create("Incident"), "invalid_name_specials");
        assert_eq!(create("inc 1"), "invalid_name_specials");
        assert_eq!(create("inc.1"), "invalid_name_specials");
        assert_eq!(create("ïnc"), "invalid_name_specials");
        assert_eq!(create(&"a".repeat(81)), "invalid_name_maxlength");
        assert_eq!(create("---"), "invalid_name_punctuation");
        assert_eq!(create(&"a".repeat(80)), "ok");
        assert_eq!(create("inc_1-a"), "ok");
        assert_eq!(create("inc_1-a"), "name_taken");
        assert_eq!(create("general"), "name_taken");
    }

    #[test]
    fn invite_adds_members_and_reports_slack_errors() {
        let mut ws = ws();
        let id = create(&mut ws, "inc");
        let invite = |ws: &mut Workspace, users: Value| {
            code_of(
                ws,
                "conversations.invite",
                json!({"channel": id, "users": users}),
            )
        };
        assert_eq!(invite(&mut ws, json!("U1,U2")), "ok");
        assert_eq!(invite(&mut ws, json!(["U2", "U1"])), "already_in_channel");
        assert_eq!(invite(&mut ws, json!(["U2", "U3"])), "ok");
        assert_eq!(invite(&mut ws, json!("U9")), "user_not_found");
        assert_eq!(invite(&mut ws, json!("U0BOT")), "cant_invite_self");
        assert_eq!(invite(&mut ws, json!("")), "no_user");
        assert_eq!(
            ws.channel(&id).unwrap().members,
            vec!["U0BOT", "U1", "U2", "U3"]
        );
        assert_eq!(
            code_of(
                &mut ws,
                "conversations.invite",
                json!({"channel": "CNOPE", "users": "U1"})
            ),
            "channel_not_found"
        );
        // The bot is not in #general.
        assert_eq!(
            code_of(
                &mut ws,
                "conversations.invite",
                json!({"channel": "C0GENERAL", "users": "U3"})
            ),
            "not_in_channel"
        );
    }

    #[test]
    fn join_info_and_members() {
        let mut ws = ws();
        let out = call(
            &mut ws,
            "conversations.join",
            json!({"channel": "C0GENERAL"}),
        )
        .unwrap();
        assert!(out.get("warning").is_none());
        let out = call(
            &mut ws,
            "conversations.join",
            json!({"channel": "C0GENERAL"}),
        )
        .unwrap();
        assert_eq!(out["warning"], "already_in_channel");
        let out = call(
            &mut ws,
            "conversations.info",
            json!({"channel": "C0GENERAL"}),
        )
        .unwrap();
        assert_eq!(out["channel"]["name"], "general");
        assert_eq!(out["channel"]["num_members"], 3);
        assert_eq!(out["channel"]["topic"]["value"], "");
        assert_eq!(
            code_of(&mut ws, "conversations.info", json!({"channel": "C404"})),
            "channel_not_found"
        );
    }

    #[test]
    fn set_topic_checks_membership_and_length() {
        let mut ws = ws();
        let id = create(&mut ws, "inc");
        assert_eq!(
            code_of(
                &mut ws,
                "conversations.setTopic",
                json!({"channel": "C0GENERAL", "topic": "x"})
            ),
            "not_in_channel"
        );
        assert_eq!(
            code_of(
                &mut ws,
                "conversations.setTopic",
                json!({"channel": id, "topic": "x".repeat(251)})
            ),
            "too_long"
        );
        let out = call(
            &mut ws,
            "conversations.setTopic",
            json!({"channel": id, "topic": "INC-1 | P1"}),
        )
        .unwrap();
        assert_eq!(out["channel"]["topic"]["value"], "INC-1 | P1");
        assert_eq!(ws.channel(&id).unwrap().topic, "INC-1 | P1");
    }

    #[test]
    fn private_channels_need_membership() {
        let mut ws = ws();
        ws.channels.push(ChannelRecord {
            channel: Channel {
                id: "CSECRET".into(),
                name: "secret".into(),
                is_private: true,
                topic: String::new(),
                members: vec!["U1".into()],
                pins: Vec::new(),
                is_archived: false,
            },
            created: NOW,
            creator: "U1".into(),
            topic_creator: String::new(),
            topic_last_set: 0,
        });
        assert_eq!(
            code_of(
                &mut ws,
                "chat.postMessage",
                json!({"channel": "CSECRET", "text": "x"})
            ),
            "not_in_channel"
        );
        assert_eq!(
            code_of(&mut ws, "conversations.info", json!({"channel": "CSECRET"})),
            "channel_not_found"
        );
        assert_eq!(
            code_of(&mut ws, "conversations.join", json!({"channel": "CSECRET"})),
            "method_not_supported_for_channel_type"
        );
    }
}
