//! The `/incident` grammar's errors, worded: what was not understood and the usage
//! line of the command meant. The usage lines live here, with the rest of the words.

use super::mrkdwn::escape;
use crate::incident::grammar::{GrammarError, Verb};
use crate::incident::model::Status;

/// The answer to a command text the grammar could not read.
pub fn error(error: &GrammarError) -> String {
    match error {
        GrammarError::Usage { command } => usage_line(*command),
        GrammarError::UnexpectedArguments { command, .. } => {
            let name = command.as_str();
            format!("`{name}` takes no arguments. {}", usage_line(*command))
        }
        GrammarError::UnknownCommand { given } => format!(
            "I don't know `{}`. Try `/incident help` for the list of commands.",
            escape(given)
        ),
        GrammarError::NotAUser { given } => format!(
            "`{}` is not a user mention: pick the person with @. {}",
            escape(given),
            usage_line(Verb::Role)
        ),
        GrammarError::BadDate { given } => format!(
            "`{}` is not a date: write it as YYYY-MM-DD. {}",
            escape(given),
            usage_line(Verb::Action)
        ),
    }
}

/// "Usage: `/incident …`", escaped.
fn usage_line(command: Verb) -> String {
    format!("Usage: `/incident {}`", escape(&usage(command)))
}

/// How `command` is written, unescaped.
fn usage(command: Verb) -> String {
    match command {
        // The example closes the usage's code span and opens its own, which the usage
        // line closes.
        Verb::Declare => "declare [--private] [--drill] <severity> <title>` — e.g. `/incident declare P1 Checkout API returns 500s".to_string(),
        Verb::Status => {
            let settable: Vec<&str> = Status::ALL
                .into_iter()
                .filter(|s| *s != Status::Closed)
                .map(Status::as_str)
                .collect();
            format!("status <{}>", settable.join("|"))
        }
        Verb::Severity => "severity <P0|P1|…>".to_string(),
        Verb::Role => "role <ic|tech|comms|scribe> @user".to_string(),
        Verb::Note => "note <text>".to_string(),
        Verb::Action => "action <text> [@owner] [due YYYY-MM-DD]".to_string(),
        Verb::Stats => "stats [30d] [drills]".to_string(),
        Verb::List
        | Verb::Roles
        | Verb::Timeline
        | Verb::Actions
        | Verb::Close
        | Verb::Postmortem
        | Verb::Subscribe
        | Verb::Unsubscribe => command.as_str().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every error as the person reads it (Slack's escaping undone in their head: `&lt;`
    /// shows as `<`). These are the words warroom has always answered with.
    #[test]
    fn each_error_worded() {
        let usage = |command| GrammarError::Usage { command };
        let extra = |command| GrammarError::UnexpectedArguments {
            command,
            given: "x".into(),
        };
        let table = [
            (
                usage(Verb::Declare),
                "Usage: `/incident declare [--private] [--drill] &lt;severity&gt; &lt;title&gt;` — e.g. `/incident declare P1 Checkout API returns 500s`",
            ),
            (
                usage(Verb::Status),
                "Usage: `/incident status &lt;investigating|identified|mitigating|monitoring|resolved&gt;`",
            ),
            (usage(Verb::Severity), "Usage: `/incident severity &lt;P0|P1|…&gt;`"),
            (
                usage(Verb::Role),
                "Usage: `/incident role &lt;ic|tech|comms|scribe&gt; @user`",
            ),
            (usage(Verb::Note), "Usage: `/incident note &lt;text&gt;`"),
            (
                usage(Verb::Action),
                "Usage: `/incident action &lt;text&gt; [@owner] [due YYYY-MM-DD]`",
            ),
            (usage(Verb::Stats), "Usage: `/incident stats [30d] [drills]`"),
            (
                extra(Verb::List),
                "`list` takes no arguments. Usage: `/incident list`",
            ),
            (
                extra(Verb::Roles),
                "`roles` takes no arguments. Usage: `/incident roles`",
            ),
            (
                extra(Verb::Timeline),
                "`timeline` takes no arguments. Usage: `/incident timeline`",
            ),
            (
                extra(Verb::Actions),
                "`actions` takes no arguments. Usage: `/incident actions`",
            ),
            (
                extra(Verb::Close),
                "`close` takes no arguments. Usage: `/incident close`",
            ),
            (
                extra(Verb::Postmortem),
                "`postmortem` takes no arguments. Usage: `/incident postmortem`",
            ),
            (
                extra(Verb::Subscribe),
                "`subscribe` takes no arguments. Usage: `/incident subscribe`",
            ),
            (
                extra(Verb::Unsubscribe),
                "`unsubscribe` takes no arguments. Usage: `/incident unsubscribe`",
            ),
            (
                GrammarError::UnknownCommand {
                    given: "frobnicate".into(),
                },
                "I don't know `frobnicate`. Try `/incident help` for the list of commands.",
            ),
            (
                GrammarError::NotAUser {
                    given: "steve".into(),
                },
                "`steve` is not a user mention: pick the person with @. Usage: `/incident role &lt;ic|tech|comms|scribe&gt; @user`",
            ),
            (
                GrammarError::BadDate {
                    given: "tomorrow".into(),
                },
                "`tomorrow` is not a date: write it as YYYY-MM-DD. Usage: `/incident action &lt;text&gt; [@owner] [due YYYY-MM-DD]`",
            ),
        ];
        for (error, words) in table {
            assert_eq!(super::error(&error), words, "{error:?}");
        }
    }

    /// What a person typed is quoted, never obeyed.
    #[test]
    fn typed_pieces_are_escaped() {
        let hostile = "<!channel>&<https://evil.example|x>";
        for error in [
            GrammarError::UnknownCommand {
                given: hostile.into(),
            },
            GrammarError::NotAUser {
                given: hostile.into(),
            },
            GrammarError::BadDate {
                given: hostile.into(),
            },
        ] {
            let text = super::error(&error);
            assert!(!text.contains('<') && !text.contains('>'), "{text}");
            assert!(
                text.contains("&lt;!channel&gt;&amp;&lt;https://evil.example|x&gt;"),
                "{text}"
            );
        }
    }
}
