//! Lanes: the order effects are delivered in. One incident's Slack effects go out
//! strictly in order; each integration gets a lane of its own beside it, so a failing
//! receiver never holds up the channel. Stored as text (`INC-…`, `INC-…#pagerduty`,
//! or empty for effects about no incident).

use std::fmt;

/// A receiver with its own lane.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Integration {
    PagerDuty,
    Webhook,
}

impl Integration {
    pub fn as_str(self) -> &'static str {
        match self {
            Integration::PagerDuty => "pagerduty",
            Integration::Webhook => "webhook",
        }
    }

    fn parse(text: &str) -> Option<Integration> {
        match text {
            "pagerduty" => Some(Integration::PagerDuty),
            "webhook" => Some(Integration::Webhook),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lane {
    /// Not about an incident (answers in channels that are not incident channels).
    Direct,
    /// An incident's Slack effects.
    Incident(String),
    /// An incident's effects for one integration.
    Integration {
        incident: String,
        integration: Integration,
    },
}

impl Lane {
    /// Reads a stored lane. Unknown suffixes keep their incident (and deliver in its
    /// Slack lane's terms), so a row is never lost to a parse.
    pub fn parse(text: &str) -> Lane {
        if text.is_empty() {
            return Lane::Direct;
        }
        match text.split_once('#') {
            Some((incident, suffix)) => match Integration::parse(suffix) {
                Some(integration) => Lane::Integration {
                    incident: incident.to_string(),
                    integration,
                },
                None => Lane::Incident(incident.to_string()),
            },
            None => Lane::Incident(text.to_string()),
        }
    }

    /// The incident the lane belongs to.
    pub fn incident(&self) -> Option<&str> {
        match self {
            Lane::Direct => None,
            Lane::Incident(id) | Lane::Integration { incident: id, .. } => Some(id),
        }
    }
}

impl fmt::Display for Lane {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Lane::Direct => Ok(()),
            Lane::Incident(id) => f.write_str(id),
            Lane::Integration {
                incident,
                integration,
            } => write!(f, "{incident}#{}", integration.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for text in ["", "INC-2026-11-22-001", "INC-1#pagerduty", "INC-1#webhook"] {
            assert_eq!(Lane::parse(text).to_string(), text);
        }
        assert_eq!(Lane::parse("INC-1#pagerduty").incident(), Some("INC-1"));
        assert_eq!(Lane::parse("").incident(), None);
        assert_eq!(
            Lane::parse("INC-1#other"),
            Lane::Incident("INC-1".to_string())
        );
    }
}
