//! Why the domain said no, and what it answers when it says yes: typed reasons, worded by
//! the renderer. A refusal changes nothing.

use super::model::Status;
use serde::{Deserialize, Serialize};

/// What only the Incident Commander (or an admin) may do once an IC exists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "what", rename_all = "snake_case")]
pub enum Privileged {
    ChangeSeverity,
    Resolve,
    Close,
    /// Take over a role someone holds (a policy role key).
    TakeOver {
        role: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Refusal {
    #[error("unknown severity {given}")]
    UnknownSeverity { given: String },
    /// The incident's severity was removed from the policy.
    #[error("severity {severity} is no longer in the policy")]
    SeverityGone { severity: String },
    #[error("an incident needs a title")]
    NoTitle,
    #[error("{incident} is closed")]
    IncidentClosed { incident: String },
    #[error("only the Incident Commander {ic} or an admin may do this")]
    NotCommander { ic: String, what: Privileged },
    #[error("{incident} is already {status}")]
    AlreadyStatus { incident: String, status: Status },
    #[error("{incident} is already {severity}")]
    AlreadySeverity { incident: String, severity: String },
    #[error("unknown role {given}")]
    UnknownRole { given: String },
    #[error("{incident} is {status}; roles no longer change")]
    RolesFrozen { incident: String, status: Status },
    #[error("{user} already holds {role} on {incident}")]
    AlreadyHolds {
        user: String,
        role: String,
        incident: String,
    },
    #[error("{incident} is {status}; no more updates are due")]
    NoUpdatesDue { incident: String, status: Status },
    #[error("{incident} is already resolved")]
    AlreadyResolved { incident: String },
    #[error("{incident} is {status}: resolve it first")]
    NotResolved { incident: String, status: Status },
    #[error("{incident} is {status}; nothing to escalate")]
    NothingToEscalate { incident: String, status: Status },
    #[error("no escalation target for {severity}")]
    NoEscalationTarget { severity: String },
    #[error("{incident} has no escalation to acknowledge ({status})")]
    NothingToAcknowledge { incident: String, status: Status },
    #[error("{by} already acknowledged the escalation of {incident}")]
    AlreadyAcknowledged { incident: String, by: String },
    #[error("{incident} is {status}; no reminders to snooze")]
    NothingToSnooze { incident: String, status: Status },
    #[error("{incident} has no update cadence at {severity}")]
    NoCadence { incident: String, severity: String },
    #[error("action item #{item} belongs to {incident}")]
    ItemOfOtherIncident { item: i64, incident: String },
    #[error("action item #{item} is already done")]
    ItemAlreadyDone { item: i64 },
    #[error("there is no incident {incident}")]
    NoSuchIncident { incident: String },
    /// Status-page drafts are edited and published by the comms lead, the IC or an admin.
    #[error("only the comms lead, the Incident Commander or an admin may do this")]
    NotCommsLead {
        comms: Option<String>,
        ic: Option<String>,
    },
    #[error("status-page draft #{draft} is already published")]
    DraftAlreadyPublished { draft: i64 },
    /// A later status was drafted since: publishing this one would step the page back.
    #[error("status-page draft #{draft} was superseded by draft #{newer}")]
    DraftSuperseded { draft: i64, newer: i64 },
    #[error("status-page draft #{draft} belongs to {incident}")]
    DraftOfOtherIncident { draft: i64, incident: String },
    #[error("a status-page draft needs some text")]
    EmptyDraft,
    /// Publish without `STATUSPAGE_API_KEY` / `STATUSPAGE_PAGE_ID`: the draft stays, to copy.
    #[error("Statuspage is not configured")]
    StatuspageNotConfigured,
}

/// An answer to the actor when an action succeeded and there is something to say.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reply {
    /// A note went into the timeline.
    Noted,
    /// An action item's reminder was put off.
    ItemSnoozed,
    /// A status-page draft's text was changed.
    DraftEdited,
    /// A status-page draft went to Statuspage.
    DraftPublished,
    /// A drill's draft was marked published; Statuspage was not called.
    DrillDraftNotSent,
}
