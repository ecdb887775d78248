//! `pins.add`: the bot pins a message of a channel it is in. Slack's errors, in order:
//! `channel_not_found`, `not_in_channel`, `no_item_specified`, `message_not_found`,
//! `already_pinned`. Its test is `chat`'s `post_thread_update_and_pin`.

use serde_json::Map;

use super::{err, str_arg, ApiResult, Args, Workspace, BOT_USER_ID};

impl Workspace {
    pub(super) fn pins_add(&mut self, args: &Args) -> ApiResult {
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
}
