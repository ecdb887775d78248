//! `conversations.archive`: an archived channel is read-only. Posting, inviting, joining or
//! setting its topic fails with `is_archived`, as on Slack, so an app that archives too
//! early (or keeps talking to an archived channel) fails its tests.

use super::{err, ApiError, ApiResult, Args, Map, Workspace};

impl Workspace {
    pub(crate) fn conversations_archive(&mut self, args: &Args) -> ApiResult {
        // A private channel the bot is not in does not exist for the bot.
        let idx = self.visible_channel_arg(args, "channel")?;
        let channel = &self.channels[idx].channel;
        // DMs (the app's `D…` conversations) cannot be archived.
        if channel.id.starts_with('D') {
            return err("method_not_supported_for_channel_type");
        }
        if channel.name == "general" {
            return err("cant_archive_general");
        }
        if channel.is_archived {
            return err("already_archived");
        }
        self.channels[idx].channel.is_archived = true;
        Ok(Map::new())
    }

    /// Slack refuses to change or post into an archived channel.
    pub(crate) fn require_unarchived(&self, idx: usize) -> Result<(), ApiError> {
        if self.channels[idx].channel.is_archived {
            return err("is_archived");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::Workspace;
    use serde_json::{json, Value};

    const NOW: i64 = 1_700_000_000;

    fn code(ws: &mut Workspace, method: &str, args: Value) -> String {
        let args = args.as_object().cloned().unwrap_or_default();
        match ws.dispatch(method, &args, NOW) {
            Ok(_) => "ok".into(),
            Err(e) => e.code.to_string(),
        }
    }

    #[test]
    fn archived_channels_are_read_only() {
        let mut ws = Workspace::seeded("http://127.0.0.1:9", 7);
        ws.add_user("U1", "alice");
        ws.add_user("U2", "bob");
        ws.add_channel("C0GENERAL", "general", &["U1"], NOW);
        let made = ws
            .dispatch(
                "conversations.create",
                json!({"name": "inc-1"}).as_object().unwrap(),
                NOW,
            )
            .unwrap();
        let id = made["channel"]["id"].as_str().unwrap().to_string();
        assert_eq!(
            code(&mut ws, "conversations.archive", json!({})),
            "channel_not_found"
        );
        assert_eq!(
            code(
                &mut ws,
                "conversations.archive",
                json!({"channel": "C0GENERAL"})
            ),
            "cant_archive_general"
        );
        assert_eq!(
            code(&mut ws, "conversations.archive", json!({"channel": id})),
            "ok"
        );
        assert!(ws.channel(&id).unwrap().is_archived);
        let info = ws
            .dispatch(
                "conversations.info",
                json!({"channel": id}).as_object().unwrap(),
                NOW,
            )
            .unwrap();
        assert_eq!(info["channel"]["is_archived"], true);
        assert_eq!(
            code(&mut ws, "conversations.archive", json!({"channel": id})),
            "already_archived"
        );
        for (method, args) in [
            ("chat.postMessage", json!({"channel": id, "text": "late"})),
            (
                "chat.postEphemeral",
                json!({"channel": id, "user": "U1", "text": "x"}),
            ),
            (
                "conversations.invite",
                json!({"channel": id, "users": "U2"}),
            ),
            ("conversations.join", json!({"channel": id})),
            (
                "conversations.setTopic",
                json!({"channel": id, "topic": "t"}),
            ),
        ] {
            assert_eq!(code(&mut ws, method, args), "is_archived", "{method}");
        }
        assert!(ws.messages(&id).is_empty());
        // The app's DM with someone is not a channel one archives.
        assert_eq!(
            code(
                &mut ws,
                "chat.postMessage",
                json!({"channel": "U1", "text": "hi"})
            ),
            "ok"
        );
        assert_eq!(
            code(&mut ws, "conversations.archive", json!({"channel": "D1"})),
            "method_not_supported_for_channel_type"
        );
    }
}
