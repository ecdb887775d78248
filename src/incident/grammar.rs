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

/// The commands whose shape the grammar checks: which usage line an error points to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verb {
    Declare,
    List,
    Status,
    Severity,
    Role,
    Roles,
    Note,
    Timeline,
    Action,
    Actions,
    Close,
    Postmortem,
    Stats,
    Subscribe,
    Unsubscribe,
}

impl Verb {
    /// The word typed after `/incident` (its canonical spelling).
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Declare => "declare",
            Verb::List => "list",
            Verb::Status => "status",
            Verb::Severity => "severity",
            Verb::Role => "role",
            Verb::Roles => "roles",
            Verb::Note => "note",
            Verb::Timeline => "timeline",
            Verb::Action => "action",
            Verb::Actions => "actions",
            Verb::Close => "close",
            Verb::Postmortem => "postmortem",
            Verb::Stats => "stats",
            Verb::Subscribe => "subscribe",
            Verb::Unsubscribe => "unsubscribe",
        }
    }
}

impl std::fmt::Display for Verb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a command text could not be understood. Worded for people by
/// `render::grammar`; the `Display` here is a plain fallback for logs.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GrammarError {
    /// The arguments don't have the command's shape (missing, extra or malformed).
    #[error("/incident {command}: arguments do not match its usage")]
    Usage { command: Verb },
    /// A command that takes no arguments was given some.
    #[error("/incident {command} takes no arguments (given: {given})")]
    UnexpectedArguments { command: Verb, given: String },
    /// The first word is no command (lowercased, as it was matched).
    #[error("unknown command: {given}")]
    UnknownCommand { given: String },
    /// `role`: the person is not given as a user.
    #[error("/incident role: {given} is not a user")]
    NotAUser { given: String },
    /// `action … due <date>`: the date is not `YYYY-MM-DD`.
    #[error("/incident action: {given} is not a YYYY-MM-DD date")]
    BadDate { given: String },
}

fn expected(command: Verb) -> GrammarError {
    GrammarError::Usage { command }
}

/// Reads one word as a person (their user id), however the transport spells a mention;
/// `None` when the word is not one. The grammar knows where a person goes in a command,
/// never how a mention is written: the ingress passes its own reader.
pub type ReadUser = fn(&str) -> Option<String>;

/// Parses the text after `/incident`.
pub fn parse(text: &str, read_user: ReadUser) -> Result<SlashCommand, GrammarError> {
    let text = text.trim();
    let (verb, rest) = match text.split_once(char::is_whitespace) {
        Some((verb, rest)) => (verb, rest.trim()),
        None => (text, ""),
    };
    match verb.to_ascii_lowercase().as_str() {
        "" => Ok(SlashCommand::OpenDeclareModal),
        "declare" | "new" | "open" => parse_declare(rest),
        "list" | "ls" => no_args(rest, Verb::List, SlashCommand::List),
        "help" | "?" => Ok(SlashCommand::Help),
        "status" => match Status::parse(rest) {
            Some(status) if status != Status::Closed => Ok(SlashCommand::Status(status)),
            _ => Err(expected(Verb::Status)),
        },
        "severity" | "sev" => match single_word(rest) {
            Some(sev) => Ok(SlashCommand::Severity(sev.to_string())),
            None => Err(expected(Verb::Severity)),
        },
        "role" | "assign" => parse_role(rest, read_user),
        "roles" => no_args(rest, Verb::Roles, SlashCommand::Roles),
        "update" => Ok(if rest.is_empty() {
            SlashCommand::OpenUpdateModal
        } else {
            SlashCommand::Update(rest.to_string())
        }),
        "note" => non_empty(rest, Verb::Note).map(SlashCommand::Note),
        "timeline" => no_args(rest, Verb::Timeline, SlashCommand::Timeline),
        "action" => parse_action(rest, read_user),
        "actions" => no_args(rest, Verb::Actions, SlashCommand::Actions),
        "resolve" => Ok(SlashCommand::Resolve(optional(rest))),
        "close" if rest == "--force" => Ok(SlashCommand::CloseForce),
        "close" => no_args(rest, Verb::Close, SlashCommand::Close),
        "postmortem" | "pm" => no_args(rest, Verb::Postmortem, SlashCommand::Postmortem),
        "escalate" => Ok(SlashCommand::Escalate(optional(rest))),
        "stats" => parse_stats(rest),
        "subscribe" => no_args(rest, Verb::Subscribe, SlashCommand::Subscribe),
        "unsubscribe" => no_args(rest, Verb::Unsubscribe, SlashCommand::Unsubscribe),
        other => Err(GrammarError::UnknownCommand {
            given: other.to_string(),
        }),
    }
}

fn no_args(rest: &str, command: Verb, cmd: SlashCommand) -> Result<SlashCommand, GrammarError> {
    if rest.is_empty() {
        Ok(cmd)
    } else {
        Err(GrammarError::UnexpectedArguments {
            command,
            given: rest.to_string(),
        })
    }
}

fn non_empty(rest: &str, command: Verb) -> Result<String, GrammarError> {
    if rest.is_empty() {
        Err(expected(command))
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
            _ => return Err(expected(Verb::Stats)),
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
    let (severity, title) = rest
        .split_once(char::is_whitespace)
        .map(|(s, t)| (s, t.trim()))
        .ok_or(expected(Verb::Declare))?;
    if title.is_empty() || severity.starts_with("--") {
        return Err(expected(Verb::Declare));
    }
    Ok(SlashCommand::Declare {
        private,
        drill,
        severity: severity.to_string(),
        title: title.to_string(),
    })
}

fn parse_role(rest: &str, read_user: ReadUser) -> Result<SlashCommand, GrammarError> {
    let mut words = rest.split_whitespace();
    let (Some(role), Some(person), None) = (words.next(), words.next(), words.next()) else {
        return Err(expected(Verb::Role));
    };
    let user = read_user(person).ok_or_else(|| GrammarError::NotAUser {
        given: person.to_string(),
    })?;
    Ok(SlashCommand::Role {
        role: role.to_ascii_lowercase(),
        user,
    })
}

fn parse_action(rest: &str, read_user: ReadUser) -> Result<SlashCommand, GrammarError> {
    let mut words: Vec<&str> = rest.split_whitespace().collect();
    let mut due = None;
    if words.len() >= 2 && words[words.len() - 2].eq_ignore_ascii_case("due") {
        let date = words[words.len() - 1];
        due = Some(NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| {
            GrammarError::BadDate {
                given: date.to_string(),
            }
        })?);
        words.truncate(words.len() - 2);
    }
    let mut owner = None;
    if let Some(last) = words.last() {
        if let Some(user) = read_user(last) {
            owner = Some(user);
            words.pop();
        }
    }
    if words.is_empty() {
        return Err(expected(Verb::Action));
    }
    Ok(SlashCommand::Action {
        text: words.join(" "),
        owner,
        due,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stand-in for the transport's mention reader: here a person is written `@U…`.
    fn read_user(word: &str) -> Option<String> {
        word.strip_prefix('@')
            .filter(|id| id.starts_with('U'))
            .map(str::to_string)
    }

    fn parse(text: &str) -> Result<SlashCommand, GrammarError> {
        super::parse(text, read_user)
    }

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
    fn role_takes_a_person_read_by_the_transport() {
        assert_eq!(
            parse("role IC @U9").unwrap(),
            SlashCommand::Role {
                role: "ic".into(),
                user: "U9".into()
            }
        );
        assert_eq!(
            parse("role ic steve"),
            Err(GrammarError::NotAUser {
                given: "steve".into()
            })
        );
        assert!(parse("role ic").is_err());
    }

    #[test]
    fn status_and_unknown() {
        assert_eq!(
            parse("status Mitigating").unwrap(),
            SlashCommand::Status(Status::Mitigating)
        );
        assert!(parse("status closed").is_err());
        assert!(parse("status fixed").is_err());
        assert!(parse("list extra").is_err());
    }

    #[test]
    fn actions_with_owner_and_due() {
        assert_eq!(
            parse("action Add alert on 5xx @U7 due 2026-12-01").unwrap(),
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

    /// Every error, from the text that causes it (the wording is `render::grammar`'s).
    #[test]
    fn each_error_from_its_text() {
        let usage = |command| GrammarError::Usage { command };
        let extra = |command, given: &str| GrammarError::UnexpectedArguments {
            command,
            given: given.into(),
        };
        let table = [
            ("declare P1", usage(Verb::Declare)),
            ("declare --private", usage(Verb::Declare)),
            ("declare --drill --drill P1", usage(Verb::Declare)),
            ("new --private --x", usage(Verb::Declare)),
            ("status", usage(Verb::Status)),
            ("status closed", usage(Verb::Status)),
            ("severity", usage(Verb::Severity)),
            ("sev P1 P2", usage(Verb::Severity)),
            ("role ic", usage(Verb::Role)),
            ("role ic @U1 @U2", usage(Verb::Role)),
            ("note", usage(Verb::Note)),
            ("action", usage(Verb::Action)),
            ("action @U1 due 2026-01-01", usage(Verb::Action)),
            ("stats soon", usage(Verb::Stats)),
            ("stats 30d 7d", usage(Verb::Stats)),
            ("stats drills drills", usage(Verb::Stats)),
            ("ls now", extra(Verb::List, "now")),
            ("roles all", extra(Verb::Roles, "all")),
            ("timeline  full", extra(Verb::Timeline, "full")),
            ("actions mine", extra(Verb::Actions, "mine")),
            ("close now", extra(Verb::Close, "now")),
            ("pm draft", extra(Verb::Postmortem, "draft")),
            ("subscribe me", extra(Verb::Subscribe, "me")),
            ("unsubscribe me", extra(Verb::Unsubscribe, "me")),
            (
                "Frobnicate the database",
                GrammarError::UnknownCommand {
                    given: "frobnicate".into(),
                },
            ),
            (
                "role ic bob",
                GrammarError::NotAUser {
                    given: "bob".into(),
                },
            ),
            (
                "action fix due tomorrow",
                GrammarError::BadDate {
                    given: "tomorrow".into(),
                },
            ),
        ];
        for (text, error) in table {
            assert_eq!(parse(text), Err(error), "{text}");
        }
    }

    #[test]
    fn log_text_has_no_slack_syntax() {
        let err = GrammarError::UnknownCommand {
            given: "frobnicate".into(),
        };
        assert_eq!(err.to_string(), "unknown command: frobnicate");
        let err = GrammarError::UnexpectedArguments {
            command: Verb::Close,
            given: "now".into(),
        };
        assert_eq!(
            err.to_string(),
            "/incident close takes no arguments (given: now)"
        );
    }
}
