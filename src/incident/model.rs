//! The incident as the domain sees it: plain data, no I/O.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Lifecycle of an incident. `Closed` is terminal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Investigating,
    Identified,
    Mitigating,
    Monitoring,
    Resolved,
    Closed,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Investigating,
        Status::Identified,
        Status::Mitigating,
        Status::Monitoring,
        Status::Resolved,
        Status::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Investigating => "investigating",
            Status::Identified => "identified",
            Status::Mitigating => "mitigating",
            Status::Monitoring => "monitoring",
            Status::Resolved => "resolved",
            Status::Closed => "closed",
        }
    }

    pub fn parse(text: &str) -> Option<Status> {
        let lower = text.trim().to_ascii_lowercase();
        Status::ALL.into_iter().find(|s| s.as_str() == lower)
    }

    /// "Investigating" — how the topic and card show it.
    pub fn title(self) -> &'static str {
        match self {
            Status::Investigating => "Investigating",
            Status::Identified => "Identified",
            Status::Mitigating => "Mitigating",
            Status::Monitoring => "Monitoring",
            Status::Resolved => "Resolved",
            Status::Closed => "Closed",
        }
    }

    /// Open means the incident still needs people: anything before `resolved`.
    pub fn is_open(self) -> bool {
        !matches!(self, Status::Resolved | Status::Closed)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who holds a role and since when (epoch ms).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleHolder {
    pub user: String,
    pub since: i64,
}

/// An incident's whole domain state. Times are UTC epoch milliseconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    pub id: String,
    pub title: String,
    pub description: String,
    pub service: String,
    pub impact: String,
    pub severity: String,
    pub status: Status,
    pub private: bool,
    /// A drill (game day): labelled as such, pages nobody, calls no webhook or status
    /// page, and stays out of statistics unless asked for.
    #[serde(default)]
    pub drill: bool,
    pub reporter: String,
    /// Channel the incident was declared from; the declarer's answer goes there.
    pub origin_channel: String,
    pub declared_at: i64,
    pub first_ic_at: Option<i64>,
    pub mitigated_at: Option<i64>,
    pub resolved_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub last_update_at: Option<i64>,
    pub resolve_summary: String,
    pub roles: BTreeMap<String, RoleHolder>,
    pub schedule: Schedule,
    /// Optimistic concurrency: a commit succeeds only against the version it was decided on.
    pub version: i64,
    /// Results of Slack calls, written by the delivery worker; read-only to the domain.
    pub slack: SlackRefs,
}

/// Due times that the scheduler acts on. `None` means nothing is due for that cause.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    /// When the current severity took effect; cadence and targets count from here.
    pub severity_since: i64,
    pub next_update_due_at: Option<i64>,
    pub next_nag_at: Option<i64>,
    pub target_warn_at: Option<i64>,
    pub target_breach_at: Option<i64>,
    pub escalate_at: Option<i64>,
    /// Reminders posted in a row without an update in between.
    pub ignored_reminders: i64,
    /// Escalation causes already acted on ("timer", "reminders", "manual:N").
    pub escalations: Vec<String>,
    /// Closed incidents: when the channel's archiving is announced, and when it happens.
    #[serde(default)]
    pub archive_notice_at: Option<i64>,
    #[serde(default)]
    pub archive_at: Option<i64>,
    /// The severity's escalation chain: when its next step is called (`None`: not
    /// running), how many steps were called, and who acknowledged (which stops it).
    #[serde(default)]
    pub chain_next_at: Option<i64>,
    #[serde(default)]
    pub chain_called: i64,
    #[serde(default)]
    pub chain_acked_by: Option<String>,
}

impl Schedule {
    /// The earliest of the due times: what the scheduler indexes on.
    pub fn next_due_at(&self) -> Option<i64> {
        [
            self.next_update_due_at,
            self.next_nag_at,
            self.target_warn_at,
            self.target_breach_at,
            self.escalate_at,
            self.archive_notice_at,
            self.archive_at,
            self.chain_next_at,
        ]
        .into_iter()
        .flatten()
        .min()
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlackRefs {
    pub channel_id: Option<String>,
    pub channel_name: Option<String>,
    pub card_ts: Option<String>,
    pub announce_channel: Option<String>,
    pub announce_ts: Option<String>,
    /// The incident channel's canvas holding the post-mortem draft, and its link.
    #[serde(default)]
    pub postmortem_canvas_id: Option<String>,
    #[serde(default)]
    pub postmortem_url: Option<String>,
}

impl Incident {
    pub fn holder(&self, role: &str) -> Option<&str> {
        self.roles.get(role).map(|h| h.user.as_str())
    }

    pub fn ic(&self) -> Option<&str> {
        self.holder(IC_ROLE)
    }

    /// Is `user` a member of the response (for private-incident visibility)?
    pub fn involves(&self, user: &str) -> bool {
        self.reporter == user || self.roles.values().any(|h| h.user == user)
    }
}

/// The role whose holder is the Incident Commander (permissions, MTTA).
pub const IC_ROLE: &str = "ic";
/// The role that, with the IC, is reminded to post updates.
pub const COMMS_ROLE: &str = "comms";

/// One timeline entry as recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub at: i64,
    pub actor: String,
    pub kind: String,
    pub text: String,
}

/// A status update: current status, impact, actions taken, next steps, ETA.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusUpdate {
    pub at: i64,
    pub author: String,
    /// Lifecycle status when the update was posted.
    pub status: String,
    /// "Current status" of the template: what is going on, in the author's words.
    pub summary: String,
    pub impact: String,
    pub actions_taken: String,
    pub next_steps: String,
    pub eta: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionItem {
    pub id: i64,
    pub incident_id: String,
    pub text: String,
    pub owner: Option<String>,
    pub due: Option<String>,
    pub done: bool,
    pub created_by: String,
    pub created_at: i64,
    pub done_at: Option<i64>,
    pub done_by: Option<String>,
}

/// A Slack user id (`U…`/`W…` followed by uppercase letters and digits): someone who can be
/// invited or mentioned, as opposed to `api` or an alert source acting on their own.
pub fn is_user_id(id: &str) -> bool {
    let mut chars = id.chars();
    matches!(chars.next(), Some('U' | 'W'))
        && id.len() > 1
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}
