//! Action, block and callback ids the app gives its buttons and views, and reads back.

pub const TAKE_ROLE: &str = "take_role";
pub const ASSIGN_ROLE: &str = "assign_role";
pub const POST_UPDATE: &str = "open_update_modal";
pub const RESOLVE: &str = "open_resolve_modal";
pub const SNOOZE_15: &str = "snooze_15";
pub const SNOOZE_30: &str = "snooze_30";
pub const SNOOZE_60: &str = "snooze_60";
pub const JOIN: &str = "join_incident";
/// "Subscribe" on the announcement: the incident's updates by DM.
pub const SUBSCRIBE: &str = "subscribe_incident";
/// The checkboxes of the post-resolution checklist.
pub const CHECKLIST: &str = "checklist";
pub const ACTION_DONE: &str = "action_done";

pub const DECLARE_VIEW: &str = "declare_incident";
pub const UPDATE_VIEW: &str = "post_update";
pub const RESOLVE_VIEW: &str = "resolve_incident";

/// The message shortcut "Add to timeline" (declared in the app manifest).
pub const ADD_TO_TIMELINE: &str = "add_to_timeline";

/// Block ids of the declare modal.
pub mod declare {
    pub const TITLE: &str = "title";
    pub const SEVERITY: &str = "severity";
    pub const IMPACT: &str = "impact";
    pub const URGENCY: &str = "urgency";
    pub const SERVICE: &str = "service";
    pub const DESCRIPTION: &str = "description";
    pub const PRIVATE: &str = "private";
    pub const DRILL: &str = "drill";
    /// Every input has this action id; the block id tells them apart.
    pub const VALUE: &str = "value";
}

/// Block ids of the update modal (the status-update template: summary, impact, actions, next steps, ETA).
pub mod update {
    pub const STATUS: &str = "status";
    pub const SUMMARY: &str = "summary";
    pub const IMPACT: &str = "impact";
    pub const ACTIONS: &str = "actions_taken";
    pub const NEXT: &str = "next_steps";
    pub const ETA: &str = "eta";
}

pub const RESOLVE_SUMMARY: &str = "summary";

/// "Snooze" on an action item's due-date DM; the value is `{item}:{days}`.
pub const ACTION_SNOOZE: &str = "action_snooze";
