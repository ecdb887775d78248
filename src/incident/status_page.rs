//! Public status text: for each status change of a broadcast severity, a draft in the four
//! stages a public status page shows (investigating, identified, monitoring, resolved),
//! offered to the comms lead to edit and publish. Plain words for the public: no internal
//! ids, no people; the renderer escapes them for Slack and Statuspage gets them as typed.

use super::model::{Incident, Status};
use serde::{Deserialize, Serialize};

/// A stage of the public story, as Atlassian Statuspage names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PublicStatus {
    Investigating,
    Identified,
    Monitoring,
    Resolved,
}

impl PublicStatus {
    pub const ALL: [PublicStatus; 4] = [
        PublicStatus::Investigating,
        PublicStatus::Identified,
        PublicStatus::Monitoring,
        PublicStatus::Resolved,
    ];

    /// The value Statuspage's REST API takes (and the stored one).
    pub fn as_str(self) -> &'static str {
        match self {
            PublicStatus::Investigating => "investigating",
            PublicStatus::Identified => "identified",
            PublicStatus::Monitoring => "monitoring",
            PublicStatus::Resolved => "resolved",
        }
    }

    pub fn parse(text: &str) -> Option<PublicStatus> {
        PublicStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn title(self) -> &'static str {
        match self {
            PublicStatus::Investigating => "Investigating",
            PublicStatus::Identified => "Identified",
            PublicStatus::Monitoring => "Monitoring",
            PublicStatus::Resolved => "Resolved",
        }
    }

    /// What the public is told while the incident is `status`. `Mitigating` reads as
    /// `Identified`: a fix is being applied but not yet in place, and "monitoring" promises
    /// the public that it is. `Closed` says nothing new after `Resolved`.
    pub fn of(status: Status) -> Option<PublicStatus> {
        match status {
            Status::Investigating => Some(PublicStatus::Investigating),
            Status::Identified | Status::Mitigating => Some(PublicStatus::Identified),
            Status::Monitoring => Some(PublicStatus::Monitoring),
            Status::Resolved => Some(PublicStatus::Resolved),
            Status::Closed => None,
        }
    }

    /// The public status to draft when an incident moves `from` → `to` (`from` is `None`
    /// when it is declared); `None` when the public story does not change (identified →
    /// mitigating).
    pub fn for_change(from: Option<Status>, to: Status) -> Option<PublicStatus> {
        let next = PublicStatus::of(to)?;
        match from.and_then(PublicStatus::of) {
            Some(previous) if previous == next => None,
            _ => Some(next),
        }
    }
}

impl std::fmt::Display for PublicStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a draft is still to be published.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DraftState {
    Drafted,
    Published,
}

impl DraftState {
    pub fn as_str(self) -> &'static str {
        match self {
            DraftState::Drafted => "drafted",
            DraftState::Published => "published",
        }
    }

    pub fn parse(text: &str) -> Option<DraftState> {
        [DraftState::Drafted, DraftState::Published]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// One draft of public status text, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusDraft {
    pub id: i64,
    pub incident_id: String,
    pub status: PublicStatus,
    pub text: String,
    pub state: DraftState,
    pub created_at: i64,
    pub edited_by: Option<String>,
    pub published_by: Option<String>,
    pub published_at: Option<i64>,
    /// A later draft offered for the same incident (a later status): this one may no
    /// longer be edited or published, so the public page never steps back.
    pub superseded_by: Option<i64>,
}

/// The first draft for `status`, from the incident as it is: our own short templates in
/// the four stages, naming what is affected and nothing internal.
pub fn draft_text(inc: &Incident, status: PublicStatus) -> String {
    let what = inc.title.trim();
    let service = inc.service.trim();
    let affecting = if service.is_empty() {
        String::new()
    } else {
        format!(" affecting {service}")
    };
    match status {
        PublicStatus::Investigating => {
            let impact = inc.impact.trim();
            let impact = if impact.is_empty() {
                "Some of you may be affected.".to_string()
            } else {
                format!("What you may notice: {impact}.")
            };
            format!(
                "We're currently investigating reports of {what}{affecting}. {impact} We'll post an update here as soon as we know more."
            )
        }
        PublicStatus::Identified => format!(
            "We've identified the cause of {what}{affecting} and are working on a fix. We'll share another update as the fix goes out."
        ),
        PublicStatus::Monitoring => format!(
            "A fix for {what} is in place and we're watching the results. Everything should be working normally again; we'll confirm once we're sure."
        ),
        PublicStatus::Resolved => format!(
            "This incident has been resolved: {what}. Everything is working normally. Thank you for your patience; we'll share what we learn from it."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::decide::fixtures::incident;

    #[test]
    fn changes_that_tell_the_public_something_new() {
        use Status::*;
        let rows = [
            (None, Investigating, Some(PublicStatus::Investigating)),
            (
                Some(Investigating),
                Identified,
                Some(PublicStatus::Identified),
            ),
            (
                Some(Investigating),
                Mitigating,
                Some(PublicStatus::Identified),
            ),
            (Some(Identified), Mitigating, None),
            (Some(Mitigating), Monitoring, Some(PublicStatus::Monitoring)),
            (Some(Monitoring), Resolved, Some(PublicStatus::Resolved)),
            (Some(Resolved), Monitoring, Some(PublicStatus::Monitoring)),
            (Some(Resolved), Closed, None),
        ];
        for (from, to, expected) in rows {
            assert_eq!(
                PublicStatus::for_change(from, to),
                expected,
                "{from:?} → {to:?}"
            );
        }
    }

    #[test]
    fn drafts_name_the_problem_and_nothing_internal() {
        let mut inc = incident();
        inc.service = "checkout".into();
        for status in PublicStatus::ALL {
            let text = draft_text(&inc, status);
            assert!(text.contains("Checkout down"), "{text}");
            assert!(!text.contains(&inc.id), "{text}");
            assert!(!text.contains("U0"), "{text}");
            assert_eq!(PublicStatus::parse(status.as_str()), Some(status));
        }
        assert!(draft_text(&inc, PublicStatus::Investigating).starts_with(
            "We're currently investigating reports of Checkout down affecting checkout."
        ));
    }
}
