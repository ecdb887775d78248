//! Which of Slack's rules the fake enforces, and the record of what broke them.
//!
//! Everything is on by default: an app that passes its tests against the fake should not meet
//! a rule for the first time in a real workspace. A switch exists only so that a rule the app
//! is known to break can be turned off while the fix is on its way; each switch names what
//! it stops checking.

/// The rules in force. `Strictness::default()` enforces all of them.
#[derive(Clone, Debug)]
pub struct Strictness {
    /// Block Kit rules on every `blocks` array and `view` (types, required fields, text
    /// lengths, counts, unique ids, text types): `invalid_blocks` / `invalid_arguments`.
    pub block_kit: bool,
    /// Required Web API arguments: `invalid_arguments` when one is missing.
    pub required_arguments: bool,
    /// Record broadcasts (`<!channel>`, `<!here>`, `<!everyone>`) and links outside
    /// `allowed_links` in anything the app asks Slack to show; see
    /// [`crate::FakeSlack::violations`].
    pub text_safety: bool,
    /// Record slash-command and interaction answers Slack would not accept (checked by
    /// [`crate::FakeSlack::check_command_answer`] and
    /// [`crate::FakeSlack::check_interaction_answer`]).
    pub answers: bool,
    /// Link prefixes the app is configured to show (e.g. a runbook base URL): links starting
    /// with one of them are not violations.
    pub allowed_links: Vec<String>,
}

impl Default for Strictness {
    fn default() -> Strictness {
        Strictness {
            block_kit: true,
            required_arguments: true,
            text_safety: true,
            answers: true,
            allowed_links: Vec::new(),
        }
    }
}

/// A rule the app broke: text safety or an answer Slack would refuse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// The Web API method (or `command` / the interaction type, for answers).
    pub method: String,
    /// The channel, user or trigger it concerned, when known.
    pub target: String,
    /// `broadcast`, `link` or `answer`.
    pub rule: &'static str,
    /// What was sent: the construct (`<!channel>`) or why the answer is refused.
    pub found: String,
    /// The beginning of the text that carried it, to tell which message it was.
    pub context: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} in {} ({}): {} — in {:?}",
            self.rule, self.method, self.target, self.found, self.context
        )
    }
}
