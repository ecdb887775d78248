//! The only place text meets Slack. Everything warroom shows — messages, blocks, topics,
//! modals, ephemeral answers, the post-mortem — is produced here from typed data.
//!
//! The rule: text a person typed is data until it gets here, and here it is escaped
//! (`&`, `<`, `>`) so it can never broadcast, link or mention on its own. Only warroom's
//! own mentions (from parsed user ids and the policy's user groups), channel links and
//! emoji are emitted as markup.
//!
//! - [`mrkdwn`]: escaping, mentions, links, cutting and splitting long text
//! - [`notices`]: every [`crate::incident::Notice`], worded
//! - [`answers`]: refusals, replies, `list`, `timeline`, `stats`, `help`
//! - [`grammar`]: what the `/incident` grammar could not read, with each command's usage
//! - [`blocks`]: the card, the role board, the announcement, the topic
//! - [`home`]: the App Home tab: open incidents, the viewer's roles and action items
//! - [`modals`]: each modal's view and the reader of its submission, side by side
//! - [`channel_name`]: channel names from titles in any script
//! - [`postmortem`]: the post-mortem draft in Markdown
//! - [`status_page`]: the status-page draft offered to the comms lead
//! - [`time`]: times and durations as people read them

pub mod answers;
pub mod blocks;
pub mod canvas;
pub mod channel_name;
pub mod checklist;
pub mod escalation_chain;
pub mod followup;
pub mod grammar;
pub mod home;
pub mod modals;
pub mod mrkdwn;
pub mod notices;
pub mod postmortem;
pub mod reminder;
pub mod status_page;
pub mod subscriptions;
pub mod time;

use serde_json::Value;

/// Slack's limit on a message's `text`.
pub const MAX_MESSAGE_TEXT: usize = 40_000;
/// Slack's limit on a section block's text.
pub const MAX_SECTION_TEXT: usize = 3_000;

/// A message ready for `chat.postMessage` / `chat.postEphemeral`.
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    /// Mrkdwn text (the notification and fallback text when there are blocks).
    pub text: String,
    pub blocks: Option<Value>,
}

impl Message {
    pub fn text(text: String) -> Message {
        Message { text, blocks: None }
    }

    pub fn with_blocks(text: String, blocks: Value) -> Message {
        Message {
            text,
            blocks: Some(blocks),
        }
    }

    /// The message as Slack accepts it: text longer than Slack's limit goes out as
    /// several messages, in order, without losing a character.
    pub fn parts(self) -> Vec<Message> {
        if self.text.chars().count() <= MAX_MESSAGE_TEXT {
            return vec![self];
        }
        let mut parts: Vec<Message> = mrkdwn::split(&self.text, MAX_MESSAGE_TEXT)
            .into_iter()
            .map(Message::text)
            .collect();
        if let (Some(first), Some(blocks)) = (parts.first_mut(), self.blocks) {
            first.blocks = Some(blocks);
        }
        parts
    }
}
