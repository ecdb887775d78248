//! User mentions as Slack writes them in the text it sends (`<@U123>` or
//! `<@U123|name>`): read here, at the edge, so the domain only ever sees user ids.
//! The grammar gets [`parse_mention`] as its reader of people; free text gets
//! [`normalize_mentions`], which leaves people as `@U…` for the renderer to mention again.

/// How Slack opens a user mention.
const MENTION_OPEN: &str = "<@";

/// `<@U123>` or `<@U123|name>` → `U123`; anything else (`@steve`, `<#C1>`) → `None`.
pub fn parse_mention(word: &str) -> Option<String> {
    let inner = word.strip_prefix(MENTION_OPEN)?.strip_suffix('>')?;
    let id = inner.split('|').next()?;
    let valid = id.len() >= 2
        && id.starts_with(['U', 'W'])
        && id.chars().all(|c| c.is_ascii_alphanumeric());
    valid.then(|| id.to_string())
}

/// Replaces every user mention as Slack sends it (`<@U…>` or `<@U…|name>`) with `@U…`:
/// people stay data (their ids) and only the renderer makes them mentions again. Any
/// other angle-bracket syntax is kept as typed, to be escaped by the renderer.
pub fn normalize_mentions(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(MENTION_OPEN) {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        match tail.find('>') {
            Some(end) => {
                match parse_mention(&tail[..=end]) {
                    Some(id) => {
                        out.push('@');
                        out.push_str(&id);
                    }
                    None => out.push_str(&tail[..=end]),
                }
                rest = &tail[end + 1..];
            }
            None => {
                out.push_str(tail);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::grammar::{self, GrammarError, SlashCommand};

    #[test]
    fn mentions_both_forms() {
        assert_eq!(parse_mention("<@U123>"), Some("U123".into()));
        assert_eq!(parse_mention("<@U123|steve>"), Some("U123".into()));
        assert_eq!(parse_mention("@steve"), None);
        assert_eq!(parse_mention("@U123"), None);
        assert_eq!(parse_mention("<#C123>"), None);
        assert_eq!(parse_mention("<@steve>"), None);
        assert_eq!(
            normalize_mentions("ask <@U1|ann> and <@U2> <#C1|x>"),
            "ask @U1 and @U2 <#C1|x>"
        );
        assert_eq!(normalize_mentions("<@bad> <@U3"), "<@bad> <@U3");
    }

    /// The grammar, fed Slack's text with this reader, gets user ids.
    #[test]
    fn the_grammar_reads_slack_mentions_through_this_reader() {
        assert_eq!(
            grammar::parse("role ic <@U9|ann>", parse_mention).unwrap(),
            SlashCommand::Role {
                role: "ic".into(),
                user: "U9".into()
            }
        );
        assert_eq!(
            grammar::parse("role ic @steve", parse_mention),
            Err(GrammarError::NotAUser {
                given: "@steve".into()
            })
        );
        assert_eq!(
            grammar::parse(
                "action Add alert on 5xx <@U7|bo> due 2026-12-01",
                parse_mention
            )
            .unwrap(),
            SlashCommand::Action {
                text: "Add alert on 5xx".into(),
                owner: Some("U7".into()),
                due: chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
            }
        );
    }
}
