//! `conversations.replies` (a thread, parent first, oldest to newest) and
//! `conversations.open` (the app's DM with a person): what a client needs to find a message
//! it may already have posted in a thread or a DM before it posts it again.

use serde_json::{json, Value};

use super::{err, fields, str_arg, ApiError, ApiResult, Args, Message, Workspace, BOT_USER_ID};
use crate::api::bool_arg;
use crate::history::HistoryWindow;

impl Workspace {
    pub(crate) fn conversations_replies(&self, args: &Args) -> ApiResult {
        let idx = self.visible_channel_arg(args, "channel")?;
        let channel_id = self.channels[idx].channel.id.clone();
        let Some(parent) = str_arg(args, "ts") else {
            return Err(ApiError::with_detail(
                "invalid_arguments",
                "[ERROR] missing required field: ts",
            ));
        };
        if self.top_level_index(&channel_id, &parent).is_none() {
            return err("thread_not_found");
        }
        let window = HistoryWindow::from_args(args);
        let limit = window.limit.min(1000);
        let with_metadata = bool_arg(args, "include_all_metadata");
        let matching: Vec<&Message> = self
            .messages
            .iter()
            .filter(|m| m.channel == channel_id)
            .filter(|m| m.ts == parent || m.thread_ts.as_deref() == Some(parent.as_str()))
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

    /// Opens (or finds) the app's DM with one person, as `chat.postMessage` to a user id does.
    pub(crate) fn conversations_open(&mut self, args: &Args, now: i64) -> ApiResult {
        let Some(users) = str_arg(args, "users") else {
            return err("users_list_not_supplied");
        };
        let ids: Vec<&str> = users.split(',').map(str::trim).collect();
        if ids.len() != 1 {
            // Group DMs are not something the app opens.
            return err("not_implemented");
        }
        let user = ids[0];
        if !self.users.iter().any(|u| u.id == user) {
            return err("user_not_found");
        }
        let dm = format!("D{}", &user[1..]);
        let already_open = self.channel_index(&dm).is_some();
        if !already_open {
            self.add_channel(&dm, &format!("dm-{user}"), &[BOT_USER_ID, user], now);
        }
        Ok(fields([
            ("channel", json!({"id": dm})),
            ("already_open", json!(already_open)),
        ]))
    }
}
