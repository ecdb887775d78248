//! Typed reads of single values out of spanned TOML, each error located at its line.

use super::{Cx, Field};
use crate::policy::{PolicyError, Severity};
use std::ops::Range;
use std::time::Duration;

use toml::{Spanned, Value};

pub(super) fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "a string",
        Value::Integer(_) => "an integer",
        Value::Float(_) => "a float",
        Value::Boolean(_) => "a boolean",
        Value::Datetime(_) => "a datetime",
        Value::Array(_) => "an array",
        Value::Table(_) => "a table",
    }
}

/// `first` followed by one or more ASCII uppercase letters or digits (a Slack id).
pub(super) fn is_slack_id(s: &str, first: &[char]) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if first.contains(&c) => {}
        _ => return false,
    }
    let rest = chars.as_str();
    !rest.is_empty()
        && rest
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

pub(super) fn is_valid_prefix(s: &str) -> bool {
    (1..=20).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

pub(super) fn is_valid_role_key(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

impl Cx<'_> {
    /// 1-based line of a byte offset into the text.
    pub(super) fn line_of(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        1 + self.text.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
    }

    pub(super) fn at(&self, span: &Range<usize>, reason: impl Into<String>) -> PolicyError {
        PolicyError::Invalid {
            path: self.path.to_string(),
            line: Some(self.line_of(span.start)),
            reason: reason.into(),
        }
    }

    pub(super) fn nowhere(&self, reason: impl Into<String>) -> PolicyError {
        PolicyError::Invalid {
            path: self.path.to_string(),
            line: None,
            reason: reason.into(),
        }
    }

    /// Turns a TOML syntax or shape error into a located, readable policy error.
    pub(super) fn toml_error(&self, e: &toml::de::Error) -> PolicyError {
        let message = e.message().trim();
        let mut reason = message
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("; ");
        if let Some(rest) = message.strip_prefix("unknown field `") {
            if let Some(end) = rest.find("`, expected") {
                let key = &rest[..end];
                let expected = &rest[end..];
                let place = if expected.contains("`after`") {
                    " in [[severity.escalation]]"
                } else if expected.contains("`timezone`") {
                    " in [digest]"
                } else if expected.contains("`components`") {
                    " in [statuspage]"
                } else if expected.contains("`default_severity`") {
                    " in [alerts]"
                } else if expected.contains("`update_every`") {
                    " in [[severity]]"
                } else if expected.contains("`duties`") {
                    " in [[role]]"
                } else if expected.contains("`channel_prefix`") {
                    " at top level"
                } else {
                    ""
                };
                reason = format!("unknown key \"{key}\"{place}");
            }
        } else if message.starts_with("invalid type: map, expected a sequence") {
            if let Some(span) = e.span() {
                let written = self.text.get(span.clone()).unwrap_or("").trim_start();
                for section in ["severity", "role"] {
                    if written.starts_with(&format!("[{section}]")) {
                        reason = format!("[{section}] must be written [[{section}]]");
                    }
                }
            }
        }
        match e.span() {
            Some(span) => self.at(&span, reason),
            None => self.nowhere(reason),
        }
    }

    pub(super) fn string(&self, field: &Spanned<Value>, key: &str) -> Result<String, PolicyError> {
        match field.get_ref() {
            Value::String(s) => Ok(s.clone()),
            other => Err(self.at(
                &field.span(),
                format!("{key} must be a string, not {}", kind_of(other)),
            )),
        }
    }

    pub(super) fn opt_string(
        &self,
        field: &Field,
        key: &str,
    ) -> Result<Option<String>, PolicyError> {
        field.as_ref().map(|f| self.string(f, key)).transpose()
    }

    pub(super) fn bool(&self, field: &Field, key: &str) -> Result<bool, PolicyError> {
        match field {
            None => Ok(false),
            Some(f) => match f.get_ref() {
                Value::Boolean(b) => Ok(*b),
                other => Err(self.at(
                    &f.span(),
                    format!("{key} must be true or false, not {}", kind_of(other)),
                )),
            },
        }
    }

    pub(super) fn strings(&self, field: &Field, key: &str) -> Result<Vec<String>, PolicyError> {
        let Some(f) = field else {
            return Ok(Vec::new());
        };
        let Value::Array(items) = f.get_ref() else {
            return Err(self.at(
                &f.span(),
                format!(
                    "{key} must be a list of strings, not {}",
                    kind_of(f.get_ref())
                ),
            ));
        };
        items
            .iter()
            .map(|item| match item {
                Value::String(s) => Ok(s.clone()),
                other => Err(self.at(
                    &f.span(),
                    format!(
                        "{key} must be a list of strings, but contains {}",
                        kind_of(other)
                    ),
                )),
            })
            .collect()
    }

    pub(super) fn user_ids(&self, field: &Field, key: &str) -> Result<Vec<String>, PolicyError> {
        let ids = self.strings(field, key)?;
        if let (Some(f), Some(bad)) = (field, ids.iter().find(|id| !is_slack_id(id, &['U', 'W']))) {
            return Err(self.at(
                &f.span(),
                format!("{key} entry \"{bad}\" is not a Slack user id (U… or W…)"),
            ));
        }
        Ok(ids)
    }

    pub(super) fn duration(
        &self,
        field: &Field,
        key: &str,
    ) -> Result<Option<Duration>, PolicyError> {
        let Some(f) = field else {
            return Ok(None);
        };
        let Value::String(written) = f.get_ref() else {
            return Err(self.at(
                &f.span(),
                format!(
                    "{key} must be a duration string such as \"15m\", not {}",
                    kind_of(f.get_ref())
                ),
            ));
        };
        match humantime::parse_duration(written.trim()) {
            Ok(d) if d.is_zero() => Err(self.at(
                &f.span(),
                format!("{key} must be longer than zero, not \"{written}\""),
            )),
            Ok(d) => Ok(Some(d)),
            Err(e) => Err(self.at(
                &f.span(),
                format!("bad duration \"{written}\" for {key}: {e}"),
            )),
        }
    }

    /// A TOML table of string values, in file order, with the table's span for errors.
    pub(super) fn string_table(
        &self,
        field: &Spanned<Value>,
        key: &str,
    ) -> Result<Vec<(String, String, Range<usize>)>, PolicyError> {
        let Value::Table(table) = field.get_ref() else {
            return Err(self.at(
                &field.span(),
                format!("{key} must be a table, not {}", kind_of(field.get_ref())),
            ));
        };
        table
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k.clone(), s.clone(), self.key_span(&field.span(), k))),
                other => Err(self.at(
                    &self.key_span(&field.span(), k),
                    format!("{key}.{k} must be a string, not {}", kind_of(other)),
                )),
            })
            .collect()
    }

    /// Where `key = …` is written inside the table at `table`: TOML keeps no spans for the
    /// entries of a plain table, so find the line; the table's own span when not found.
    pub(super) fn key_span(&self, table: &Range<usize>, key: &str) -> Range<usize> {
        let mut offset = table.start;
        for line in self
            .text
            .get(table.start..)
            .unwrap_or("")
            .split_inclusive('\n')
        {
            let written = line.trim_start();
            let unquoted = written.trim_start_matches(['"', '\'']);
            if let Some(rest) = unquoted.strip_prefix(key) {
                let rest = rest.trim_start_matches(['"', '\'']).trim_start();
                if rest.starts_with('=') {
                    return offset..offset + line.len();
                }
            }
            offset += line.len();
        }
        table.clone()
    }

    pub(super) fn known_severity(
        &self,
        name: &str,
        severities: &[Severity],
        span: &Range<usize>,
        key: &str,
    ) -> Result<String, PolicyError> {
        severities
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(name.trim()))
            .map(|s| s.name.clone())
            .ok_or_else(|| {
                let names: Vec<&str> = severities.iter().map(|s| s.name.as_str()).collect();
                self.at(
                    span,
                    format!(
                        "{key} names severity \"{name}\", which is not defined (one of: {})",
                        names.join(", ")
                    ),
                )
            })
    }
}
