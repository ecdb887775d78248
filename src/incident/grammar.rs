//! The `/incident` command grammar: a pure function from the command text to a
//! [`SlashCommand`], with an error that says what was expected.
//!
//! Severity and role names are checked against the policy later, by the domain;
//! this layer only knows the shape of each command.

use chrono::NaiveDate;
use std::time::Duration;

use super::model::Status;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SlashCommand {
    /// `/incident` or `/incident declare`: opens the declare modal.
    OpenDeclareModal,
    Declare {
        private: bool,
        drill: bool,
        severity: String,
        title: String,
    },
    List,
    Help,
    Status(Status),
    Severity(String),
    Role {
        role: String,
        user: String,
    },
    Roles,
    /// `update` without text opens the update modal.
    OpenUpdateModal,
    Update(String),
    Note(String),
    Timeline,
    Action {
        text: String,
        owner: Option<String>,
        due: Option<NaiveDate>,
    },
    Actions,
    Resolve(Option<String>),
    Close,
    Postmortem,
    Escalate(Option<String>),
    /// `stats [window] [drills]`: drills are counted only when asked for.
    Stats {
        window: Option<Duration>,
        drills: bool,
    },
    /// Get each update of this incident by DM until it closes.
    Subscribe,
    Unsubscribe,
    /// `close --force`: close with the checklist incomplete (IC or admin; recorded).
    CloseForce,
}

impl SlashCommand {
    /// Commands that only make sense inside an incident's channel.
    pub fn needs_incident_channel(&self) -> bool {
        !matches!(
            self,
            SlashCommand::OpenDeclareModal
                | SlashCommand::Declare { .. }
                | SlashCommand::List
                | SlashCommand::Help
                | SlashCommand::Stats { .. }
        )
    }
}

/// Why a command text could not be understood; the message is shown to the user as is.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct GrammarError(pub String);

fn expected(usage: &str) -> GrammarError {
    GrammarError(format!("Usage: `/incident {usage}`"))
}

/// Parses the text after `/incident`.
pub fn parse(text: &str) -> Result<SlashCommand, GrammarError> {
    let text = text.trim();
    let (verb, rest) = match text.split_once(char::is_whitespace) {
        Some((verb, rest)) => (verb, rest.trim()),
        None => (text, ""),
    };
    match verb.to_ascii_lowercase().as_str() {
        "" => Ok(SlashCommand::OpenDeclareModal),
        "declare" | "new" | "open" => parse_declare(rest),
        "list" | "ls" => no_args(rest, "list", SlashCommand::List),
        "help" | "?" => Ok(SlashCommand::Help),
        "status" => {
            let names = Status::ALL.map(|s| s.as_str()).join("|");
            match Status::parse(rest) {
                Some(status) if status != Status::Closed => Ok(SlashCommand::Status(status)),
                _ => Err(expected(&format!(
                    "status <{}>",
                    names.replace("|closed", "")
                ))),
            }
        }
        "severity" | "sev" => match single_word(rest) {
            Some(sev) => Ok(SlashCommand::Severity(sev.to_string())),
            None => Err(expected("severity <P0|P1|…>")),
        },
        "role" | "assign" => parse_role(rest),
        "roles" => no_args(rest, "roles", SlashCommand::Roles),
        "update" => Ok(if rest.is_empty() {
            SlashCommand::OpenUpdateModal
        } else {
            SlashCommand::Update(rest.to_string())
        }),
        "note" => non_empty(rest, "note <text>").map(SlashCommand::Note),
        "timeline" => no_args(rest, "timeline", SlashCommand::Timeline),
        "action" => parse_action(rest),
        "actions" => no_args(rest, "actions", SlashCommand::Actions),
        "resolve" => Ok(SlashCommand::Resolve(optional(rest))),
        "close" if rest == "--force" => Ok(SlashCommand::CloseForce),
        "close" => no_args(rest, "close", SlashCommand::Close),
        "postmortem" | "pm" => no_args(rest, "postmortem", SlashCommand::Postmortem),
        "escalate" => Ok(SlashCommand::Escalate(optional(rest))),
        "stats" => parse_stats(rest),
        "subscribe" => no_args(rest, "subscribe", SlashCommand::Subscribe),
        "unsubscribe" => no_args(rest, "unsubscribe", SlashCommand::Unsubscribe),
        other => Err(GrammarError(format!(
            "I don't know `{other}`. Try `/incident help` for the list of commands."
        ))),
    }
}

fn no_args(rest: &str, usage: &str, cmd: SlashCommand) -> Result<SlashCommand, GrammarError> {
    if rest.is_empty() {
        Ok(cmd)
    } else {
        Err(GrammarError(format!(
            "`{usage}` takes no arguments. Usage: `/incident {usage}`"
        )))
    }
}

fn non_empty(rest: &str, usage: &str) -> Result<String, GrammarError> {
    if rest.is_empty() {
        Err(expected(usage))
    } else {
        Ok(rest.to_string())
    }
}

fn optional(rest: &str) -> Option<String> {
    (!rest.is_empty()).then(|| rest.to_string())
}

fn single_word(rest: &str) -> Option<&str> {
    let mut words = rest.split_whitespace();
    match (words.next(), words.next()) {
        (Some(word), None) => Some(word),
        _ => None,
    }
}

/// `stats`, `stats 30d`, `stats drills`, `stats 30d drills`.
fn parse_stats(rest: &str) -> Result<SlashCommand, GrammarError> {
    let mut window = None;
    let mut drills = false;
    for word in rest.split_whitespace() {
        if word.eq_ignore_ascii_case("drills") && !drills {
            drills = true;
            continue;
        }
        match humantime::parse_duration(word) {
            Ok(d) if !d.is_zero() && window.is_none() => window = Some(d),
            _ => return Err(expected("stats [30d] [drills]")),
        }
    }
    Ok(SlashCommand::Stats { window, drills })
}

/// Strips `flag` (followed by whitespace or the end) from the start of `rest`.
fn take_flag<'a>(rest: &'a str, flag: &str) -> Option<&'a str> {
    let after = rest.strip_prefix(flag)?;
    (after.is_empty() || after.starts_with(char::is_whitespace)).then(|| after.trim_start())
}

fn parse_declare(rest: &str) -> Result<SlashCommand, GrammarError> {
    if rest.is_empty() {
        return Ok(SlashCommand::OpenDeclareModal);
    }
    let mut private = false;
    let mut drill = false;
    let mut rest = rest;
    // Flags come first, in any order.
    loop {
        if let Some(after) = take_flag(rest, "--private").filter(|_| !private) {
            private = true;
            rest = after;
        } else if let Some(after) = take_flag(rest, "--drill").filter(|_| !drill) {
            drill = true;
            rest = after;
        } else {
            break;
        }
    }
    let usage = "declare [--private] [--drill] <severity> <title>, e.g. `/incident declare P1 Checkout API returns 500s`";
    let (severity, title) = rest
        .split_once(char::is_whitespace)
        .map(|(s, t)| (s, t.trim()))
        .ok_or_else(|| GrammarError(format!("Usage: `/incident {usage}")))?;
    if title.is_empty() || severity.starts_with("--") {
        return Err(GrammarError(format!("Usage: `/incident {usage}")));
    }
    Ok(SlashCommand::Declare {
        private,
        drill,
        severity: severity.to_string(),
        title: title.to_string(),
    })
}

fn parse_role(rest: &str) -> Result<SlashCommand, GrammarError> {
    let usage = "role <ic|tech|comms|scribe> @user";
    let mut words = rest.split_whitespace();
    let (Some(role), Some(mention), None) = (words.next(), words.next(), words.next()) else {
        return Err(expected(usage));
    };
    let user = parse_mention(mention).ok_or_else(|| {
        GrammarError(format!(
            "`{mention}` is not a user mention: pick the person with @. Usage: `/incident {usage}`"
        ))
    })?;
    Ok(SlashCommand::Role {
        role: role.to_ascii_lowercase(),
        user,
    })
}

fn parse_action(rest: &str) -> Result<SlashCommand, GrammarError> {
    let usage = "action <text> [@owner] [due YYYY-MM-DD]";
    let mut words: Vec<&str> = rest.split_whitespace().collect();
    let mut due = None;
    if words.len() >= 2 && words[words.len() - 2].eq_ignore_ascii_case("due") {
        let date = words[words.len() - 1];
        due = Some(NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| {
            GrammarError(format!(
                "`{date}` is not a date: write it as YYYY-MM-DD. Usage: `/incident {usage}`"
            ))
        })?);
        words.truncate(words.len() - 2);
    }
    let mut owner = None;
    if let Some(last) = words.last() {
        if let Some(user) = parse_mention(last) {
            owner = Some(user);
            words.pop();
        }
    }
    if words.is_empty() {
        return Err(expected(usage));
    }
    Ok(SlashCommand::Action {
        text: words.join(" "),
        owner,
        due,
    })
}

/// How Slack writes a user mention in the text it sends (`<@U123|name>`): parsed here,
/// never produced by the domain.
const MENTION_OPEN: &str = "<@";

/// `<@U123>` or `<@U123|name>` → `U123`.
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

    #[test]
    fn declare_forms() {
        assert_eq!(parse("").unwrap(), SlashCommand::OpenDeclareModal);
        assert_eq!(parse("declare").unwrap(), SlashCommand::OpenDeclareModal);
        assert_eq!(
            parse("declare P1 Checkout API returns 500s").unwrap(),
            SlashCommand::Declare {
                private: false,
                drill: false,
                severity: "P1".into(),
                title: "Checkout API returns 500s".into()
            }
        );
        assert_eq!(
            parse("declare --private p0 DB leak").unwrap(),
            SlashCommand::Declare {
                private: true,
                drill: false,
                severity: "p0".into(),
                title: "DB leak".into()
            }
        );
        for text in [
            "declare --drill --private P2 Game day",
            "declare --private --drill P2 Game day",
        ] {
            assert_eq!(
                parse(text).unwrap(),
                SlashCommand::Declare {
                    private: true,
                    drill: true,
                    severity: "P2".into(),
                    title: "Game day".into()
                },
                "{text}"
            );
        }
        assert!(parse("declare --drill").is_err());
        assert!(parse("declare --drill --drill P1").is_err());
        assert!(parse("declare P1").is_err());
        assert!(parse("declare --private").is_err());
    }

    #[test]
    fn mentions_both_forms() {
        assert_eq!(parse_mention("<@U123>"), Some("U123".into()));
        assert_eq!(parse_mention("<@U123|steve>"), Some("U123".into()));
        assert_eq!(parse_mention("@steve"), None);
        assert_eq!(parse_mention("<#C123>"), None);
        assert_eq!(
            parse("role ic <@U9|ann>").unwrap(),
            SlashCommand::Role {
                role: "ic".into(),
                user: "U9".into()
            }
        );
        assert!(parse("role ic steve").is_err());
        assert!(parse("role ic").is_err());
        assert_eq!(
            normalize_mentions("ask <@U1|ann> and <@U2> <#C1|x>"),
            "ask @U1 and @U2 <#C1|x>"
        );
    }

    #[test]
    fn status_and_unknown() {
        assert_eq!(
            parse("status Mitigating").unwrap(),
            SlashCommand::Status(Status::Mitigating)
        );
        assert!(parse("status closed").is_err());
        assert!(parse("status fixed")
            .unwrap_err()
            .0
            .contains("investigating"));
        let err = parse("frobnicate now").unwrap_err();
        assert!(err.0.contains("help"), "{err}");
        assert!(parse("list extra").is_err());
    }

    #[test]
    fn actions_with_owner_and_due() {
        assert_eq!(
            parse("action Add alert on 5xx <@U7|bo> due 2026-12-01").unwrap(),
            SlashCommand::Action {
                text: "Add alert on 5xx".into(),
                owner: Some("U7".into()),
                due: NaiveDate::from_ymd_opt(2026, 12, 1)
            }
        );
        assert_eq!(
            parse("action Write runbook").unwrap(),
            SlashCommand::Action {
                text: "Write runbook".into(),
                owner: None,
                due: None
            }
        );
        assert!(parse("action fix due tomorrow").is_err());
        assert!(parse("action").is_err());
    }

    #[test]
    fn other_commands() {
        assert_eq!(parse("update").unwrap(), SlashCommand::OpenUpdateModal);
        assert_eq!(
            parse("update rolled back").unwrap(),
            SlashCommand::Update("rolled back".into())
        );
        assert_eq!(parse("resolve").unwrap(), SlashCommand::Resolve(None));
        assert_eq!(
            parse("stats 30d").unwrap(),
            SlashCommand::Stats {
                window: Some(Duration::from_secs(30 * 86400)),
                drills: false
            }
        );
        assert_eq!(
            parse("stats 30d drills").unwrap(),
            SlashCommand::Stats {
                window: Some(Duration::from_secs(30 * 86400)),
                drills: true
            }
        );
        assert_eq!(
            parse("stats drills").unwrap(),
            SlashCommand::Stats {
                window: None,
                drills: true
            }
        );
        assert!(parse("stats soon").is_err());
        assert_eq!(parse("subscribe").unwrap(), SlashCommand::Subscribe);
        assert_eq!(parse("Unsubscribe").unwrap(), SlashCommand::Unsubscribe);
        assert!(parse("subscribe me").is_err());
        assert_eq!(parse("close --force").unwrap(), SlashCommand::CloseForce);
        assert!(parse("close now").is_err());
        assert!(parse("stats 30d 7d").is_err());
        assert!(parse("severity").is_err());
        assert_eq!(parse("HELP").unwrap(), SlashCommand::Help);
    }
}
