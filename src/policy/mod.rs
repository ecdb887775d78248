//! The incident policy: severities, roles, cadences and escalation targets.
//!
//! The policy is a TOML file read and validated once at start (`check-config`, `serve`).
//! Anything wrong with it is reported with the file, the 1-based line and the reason, e.g.
//! `policy.toml:7: unknown key "update_evry" in [[severity]]`. Without a file,
//! [`Policy::builtin`] gives the defaults: severities P0–P3, roles ic/tech/comms/scribe.
//!
//! - `mod.rs`: the validated types and lookups;
//! - `builtin.rs`: the defaults;
//! - `priority.rs`: the impact × urgency matrix that suggests a severity;
//! - `file/`: reading and validating the TOML file, with line-numbered errors;
//! - `tests/`: the tests of all of the above.

mod builtin;
mod file;
mod priority;
#[cfg(test)]
mod tests;

pub use priority::{Impact, Urgency};

use std::time::Duration;

/// Default prefix of incident channel names (`{channel_prefix}-YYYYMMDD-{slug}`).
pub const DEFAULT_CHANNEL_PREFIX: &str = "incident";

/// The validated policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// Channel id (`C…`/`G…`) where incidents are announced; `None` announces nowhere.
    pub announce_channel: Option<String>,
    /// Prefix of incident channel names; lowercase `[a-z0-9-_]`, 1–20 characters.
    pub channel_prefix: String,
    /// User ids of warroom administrators.
    pub admins: Vec<String>,
    /// Severities, most severe first. Never empty.
    pub severities: Vec<Severity>,
    /// Incident roles, in display order.
    pub roles: Vec<RoleDef>,
    /// Archive an incident's channel this long after it closes; `None` never archives.
    pub archive_after: Option<Duration>,
    /// Reaction (emoji name without colons) that adds a message to the timeline.
    pub timeline_reaction: String,
    /// When the weekly digest of overdue action items is posted.
    pub digest: Digest,
    /// Atlassian Statuspage: components and their status per severity.
    pub statuspage: StatuspagePolicy,
    /// How alert webhooks (Alertmanager, Grafana) map to severities.
    pub alerts: AlertsPolicy,
}

/// Default emoji reaction that adds a message to the timeline.
pub const DEFAULT_TIMELINE_REACTION: &str = "pushpin";
/// Default delay between closing an incident and archiving its channel.
pub const DEFAULT_ARCHIVE_AFTER: Duration = Duration::from_secs(7 * 86_400);

/// The weekly digest of overdue action items, posted in the announcement channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest {
    pub day: chrono::Weekday,
    pub time: chrono::NaiveTime,
    pub timezone: chrono_tz::Tz,
}

impl Default for Digest {
    fn default() -> Self {
        Digest {
            day: chrono::Weekday::Mon,
            time: chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default(),
            timezone: chrono_tz::UTC,
        }
    }
}

/// A component status on Atlassian Statuspage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComponentStatus {
    Operational,
    DegradedPerformance,
    PartialOutage,
    MajorOutage,
    UnderMaintenance,
}

impl ComponentStatus {
    pub const ALL: [ComponentStatus; 5] = [
        ComponentStatus::Operational,
        ComponentStatus::DegradedPerformance,
        ComponentStatus::PartialOutage,
        ComponentStatus::MajorOutage,
        ComponentStatus::UnderMaintenance,
    ];

    /// The value Statuspage's REST API uses.
    pub fn as_str(self) -> &'static str {
        match self {
            ComponentStatus::Operational => "operational",
            ComponentStatus::DegradedPerformance => "degraded_performance",
            ComponentStatus::PartialOutage => "partial_outage",
            ComponentStatus::MajorOutage => "major_outage",
            ComponentStatus::UnderMaintenance => "under_maintenance",
        }
    }

    pub fn parse(s: &str) -> Option<ComponentStatus> {
        ComponentStatus::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// What a published status-page incident touches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatuspagePolicy {
    /// Service name (as declared) → Statuspage component id. `"*"` matches any service.
    pub components: Vec<(String, String)>,
    /// Severity name → component status while the incident is open. Severities not listed
    /// use [`StatuspagePolicy::default_status`].
    pub status: Vec<(String, ComponentStatus)>,
}

impl StatuspagePolicy {
    /// The component status for an open incident of `severity` at `position` (0 = most severe).
    pub fn component_status(&self, severity: &str, position: usize) -> ComponentStatus {
        self.status
            .iter()
            .find(|(s, _)| s.eq_ignore_ascii_case(severity))
            .map(|(_, c)| *c)
            .unwrap_or_else(|| Self::default_status(position))
    }

    /// Most severe → major outage, next → partial outage, the rest → degraded performance.
    pub fn default_status(position: usize) -> ComponentStatus {
        match position {
            0 => ComponentStatus::MajorOutage,
            1 => ComponentStatus::PartialOutage,
            _ => ComponentStatus::DegradedPerformance,
        }
    }

    /// Component ids for an incident of `service` (exact match first, then `"*"`).
    pub fn components_for(&self, service: &str) -> Vec<String> {
        let exact: Vec<String> = self
            .components
            .iter()
            .filter(|(s, _)| !service.is_empty() && s.eq_ignore_ascii_case(service))
            .map(|(_, c)| c.clone())
            .collect();
        if !exact.is_empty() {
            return exact;
        }
        self.components
            .iter()
            .filter(|(s, _)| s == "*")
            .map(|(_, c)| c.clone())
            .collect()
    }
}

/// How firing alert groups become incidents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertsPolicy {
    /// The alert label read for the severity (default `severity`).
    pub label: String,
    /// Label value → severity name, e.g. `critical = "P1"`.
    pub severities: Vec<(String, String)>,
    /// Severity when the label is missing or not mapped; default: the least severe.
    pub default_severity: Option<String>,
}

impl Default for AlertsPolicy {
    fn default() -> Self {
        AlertsPolicy {
            label: "severity".into(),
            severities: Vec::new(),
            default_severity: None,
        }
    }
}

/// Who an escalation step calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EscalationTarget {
    /// A user (`U…`/`W…`): mentioned in the channel and sent a DM.
    User(String),
    /// A user group (`S…`): mentioned in the channel.
    Group(String),
    /// PagerDuty: an Events API v2 trigger.
    PagerDuty,
}

/// One step of a severity's escalation chain: call `to` when nobody acknowledged the
/// previous step (or the declaration, for the first) within `after`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscalationStep {
    pub after: Duration,
    pub to: EscalationTarget,
}

/// One severity level and what it implies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Severity {
    /// Short name used in commands and the channel topic, e.g. `P1`.
    pub name: String,
    /// Human label, e.g. `High`; defaults to the name.
    pub label: String,
    /// One-line description shown in the declare modal and help texts.
    pub description: String,
    /// Update cadence; `None` means no update reminders.
    pub update_every: Option<Duration>,
    /// Time by which an IC should be assigned.
    pub respond_within: Option<Duration>,
    /// Resolution target (warning at 80 %, breach at 100 %).
    pub resolve_within: Option<Duration>,
    /// Escalate when still unresolved after this long.
    pub escalate_after: Option<Duration>,
    /// `U…`/`W…` user or `S…` user group id to mention when escalating, as written.
    pub escalate_to: Option<String>,
    /// User ids invited to every incident of this severity.
    pub auto_invite: Vec<String>,
    /// Mirror updates to the announcement thread.
    pub broadcast: bool,
    /// Page on-call when declared.
    pub page: bool,
    /// Escalation chain with acknowledgement, in order; empty: none.
    pub escalation: Vec<EscalationStep>,
    /// Post-resolution checklist; `close` requires every item checked (or an override).
    pub checklist: Vec<String>,
}

/// One incident role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleDef {
    /// Key used in commands, e.g. `ic`; `[a-z0-9_]+`.
    pub key: String,
    /// Display name, e.g. `Incident Commander`.
    pub name: String,
    /// Duties told to the holder when taking the role.
    pub duties: String,
}

/// A policy that cannot be read or is invalid.
///
/// Displays as `{path}:{line}: {reason}` when the line is known, `{path}: {reason}` otherwise.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// The file could not be read.
    #[error("{path}: cannot read policy file: {reason}")]
    Read {
        path: String,
        kind: std::io::ErrorKind,
        reason: String,
    },
    /// The file is not valid TOML or breaks a policy rule.
    #[error("{path}{}: {reason}", fmt_line(*.line))]
    Invalid {
        path: String,
        line: Option<usize>,
        reason: String,
    },
}

fn fmt_line(line: Option<usize>) -> String {
    line.map(|l| format!(":{l}")).unwrap_or_default()
}

impl PolicyError {
    /// The path as given to [`Policy::load`] / [`Policy::from_toml_str`].
    pub fn path(&self) -> &str {
        match self {
            PolicyError::Read { path, .. } | PolicyError::Invalid { path, .. } => path,
        }
    }

    /// 1-based line of the offending text, when known.
    pub fn line(&self) -> Option<usize> {
        match self {
            PolicyError::Read { .. } => None,
            PolicyError::Invalid { line, .. } => *line,
        }
    }

    /// What is wrong, without the location.
    pub fn reason(&self) -> String {
        match self {
            PolicyError::Read { reason, .. } => format!("cannot read policy file: {reason}"),
            PolicyError::Invalid { reason, .. } => reason.clone(),
        }
    }
}

impl Default for Policy {
    fn default() -> Self {
        Policy::builtin()
    }
}

impl Policy {
    /// The severity called `name`, ignoring ASCII case and surrounding whitespace.
    pub fn severity(&self, name: &str) -> Option<&Severity> {
        let name = name.trim();
        self.severities
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(name))
    }

    /// The role with key `key`, ignoring ASCII case and surrounding whitespace.
    pub fn role(&self, key: &str) -> Option<&RoleDef> {
        let key = key.trim();
        self.roles.iter().find(|r| r.key.eq_ignore_ascii_case(key))
    }

    /// One human line per severity for help texts, most severe first, e.g.
    /// `P0 Critical — Complete outage, data loss or security breach`.
    pub fn severity_names(&self) -> Vec<String> {
        self.severities
            .iter()
            .map(|s| {
                if s.description.is_empty() {
                    s.display()
                } else {
                    format!("{} — {}", s.display(), s.description)
                }
            })
            .collect()
    }
}

impl Severity {
    /// Name and label, e.g. `P1 High`; just the name when the label repeats it.
    pub fn display(&self) -> String {
        if self.label.is_empty() || self.label == self.name {
            self.name.clone()
        } else {
            format!("{} {}", self.name, self.label)
        }
    }
}
