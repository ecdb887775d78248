//! Slack side effects, as the domain asks for them. They are stored in the outbox in
//! the same transaction as the state change that causes them and delivered later.
//!
//! Effects that show incident state (topic, card, announcement) carry no content: the
//! worker renders them from the incident as it is at delivery time, so a late or retried
//! delivery never shows stale state, and consecutive edits collapse into the latest one.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Effect {
    /// Create the incident channel (`name_taken` → `-2`, `-3`, …) and record its id.
    CreateChannel,
    /// Invite users to the incident channel; members already there are fine.
    Invite {
        users: Vec<String>,
    },
    /// Set the topic from current state.
    SetTopic,
    /// Post the incident card and record its ts.
    PostCard,
    PinCard,
    /// Edit the card in place from current state.
    UpdateCard,
    /// Post the announcement in the policy's announce channel (public incidents).
    Announce,
    /// Edit the announcement in place from current state.
    UpdateAnnouncement,
    /// A message in the incident channel.
    Post {
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        blocks: Option<serde_json::Value>,
    },
    /// A reply in the announcement's thread (broadcast severities, escalations).
    PostInAnnouncementThread {
        text: String,
    },
    /// An ephemeral message to one user, in the incident channel unless `channel` is set.
    Ephemeral {
        user: String,
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        channel: Option<String>,
    },
    /// Tells the declarer where the incident lives, where they declared it.
    DeclaredNotice {
        user: String,
        origin_channel: String,
    },
    /// PagerDuty Events API v2 (trigger or resolve, deduplicated by incident id).
    Page {
        action: crate::integrations::PageAction,
    },
    /// The outbound JSON webhook.
    Webhook {
        event: String,
        #[serde(default)]
        detail: serde_json::Value,
    },
}

impl Effect {
    /// Short stable name, stored in the outbox's `kind` column and used in metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            Effect::CreateChannel => "create_channel",
            Effect::Invite { .. } => "invite",
            Effect::SetTopic => "set_topic",
            Effect::PostCard => "post_card",
            Effect::PinCard => "pin_card",
            Effect::UpdateCard => "update_card",
            Effect::Announce => "announce",
            Effect::UpdateAnnouncement => "update_announcement",
            Effect::Post { .. } => "post",
            Effect::PostInAnnouncementThread { .. } => "post_in_announcement_thread",
            Effect::Ephemeral { .. } => "ephemeral",
            Effect::DeclaredNotice { .. } => "declared_notice",
            Effect::Page { .. } => "page",
            Effect::Webhook { .. } => "webhook",
        }
    }

    /// Integrations get lanes of their own beside the incident's Slack lane, so a
    /// failing receiver never delays the channel.
    pub fn lane_suffix(&self) -> Option<&'static str> {
        match self {
            Effect::Page { .. } => Some("pagerduty"),
            Effect::Webhook { .. } => Some("webhook"),
            _ => None,
        }
    }

    /// Effects rendered from current state: a pending one makes another redundant.
    pub fn is_idempotent_refresh(&self) -> bool {
        matches!(
            self,
            Effect::SetTopic | Effect::UpdateCard | Effect::UpdateAnnouncement
        )
    }
}
