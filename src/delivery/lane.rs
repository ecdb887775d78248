//! Lanes: the order effects are delivered in. An incident's effects go out in several
//! lanes side by side, each strictly in order: the channel's messages, invitations, the
//! topic, the card's pin and edits, the announcement and its thread, and one per
//! integration, so a slow or failing one never delays the others. Across lanes an effect
//! waits only for the one effect it needs (`Effect::waits_for`). Stored as text (`INC-…`,
//! `INC-…#topic`, `INC-…#pagerduty`, `home:U…` for one person's App Home, or empty for
//! effects about no incident).

use std::fmt;

/// A lane of an incident beside its channel's messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    Invites,
    Topic,
    Card,
    Announcement,
    PagerDuty,
    Webhook,
    Statuspage,
}

/// The integrations, each in a lane of its own (kept by that name for the receivers).
pub type Integration = Stream;

impl Stream {
    const ALL: [Stream; 7] = [
        Stream::Invites,
        Stream::Topic,
        Stream::Card,
        Stream::Announcement,
        Stream::PagerDuty,
        Stream::Webhook,
        Stream::Statuspage,
    ];

    /// The suffix after `#` (what `Effect::lane_suffix` writes).
    pub fn as_str(self) -> &'static str {
        match self {
            Stream::Invites => "invite",
            Stream::Topic => "topic",
            Stream::Card => "card",
            Stream::Announcement => "announcement",
            Stream::PagerDuty => "pagerduty",
            Stream::Webhook => "webhook",
            Stream::Statuspage => "statuspage",
        }
    }

    fn parse(text: &str) -> Option<Stream> {
        Stream::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// How a home lane's text starts (incident ids start with `INC-`: no clash).
const HOME_PREFIX: &str = "home:";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lane {
    /// Not about an incident (answers in channels that are not incident channels).
    Direct,
    /// One person's App Home: its publications, in order, beside everything else.
    Home(String),
    /// An incident's channel messages.
    Incident(String),
    /// One of an incident's other lanes.
    Beside { incident: String, stream: Stream },
}

impl Lane {
    /// Reads a stored lane. Unknown suffixes keep their incident (and deliver in its
    /// channel lane's terms), so a row is never lost to a parse.
    pub fn parse(text: &str) -> Lane {
        if text.is_empty() {
            return Lane::Direct;
        }
        if let Some(user) = text.strip_prefix(HOME_PREFIX) {
            return Lane::Home(user.to_string());
        }
        match text.split_once('#') {
            Some((incident, suffix)) => match Stream::parse(suffix) {
                Some(stream) => Lane::Beside {
                    incident: incident.to_string(),
                    stream,
                },
                None => Lane::Incident(incident.to_string()),
            },
            None => Lane::Incident(text.to_string()),
        }
    }

    /// The lane of `user`'s App Home.
    pub fn home(user: &str) -> Lane {
        Lane::Home(user.to_string())
    }

    /// The incident the lane belongs to.
    pub fn incident(&self) -> Option<&str> {
        match self {
            Lane::Direct | Lane::Home(_) => None,
            Lane::Incident(id) | Lane::Beside { incident: id, .. } => Some(id),
        }
    }
}

impl fmt::Display for Lane {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Lane::Direct => Ok(()),
            Lane::Home(user) => write!(f, "{HOME_PREFIX}{user}"),
            Lane::Incident(id) => f.write_str(id),
            Lane::Beside { incident, stream } => write!(f, "{incident}#{}", stream.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for text in [
            "",
            "INC-2026-11-22-001",
            "INC-1#pagerduty",
            "INC-1#webhook",
            "INC-1#topic",
            "INC-1#card",
            "INC-1#invite",
            "INC-1#announcement",
            "INC-1#statuspage",
            "home:U0ALICE",
        ] {
            assert_eq!(Lane::parse(text).to_string(), text);
        }
        assert_eq!(Lane::parse("INC-1#pagerduty").incident(), Some("INC-1"));
        assert_eq!(Lane::parse("").incident(), None);
        assert_eq!(Lane::parse("home:U1"), Lane::home("U1"));
        assert_eq!(Lane::parse("home:U1").incident(), None);
        assert_eq!(
            Lane::parse("INC-1#other"),
            Lane::Incident("INC-1".to_string())
        );
    }

    #[test]
    fn every_suffix_an_effect_writes_is_a_stream() {
        use crate::incident::Effect;
        // Each suffix must parse back, or its lane would be read as the channel's.
        let effects = [
            Effect::Invite { users: vec![] },
            Effect::SetTopic,
            Effect::PinCard,
            Effect::UpdateCard,
            Effect::Announce,
            Effect::UpdateAnnouncement,
            Effect::PostInAnnouncementThread {
                text: String::new(),
            },
            Effect::PublishStatus { draft: 1 },
        ];
        for effect in effects {
            let suffix = effect.lane_suffix().unwrap_or_default();
            assert!(Stream::parse(suffix).is_some(), "{suffix:?}");
        }
    }
}
