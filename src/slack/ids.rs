//! Callback and block ids the app gives its views and modal inputs, and reads back.

// The action ids of buttons, selects and checkboxes are in `button.rs`, with their values.

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
