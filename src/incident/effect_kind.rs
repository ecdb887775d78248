//! The kinds of effects, as the outbox stores them.

/// The kind of an effect: stored in the outbox's `kind` column and used as the metric
/// label, so the names never change. A typed message shares its kind with the
/// pre-rendered variant it replaces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EffectKind {
    CreateChannel,
    Invite,
    SetTopic,
    PostCard,
    PinCard,
    UpdateCard,
    Announce,
    UpdateAnnouncement,
    Post,
    PostInAnnouncementThread,
    Ephemeral,
    DeclaredNotice,
    Page,
    Webhook,
    NotifySubscribers,
    DirectMessage,
    PostChecklist,
    PostmortemCanvas,
    ArchiveChannel,
    RemindActionItem,
    PostDigest,
    EscalationDm,
    OfferStatusDraft,
    RefreshStatusDraft,
    PublishStatus,
    PublishHome,
}

impl EffectKind {
    pub const ALL: [EffectKind; 26] = [
        EffectKind::CreateChannel,
        EffectKind::Invite,
        EffectKind::SetTopic,
        EffectKind::PostCard,
        EffectKind::PinCard,
        EffectKind::UpdateCard,
        EffectKind::Announce,
        EffectKind::UpdateAnnouncement,
        EffectKind::Post,
        EffectKind::PostInAnnouncementThread,
        EffectKind::Ephemeral,
        EffectKind::DeclaredNotice,
        EffectKind::Page,
        EffectKind::Webhook,
        EffectKind::NotifySubscribers,
        EffectKind::DirectMessage,
        EffectKind::PostChecklist,
        EffectKind::PostmortemCanvas,
        EffectKind::ArchiveChannel,
        EffectKind::RemindActionItem,
        EffectKind::PostDigest,
        EffectKind::EscalationDm,
        EffectKind::OfferStatusDraft,
        EffectKind::RefreshStatusDraft,
        EffectKind::PublishStatus,
        EffectKind::PublishHome,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EffectKind::CreateChannel => "create_channel",
            EffectKind::Invite => "invite",
            EffectKind::SetTopic => "set_topic",
            EffectKind::PostCard => "post_card",
            EffectKind::PinCard => "pin_card",
            EffectKind::UpdateCard => "update_card",
            EffectKind::Announce => "announce",
            EffectKind::UpdateAnnouncement => "update_announcement",
            EffectKind::Post => "post",
            EffectKind::PostInAnnouncementThread => "post_in_announcement_thread",
            EffectKind::Ephemeral => "ephemeral",
            EffectKind::DeclaredNotice => "declared_notice",
            EffectKind::Page => "page",
            EffectKind::Webhook => "webhook",
            EffectKind::NotifySubscribers => "notify_subscribers",
            EffectKind::DirectMessage => "direct_message",
            EffectKind::PostChecklist => "post_checklist",
            EffectKind::PostmortemCanvas => "postmortem_canvas",
            EffectKind::ArchiveChannel => "archive_channel",
            EffectKind::RemindActionItem => "remind_action_item",
            EffectKind::PostDigest => "post_digest",
            EffectKind::EscalationDm => "escalation_dm",
            EffectKind::OfferStatusDraft => "offer_status_draft",
            EffectKind::RefreshStatusDraft => "refresh_status_draft",
            EffectKind::PublishStatus => "publish_status",
            EffectKind::PublishHome => "publish_home",
        }
    }

    pub fn parse(text: &str) -> Option<EffectKind> {
        EffectKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

impl std::fmt::Display for EffectKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
