//! Every interactive element warroom posts, as one type: the renderer encodes a [`Button`]
//! into its `action_id`, `value` and `block_id`, and the interactivity handler decodes a
//! click back into the same [`Button`]. Both directions live here, so the two cannot drift.
//!
//! A click on anything that does not decode (an element of an older message, a forged
//! payload) is answered 200 and does nothing: Slack shows no error, nothing changes.

use super::payload::ActionInfo;

const TAKE_ROLE: &str = "take_role";
const ASSIGN_ROLE: &str = "assign_role";
const POST_UPDATE: &str = "open_update_modal";
const RESOLVE: &str = "open_resolve_modal";
const SNOOZE_15: &str = "snooze_15";
const SNOOZE_30: &str = "snooze_30";
const SNOOZE_60: &str = "snooze_60";
const JOIN: &str = "join_incident";
const SUBSCRIBE: &str = "subscribe_incident";
const CHECKLIST: &str = "checklist";
const ACTION_DONE: &str = "action_done";
const ACK_ESCALATION: &str = "ack_escalation";
const DECLARE: &str = "open_declare_modal";
/// "Snooze" on an action item's due-date DM: a day or a week (one id each, so the two
/// buttons of one block differ).
const ACTION_SNOOZE_DAY: &str = "action_snooze_1";
const ACTION_SNOOZE_WEEK: &str = "action_snooze_7";
const STATUS_DRAFT_EDIT: &str = "status_draft_edit";
const STATUS_DRAFT_PUBLISH: &str = "status_draft_publish";

/// How long the "update due" reminder's snooze buttons put it off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Snooze {
    Min15,
    Min30,
    Hour,
}

impl Snooze {
    pub const ALL: [Snooze; 3] = [Snooze::Min15, Snooze::Min30, Snooze::Hour];

    pub fn minutes(self) -> u32 {
        match self {
            Snooze::Min15 => 15,
            Snooze::Min30 => 30,
            Snooze::Hour => 60,
        }
    }

    /// The button's words.
    pub fn label(self) -> &'static str {
        match self {
            Snooze::Min15 => "Snooze 15m",
            Snooze::Min30 => "Snooze 30m",
            Snooze::Hour => "Snooze 1h",
        }
    }
}

/// One interactive element of a warroom message, with what it acts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Button {
    /// "Take role": the clicker takes `role` on `incident`.
    TakeRole { incident: String, role: String },
    /// The users-select beside it: the chosen user gets `role` (the user comes with the click).
    AssignRole { incident: String, role: String },
    /// Opens the status-update modal.
    PostUpdate { incident: String },
    /// Opens the resolve modal.
    Resolve { incident: String },
    /// Puts off the "update due" reminder.
    Snooze { incident: String, snooze: Snooze },
    /// "Join" on the announcement.
    Join { incident: String },
    /// "Subscribe" on the announcement: the incident's updates by DM.
    Subscribe { incident: String },
    /// "Done" beside an open action item.
    ActionDone { item: i64 },
    /// "Snooze 1 day" (`days` 1) or "Snooze 1 week" (7) on an action item's due-date DM.
    SnoozeActionItem { item: i64, days: u32 },
    /// "I'm on it" on a step of the escalation chain (in the channel or the DM).
    AcknowledgeEscalation { incident: String },
    /// "Declare incident" on the App Home: opens the declare modal.
    Declare,
    /// The checkboxes of the post-resolution checklist, `chunk` = which block of items
    /// (the ticked ones come with the click).
    Checklist { incident: String, chunk: usize },
    /// "Edit" on a status-page draft: opens the draft's text in a modal.
    EditStatusDraft { draft: i64 },
    /// "Publish" on a status-page draft.
    PublishStatusDraft { draft: i64 },
}

impl Button {
    /// The element's `action_id`.
    pub fn action_id(&self) -> &'static str {
        match self {
            Button::TakeRole { .. } => TAKE_ROLE,
            Button::AssignRole { .. } => ASSIGN_ROLE,
            Button::PostUpdate { .. } => POST_UPDATE,
            Button::Resolve { .. } => RESOLVE,
            Button::Snooze { snooze, .. } => match snooze {
                Snooze::Min15 => SNOOZE_15,
                Snooze::Min30 => SNOOZE_30,
                Snooze::Hour => SNOOZE_60,
            },
            Button::Join { .. } => JOIN,
            Button::Subscribe { .. } => SUBSCRIBE,
            Button::ActionDone { .. } => ACTION_DONE,
            Button::SnoozeActionItem { days: 1, .. } => ACTION_SNOOZE_DAY,
            Button::SnoozeActionItem { .. } => ACTION_SNOOZE_WEEK,
            Button::Checklist { .. } => CHECKLIST,
            Button::AcknowledgeEscalation { .. } => ACK_ESCALATION,
            Button::EditStatusDraft { .. } => STATUS_DRAFT_EDIT,
            Button::PublishStatusDraft { .. } => STATUS_DRAFT_PUBLISH,
            Button::Declare => DECLARE,
        }
    }

    /// The element's `value`; `None` for the elements whose click carries a selection
    /// instead (they are identified by their block's id).
    pub fn value(&self) -> Option<String> {
        match self {
            Button::TakeRole { incident, role } => Some(format!("{incident}:{role}")),
            Button::PostUpdate { incident }
            | Button::Resolve { incident }
            | Button::Snooze { incident, .. }
            | Button::Join { incident }
            | Button::Subscribe { incident }
            | Button::AcknowledgeEscalation { incident } => Some(incident.clone()),
            Button::ActionDone { item } => Some(item.to_string()),
            Button::EditStatusDraft { draft } | Button::PublishStatusDraft { draft } => {
                Some(draft.to_string())
            }
            Button::SnoozeActionItem { item, days } => Some(format!("{item}:{days}")),
            Button::AssignRole { .. } | Button::Checklist { .. } | Button::Declare => None,
        }
    }

    /// The `block_id` the element's block must have, for the elements identified by it.
    pub fn block_id(&self) -> Option<String> {
        match self {
            Button::AssignRole { incident, role } => Some(role_block_id(incident, role)),
            Button::Checklist { incident, chunk } => Some(format!("checklist:{incident}:{chunk}")),
            _ => None,
        }
    }

    /// The element a click came from; `None` for anything warroom did not post.
    pub fn decode(action: &ActionInfo) -> Option<Button> {
        let value = action.value.as_deref().unwrap_or("");
        let incident = || value.to_string();
        Some(match action.action_id.as_str() {
            TAKE_ROLE => {
                let (incident, role) = value.split_once(':')?;
                Button::TakeRole {
                    incident: incident.to_string(),
                    role: role.to_string(),
                }
            }
            ASSIGN_ROLE => {
                // block_id is "role:{incident}:{role}"; the chosen user is in selected_user.
                let mut parts = action.block_id.splitn(3, ':');
                let (Some("role"), Some(incident), Some(role)) =
                    (parts.next(), parts.next(), parts.next())
                else {
                    return None;
                };
                Button::AssignRole {
                    incident: incident.to_string(),
                    role: role.to_string(),
                }
            }
            POST_UPDATE => Button::PostUpdate {
                incident: incident(),
            },
            RESOLVE => Button::Resolve {
                incident: incident(),
            },
            SNOOZE_15 | SNOOZE_30 | SNOOZE_60 => Button::Snooze {
                incident: incident(),
                snooze: match action.action_id.as_str() {
                    SNOOZE_15 => Snooze::Min15,
                    SNOOZE_30 => Snooze::Min30,
                    _ => Snooze::Hour,
                },
            },
            JOIN => Button::Join {
                incident: incident(),
            },
            SUBSCRIBE => Button::Subscribe {
                incident: incident(),
            },
            ACK_ESCALATION => Button::AcknowledgeEscalation {
                incident: incident(),
            },
            DECLARE => Button::Declare,
            ACTION_DONE => Button::ActionDone {
                item: value.parse().ok()?,
            },
            ACTION_SNOOZE_DAY | ACTION_SNOOZE_WEEK => {
                let (item, days) = value.split_once(':')?;
                Button::SnoozeActionItem {
                    item: item.parse().ok()?,
                    days: days.parse().ok()?,
                }
            }
            STATUS_DRAFT_EDIT => Button::EditStatusDraft {
                draft: value.parse().ok()?,
            },
            STATUS_DRAFT_PUBLISH => Button::PublishStatusDraft {
                draft: value.parse().ok()?,
            },
            CHECKLIST => {
                // block_id = checklist:{incident}:{chunk}
                let (rest, chunk) = action.block_id.rsplit_once(':')?;
                Button::Checklist {
                    incident: rest.strip_prefix("checklist:")?.to_string(),
                    chunk: chunk.parse().ok()?,
                }
            }
            _ => return None,
        })
    }
}

/// The id of a role's row of the role board (and of the "no IC yet" nudge): the
/// users-select in it is decoded from this.
pub fn role_block_id(incident: &str, role: &str) -> String {
    format!("role:{incident}:{role}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn click(b: &Button) -> ActionInfo {
        ActionInfo {
            action_id: b.action_id().to_string(),
            block_id: b.block_id().unwrap_or_else(|| "card:INC-1".into()),
            value: b.value(),
            ..ActionInfo::default()
        }
    }

    #[test]
    fn every_button_decodes_to_itself() {
        let inc = || "INC-20261122-001".to_string();
        let mut all = vec![
            Button::TakeRole {
                incident: inc(),
                role: "ic".into(),
            },
            Button::AssignRole {
                incident: inc(),
                role: "comms".into(),
            },
            Button::PostUpdate { incident: inc() },
            Button::Resolve { incident: inc() },
            Button::Join { incident: inc() },
            Button::Subscribe { incident: inc() },
            Button::AcknowledgeEscalation { incident: inc() },
            Button::ActionDone { item: 42 },
            Button::SnoozeActionItem { item: 42, days: 1 },
            Button::SnoozeActionItem { item: 42, days: 7 },
            Button::Checklist {
                incident: inc(),
                chunk: 2,
            },
            Button::EditStatusDraft { draft: 5 },
            Button::PublishStatusDraft { draft: 5 },
            Button::Declare,
        ];
        all.extend(Snooze::ALL.map(|snooze| Button::Snooze {
            incident: inc(),
            snooze,
        }));
        let mut ids = std::collections::BTreeSet::new();
        for b in &all {
            assert_eq!(Button::decode(&click(b)).as_ref(), Some(b));
            ids.insert(b.action_id());
        }
        assert_eq!(ids.len(), all.len(), "action ids are distinct");
    }

    #[test]
    fn the_wire_names_do_not_change() {
        // Messages already posted in Slack carry these; renaming one breaks their buttons.
        let b = Button::Snooze {
            incident: "INC-1".into(),
            snooze: Snooze::Hour,
        };
        assert_eq!(
            (b.action_id(), b.value().as_deref()),
            ("snooze_60", Some("INC-1"))
        );
        let b = Button::TakeRole {
            incident: "INC-1".into(),
            role: "ic".into(),
        };
        assert_eq!(b.value().as_deref(), Some("INC-1:ic"));
        assert_eq!(
            Button::Checklist {
                incident: "INC-1".into(),
                chunk: 0
            }
            .block_id()
            .as_deref(),
            Some("checklist:INC-1:0")
        );
    }

    #[test]
    fn what_warroom_did_not_post_decodes_to_nothing() {
        let unknown = |action_id: &str, block_id: &str, value: Option<&str>| ActionInfo {
            action_id: action_id.into(),
            block_id: block_id.into(),
            value: value.map(str::to_string),
            ..ActionInfo::default()
        };
        for a in [
            unknown("something_else", "", Some("INC-1")),
            unknown("take_role", "", Some("no-colon")),
            unknown("assign_role", "card:INC-1", None),
            unknown("action_done", "", Some("twelve")),
            unknown("status_draft_publish", "", Some("INC-1")),
            unknown("checklist", "checklist:INC-1:x", None),
            unknown("checklist", "other:INC-1:0", None),
        ] {
            assert_eq!(Button::decode(&a), None, "{a:?}");
        }
    }
}
