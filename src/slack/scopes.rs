//! The Slack Web API methods warroom calls, and the bot token scopes each one needs.
//!
//! This list is the single source of truth for the app's permissions: the bot scopes
//! requested in `manifests/slack-app.yaml` (`oauth_config.scopes.bot`) are exactly
//! [`bot_scopes`]. `tests/manifests.rs` checks both directions: every method name written
//! as a string literal under `src/` (the emulator aside) must be listed here, so a new
//! call can't ship without its scope, and every method listed here must still be called
//! somewhere, so no stale scope is requested.
//!
//! Where Slack accepts one of several scopes depending on the conversation type, both are
//! listed: `channels:*` for public channels and `groups:*` for private ones (incidents can
//! be declared `--private`).

/// `(method, bot scopes it needs)`, in the order the incident flow uses them.
pub const METHOD_SCOPES: &[(&str, &[&str])] = &[
    // Posts in the incident channel (the bot is a member: it created it) and in
    // `announce_channel`, which the bot need not have joined: `chat:write.public`.
    // Posting to a user id lands in the app's DM with that user, which `chat:write` covers.
    ("chat.postMessage", &["chat:write", "chat:write.public"]),
    // Edits the bot's own incident card and announcement.
    ("chat.update", &["chat:write"]),
    ("chat.postEphemeral", &["chat:write"]),
    // Public incident channels need `channels:manage`, private ones `groups:write`.
    ("conversations.create", &["channels:manage", "groups:write"]),
    ("conversations.invite", &["channels:manage", "groups:write"]),
    (
        "conversations.setTopic",
        &["channels:manage", "groups:write"],
    ),
    ("pins.add", &["pins:write"]),
    // Closed incidents' channels, `archive_after` the close.
    (
        "conversations.archive",
        &["channels:manage", "groups:write"],
    ),
    // Reads the message someone reacted to with the timeline reaction; and, before a
    // retried post, looks for the message a lost answer hid (tagged with its effect) in
    // the channel, a thread or a DM.
    (
        "conversations.history",
        &["channels:history", "groups:history", "im:history"],
    ),
    (
        "conversations.replies",
        &["channels:history", "groups:history", "im:history"],
    ),
    // The DM with a subscriber, to look for a DM a lost answer hid.
    ("conversations.open", &["im:write"]),
    // Rejoins a public channel warroom was removed from (`not_in_channel`).
    ("conversations.join", &["channels:join"]),
    // A channel creation whose answer was lost: find the channel by name and adopt it.
    ("conversations.list", &["channels:read", "groups:read"]),
    // Opening a modal needs no scope, only a fresh `trigger_id`.
    ("views.open", &[]),
    // The console: who may see a private incident (its channel's members).
    ("conversations.members", &["channels:read", "groups:read"]),
    // People's names where mentions do not render (post-mortem Markdown, webhook, console).
    ("users.info", &["users:read"]),
    // The post-mortem draft as the incident channel's canvas, created then replaced.
    ("conversations.canvases.create", &["canvases:write"]),
    ("canvases.edit", &["canvases:write"]),
    // Finds the channel canvas a lost `create` answer made (`properties.canvas`).
    ("conversations.info", &["channels:read", "groups:read"]),
    // Each user's App Home tab: publishing a view needs no scope.
    ("views.publish", &[]),
    // The workspace's URL and team id: the canvas link on the card, the console's sign-in.
    ("auth.test", &[]),
    // Where canvases are unavailable, the draft is uploaded as a file.
    ("files.getUploadURLExternal", &["files:write"]),
    ("files.completeUploadExternal", &["files:write"]),
];

/// Scope needed by the `/incident` slash command and the "Add to timeline" shortcut.
pub const COMMANDS_SCOPE: &str = "commands";

/// `(bot event, scope it needs)`: the manifest's `settings.event_subscriptions.bot_events`
/// are exactly these events.
pub const EVENT_SCOPES: &[(&str, &[&str])] = &[
    // The timeline reaction on a message in an incident channel.
    ("reaction_added", &["reactions:read"]),
    // Someone opened warroom's Home tab: it is published for them (no scope needed).
    ("app_home_opened", &[]),
];

/// Every bot scope the app requests: the scopes of [`METHOD_SCOPES`], `commands` (slash
/// commands and shortcuts) and those of [`EVENT_SCOPES`], sorted and deduplicated.
pub fn bot_scopes() -> Vec<&'static str> {
    let mut scopes: Vec<&'static str> = METHOD_SCOPES
        .iter()
        .flat_map(|(_, scopes)| scopes.iter().copied())
        .chain(std::iter::once(COMMANDS_SCOPE))
        .chain(
            EVENT_SCOPES
                .iter()
                .flat_map(|(_, scopes)| scopes.iter().copied()),
        )
        .collect();
    scopes.sort_unstable();
    scopes.dedup();
    scopes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bot_scopes_are_sorted_unique_and_include_commands() {
        let scopes = bot_scopes();
        assert!(scopes.windows(2).all(|w| w[0] < w[1]), "{scopes:?}");
        assert!(scopes.contains(&COMMANDS_SCOPE));
        let mut methods: Vec<&str> = METHOD_SCOPES.iter().map(|(m, _)| *m).collect();
        methods.sort_unstable();
        methods.dedup();
        assert_eq!(
            methods.len(),
            METHOD_SCOPES.len(),
            "a method is listed twice"
        );
    }
}
