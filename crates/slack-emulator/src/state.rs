//! The fake workspace and what each Web API method does to it.
//!
//! Everything here is synchronous and free of I/O: the HTTP layer decodes a request into a JSON
//! argument map, takes the workspace lock, calls [`Workspace::dispatch`] with the current time
//! and turns the result into Slack's envelope. Keeping the logic pure lets the unit tests drive
//! every method and error code without a server, and keeps each call atomic (one lock, one
//! state change) the way Slack's own methods are.
//!
//! Error codes and their order follow Slack's documentation of each method, so an app that
//! handles `name_taken` or `already_in_channel` against the fake handles it against Slack.

mod archive;
mod canvases;
mod homes;
mod threads;

use std::collections::{BTreeMap, HashSet};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Map, Value};

use super::api::{bool_arg, err, json_arg, list_arg, str_arg, ApiError, ApiResult, Args};
pub use canvases::CANVAS_REFUSALS;

use super::model::{Call, Canvas, Channel, Ephemeral, FileRef, Message, View};
use super::required::missing_argument;
use super::rules::{
    block_kit_errors, has_attachments, message_content, validate_blocks, validate_channel_name,
    validate_view, MAX_TEXT, MAX_TOPIC,
};
use super::strictness::{Strictness, Violation};
use super::text_safety::inspect_call;

/// The bot's own user id: it creates channels, posts messages and owns what it posts.
pub(crate) const BOT_USER_ID: &str = "U0BOT";
pub(crate) const BOT_NAME: &str = "warroom";
pub(crate) const BOT_ID: &str = "B0BOT";
pub(crate) const APP_ID: &str = "A0BOT";
pub(crate) const TEAM_ID: &str = "T0001";
pub(crate) const TEAM_NAME: &str = "Example";
pub(crate) const TEAM_URL: &str = "https://example.slack.com/";

/// Every method the fake answers; anything else is `unknown_method`, as on Slack.
pub(crate) const KNOWN_METHODS: &[&str] = &[
    "auth.test",
    "chat.postEphemeral",
    "chat.postMessage",
    "chat.update",
    "canvases.edit",
    "conversations.archive",
    "conversations.canvases.create",
    "conversations.create",
    "conversations.history",
    "conversations.info",
    "conversations.invite",
    "conversations.join",
    "conversations.list",
    "conversations.members",
    "conversations.open",
    "conversations.replies",
    "conversations.setTopic",
    "files.completeUploadExternal",
    "files.getUploadURLExternal",
    "pins.add",
    "users.info",
    "users.list",
    "views.open",
    "views.publish",
];

pub(crate) fn is_known_method(method: &str) -> bool {
    KNOWN_METHODS.contains(&method)
}

#[derive(Clone, Debug)]
struct User {
    id: String,
    name: String,
    real_name: String,
    /// What Slack shows for the person; empty when they set none (Slack's default).
    display_name: String,
    is_bot: bool,
}

/// A channel plus the metadata Slack reports but tests rarely assert on.
#[derive(Clone, Debug)]
struct ChannelRecord {
    channel: Channel,
    created: i64,
    creator: String,
    topic_creator: String,
    topic_last_set: i64,
}

#[derive(Clone, Debug)]
struct ViewRecord {
    view: View,
    hash: String,
}

/// A file announced by `files.getUploadURLExternal`; `content` arrives with the upload.
#[derive(Clone, Debug)]
struct Upload {
    filename: String,
    length: u64,
    content: Option<Vec<u8>>,
    created: i64,
}

/// The whole fake workspace. Owned by the server behind one mutex.
pub(crate) struct Workspace {
    /// `http://127.0.0.1:PORT`, for the upload URLs handed out.
    base_url: String,
    users: Vec<User>,
    channels: Vec<ChannelRecord>,
    /// Every message of every channel, in post order.
    messages: Vec<Message>,
    ephemerals: Vec<Ephemeral>,
    views: Vec<ViewRecord>,
    /// Each user's App Home, as last published (`views.publish`).
    homes: BTreeMap<String, ViewRecord>,
    used_triggers: HashSet<String>,
    uploads: BTreeMap<String, Upload>,
    calls: Vec<Call>,
    /// Every id handed out, so a random id is never handed out twice.
    issued_ids: HashSet<String>,
    /// The last message ts handed out, as (seconds, counter).
    last_ts: (i64, u32),
    rng: StdRng,
    /// The rules in force, and what broke the ones that do not refuse the call.
    strictness: Strictness,
    violations: Vec<Violation>,
    canvases: Vec<Canvas>,
    /// When set, `conversations.canvases.create` answers this (a plan or setting forbids them).
    canvas_refusal: Option<&'static str>,
}

impl Workspace {
    pub(crate) fn new(base_url: &str) -> Self {
        Self::with_rng(base_url, StdRng::from_entropy())
    }

    /// A workspace whose ids are reproducible, for tests.
    #[cfg(test)]
    pub(crate) fn seeded(base_url: &str, seed: u64) -> Self {
        Self::with_rng(base_url, StdRng::seed_from_u64(seed))
    }

    fn with_rng(base_url: &str, rng: StdRng) -> Self {
        let mut ws = Workspace {
            base_url: base_url.trim_end_matches('/').to_owned(),
            users: Vec::new(),
            channels: Vec::new(),
            messages: Vec::new(),
            ephemerals: Vec::new(),
            views: Vec::new(),
            homes: BTreeMap::new(),
            used_triggers: HashSet::new(),
            uploads: BTreeMap::new(),
            calls: Vec::new(),
            issued_ids: HashSet::new(),
            strictness: Strictness::default(),
            violations: Vec::new(),
            canvases: Vec::new(),
            canvas_refusal: None,
            // The first ts ends in .000100, like the examples in Slack's docs.
            last_ts: (0, 99),
            rng,
        };
        ws.users.push(User {
            id: BOT_USER_ID.to_owned(),
            name: BOT_NAME.to_owned(),
            real_name: BOT_NAME.to_owned(),
            display_name: BOT_NAME.to_owned(),
            is_bot: true,
        });
        ws
    }

    // ---------------------------------------------------------------- setup and read-back

    /// Adds a user, or renames an existing one.
    pub(crate) fn add_user(&mut self, id: &str, name: &str) {
        if let Some(user) = self.users.iter_mut().find(|u| u.id == id) {
            user.name = name.to_owned();
            user.real_name = name.to_owned();
            user.display_name = name.to_owned();
            return;
        }
        self.users.push(User {
            id: id.to_owned(),
            name: name.to_owned(),
            real_name: name.to_owned(),
            display_name: name.to_owned(),
            is_bot: false,
        });
    }

    /// Sets a member's profile names as `users.info` reports them (an empty display name is
    /// what Slack answers for people who set none). Returns false for an unknown user.
    pub(crate) fn set_profile(&mut self, id: &str, display_name: &str, real_name: &str) -> bool {
        let Some(user) = self.users.iter_mut().find(|u| u.id == id) else {
            return false;
        };
        user.display_name = display_name.to_owned();
        user.real_name = real_name.to_owned();
        true
    }

    /// Deletes channel `id` and its messages; false when it is unknown.
    pub(crate) fn delete_channel(&mut self, id: &str) -> bool {
        let Some(idx) = self.channel_index(id) else {
            return false;
        };
        self.channels.remove(idx);
        self.messages.retain(|m| m.channel != id);
        true
    }

    /// Removes `user` from channel `id`; false when the channel or the membership is unknown.
    pub(crate) fn remove_member(&mut self, id: &str, user: &str) -> bool {
        let Some(idx) = self.channel_index(id) else {
            return false;
        };
        let members = &mut self.channels[idx].channel.members;
        let before = members.len();
        members.retain(|m| m != user);
        members.len() != before
    }

    /// Adds a pre-existing public channel, or replaces the name and members of one.
    pub(crate) fn add_channel(&mut self, id: &str, name: &str, members: &[&str], now: i64) {
        let members: Vec<String> = dedup(members.iter().map(|m| (*m).to_owned()));
        self.issued_ids.insert(id.to_owned());
        if let Some(rec) = self.channels.iter_mut().find(|c| c.channel.id == id) {
            rec.channel.name = name.to_owned();
            rec.channel.members = members;
            return;
        }
        self.channels.push(ChannelRecord {
            creator: members.first().cloned().unwrap_or_default(),
            channel: Channel {
                id: id.to_owned(),
                name: name.to_owned(),
                is_private: false,
                topic: String::new(),
                members,
                pins: Vec::new(),
                is_archived: false,
            },
            created: now,
            topic_creator: String::new(),
            topic_last_set: 0,
        });
    }

    pub(crate) fn channels(&self) -> Vec<Channel> {
        self.channels.iter().map(|c| c.channel.clone()).collect()
    }

    pub(crate) fn channel(&self, id: &str) -> Option<Channel> {
        self.channels
            .iter()
            .find(|c| c.channel.id == id)
            .map(|c| c.channel.clone())
    }

    pub(crate) fn channel_by_name(&self, name: &str) -> Option<Channel> {
        let name = name.trim_start_matches('#');
        self.channels
            .iter()
            .find(|c| c.channel.name == name)
            .map(|c| c.channel.clone())
    }

    pub(crate) fn messages(&self, channel_id: &str) -> Vec<Message> {
        self.messages
            .iter()
            .filter(|m| m.channel == channel_id)
            .cloned()
            .collect()
    }

    pub(crate) fn ephemerals(&self) -> Vec<Ephemeral> {
        self.ephemerals.clone()
    }

    pub(crate) fn views(&self) -> Vec<View> {
        self.views.iter().map(|v| v.view.clone()).collect()
    }

    pub(crate) fn calls(&self) -> Vec<Call> {
        self.calls.clone()
    }

    pub(crate) fn call_count(&self, method: &str) -> usize {
        self.calls
            .iter()
            .filter(|c| c.ok && c.method == method)
            .count()
    }

    pub(crate) fn record_call(&mut self, call: Call) {
        self.calls.push(call);
    }

    /// The display name of a user, for transcripts.
    pub(crate) fn user_name(&self, id: &str) -> Option<String> {
        self.users
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.name.clone())
    }

    /// Posts a message as a person (not through the API): tests need human messages to act
    /// on, e.g. for the "Add to timeline" message shortcut. Returns the new ts, or `None` when
    /// the channel, or the parent of a reply, does not exist.
    pub(crate) fn post_as_user(
        &mut self,
        channel_id: &str,
        user: &str,
        text: &str,
        thread_ts: Option<&str>,
        now: i64,
    ) -> Option<String> {
        self.channel_index(channel_id)?;
        if let Some(parent) = thread_ts {
            self.top_level_index(channel_id, parent)?;
        }
        let ts = self.next_ts(now);
        self.messages.push(Message {
            channel: channel_id.to_owned(),
            ts: ts.clone(),
            user: user.to_owned(),
            text: text.to_owned(),
            blocks: Value::Null,
            thread_ts: thread_ts.map(str::to_owned),
            edits: 0,
            files: Vec::new(),
            metadata: None,
        });
        Some(ts)
    }

    /// Stores the bytes uploaded to an upload URL. False when the file id was never handed out.
    pub(crate) fn store_upload(&mut self, file_id: &str, bytes: &[u8]) -> bool {
        match self.uploads.get_mut(file_id) {
            Some(upload) => {
                upload.content = Some(bytes.to_vec());
                true
            }
            None => false,
        }
    }

    // ---------------------------------------------------------------- dispatch

    /// Runs one Web API method. `now` is the current unix time in seconds. Slack's argument
    /// and Block Kit rules are checked first (a broken one refuses the call, as Slack does);
    /// what a successful call shows is then checked for text safety (recorded, not refused:
    /// Slack would show it).
    pub(crate) fn dispatch(&mut self, method: &str, args: &Args, now: i64) -> ApiResult {
        if self.strictness.required_arguments {
            if let Some(e) = missing_argument(method, args) {
                return Err(e);
            }
        }
        if self.strictness.block_kit {
            if let Some(e) = block_kit_errors(method, args) {
                return Err(e);
            }
        }
        let outcome = self.run_method(method, args, now);
        if outcome.is_ok() && self.strictness.text_safety {
            let found = inspect_call(method, args, &self.strictness.allowed_links);
            self.violations.extend(found);
        }
        outcome
    }

    pub(crate) fn strictness(&self) -> &Strictness {
        &self.strictness
    }

    pub(crate) fn set_strictness(&mut self, strictness: Strictness) {
        self.strictness = strictness;
    }

    pub(crate) fn violations(&self) -> Vec<Violation> {
        self.violations.clone()
    }

    pub(crate) fn record_violation(&mut self, violation: Violation) {
        self.violations.push(violation);
    }

    fn run_method(&mut self, method: &str, args: &Args, now: i64) -> ApiResult {
        match method {
            "auth.test" => Ok(auth_test()),
            "conversations.create" => self.conversations_create(args, now),
            "conversations.archive" => self.conversations_archive(args),
            "conversations.canvases.create" => self.conversations_canvases_create(args),
            "canvases.edit" => self.canvases_edit(args),
            "conversations.invite" => self.conversations_invite(args),
            "conversations.join" => self.conversations_join(args),
            "conversations.info" => self.conversations_info(args),
            "conversations.list" => Ok(self.conversations_list()),
            "conversations.members" => self.conversations_members(args),
            "conversations.history" => self.conversations_history(args),
            "conversations.replies" => self.conversations_replies(args),
            "conversations.open" => self.conversations_open(args, now),
            "conversations.setTopic" => self.conversations_set_topic(args, now),
            "chat.postMessage" => self.chat_post_message(args, now),
            "chat.update" => self.chat_update(args, now),
            "chat.postEphemeral" => self.chat_post_ephemeral(args, now),
            "pins.add" => self.pins_add(args),
            "views.open" => self.views_open(args, now),
            "views.publish" => self.views_publish(args, now),
            "users.info" => self.users_info(args),
            "users.list" => Ok(self.users_list()),
            "files.getUploadURLExternal" => self.files_get_upload_url(args, now),
            "files.completeUploadExternal" => self.files_complete_upload(args, now),
            _ => err("unknown_method"),
        }
    }

    // ---------------------------------------------------------------- conversations.*

    fn conversations_create(&mut self, args: &Args, now: i64) -> ApiResult {
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

    fn conversations_invite(&mut self, args: &Args) -> ApiResult {
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

    fn conversations_join(&mut self, args: &Args) -> ApiResult {
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

    fn conversations_info(&self, args: &Args) -> ApiResult {
        let idx = self.visible_channel_arg(args, "channel")?;
        Ok(fields([("channel", self.channel_json(idx))]))
    }

    /// Members of a channel the bot can see (the console checks private-incident access).
    fn conversations_members(&self, args: &Args) -> ApiResult {
        let idx = self.visible_channel_arg(args, "channel")?;
        Ok(fields([
            ("members", json!(self.channels[idx].channel.members)),
            ("response_metadata", json!({"next_cursor": ""})),
        ]))
    }

    fn conversations_list(&self) -> Map<String, Value> {
        let channels: Vec<Value> = (0..self.channels.len())
            .filter(|&i| self.is_visible(i))
            .map(|i| self.channel_json(i))
            .collect();
        fields([
            ("channels", Value::Array(channels)),
            ("response_metadata", json!({"next_cursor": ""})),
        ])
    }

    fn conversations_history(&self, args: &Args) -> ApiResult {
        let idx = self.visible_channel_arg(args, "channel")?;
        let channel_id = &self.channels[idx].channel.id;
        // Slack's default page is 100 messages, at most 999.
        let window = super::history::HistoryWindow::from_args(args);
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

    fn conversations_set_topic(&mut self, args: &Args, now: i64) -> ApiResult {
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

    // ---------------------------------------------------------------- chat.*

    fn chat_post_message(&mut self, args: &Args, now: i64) -> ApiResult {
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

    fn chat_update(&mut self, args: &Args, now: i64) -> ApiResult {
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

    fn chat_post_ephemeral(&mut self, args: &Args, now: i64) -> ApiResult {
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

    // ---------------------------------------------------------------- pins.*

    fn pins_add(&mut self, args: &Args) -> ApiResult {
        let idx = self.channel_arg(args, "channel")?;
        if !self.is_member(idx, BOT_USER_ID) {
            return err("not_in_channel");
        }
        let Some(ts) = str_arg(args, "timestamp") else {
            return err("no_item_specified");
        };
        if self
            .message_index(&self.channels[idx].channel.id, &ts)
            .is_none()
        {
            return err("message_not_found");
        }
        let pins = &mut self.channels[idx].channel.pins;
        if pins.contains(&ts) {
            return err("already_pinned");
        }
        pins.push(ts);
        Ok(Map::new())
    }

    // ---------------------------------------------------------------- views.*

    fn views_open(&mut self, args: &Args, now: i64) -> ApiResult {
        let Some(trigger_id) = str_arg(args, "trigger_id") else {
            return Err(ApiError::with_detail(
                "invalid_arguments",
                "[ERROR] missing required field: trigger_id",
            ));
        };
        if self.used_triggers.contains(&trigger_id) {
            return err("exchanged_trigger_id");
        }
        let view = validate_view(json_arg(args, "view"))?;
        // A trigger is spent only by a call that opened something, so an app can fix its view
        // and retry within the trigger's 3 seconds.
        self.used_triggers.insert(trigger_id.clone());
        let id = self.fresh_id("V", 10);
        let hash = self.fresh_hash(now);
        self.views.push(ViewRecord {
            view: View {
                id,
                trigger_id: Some(trigger_id),
                view,
            },
            hash,
        });
        let rec = &self.views[self.views.len() - 1];
        Ok(fields([("view", view_json(rec))]))
    }

    // ---------------------------------------------------------------- users.*

    /// Every member (the OpenID sign-in page lists them to pick who signs in).
    fn users_list(&self) -> Map<String, Value> {
        fields([
            (
                "members",
                Value::Array(self.users.iter().map(user_json).collect()),
            ),
            ("response_metadata", json!({"next_cursor": ""})),
        ])
    }

    fn users_info(&self, args: &Args) -> ApiResult {
        let id = str_arg(args, "user").unwrap_or_default();
        let user = self
            .users
            .iter()
            .find(|u| u.id == id)
            .ok_or(ApiError::from("user_not_found"))?;
        Ok(fields([("user", user_json(user))]))
    }

    // ---------------------------------------------------------------- files.*

    fn files_get_upload_url(&mut self, args: &Args, now: i64) -> ApiResult {
        let Some(filename) = str_arg(args, "filename") else {
            return Err(ApiError::with_detail(
                "invalid_arguments",
                "[ERROR] missing required field: filename",
            ));
        };
        let Some(length) = str_arg(args, "length").and_then(|l| l.parse::<u64>().ok()) else {
            return Err(ApiError::with_detail(
                "invalid_arguments",
                "[ERROR] missing or invalid required field: length",
            ));
        };
        let file_id = self.fresh_id("F", 10);
        self.uploads.insert(
            file_id.clone(),
            Upload {
                filename,
                length,
                content: None,
                created: now,
            },
        );
        Ok(fields([
            (
                "upload_url",
                json!(format!("{}/upload/{file_id}", self.base_url)),
            ),
            ("file_id", json!(file_id)),
        ]))
    }

    fn files_complete_upload(&mut self, args: &Args, now: i64) -> ApiResult {
        let requested: Vec<(String, Option<String>)> = match json_arg(args, "files") {
            Some(Value::Array(items)) if !items.is_empty() => {
                let mut out = Vec::new();
                for item in items {
                    let Some(id) = item.get("id").and_then(Value::as_str) else {
                        return Err(ApiError::with_detail(
                            "invalid_arguments",
                            "[ERROR] every file needs an id",
                        ));
                    };
                    let title = item.get("title").and_then(Value::as_str).map(str::to_owned);
                    out.push((id.to_owned(), title));
                }
                out
            }
            _ => {
                return Err(ApiError::with_detail(
                    "invalid_arguments",
                    "[ERROR] files must be a non-empty JSON array of {id, title}",
                ))
            }
        };
        if requested
            .iter()
            .any(|(id, _)| !self.uploads.contains_key(id))
        {
            return err("file_not_found");
        }
        // Where to share: `channel_id`, or the older comma-separated `channels`.
        let mut targets = Vec::new();
        let mut wanted = list_arg(args, "channels");
        if let Some(channel_id) = str_arg(args, "channel_id") {
            wanted.insert(0, channel_id);
        }
        for channel in dedup(wanted) {
            let idx = self
                .channel_index(&channel)
                .ok_or(ApiError::from("channel_not_found"))?;
            self.require_postable(idx)?;
            targets.push(channel);
        }
        let thread_ts = str_arg(args, "thread_ts");
        if let Some(parent) = &thread_ts {
            if targets
                .iter()
                .any(|c| self.top_level_index(c, parent).is_none())
            {
                return err("thread_not_found");
            }
        }
        let blocks = match json_arg(args, "blocks") {
            Some(raw) => validate_blocks(raw, "invalid_blocks")?,
            None => Value::Null,
        };
        let mut file_refs = Vec::new();
        let mut files_json = Vec::new();
        for (id, title) in &requested {
            let Some(upload) = self.uploads.get(id) else {
                return err("file_not_found");
            };
            let title = title.clone().unwrap_or_else(|| upload.filename.clone());
            let content = upload.content.as_deref().unwrap_or_default();
            file_refs.push(FileRef {
                id: id.clone(),
                title: title.clone(),
                content: String::from_utf8_lossy(content).into_owned(),
            });
            files_json.push(json!({
                "id": id,
                "title": title,
                "name": upload.filename,
                "created": upload.created,
                "timestamp": upload.created,
                "user": BOT_USER_ID,
                "size": upload.content.as_ref().map_or(upload.length, |c| c.len() as u64),
            }));
        }
        let text = str_arg(args, "initial_comment").unwrap_or_default();
        for channel in targets {
            let ts = self.next_ts(now);
            self.messages.push(Message {
                channel,
                ts,
                user: BOT_USER_ID.to_owned(),
                text: text.clone(),
                blocks: blocks.clone(),
                thread_ts: thread_ts.clone(),
                edits: 0,
                files: file_refs.clone(),
                metadata: None,
            });
        }
        Ok(fields([("files", Value::Array(files_json))]))
    }

    // ---------------------------------------------------------------- helpers

    fn channel_index(&self, id: &str) -> Option<usize> {
        self.channels.iter().position(|c| c.channel.id == id)
    }

    /// The channel named by argument `key`; a missing one is `channel_not_found`, as on Slack.
    fn channel_arg(&self, args: &Args, key: &str) -> Result<usize, ApiError> {
        str_arg(args, key)
            .and_then(|id| self.channel_index(&id))
            .ok_or(ApiError::from("channel_not_found"))
    }

    /// Like [`Self::channel_arg`], for reads: a private channel the bot is not in does not
    /// exist as far as the bot can tell.
    fn visible_channel_arg(&self, args: &Args, key: &str) -> Result<usize, ApiError> {
        let idx = self.channel_arg(args, key)?;
        if self.is_visible(idx) {
            Ok(idx)
        } else {
            err("channel_not_found")
        }
    }

    fn is_visible(&self, idx: usize) -> bool {
        !self.channels[idx].channel.is_private || self.is_member(idx, BOT_USER_ID)
    }

    /// Bots may post to any public channel (`chat:write.public`), but only to private channels
    /// they are in.
    fn require_postable(&self, idx: usize) -> Result<(), ApiError> {
        if self.channels[idx].channel.is_private && !self.is_member(idx, BOT_USER_ID) {
            return err("not_in_channel");
        }
        Ok(())
    }

    fn is_member(&self, idx: usize, user: &str) -> bool {
        self.channels[idx].channel.members.iter().any(|m| m == user)
    }

    fn user_exists(&self, id: &str) -> bool {
        self.users.iter().any(|u| u.id == id)
    }

    fn message_index(&self, channel_id: &str, ts: &str) -> Option<usize> {
        self.messages
            .iter()
            .position(|m| m.channel == channel_id && m.ts == ts)
    }

    fn top_level_index(&self, channel_id: &str, ts: &str) -> Option<usize> {
        self.message_index(channel_id, ts)
            .filter(|&m| self.messages[m].thread_ts.is_none())
    }

    /// The next message ts: unix seconds and a 6-digit counter. The counter never goes back,
    /// so two messages never share a ts and later messages always sort after earlier ones,
    /// even within one second or if the clock steps back.
    fn next_ts(&mut self, now: i64) -> String {
        let (mut secs, mut seq) = self.last_ts;
        seq += 1;
        if now > secs {
            secs = now;
        }
        if seq > 999_999 {
            secs += 1;
            seq = 0;
        }
        self.last_ts = (secs, seq);
        format!("{secs}.{seq:06}")
    }

    /// A fresh id: `prefix` and `len` random uppercase letters and digits, never reused.
    fn fresh_id(&mut self, prefix: &str, len: usize) -> String {
        loop {
            let id = format!("{prefix}{}", self.random_alnum(len));
            if self.issued_ids.insert(id.clone()) {
                return id;
            }
        }
    }

    fn fresh_hash(&mut self, now: i64) -> String {
        let suffix = self.random_alnum(8).to_ascii_lowercase();
        format!("{now}.{suffix}")
    }

    fn random_alnum(&mut self, len: usize) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        (0..len)
            .map(|_| char::from(ALPHABET[self.rng.gen_range(0..ALPHABET.len())]))
            .collect()
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

    /// A message as Slack's history and postMessage answers show it.
    /// `with_metadata`: include the message's `metadata` (history only does when asked with
    /// `include_all_metadata`).
    fn message_json(&self, m: &Message, with_metadata: bool) -> Value {
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

// -------------------------------------------------------------------- free helpers

fn auth_test() -> Map<String, Value> {
    fields([
        ("url", json!(TEAM_URL)),
        ("team", json!(TEAM_NAME)),
        ("user", json!(BOT_NAME)),
        ("team_id", json!(TEAM_ID)),
        ("user_id", json!(BOT_USER_ID)),
        ("bot_id", json!(BOT_ID)),
        ("is_enterprise_install", json!(false)),
    ])
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

fn user_json(u: &User) -> Value {
    json!({
        "id": u.id,
        "team_id": TEAM_ID,
        "name": u.name,
        "real_name": u.real_name,
        "deleted": false,
        "is_bot": u.is_bot,
        "is_admin": false,
        "tz": "Etc/UTC",
        "tz_offset": 0,
        "profile": {
            "display_name": u.display_name,
            "real_name": u.real_name,
            "real_name_normalized": u.real_name,
        },
    })
}

/// A view as Slack answers it: what the app sent plus the fields Slack adds.
fn view_json(rec: &ViewRecord) -> Value {
    let mut out = rec.view.view.as_object().cloned().unwrap_or_default();
    for (key, default) in [
        ("private_metadata", json!("")),
        ("callback_id", json!("")),
        ("external_id", json!("")),
        ("clear_on_close", json!(false)),
        ("notify_on_close", json!(false)),
    ] {
        out.entry(key).or_insert(default);
    }
    out.insert("id".into(), json!(rec.view.id));
    out.insert("team_id".into(), json!(TEAM_ID));
    out.insert("state".into(), json!({"values": {}}));
    out.insert("hash".into(), json!(rec.hash));
    // No views.push: every view is the root of its own stack.
    out.insert("previous_view_id".into(), Value::Null);
    out.insert("root_view_id".into(), json!(rec.view.id));
    out.insert("app_id".into(), json!(APP_ID));
    out.insert("app_installed_team_id".into(), json!(TEAM_ID));
    out.insert("bot_id".into(), json!(BOT_ID));
    Value::Object(out)
}

fn fields<const N: usize>(pairs: [(&str, Value); N]) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

fn dedup(items: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_700_000_000;

    fn ws() -> Workspace {
        let mut ws = Workspace::seeded("http://127.0.0.1:9", 7);
        ws.add_user("U1", "alice");
        ws.add_user("U2", "bob");
        ws.add_user("U3", "carol");
        ws.add_channel("C0GENERAL", "general", &["U1", "U2"], NOW);
        ws
    }

    fn args(value: Value) -> Args {
        value.as_object().cloned().unwrap_or_default()
    }

    fn call(ws: &mut Workspace, method: &str, a: Value) -> ApiResult {
        ws.dispatch(method, &args(a), NOW)
    }

    fn code_of(ws: &mut Workspace, method: &str, a: Value) -> &'static str {
        code(call(ws, method, a))
    }

    fn code(result: ApiResult) -> &'static str {
        match result {
            Ok(_) => "ok",
            Err(e) => e.code,
        }
    }

    fn create(ws: &mut Workspace, name: &str) -> String {
        let out = call(ws, "conversations.create", json!({"name": name})).unwrap();
        out["channel"]["id"].as_str().unwrap().to_owned()
    }

    fn post(ws: &mut Workspace, a: Value) -> String {
        let out = call(ws, "chat.postMessage", a).unwrap();
        out["ts"].as_str().unwrap().to_owned()
    }

    #[test]
    fn every_known_method_is_dispatched() {
        let mut ws = ws();
        for method in KNOWN_METHODS {
            assert_ne!(
                code_of(&mut ws, method, json!({})),
                "unknown_method",
                "{method}"
            );
        }
        assert_eq!(
            code_of(&mut ws, "chat.scheduleMessage", json!({})),
            "unknown_method"
        );
    }

    #[test]
    fn auth_test_names_the_bot() {
        let out = call(&mut ws(), "auth.test", json!({})).unwrap();
        assert_eq!(out["user_id"], "U0BOT");
        assert_eq!(out["user"], "warroom");
        assert_eq!(out["team_id"], "T0001");
        assert_eq!(out["bot_id"], "B0BOT");
    }

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

    fn modal(title: &str) -> Value {
        json!({"type": "modal", "title": {"type": "plain_text", "text": title},
               "submit": {"type": "plain_text", "text": "Declare"},
               "callback_id": "declare",
               "blocks": [{"type": "input", "block_id": "title", "label": {"type": "plain_text", "text": "Title"},
                           "element": {"type": "plain_text_input", "action_id": "v"}}]})
    }

    #[test]
    fn views_open_spends_the_trigger_once() {
        let mut ws = ws();
        let out = call(
            &mut ws,
            "views.open",
            json!({"trigger_id": "T1", "view": modal("Declare incident")}),
        )
        .unwrap();
        let view = &out["view"];
        let id = view["id"].as_str().unwrap().to_owned();
        assert!(id.starts_with('V') && id.len() == 11);
        assert_eq!(view["callback_id"], "declare");
        assert_eq!(view["state"], json!({"values": {}}));
        assert!(view["hash"].is_string());
        assert_eq!(
            code_of(
                &mut ws,
                "views.open",
                json!({"trigger_id": "T1", "view": modal("Again")})
            ),
            "exchanged_trigger_id"
        );
        assert_eq!(
            code_of(&mut ws, "views.open", json!({"view": modal("x")})),
            "invalid_arguments"
        );
        // A rejected view leaves the trigger usable.
        assert_eq!(
            code_of(
                &mut ws,
                "views.open",
                json!({"trigger_id": "T2", "view": modal(&"x".repeat(25))})
            ),
            "invalid_arguments"
        );
        assert_eq!(
            code_of(
                &mut ws,
                "views.open",
                json!({"trigger_id": "T2", "view": {"type": "home", "blocks": []}})
            ),
            "invalid_arguments"
        );
        let mut no_submit = modal("x");
        no_submit.as_object_mut().unwrap().remove("submit");
        assert_eq!(
            code_of(
                &mut ws,
                "views.open",
                json!({"trigger_id": "T2", "view": no_submit})
            ),
            "invalid_arguments"
        );
        assert_eq!(
            code_of(
                &mut ws,
                "views.open",
                json!({"trigger_id": "T2", "view": modal("ok")})
            ),
            "ok"
        );
        let views = ws.views();
        assert_eq!(views.len(), 2);
        assert_eq!(views[0].id, id);
        assert_eq!(views[0].trigger_id.as_deref(), Some("T1"));
        assert_eq!(views[0].view, modal("Declare incident"));
    }

    #[test]
    fn users_info() {
        let mut ws = ws();
        let out = call(&mut ws, "users.info", json!({"user": "U1"})).unwrap();
        assert_eq!(out["user"]["name"], "alice");
        assert_eq!(out["user"]["profile"]["display_name"], "alice");
        assert_eq!(
            code_of(&mut ws, "users.info", json!({"user": "U404"})),
            "user_not_found"
        );
        let bot = call(&mut ws, "users.info", json!({"user": "U0BOT"})).unwrap();
        assert_eq!(bot["user"]["name"], "warroom");
        assert_eq!(bot["user"]["is_bot"], true);
    }

    #[test]
    fn file_upload_flow_posts_a_message_with_the_content() {
        let mut ws = ws();
        let id = create(&mut ws, "inc");
        let out = call(
            &mut ws,
            "files.getUploadURLExternal",
            json!({"filename": "postmortem.md", "length": "7"}),
        )
        .unwrap();
        let file_id = out["file_id"].as_str().unwrap().to_owned();
        assert!(file_id.starts_with('F'));
        assert_eq!(
            out["upload_url"],
            format!("http://127.0.0.1:9/upload/{file_id}")
        );
        assert!(ws.store_upload(&file_id, b"# PM\n\xff"));
        assert!(!ws.store_upload("FNOPE", b"x"));
        assert_eq!(
            code_of(
                &mut ws,
                "files.completeUploadExternal",
                json!({"files": [{"id": "FNOPE"}], "channel_id": id})
            ),
            "file_not_found"
        );
        let out = call(
            &mut ws,
            "files.completeUploadExternal",
            json!({"files": format!("[{{\"id\":\"{file_id}\",\"title\":\"Post-mortem\"}}]"),
                   "channel_id": id, "initial_comment": "Draft attached"}),
        )
        .unwrap();
        assert_eq!(out["files"][0]["id"], file_id.as_str());
        assert_eq!(out["files"][0]["title"], "Post-mortem");
        let messages = ws.messages(&id);
        assert_eq!(messages.len(), 1);
        assert_eq!(messages[0].text, "Draft attached");
        assert_eq!(messages[0].files[0].title, "Post-mortem");
        assert_eq!(messages[0].files[0].content, "# PM\n\u{fffd}");
        let history = call(&mut ws, "conversations.history", json!({"channel": id})).unwrap();
        assert_eq!(history["messages"][0]["files"][0]["name"], "postmortem.md");
    }

    #[test]
    fn ts_is_strictly_increasing_even_when_the_clock_steps_back() {
        let mut ws = ws();
        let a = ws.next_ts(NOW);
        let b = ws.next_ts(NOW);
        let c = ws.next_ts(NOW - 10);
        let d = ws.next_ts(NOW + 1);
        assert_eq!(a, "1700000000.000100");
        assert_eq!(b, "1700000000.000101");
        assert_eq!(c, "1700000000.000102");
        assert_eq!(d, "1700000001.000103");
        ws.last_ts = (NOW, 999_999);
        assert_eq!(ws.next_ts(NOW), "1700000001.000000");
    }
}
