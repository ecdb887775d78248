//! The built-in policy: what warroom does without a policy file. Severities P0–P3 with the
//! cadences and targets of a common incident-response guide, and the four classic roles.

use super::{
    AlertsPolicy, Digest, Policy, RoleDef, Severity, StatuspagePolicy, DEFAULT_ARCHIVE_AFTER,
    DEFAULT_CHANNEL_PREFIX, DEFAULT_TIMELINE_REACTION,
};
use std::time::Duration;

impl Policy {
    /// The built-in defaults: severities P0–P3, roles ic/tech/comms/scribe,
    /// channel prefix `incident`, no announcement channel, no admins.
    pub fn builtin() -> Policy {
        Policy {
            announce_channel: None,
            channel_prefix: DEFAULT_CHANNEL_PREFIX.to_string(),
            admins: Vec::new(),
            severities: builtin_severities(),
            roles: builtin_roles(),
            archive_after: Some(DEFAULT_ARCHIVE_AFTER),
            timeline_reaction: DEFAULT_TIMELINE_REACTION.to_string(),
            digest: Digest::default(),
            statuspage: StatuspagePolicy::default(),
            alerts: AlertsPolicy::default(),
        }
    }
}

const fn minutes(n: u64) -> Option<Duration> {
    Some(Duration::from_secs(n * 60))
}

const fn hours(n: u64) -> Option<Duration> {
    Some(Duration::from_secs(n * 3600))
}

const fn days(n: u64) -> Option<Duration> {
    Some(Duration::from_secs(n * 86_400))
}

pub(super) fn builtin_severities() -> Vec<Severity> {
    let sev = |name: &str, label: &str, description: &str| Severity {
        name: name.to_string(),
        label: label.to_string(),
        description: description.to_string(),
        update_every: None,
        respond_within: None,
        resolve_within: None,
        escalate_after: None,
        escalate_to: None,
        auto_invite: Vec::new(),
        broadcast: false,
        page: false,
        escalation: Vec::new(),
        checklist: builtin_checklist(),
    };
    vec![
        Severity {
            update_every: minutes(15),
            respond_within: minutes(5),
            resolve_within: hours(1),
            escalate_after: minutes(30),
            broadcast: true,
            page: true,
            ..sev(
                "P0",
                "Critical",
                "Complete outage, data loss or security breach",
            )
        },
        Severity {
            update_every: minutes(30),
            respond_within: minutes(15),
            resolve_within: hours(4),
            escalate_after: hours(2),
            broadcast: true,
            page: true,
            ..sev(
                "P1",
                "High",
                "Major functionality impaired or significant user impact",
            )
        },
        Severity {
            update_every: hours(2),
            respond_within: hours(1),
            resolve_within: hours(24),
            ..sev(
                "P2",
                "Medium",
                "Partial functionality impaired or moderate user impact",
            )
        },
        Severity {
            respond_within: hours(4),
            resolve_within: days(7),
            ..sev("P3", "Low", "Minor issue with minimal user impact")
        },
    ]
}

pub(super) fn builtin_roles() -> Vec<RoleDef> {
    let role = |key: &str, name: &str, duties: &str| RoleDef {
        key: key.to_string(),
        name: name.to_string(),
        duties: duties.to_string(),
    };
    vec![
        role(
            "ic",
            "Incident Commander",
            "Coordinate the response, make rollback and escalation decisions, communicate with \
             stakeholders, ensure documentation and lead the post-mortem.",
        ),
        role(
            "tech",
            "Technical Lead",
            "Diagnose the root cause, implement fixes or rollbacks, coordinate with external \
             support, give technical updates to the IC and document the technical details.",
        ),
        role(
            "comms",
            "Communications Lead",
            "Update the status page, send user notifications, coordinate with the support team, \
             draft public communications and log all communications.",
        ),
        role(
            "scribe",
            "Scribe",
            "Document the timeline of events, record decisions, track action items, capture \
             chat logs and prepare the post-mortem draft.",
        ),
    ]
}

/// The post-resolution checklist of the common incident-response guide.
pub(super) fn builtin_checklist() -> Vec<String> {
    [
        "Service fully restored to normal operation",
        "Error rate back to normal",
        "Response times within normal range",
        "All monitoring alerts cleared",
        "Stakeholders notified of resolution",
        "Incident report drafted",
        "Post-incident review scheduled",
    ]
    .into_iter()
    .map(str::to_string)
    .collect()
}
