//! What should happen outside the domain, as intents: who, what, which incident. The
//! domain never writes Slack text; the renderer turns each intent into a message at
//! delivery time, escaping every piece of text a person typed.
//!
//! Effects are stored in the outbox (serde JSON) in the same transaction as the state
//! change that causes them. Effects that show incident state (topic, card, announcement)
//! carry no content: they are rendered from the incident as it is at delivery time.
//!
//! `Post`, `PostInAnnouncementThread` and `Ephemeral` hold pre-rendered text: rows
//! written by earlier versions use them and must still deliver after an upgrade, and
//! adapters use them for text the renderer already produced.

use super::model::{ActionItem, Status, StatusUpdate};
use super::refusal::{Refusal, Reply};
use super::status_page::PublicStatus;
use serde::{Deserialize, Serialize};

/// PagerDuty Events API v2: open the page, or close it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PageAction {
    Trigger,
    Resolve,
}

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
    /// Say `notice` in the incident channel.
    Say {
        notice: Notice,
    },
    /// Say `notice` in the announcement's thread (broadcast severities, escalations).
    SayInAnnouncementThread {
        notice: Notice,
    },
    /// Tell one user, ephemerally, in the incident channel unless `channel` is set.
    Tell {
        user: String,
        notice: Notice,
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
        action: PageAction,
    },
    /// Write the post-mortem draft, from current state, into the incident channel's
    /// canvas (created the first time, replaced after), or upload it as a file where the
    /// workspace has no channel canvases.
    PostmortemCanvas,
    /// The outbound JSON webhook.
    Webhook {
        event: String,
        #[serde(default)]
        detail: serde_json::Value,
    },
    /// A pre-rendered message in the incident channel.
    Post {
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        blocks: Option<serde_json::Value>,
    },
    /// A pre-rendered reply in the announcement's thread.
    PostInAnnouncementThread {
        text: String,
    },
    /// A pre-rendered ephemeral message.
    Ephemeral {
        user: String,
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        channel: Option<String>,
    },
    /// Send `notice` by DM to each subscriber of the incident (one `DirectMessage` each,
    /// queued at delivery, so a retry never repeats a DM already sent).
    NotifySubscribers {
        notice: Notice,
    },
    /// `notice` by DM to `user`, a subscriber.
    DirectMessage {
        user: String,
        notice: Notice,
    },
    /// Post the severity's post-resolution checklist, as checkboxes, in the channel.
    PostChecklist,
    /// Archive the incident channel (closed incidents only: checked again at delivery).
    ArchiveChannel,
    /// DM `owner` that action item `item` is due, with Done and Snooze (rendered from the
    /// item as it is at delivery: done by then, nothing is sent).
    RemindActionItem {
        item: i64,
        owner: String,
    },
    /// DM `user`, the target of an escalation-chain step (`notice` is the step's
    /// [`Notice::ChainStepCalled`]), with the "I'm on it" button.
    EscalationDm {
        user: String,
        notice: Notice,
    },
    /// The weekly digest in the announcement channel: incidents declared in
    /// `[from, to)` and the open action items as they are at delivery. No incident.
    PostDigest {
        from: i64,
        to: i64,
    },
    /// Draft public status text for `status` (stored once per effect) and offer it to the
    /// comms lead in the incident channel, with Edit and Publish.
    OfferStatusDraft {
        status: PublicStatus,
    },
    /// Show draft `draft` as it is now (edited, published) in its offer message.
    RefreshStatusDraft {
        draft: i64,
    },
    /// Publish draft `draft` to Statuspage: create the incident's page incident the first
    /// time, update it after.
    PublishStatus {
        draft: i64,
    },
    /// Publish `user`'s overview (their App Home), rendered from the state at delivery:
    /// open incidents they may see, the roles they hold, their open action items. About no
    /// incident: it goes out in the user's own lane (`Lane::Home`).
    PublishHome {
        user: String,
    },
}

/// Something warroom says, in the channel, the announcement thread or to one person.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "notice", rename_all = "snake_case")]
pub enum Notice {
    StatusChanged {
        status: Status,
        by: String,
    },
    SeverityChanged {
        from: String,
        to: String,
        by: String,
    },
    /// `user` now holds `role` (a policy role key); `by` is set when someone else assigned it.
    RoleTaken {
        role: String,
        user: String,
        by: Option<String>,
    },
    RoleHandedOver {
        role: String,
        from: String,
        to: String,
        by: Option<String>,
    },
    /// To the new holder: what the role asks of them.
    RoleDuties {
        role: String,
    },
    Update {
        update: StatusUpdate,
        next_due: Option<i64>,
    },
    Resolved {
        by: String,
        after_ms: i64,
        summary: String,
    },
    Closed {
        by: String,
        open_items: Vec<ActionItem>,
    },
    /// `target` is a user id or a user-group id from the policy.
    Escalated {
        target: String,
        cause: EscalationCause,
    },
    ActionItemAdded {
        text: String,
        owner: Option<String>,
        due: Option<String>,
        by: String,
    },
    /// To the owner of an action item someone else created.
    ActionItemGiven {
        text: String,
        due: Option<String>,
        by: String,
    },
    ActionItemDone {
        id: i64,
        text: String,
        by: String,
    },
    Snoozed {
        by: String,
        until: i64,
    },
    /// An update is due; `who` are reminded. Comes with "Post update" and snooze buttons.
    Reminder {
        who: Vec<String>,
        last_update_at: Option<i64>,
        declared_at: i64,
    },
    /// Nobody took the Incident Commander role yet. Comes with a "Take" button.
    NoCommander {
        waited_ms: i64,
    },
    TargetWarning {
        severity: String,
        target_ms: i64,
        due_at: Option<i64>,
    },
    TargetBreached {
        severity: String,
        target_ms: i64,
    },
    /// The role board, on demand.
    RoleBoard,
    /// The action items, each open one with a "Done" button.
    ActionItems {
        items: Vec<ActionItem>,
    },
    /// One part of the post-mortem draft (Markdown), as earlier versions posted it: the
    /// draft now goes to the channel canvas ([`Effect::PostmortemCanvas`]); rows already
    /// queued still deliver.
    PostmortemPart {
        part: usize,
        of: usize,
        markdown: String,
    },
    /// A delivery of kind `what` failed for good.
    DeliveryFailed {
        what: String,
        reason: String,
    },
    /// The incident channel is gone (`channel_not_found`) or archived (`is_archived`)
    /// while the incident is open: said once to the IC and the announcement thread.
    ChannelLost {
        reason: String,
    },
    Refused {
        refusal: Refusal,
    },
    Replied {
        reply: Reply,
    },
    /// Step `step` (1-based) of `of` of the severity's escalation chain calls `target`:
    /// nobody acknowledged within `waited_ms`. Comes with an "I'm on it" button.
    ChainStepCalled {
        step: i64,
        of: i64,
        target: ChainTarget,
        waited_ms: i64,
    },
    /// `by` acknowledged the escalation at step `step`: the chain stops.
    ChainAcknowledged {
        by: String,
        step: i64,
    },
    /// The alert group behind the incident stopped firing; the incident stays as it is.
    /// The channel will be archived at `at` (epoch ms).
    ArchiveSoon {
        at: i64,
    },
    AlertGroupResolved {
        /// Where the alerts come from, e.g. `alertmanager`.
        source: String,
        /// Names of the alerts that resolved, as the alerting system sent them.
        alerts: Vec<String>,
    },
}

/// Whom a step of an escalation chain calls.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "to", rename_all = "snake_case")]
pub enum ChainTarget {
    /// Mentioned in the channel and sent a DM.
    User { id: String },
    /// A user group, mentioned in the channel.
    Group { id: String },
    /// PagerDuty's on-call, through an Events API trigger; `paged` is false when
    /// PagerDuty is not configured or the incident is a drill.
    PagerDuty { paged: bool },
}

/// Why an incident was escalated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "cause", rename_all = "snake_case")]
pub enum EscalationCause {
    Manual { by: String, reason: Option<String> },
    UnansweredReminders,
    Timer { after_ms: i64 },
}

impl Notice {
    /// Notices subscribers get by DM: what changes the incident's course.
    pub fn is_for_subscribers(&self) -> bool {
        matches!(
            self,
            Notice::Update { .. }
                | Notice::StatusChanged { .. }
                | Notice::SeverityChanged { .. }
                | Notice::Resolved { .. }
                | Notice::Closed { .. }
                | Notice::Escalated { .. }
        )
    }
}

pub use super::effect_kind::EffectKind;

impl Effect {
    pub fn kind(&self) -> EffectKind {
        match self {
            Effect::CreateChannel => EffectKind::CreateChannel,
            Effect::Invite { .. } => EffectKind::Invite,
            Effect::SetTopic => EffectKind::SetTopic,
            Effect::PostCard => EffectKind::PostCard,
            Effect::PinCard => EffectKind::PinCard,
            Effect::UpdateCard => EffectKind::UpdateCard,
            Effect::Announce => EffectKind::Announce,
            Effect::UpdateAnnouncement => EffectKind::UpdateAnnouncement,
            Effect::Say { .. } | Effect::Post { .. } => EffectKind::Post,
            Effect::SayInAnnouncementThread { .. } | Effect::PostInAnnouncementThread { .. } => {
                EffectKind::PostInAnnouncementThread
            }
            Effect::Tell { .. } | Effect::Ephemeral { .. } => EffectKind::Ephemeral,
            Effect::DeclaredNotice { .. } => EffectKind::DeclaredNotice,
            Effect::Page { .. } => EffectKind::Page,
            Effect::Webhook { .. } => EffectKind::Webhook,
            Effect::NotifySubscribers { .. } => EffectKind::NotifySubscribers,
            Effect::DirectMessage { .. } => EffectKind::DirectMessage,
            Effect::PostChecklist => EffectKind::PostChecklist,
            Effect::PostmortemCanvas => EffectKind::PostmortemCanvas,
            Effect::ArchiveChannel => EffectKind::ArchiveChannel,
            Effect::RemindActionItem { .. } => EffectKind::RemindActionItem,
            Effect::PostDigest { .. } => EffectKind::PostDigest,
            Effect::EscalationDm { .. } => EffectKind::EscalationDm,
            Effect::OfferStatusDraft { .. } => EffectKind::OfferStatusDraft,
            Effect::RefreshStatusDraft { .. } => EffectKind::RefreshStatusDraft,
            Effect::PublishStatus { .. } => EffectKind::PublishStatus,
            Effect::PublishHome { .. } => EffectKind::PublishHome,
        }
    }

    /// The incident's effects go out in several lanes side by side, each in order:
    /// the channel's messages (no suffix), invitations, the topic, the card's pin and
    /// edits, the announcement and its thread, and each integration, so a slow or failing
    /// one never delays the others.
    pub fn lane_suffix(&self) -> Option<&'static str> {
        match self.kind() {
            EffectKind::Page => Some("pagerduty"),
            EffectKind::Webhook => Some("webhook"),
            EffectKind::PublishStatus => Some("statuspage"),
            EffectKind::Invite => Some("invite"),
            EffectKind::SetTopic => Some("topic"),
            EffectKind::PinCard | EffectKind::UpdateCard => Some("card"),
            EffectKind::Announce
            | EffectKind::UpdateAnnouncement
            | EffectKind::PostInAnnouncementThread => Some("announcement"),
            _ => None,
        }
    }

    /// What this effect needs delivered first, nearest first: it waits for the newest
    /// pending effect of the first of these kinds in the incident's channel lane (a pin
    /// waits for its card, which waits for the channel; an invitation, the topic and the
    /// announcement, which links the channel, wait for the channel).
    pub fn waits_for(&self) -> &'static [EffectKind] {
        match self.kind() {
            EffectKind::PinCard | EffectKind::UpdateCard => {
                &[EffectKind::PostCard, EffectKind::CreateChannel]
            }
            EffectKind::Invite
            | EffectKind::SetTopic
            | EffectKind::Announce
            | EffectKind::UpdateAnnouncement
            | EffectKind::PostInAnnouncementThread => &[EffectKind::CreateChannel],
            _ => &[],
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_of_the_previous_version_still_read() {
        let old = [
            r#"{"kind":"post","text":"hi <@U1>","blocks":[{"type":"divider"}]}"#,
            r#"{"kind":"post","text":"plain"}"#,
            r#"{"kind":"set_topic"}"#,
            r#"{"kind":"ephemeral","user":"U1","text":"x"}"#,
            r#"{"kind":"ephemeral","user":"U1","text":"x","channel":"C1"}"#,
            r#"{"kind":"post_in_announcement_thread","text":"t"}"#,
            r#"{"kind":"page","action":"trigger"}"#,
            r#"{"kind":"webhook","event":"incident.declared"}"#,
            r#"{"kind":"invite","users":["U1"]}"#,
            r#"{"kind":"declared_notice","user":"U1","origin_channel":"C1"}"#,
        ];
        let kinds = [
            "post",
            "post",
            "set_topic",
            "ephemeral",
            "ephemeral",
            "post_in_announcement_thread",
            "page",
            "webhook",
            "invite",
            "declared_notice",
        ];
        for (json, kind) in old.iter().zip(kinds) {
            let effect: Effect = serde_json::from_str(json).unwrap();
            assert_eq!(effect.kind().as_str(), kind, "{json}");
            assert_eq!(EffectKind::parse(kind), Some(effect.kind()));
        }
    }

    #[test]
    fn typed_effects_round_trip() {
        let effects = [
            Effect::Say {
                notice: Notice::RoleTaken {
                    role: "ic".into(),
                    user: "U1".into(),
                    by: None,
                },
            },
            Effect::Tell {
                user: "U1".into(),
                notice: Notice::Refused {
                    refusal: Refusal::NoTitle,
                },
                channel: Some("C1".into()),
            },
            Effect::PostmortemCanvas,
            Effect::ArchiveChannel,
            Effect::RemindActionItem {
                item: 7,
                owner: "U1".into(),
            },
            Effect::PostDigest { from: 1, to: 2 },
            Effect::OfferStatusDraft {
                status: PublicStatus::Monitoring,
            },
            Effect::RefreshStatusDraft { draft: 3 },
            Effect::PublishStatus { draft: 3 },
            Effect::PublishHome { user: "U1".into() },
            Effect::Say {
                notice: Notice::ArchiveSoon { at: 1 },
            },
            Effect::SayInAnnouncementThread {
                notice: Notice::Escalated {
                    target: "S1".into(),
                    cause: EscalationCause::Manual {
                        by: "U1".into(),
                        reason: Some("<!channel>".into()),
                    },
                },
            },
        ];
        for e in effects {
            let json = serde_json::to_string(&e).unwrap();
            assert_eq!(serde_json::from_str::<Effect>(&json).unwrap(), e, "{json}");
        }
    }
}
