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
//!
//! This file holds the workspace, its records, the constants and [`Workspace::dispatch`]; each
//! method family is an `impl Workspace` block in a file of its own below (`conversations`,
//! `chat`, `pins`, `views`, `users`, `files`, …), with its unit tests. `readback` is the
//! test-facing side (seeding, reading back) and `helpers` what the families share.

mod archive;
mod canvases;
mod chat;
mod conversations;
mod files;
mod helpers;
mod homes;
mod pins;
mod readback;
#[cfg(test)]
mod test_support;
mod threads;
mod users;
mod views;

use std::collections::{BTreeMap, HashSet};

use rand::rngs::StdRng;
use rand::SeedableRng;
use serde_json::Map;

// Much of what is imported here is for the method files below, which take it from here with
// `use super::{…}`.
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
use helpers::{dedup, fields};
use users::auth_test;
use views::view_json;

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
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::test_support::{code_of, ws};
    use super::KNOWN_METHODS;

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
}
