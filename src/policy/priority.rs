//! The priority matrix: how many users an incident affects × how badly it fails
//! suggests a severity, for the declare modal.

use super::{Policy, Severity};

/// How many users an incident affects (priority matrix).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Impact {
    All,
    Some,
    Single,
}

/// How badly the affected functionality fails (priority matrix).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Urgency {
    CompleteFailure,
    Degraded,
}

impl Policy {
    /// Severity suggested by the priority matrix (P1–P4 of the common guide), mapped by position onto
    /// this policy's scale (P1–P4 are the policy's first four severities).
    /// `None` when the policy has fewer than 4 severities.
    pub fn suggest_severity(&self, impact: Impact, urgency: Urgency) -> Option<&Severity> {
        if self.severities.len() < 4 {
            return None;
        }
        let position = match (impact, urgency) {
            (Impact::All, Urgency::CompleteFailure) => 0,
            (Impact::All, Urgency::Degraded) | (Impact::Some, Urgency::CompleteFailure) => 1,
            (Impact::Some, Urgency::Degraded) | (Impact::Single, Urgency::CompleteFailure) => 2,
            (Impact::Single, Urgency::Degraded) => 3,
        };
        self.severities.get(position)
    }
}

impl Impact {
    /// All impacts, widest first.
    pub const ALL: [Impact; 3] = [Impact::All, Impact::Some, Impact::Single];

    /// Parses `all`, `some` or `single` (case-insensitive; `… users`/`…_user(s)` also accepted).
    pub fn parse(s: &str) -> Option<Impact> {
        let s = s.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        match s.as_str() {
            "all" | "all_users" => Some(Impact::All),
            "some" | "some_users" => Some(Impact::Some),
            "single" | "single_user" | "one" | "one_user" => Some(Impact::Single),
            _ => None,
        }
    }

    /// The canonical value accepted by [`Impact::parse`].
    pub fn as_str(self) -> &'static str {
        match self {
            Impact::All => "all",
            Impact::Some => "some",
            Impact::Single => "single",
        }
    }

    /// Human label, e.g. for modal options.
    pub fn label(self) -> &'static str {
        match self {
            Impact::All => "All users",
            Impact::Some => "Some users",
            Impact::Single => "Single user",
        }
    }
}

impl Urgency {
    /// All urgencies, worst first.
    pub const ALL: [Urgency; 2] = [Urgency::CompleteFailure, Urgency::Degraded];

    /// Parses `complete`, `complete_failure` or `degraded` (case-insensitive;
    /// `complete failure` / `complete-failure` also accepted).
    pub fn parse(s: &str) -> Option<Urgency> {
        let s = s.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        match s.as_str() {
            "complete" | "complete_failure" => Some(Urgency::CompleteFailure),
            "degraded" => Some(Urgency::Degraded),
            _ => None,
        }
    }

    /// The canonical value accepted by [`Urgency::parse`].
    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::CompleteFailure => "complete_failure",
            Urgency::Degraded => "degraded",
        }
    }

    /// Human label, e.g. for modal options.
    pub fn label(self) -> &'static str {
        match self {
            Urgency::CompleteFailure => "Complete failure",
            Urgency::Degraded => "Degraded",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Policy, super::super::PolicyError> {
        Policy::from_toml_str(text, "policy.toml")
    }

    #[test]
    fn priority_matrix_on_default_scale() {
        let p = Policy::builtin();
        let suggest = |i, u| p.suggest_severity(i, u).map(|s| s.name.as_str());
        let (all, some, single) = (Impact::All, Impact::Some, Impact::Single);
        let (complete, degraded) = (Urgency::CompleteFailure, Urgency::Degraded);
        assert_eq!(suggest(all, complete), Some("P0"));
        assert_eq!(suggest(all, degraded), Some("P1"));
        assert_eq!(suggest(some, complete), Some("P1"));
        assert_eq!(suggest(some, degraded), Some("P2"));
        assert_eq!(suggest(single, complete), Some("P2"));
        assert_eq!(suggest(single, degraded), Some("P3"));
    }

    #[test]
    fn priority_matrix_uses_first_four_positions() {
        let text: String = (1..=5)
            .map(|n| format!("[[severity]]\nname = \"SEV{n}\"\n"))
            .collect();
        let p = parse(&text).unwrap();
        let s = p
            .suggest_severity(Impact::Single, Urgency::Degraded)
            .unwrap();
        assert_eq!(s.name, "SEV4");
        let s = p
            .suggest_severity(Impact::All, Urgency::CompleteFailure)
            .unwrap();
        assert_eq!(s.name, "SEV1");

        let p = parse(
            "[[severity]]\nname = \"A\"\n[[severity]]\nname = \"B\"\n[[severity]]\nname = \"C\"\n",
        )
        .unwrap();
        for i in Impact::ALL {
            for u in Urgency::ALL {
                assert!(p.suggest_severity(i, u).is_none());
            }
        }
    }

    #[test]
    fn impact_and_urgency_parse() {
        assert_eq!(Impact::parse("all"), Some(Impact::All));
        assert_eq!(Impact::parse("Some"), Some(Impact::Some));
        assert_eq!(Impact::parse(" single "), Some(Impact::Single));
        assert_eq!(Impact::parse("single user"), Some(Impact::Single));
        assert_eq!(Impact::parse("none"), None);
        assert_eq!(Urgency::parse("complete"), Some(Urgency::CompleteFailure));
        assert_eq!(
            Urgency::parse("complete_failure"),
            Some(Urgency::CompleteFailure)
        );
        assert_eq!(
            Urgency::parse("Complete failure"),
            Some(Urgency::CompleteFailure)
        );
        assert_eq!(Urgency::parse("degraded"), Some(Urgency::Degraded));
        assert_eq!(Urgency::parse("slow"), None);
        for i in Impact::ALL {
            assert_eq!(Impact::parse(i.as_str()), Some(i));
            assert!(!i.label().is_empty());
        }
        for u in Urgency::ALL {
            assert_eq!(Urgency::parse(u.as_str()), Some(u));
            assert!(!u.label().is_empty());
        }
    }
}
