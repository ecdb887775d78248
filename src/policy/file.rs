//! Reading and validating the policy file. Every field is read as a spanned TOML value and
//! typed by hand, so that each error can name the key and point at its line.

use super::builtin::{builtin_checklist, builtin_roles, builtin_severities};
use super::{
    AlertsPolicy, ComponentStatus, Digest, EscalationStep, EscalationTarget, Policy, PolicyError,
    RoleDef, Severity, StatuspagePolicy, DEFAULT_ARCHIVE_AFTER, DEFAULT_CHANNEL_PREFIX,
    DEFAULT_TIMELINE_REACTION,
};
use std::ops::Range;
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;
use toml::{Spanned, Value};

impl Policy {
    /// Parses and validates a policy file's text. `path` is only used in error messages.
    pub fn from_toml_str(text: &str, path: &str) -> Result<Policy, PolicyError> {
        let cx = Cx { text, path };
        let raw: RawPolicy = toml::from_str(text).map_err(|e| cx.toml_error(&e))?;
        cx.build(raw)
    }

    /// Reads and validates the policy file at `path`.
    pub fn load(path: &Path) -> Result<Policy, PolicyError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| PolicyError::Read {
            path: shown.clone(),
            kind: e.kind(),
            reason: e.to_string(),
        })?;
        Policy::from_toml_str(&text, &shown)
    }
}

type Field = Option<Spanned<Value>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    announce_channel: Field,
    channel_prefix: Field,
    admins: Field,
    severity: Option<Spanned<Vec<Spanned<RawSeverity>>>>,
    role: Option<Spanned<Vec<Spanned<RawRole>>>>,
    archive_after: Field,
    timeline_reaction: Field,
    digest: Option<RawDigest>,
    statuspage: Option<RawStatuspage>,
    alerts: Option<RawAlerts>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDigest {
    day: Field,
    time: Field,
    timezone: Field,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStatuspage {
    components: Field,
    status: Field,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAlerts {
    label: Field,
    severities: Field,
    default_severity: Field,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEscalation {
    after: Field,
    to: Field,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSeverity {
    name: Field,
    label: Field,
    description: Field,
    update_every: Field,
    respond_within: Field,
    resolve_within: Field,
    escalate_after: Field,
    escalate_to: Field,
    auto_invite: Field,
    broadcast: Field,
    page: Field,
    escalation: Option<Spanned<Vec<Spanned<RawEscalation>>>>,
    checklist: Field,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRole {
    key: Field,
    name: Field,
    duties: Field,
}

/// Parsing context: the text (for line numbers) and the path (for messages).
struct Cx<'a> {
    text: &'a str,
    path: &'a str,
}

fn kind_of(v: &Value) -> &'static str {
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
fn is_slack_id(s: &str, first: &[char]) -> bool {
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

fn is_valid_prefix(s: &str) -> bool {
    (1..=20).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

fn is_valid_role_key(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

impl Cx<'_> {
    /// 1-based line of a byte offset into the text.
    fn line_of(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        1 + self.text.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
    }

    fn at(&self, span: &Range<usize>, reason: impl Into<String>) -> PolicyError {
        PolicyError::Invalid {
            path: self.path.to_string(),
            line: Some(self.line_of(span.start)),
            reason: reason.into(),
        }
    }

    fn nowhere(&self, reason: impl Into<String>) -> PolicyError {
        PolicyError::Invalid {
            path: self.path.to_string(),
            line: None,
            reason: reason.into(),
        }
    }

    /// Turns a TOML syntax or shape error into a located, readable policy error.
    fn toml_error(&self, e: &toml::de::Error) -> PolicyError {
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

    fn string(&self, field: &Spanned<Value>, key: &str) -> Result<String, PolicyError> {
        match field.get_ref() {
            Value::String(s) => Ok(s.clone()),
            other => Err(self.at(
                &field.span(),
                format!("{key} must be a string, not {}", kind_of(other)),
            )),
        }
    }

    fn opt_string(&self, field: &Field, key: &str) -> Result<Option<String>, PolicyError> {
        field.as_ref().map(|f| self.string(f, key)).transpose()
    }

    fn bool(&self, field: &Field, key: &str) -> Result<bool, PolicyError> {
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

    fn strings(&self, field: &Field, key: &str) -> Result<Vec<String>, PolicyError> {
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

    fn user_ids(&self, field: &Field, key: &str) -> Result<Vec<String>, PolicyError> {
        let ids = self.strings(field, key)?;
        if let (Some(f), Some(bad)) = (field, ids.iter().find(|id| !is_slack_id(id, &['U', 'W']))) {
            return Err(self.at(
                &f.span(),
                format!("{key} entry \"{bad}\" is not a Slack user id (U… or W…)"),
            ));
        }
        Ok(ids)
    }

    fn duration(&self, field: &Field, key: &str) -> Result<Option<Duration>, PolicyError> {
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

    fn build(&self, raw: RawPolicy) -> Result<Policy, PolicyError> {
        let announce_channel = match &raw.announce_channel {
            None => None,
            Some(f) => {
                let id = self.string(f, "announce_channel")?;
                if !is_slack_id(&id, &['C', 'G']) {
                    return Err(self.at(
                        &f.span(),
                        format!(
                            "announce_channel \"{id}\" is not a channel id \
                             (C… or G…, e.g. \"C0123ANNOUNCE\")"
                        ),
                    ));
                }
                Some(id)
            }
        };

        let channel_prefix = match &raw.channel_prefix {
            None => DEFAULT_CHANNEL_PREFIX.to_string(),
            Some(f) => {
                let prefix = self.string(f, "channel_prefix")?;
                if !is_valid_prefix(&prefix) {
                    return Err(self.at(
                        &f.span(),
                        format!(
                            "channel_prefix \"{prefix}\" must be 1–20 characters of \
                             lowercase a-z, 0-9, - and _"
                        ),
                    ));
                }
                prefix
            }
        };

        let admins = self.user_ids(&raw.admins, "admins")?;

        let severities = match raw.severity {
            None => builtin_severities(),
            Some(list) => {
                let list = list.into_inner();
                if list.is_empty() {
                    return Err(self.nowhere("no severities defined"));
                }
                let mut out: Vec<Severity> = Vec::with_capacity(list.len());
                for entry in &list {
                    let (sev, name_span) = self.severity(entry)?;
                    if out.iter().any(|s| s.name.eq_ignore_ascii_case(&sev.name)) {
                        return Err(self.at(
                            &name_span,
                            format!("duplicate severity name \"{}\"", sev.name),
                        ));
                    }
                    out.push(sev);
                }
                out
            }
        };

        let roles = match raw.role {
            None => builtin_roles(),
            Some(list) => {
                let list = list.into_inner();
                if list.is_empty() {
                    return Err(self.nowhere("no roles defined"));
                }
                let mut out: Vec<RoleDef> = Vec::with_capacity(list.len());
                for entry in &list {
                    let (role, key_span) = self.role(entry)?;
                    if out.iter().any(|r| r.key == role.key) {
                        return Err(
                            self.at(&key_span, format!("duplicate role key \"{}\"", role.key))
                        );
                    }
                    out.push(role);
                }
                out
            }
        };

        let archive_after = self.archive_after(&raw.archive_after)?;
        let timeline_reaction = match &raw.timeline_reaction {
            None => DEFAULT_TIMELINE_REACTION.to_string(),
            Some(f) => {
                let written = self.string(f, "timeline_reaction")?;
                let name = written.trim().trim_matches(':').to_string();
                if name.is_empty()
                    || !name
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_+-'".contains(c))
                {
                    return Err(self.at(
                        &f.span(),
                        format!(
                            "timeline_reaction \"{written}\" must be an emoji name such as \"pushpin\""
                        ),
                    ));
                }
                name
            }
        };
        let digest = match &raw.digest {
            None => Digest::default(),
            Some(d) => self.digest(d)?,
        };
        let statuspage = match &raw.statuspage {
            None => StatuspagePolicy::default(),
            Some(sp) => self.statuspage(sp, &severities)?,
        };
        let alerts = match &raw.alerts {
            None => AlertsPolicy::default(),
            Some(a) => self.alerts(a, &severities)?,
        };

        Ok(Policy {
            announce_channel,
            channel_prefix,
            admins,
            severities,
            roles,
            archive_after,
            timeline_reaction,
            digest,
            statuspage,
            alerts,
        })
    }

    /// `archive_after`: a duration, or `"0"` (also `0`) to never archive.
    fn archive_after(&self, field: &Field) -> Result<Option<Duration>, PolicyError> {
        let Some(f) = field else {
            return Ok(Some(DEFAULT_ARCHIVE_AFTER));
        };
        match f.get_ref() {
            Value::Integer(0) => Ok(None),
            Value::String(s) if s.trim() == "0" => Ok(None),
            _ => self.duration(field, "archive_after"),
        }
    }

    fn digest(&self, raw: &RawDigest) -> Result<Digest, PolicyError> {
        let mut digest = Digest::default();
        if let Some(f) = &raw.day {
            let day = self.string(f, "day")?;
            digest.day = day.trim().parse::<chrono::Weekday>().map_err(|_| {
                self.at(
                    &f.span(),
                    format!("day \"{day}\" in [digest] must be a weekday such as \"monday\""),
                )
            })?;
        }
        if let Some(f) = &raw.time {
            let time = self.string(f, "time")?;
            digest.time =
                chrono::NaiveTime::parse_from_str(time.trim(), "%H:%M").map_err(|_| {
                    self.at(
                        &f.span(),
                        format!(
                            "time \"{time}\" in [digest] must be HH:MM (24-hour), e.g. \"09:00\""
                        ),
                    )
                })?;
        }
        if let Some(f) = &raw.timezone {
            let tz = self.string(f, "timezone")?;
            digest.timezone = tz.trim().parse::<chrono_tz::Tz>().map_err(|_| {
                self.at(
                    &f.span(),
                    format!(
                        "timezone \"{tz}\" in [digest] is not an IANA time zone such as \"Europe/Paris\""
                    ),
                )
            })?;
        }
        Ok(digest)
    }

    /// A TOML table of string values, in file order, with the table's span for errors.
    fn string_table(
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
    fn key_span(&self, table: &Range<usize>, key: &str) -> Range<usize> {
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

    fn known_severity(
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

    fn statuspage(
        &self,
        raw: &RawStatuspage,
        severities: &[Severity],
    ) -> Result<StatuspagePolicy, PolicyError> {
        let mut out = StatuspagePolicy::default();
        if let Some(f) = &raw.components {
            for (service, id, span) in self.string_table(f, "statuspage.components")? {
                if id.trim().is_empty() {
                    return Err(self.at(
                        &span,
                        format!(
                            "statuspage.components.{service} must be a component id, not empty"
                        ),
                    ));
                }
                out.components.push((service, id.trim().to_string()));
            }
        }
        if let Some(f) = &raw.status {
            for (sev, status, span) in self.string_table(f, "statuspage.status")? {
                let sev = self.known_severity(&sev, severities, &span, "statuspage.status")?;
                let Some(parsed) = ComponentStatus::parse(status.trim()) else {
                    let all: Vec<&str> = ComponentStatus::ALL.iter().map(|c| c.as_str()).collect();
                    return Err(self.at(
                        &span,
                        format!(
                            "statuspage.status.{sev} \"{status}\" must be one of: {}",
                            all.join(", ")
                        ),
                    ));
                };
                out.status.push((sev, parsed));
            }
        }
        Ok(out)
    }

    fn alerts(
        &self,
        raw: &RawAlerts,
        severities: &[Severity],
    ) -> Result<AlertsPolicy, PolicyError> {
        let mut out = AlertsPolicy::default();
        if let Some(f) = &raw.label {
            let label = self.string(f, "label")?;
            if label.trim().is_empty() {
                return Err(self.at(&f.span(), "label in [alerts] must not be empty"));
            }
            out.label = label.trim().to_string();
        }
        if let Some(f) = &raw.severities {
            for (value, sev, span) in self.string_table(f, "alerts.severities")? {
                let sev = self.known_severity(&sev, severities, &span, "alerts.severities")?;
                out.severities.push((value, sev));
            }
        }
        if let Some(f) = &raw.default_severity {
            let sev = self.string(f, "default_severity")?;
            out.default_severity =
                Some(self.known_severity(&sev, severities, &f.span(), "default_severity")?);
        }
        Ok(out)
    }

    fn escalation_step(
        &self,
        entry: &Spanned<RawEscalation>,
    ) -> Result<EscalationStep, PolicyError> {
        let raw = entry.get_ref();
        let Some(after) = self.duration(&raw.after, "after")? else {
            return Err(self.at(&entry.span(), "[[severity.escalation]] step has no `after`"));
        };
        let Some(to_field) = &raw.to else {
            return Err(self.at(&entry.span(), "[[severity.escalation]] step has no `to`"));
        };
        let to = self.string(to_field, "to")?;
        let target = if to.trim().eq_ignore_ascii_case("pagerduty") {
            EscalationTarget::PagerDuty
        } else if is_slack_id(to.trim(), &['U', 'W']) {
            EscalationTarget::User(to.trim().to_string())
        } else if is_slack_id(to.trim(), &['S']) {
            EscalationTarget::Group(to.trim().to_string())
        } else {
            return Err(self.at(
                &to_field.span(),
                format!(
                    "to \"{to}\" must be a user id (U… or W…), a user group id (S…) or \"pagerduty\""
                ),
            ));
        };
        Ok(EscalationStep { after, to: target })
    }

    /// One `[[severity]]` entry, with the span of its name (for duplicate reports).
    fn severity(
        &self,
        entry: &Spanned<RawSeverity>,
    ) -> Result<(Severity, Range<usize>), PolicyError> {
        let raw = entry.get_ref();
        let Some(name_field) = &raw.name else {
            return Err(self.at(&entry.span(), "[[severity]] entry has no name"));
        };
        let name = self.string(name_field, "name")?;
        if name.is_empty() {
            return Err(self.at(&name_field.span(), "severity name must not be empty"));
        }
        if name.chars().any(char::is_whitespace) {
            return Err(self.at(
                &name_field.span(),
                format!("severity name \"{name}\" must not contain whitespace"),
            ));
        }

        let label = match &raw.label {
            None => name.clone(),
            Some(f) => {
                let label = self.string(f, "label")?;
                if label.trim().is_empty() {
                    return Err(self.at(&f.span(), "label must not be empty"));
                }
                label
            }
        };
        let description = self
            .opt_string(&raw.description, "description")?
            .unwrap_or_default();

        let escalate_to = match &raw.escalate_to {
            None => None,
            Some(f) => {
                let id = self.string(f, "escalate_to")?;
                if !is_slack_id(&id, &['U', 'W', 'S']) {
                    return Err(self.at(
                        &f.span(),
                        format!(
                            "escalate_to \"{id}\" must be a user id (U… or W…) \
                             or a user group id (S…)"
                        ),
                    ));
                }
                Some(id)
            }
        };

        let severity = Severity {
            update_every: self.duration(&raw.update_every, "update_every")?,
            respond_within: self.duration(&raw.respond_within, "respond_within")?,
            resolve_within: self.duration(&raw.resolve_within, "resolve_within")?,
            escalate_after: self.duration(&raw.escalate_after, "escalate_after")?,
            escalate_to,
            auto_invite: self.user_ids(&raw.auto_invite, "auto_invite")?,
            broadcast: self.bool(&raw.broadcast, "broadcast")?,
            page: self.bool(&raw.page, "page")?,
            escalation: match &raw.escalation {
                None => Vec::new(),
                Some(steps) => steps
                    .get_ref()
                    .iter()
                    .map(|step| self.escalation_step(step))
                    .collect::<Result<_, _>>()?,
            },
            checklist: match &raw.checklist {
                None => builtin_checklist(),
                Some(_) => {
                    let items = self.strings(&raw.checklist, "checklist")?;
                    if let (Some(f), true) =
                        (&raw.checklist, items.iter().any(|i| i.trim().is_empty()))
                    {
                        return Err(self.at(&f.span(), "checklist items must not be empty"));
                    }
                    items
                }
            },
            name,
            label,
            description,
        };
        Ok((severity, name_field.span()))
    }

    /// One `[[role]]` entry, with the span of its key (for duplicate reports).
    fn role(&self, entry: &Spanned<RawRole>) -> Result<(RoleDef, Range<usize>), PolicyError> {
        let raw = entry.get_ref();
        let Some(key_field) = &raw.key else {
            return Err(self.at(&entry.span(), "[[role]] entry has no key"));
        };
        let key = self.string(key_field, "key")?;
        if !is_valid_role_key(&key) {
            return Err(self.at(
                &key_field.span(),
                format!("role key \"{key}\" must be lowercase a-z, 0-9 and _ only"),
            ));
        }
        let name = match &raw.name {
            None => key.clone(),
            Some(f) => {
                let name = self.string(f, "name")?;
                if name.trim().is_empty() {
                    return Err(self.at(&f.span(), "role name must not be empty"));
                }
                name
            }
        };
        let duties = self.opt_string(&raw.duties, "duties")?.unwrap_or_default();
        Ok((RoleDef { key, name, duties }, key_field.span()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOCUMENTED_EXAMPLE: &str = r#"announce_channel = "C0123ANNOUNCE"   # channel id; omit to announce nowhere
channel_prefix = "incident"
admins = ["U0ADMIN"]

[[severity]]
name = "P0"
label = "Critical"
description = "Complete outage, data loss or security breach"
update_every = "15m"
respond_within = "5m"
resolve_within = "1h"
escalate_after = "30m"
escalate_to = "S0SENIOR"          # user (U…) or user group (S…)
auto_invite = ["U0ONCALL"]
broadcast = true                  # mirror updates to the announcement thread
page = true                       # page on-call through PagerDuty when declared

[[role]]
key = "ic"
name = "Incident Commander"
duties = "Coordinate the response, decide, communicate with stakeholders"
"#;

    /// The built-in policy written out as a file.
    const BUILTIN_AS_TOML: &str = r#"
channel_prefix = "incident"

[[severity]]
name = "P0"
label = "Critical"
description = "Complete outage, data loss or security breach"
update_every = "15m"
respond_within = "5m"
resolve_within = "1h"
escalate_after = "30m"
broadcast = true
page = true

[[severity]]
name = "P1"
label = "High"
description = "Major functionality impaired or significant user impact"
update_every = "30m"
respond_within = "15m"
resolve_within = "4h"
escalate_after = "2h"
broadcast = true
page = true

[[severity]]
name = "P2"
label = "Medium"
description = "Partial functionality impaired or moderate user impact"
update_every = "2h"
respond_within = "1h"
resolve_within = "24h"

[[severity]]
name = "P3"
label = "Low"
description = "Minor issue with minimal user impact"
respond_within = "4h"
resolve_within = "7d"
"#;

    fn parse(text: &str) -> Result<Policy, PolicyError> {
        Policy::from_toml_str(text, "policy.toml")
    }

    fn err(text: &str) -> String {
        match parse(text) {
            Ok(p) => panic!("expected an error, got {p:?}"),
            Err(e) => e.to_string(),
        }
    }

    fn secs(n: u64) -> Option<Duration> {
        Some(Duration::from_secs(n))
    }

    #[test]
    fn builtin_severities_match_spec() {
        let p = Policy::builtin();
        let names: Vec<&str> = p.severities.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["P0", "P1", "P2", "P3"]);

        let p0 = &p.severities[0];
        assert_eq!(p0.label, "Critical");
        assert_eq!(
            p0.description,
            "Complete outage, data loss or security breach"
        );
        assert_eq!(p0.update_every, secs(15 * 60));
        assert_eq!(p0.respond_within, secs(5 * 60));
        assert_eq!(p0.resolve_within, secs(3600));
        assert_eq!(p0.escalate_after, secs(30 * 60));
        assert!(p0.broadcast && p0.page);

        let p1 = &p.severities[1];
        assert_eq!(p1.label, "High");
        assert_eq!(
            p1.description,
            "Major functionality impaired or significant user impact"
        );
        assert_eq!(p1.update_every, secs(30 * 60));
        assert_eq!(p1.respond_within, secs(15 * 60));
        assert_eq!(p1.resolve_within, secs(4 * 3600));
        assert_eq!(p1.escalate_after, secs(2 * 3600));
        assert!(p1.broadcast && p1.page);

        let p2 = &p.severities[2];
        assert_eq!(p2.label, "Medium");
        assert_eq!(
            p2.description,
            "Partial functionality impaired or moderate user impact"
        );
        assert_eq!(p2.update_every, secs(2 * 3600));
        assert_eq!(p2.respond_within, secs(3600));
        assert_eq!(p2.resolve_within, secs(24 * 3600));
        assert_eq!(p2.escalate_after, None);
        assert!(!p2.broadcast && !p2.page);

        let p3 = &p.severities[3];
        assert_eq!(p3.label, "Low");
        assert_eq!(p3.description, "Minor issue with minimal user impact");
        assert_eq!(p3.update_every, None);
        assert_eq!(p3.respond_within, secs(4 * 3600));
        assert_eq!(p3.resolve_within, secs(7 * 86_400));
        assert_eq!(p3.escalate_after, None);
        assert!(!p3.broadcast && !p3.page);

        for s in &p.severities {
            assert_eq!(s.escalate_to, None);
            assert!(s.auto_invite.is_empty());
        }
    }

    #[test]
    fn builtin_top_level_and_roles() {
        let p = Policy::builtin();
        assert_eq!(p.announce_channel, None);
        assert_eq!(p.channel_prefix, "incident");
        assert!(p.admins.is_empty());
        let roles: Vec<(&str, &str)> = p
            .roles
            .iter()
            .map(|r| (r.key.as_str(), r.name.as_str()))
            .collect();
        assert_eq!(
            roles,
            [
                ("ic", "Incident Commander"),
                ("tech", "Technical Lead"),
                ("comms", "Communications Lead"),
                ("scribe", "Scribe"),
            ]
        );
        assert_eq!(
            p.roles[0].duties,
            "Coordinate the response, make rollback and escalation decisions, communicate \
             with stakeholders, ensure documentation and lead the post-mortem."
        );
        for r in &p.roles {
            assert!(r.duties.ends_with('.'), "{}", r.duties);
            assert!(!r.duties.contains("  "), "{}", r.duties);
        }
        assert_eq!(Policy::default(), p);
    }

    #[test]
    fn builtin_written_out_parses_to_builtin() {
        assert_eq!(parse(BUILTIN_AS_TOML).unwrap(), Policy::builtin());
    }

    #[test]
    fn empty_file_gives_builtin() {
        assert_eq!(parse("").unwrap(), Policy::builtin());
        assert_eq!(parse("# just a comment\n\n").unwrap(), Policy::builtin());
    }

    #[test]
    fn spec_example_parses() {
        let p = parse(DOCUMENTED_EXAMPLE).unwrap();
        assert_eq!(p.announce_channel.as_deref(), Some("C0123ANNOUNCE"));
        assert_eq!(p.channel_prefix, "incident");
        assert_eq!(p.admins, ["U0ADMIN"]);
        assert_eq!(
            p.severities,
            [Severity {
                name: "P0".into(),
                label: "Critical".into(),
                description: "Complete outage, data loss or security breach".into(),
                update_every: secs(900),
                respond_within: secs(300),
                resolve_within: secs(3600),
                escalate_after: secs(1800),
                escalate_to: Some("S0SENIOR".into()),
                auto_invite: vec!["U0ONCALL".into()],
                broadcast: true,
                page: true,
                escalation: Vec::new(),
                checklist: builtin_checklist(),
            }]
        );
        assert_eq!(
            p.roles,
            [RoleDef {
                key: "ic".into(),
                name: "Incident Commander".into(),
                duties: "Coordinate the response, decide, communicate with stakeholders".into(),
            }]
        );
    }

    #[test]
    fn severities_without_roles_keep_default_roles_and_vice_versa() {
        let p = parse("[[severity]]\nname = \"SEV1\"\n").unwrap();
        assert_eq!(p.severities.len(), 1);
        assert_eq!(p.roles, Policy::builtin().roles);

        let p = parse("[[role]]\nkey = \"lead\"\n").unwrap();
        assert_eq!(p.severities, Policy::builtin().severities);
        assert_eq!(
            p.roles,
            [RoleDef {
                key: "lead".into(),
                name: "lead".into(),
                duties: String::new()
            }]
        );
    }

    #[test]
    fn omitted_severity_fields_take_defaults() {
        let p = parse("[[severity]]\nname = \"SEV3\"\n").unwrap();
        assert_eq!(
            p.severities[0],
            Severity {
                name: "SEV3".into(),
                label: "SEV3".into(),
                description: String::new(),
                update_every: None,
                respond_within: None,
                resolve_within: None,
                escalate_after: None,
                escalate_to: None,
                auto_invite: Vec::new(),
                broadcast: false,
                page: false,
                escalation: Vec::new(),
                checklist: builtin_checklist(),
            }
        );
        assert_eq!(p.severities[0].display(), "SEV3");
        assert_eq!(p.severity_names(), ["SEV3"]);
    }

    const PROCESS_KEYS: &str = r#"archive_after = "3d"
timeline_reaction = ":memo:"

[digest]
day = "friday"
time = "16:30"
timezone = "Europe/Paris"

[statuspage.components]
api = "cmp_api"
"*" = "cmp_all"

[statuspage.status]
P1 = "partial_outage"

[alerts]
label = "priority"
default_severity = "P2"

[alerts.severities]
critical = "P1"
warning = "P2"

[[severity]]
name = "P1"
checklist = ["Customers told", "Root cause known"]

[[severity.escalation]]
after = "5m"
to = "U0LEAD"

[[severity.escalation]]
after = "15m"
to = "S0MANAGERS"

[[severity.escalation]]
after = "30m"
to = "pagerduty"

[[severity]]
name = "P2"
"#;

    #[test]
    fn process_keys_parse() {
        let p = parse(PROCESS_KEYS).unwrap();
        assert_eq!(p.archive_after, secs(3 * 86_400));
        assert_eq!(p.timeline_reaction, "memo");
        assert_eq!(p.digest.day, chrono::Weekday::Fri);
        assert_eq!(p.digest.time.format("%H:%M").to_string(), "16:30");
        assert_eq!(p.digest.timezone, chrono_tz::Europe::Paris);
        assert_eq!(p.statuspage.components_for("api"), ["cmp_api"]);
        assert_eq!(p.statuspage.components_for("billing"), ["cmp_all"]);
        assert_eq!(
            p.statuspage.component_status("P1", 0),
            ComponentStatus::PartialOutage
        );
        assert_eq!(
            p.statuspage.component_status("P2", 1),
            ComponentStatus::PartialOutage
        );
        assert_eq!(p.alerts.label, "priority");
        assert_eq!(p.alerts.default_severity.as_deref(), Some("P2"));
        assert_eq!(
            p.alerts.severities,
            [
                ("critical".to_string(), "P1".to_string()),
                ("warning".into(), "P2".into())
            ]
        );
        let p1 = p.severity("P1").unwrap();
        assert_eq!(p1.checklist, ["Customers told", "Root cause known"]);
        assert_eq!(
            p1.escalation,
            [
                EscalationStep {
                    after: Duration::from_secs(300),
                    to: EscalationTarget::User("U0LEAD".into())
                },
                EscalationStep {
                    after: Duration::from_secs(900),
                    to: EscalationTarget::Group("S0MANAGERS".into())
                },
                EscalationStep {
                    after: Duration::from_secs(1800),
                    to: EscalationTarget::PagerDuty
                },
            ]
        );
        assert_eq!(p.severity("P2").unwrap().checklist, builtin_checklist());
    }

    #[test]
    fn process_key_defaults() {
        let p = Policy::builtin();
        assert_eq!(p.archive_after, Some(DEFAULT_ARCHIVE_AFTER));
        assert_eq!(p.timeline_reaction, "pushpin");
        assert_eq!(p.digest, Digest::default());
        assert_eq!(p.severities[0].checklist.len(), 7);
        assert!(p.severities.iter().all(|s| s.escalation.is_empty()));
        assert_eq!(
            parse("archive_after = \"0\"\n").unwrap().archive_after,
            None
        );
        assert_eq!(parse("archive_after = 0\n").unwrap().archive_after, None);
    }

    #[test]
    fn process_key_errors_name_the_line() {
        let cases = [
            ("archive_after = \"soon\"\n", "policy.toml:1: bad duration \"soon\" for archive_after"),
            ("timeline_reaction = \"<!channel>\"\n", "policy.toml:1: timeline_reaction \"<!channel>\" must be an emoji name"),
            ("[digest]\nday = \"someday\"\n", "policy.toml:2: day \"someday\" in [digest] must be a weekday"),
            ("[digest]\ntime = \"9am\"\n", "policy.toml:2: time \"9am\" in [digest] must be HH:MM"),
            ("[digest]\ntimezone = \"Mars/Olympus\"\n", "policy.toml:2: timezone \"Mars/Olympus\" in [digest] is not an IANA time zone"),
            ("[digest]\nweekday = \"monday\"\n", "policy.toml:2: unknown key \"weekday\" in [digest]"),
            ("[statuspage.status]\nP9 = \"major_outage\"\n", "policy.toml:2: statuspage.status names severity \"P9\", which is not defined"),
            ("[statuspage.status]\nP1 = \"on_fire\"\n", "policy.toml:2: statuspage.status.P1 \"on_fire\" must be one of"),
            ("[alerts]\ndefault_severity = \"P7\"\n", "policy.toml:2: default_severity names severity \"P7\""),
            ("[alerts.severities]\ncritical = \"SEV0\"\n", "policy.toml:2: alerts.severities names severity \"SEV0\""),
            ("[[severity]]\nname = \"P1\"\n[[severity.escalation]]\nafter = \"5m\"\nto = \"#ops\"\n", "policy.toml:5: to \"#ops\" must be a user id"),
            ("[[severity]]\nname = \"P1\"\n[[severity.escalation]]\nto = \"U0LEAD\"\n", "policy.toml:3: [[severity.escalation]] step has no `after`"),
            ("[[severity]]\nname = \"P1\"\n[[severity.escalation]]\nafter = \"5m\"\nwho = \"U0LEAD\"\n", "unknown key \"who\" in [[severity.escalation]]"),
            ("[[severity]]\nname = \"P1\"\nchecklist = [\"ok\", \"\"]\n", "policy.toml:3: checklist items must not be empty"),
        ];
        for (text, expected) in cases {
            let got = err(text);
            assert!(
                got.contains(expected),
                "for {text:?}:\n got {got}\nwant {expected}"
            );
        }
    }

    #[test]
    fn durations_in_every_unit() {
        let p = parse(
            "[[severity]]\nname = \"X\"\nupdate_every = \"30s\"\nrespond_within = \"15m\"\n\
             resolve_within = \"7d\"\nescalate_after = \"1h 30m\"\n",
        )
        .unwrap();
        let s = &p.severities[0];
        assert_eq!(s.update_every, secs(30));
        assert_eq!(s.respond_within, secs(900));
        assert_eq!(s.resolve_within, secs(7 * 86_400));
        assert_eq!(s.escalate_after, secs(5400));
    }

    #[test]
    fn inline_array_of_tables_is_accepted() {
        let p = parse("severity = [{ name = \"A\", page = true }, { name = \"B\" }]\n").unwrap();
        assert_eq!(p.severities.len(), 2);
        assert!(p.severities[0].page);
    }

    #[test]
    fn unknown_key_in_severity() {
        let text =
            "announce_channel = \"C1\"\n\n[[severity]]\nname = \"P0\"\nlabel = \"Critical\"\n\
                    \nupdate_evry = \"15m\"\n";
        assert_eq!(
            err(text),
            "policy.toml:7: unknown key \"update_evry\" in [[severity]]"
        );
    }

    #[test]
    fn unknown_key_in_role_and_top_level() {
        assert_eq!(
            err("[[role]]\nkey = \"ic\"\nduty = \"x\"\n"),
            "policy.toml:3: unknown key \"duty\" in [[role]]"
        );
        assert_eq!(
            err("channel_prefix = \"inc\"\nannounce = \"C1\"\n"),
            "policy.toml:2: unknown key \"announce\" at top level"
        );
        assert_eq!(
            err("severity = [{ name = \"A\" },\n  { name = \"B\", colour = \"red\" }]\n"),
            "policy.toml:2: unknown key \"colour\" in [[severity]]"
        );
    }

    #[test]
    fn bad_duration() {
        let text = "[[severity]]\nname = \"P0\"\nlabel = \"Critical\"\ndescription = \"x\"\n\
                    respond_within = \"5m\"\nresolve_within = \"1h\"\n\n# cadence\n\
                    update_every = \"15 minuets\"\n";
        let e = err(text);
        assert!(
            e.starts_with("policy.toml:9: bad duration \"15 minuets\" for update_every: "),
            "{e}"
        );
        assert!(e.contains("unknown time unit"), "{e}");

        assert_eq!(
            err("[[severity]]\nname = \"P0\"\nescalate_after = 30\n"),
            "policy.toml:3: escalate_after must be a duration string such as \"15m\", \
             not an integer"
        );
        let e = err("[[severity]]\nname = \"P0\"\nresolve_within = \"soon\"\n");
        assert!(
            e.starts_with("policy.toml:3: bad duration \"soon\" for resolve_within: "),
            "{e}"
        );
        let e = err("[[severity]]\nname = \"P0\"\nrespond_within = \"\"\n");
        assert!(
            e.starts_with("policy.toml:3: bad duration \"\" for respond_within: "),
            "{e}"
        );
    }

    #[test]
    fn zero_duration_is_rejected() {
        assert_eq!(
            err("[[severity]]\nname = \"P0\"\nupdate_every = \"0s\"\n"),
            "policy.toml:3: update_every must be longer than zero, not \"0s\""
        );
    }

    #[test]
    fn duplicate_severity_name() {
        let mut text = String::new();
        text.push_str("[[severity]]\nname = \"P0\"\nlabel = \"Critical\"\n\n");
        text.push_str("[[severity]]\nname = \"P1\"\nlabel = \"High\"\n\n");
        text.push_str("[[severity]]\nname = \"P2\"\nlabel = \"Medium\"\n\n");
        // line 13 is the header, line 14 the duplicate name
        text.push_str("[[severity]]\nname = \"P1\"\n");
        assert_eq!(err(&text), "policy.toml:14: duplicate severity name \"P1\"");
    }

    #[test]
    fn duplicate_severity_name_ignores_case() {
        assert_eq!(
            err("[[severity]]\nname = \"P1\"\n[[severity]]\nname = \"p1\"\n"),
            "policy.toml:4: duplicate severity name \"p1\""
        );
    }

    #[test]
    fn no_severities() {
        assert_eq!(err("severity = []\n"), "policy.toml: no severities defined");
        assert_eq!(err("role = []\n"), "policy.toml: no roles defined");
    }

    #[test]
    fn toml_syntax_errors_have_lines() {
        let e = err("channel_prefix = \"inc\"\nadmins = [\"U1\"\n\n[[severity]]\n");
        assert!(e.starts_with("policy.toml:4: "), "{e}");
        let e = err("channel_prefix = \"inc\"\nadmins = \n");
        assert!(
            e.starts_with("policy.toml:2: invalid string; expected"),
            "{e}"
        );
        assert!(!e.contains('\n'), "{e}");
        let e = err("a = \"unterminated\n");
        assert!(e.starts_with("policy.toml:1: "), "{e}");
        let e = err("[[severity]]\nname = \"P0\"\nname = \"P1\"\n");
        assert!(e.starts_with("policy.toml:3: duplicate key `name`"), "{e}");
    }

    #[test]
    fn wrong_types_name_the_key() {
        assert_eq!(
            err("[[severity]]\nname = \"P0\"\nbroadcast = \"yes\"\n"),
            "policy.toml:3: broadcast must be true or false, not a string"
        );
        assert_eq!(
            err("[[severity]]\nname = 0\n"),
            "policy.toml:2: name must be a string, not an integer"
        );
        assert_eq!(
            err("admins = \"U1\"\n"),
            "policy.toml:1: admins must be a list of strings, not a string"
        );
        assert_eq!(
            err("\nadmins = [\"U1\", 2]\n"),
            "policy.toml:2: admins must be a list of strings, but contains an integer"
        );
        assert_eq!(
            err("[severity]\nname = \"P0\"\n"),
            "policy.toml:1: [severity] must be written [[severity]]"
        );
    }

    #[test]
    fn missing_required_keys() {
        assert_eq!(
            err("[[severity]]\nname = \"P0\"\n\n[[severity]]\nlabel = \"High\"\n"),
            "policy.toml:4: [[severity]] entry has no name"
        );
        assert_eq!(
            err("[[role]]\nname = \"Lead\"\n"),
            "policy.toml:1: [[role]] entry has no key"
        );
    }

    #[test]
    fn severity_name_rules() {
        assert_eq!(
            err("[[severity]]\nname = \"\"\n"),
            "policy.toml:2: severity name must not be empty"
        );
        assert_eq!(
            err("[[severity]]\nname = \"P 1\"\n"),
            "policy.toml:2: severity name \"P 1\" must not contain whitespace"
        );
        assert_eq!(
            err("[[severity]]\nname = \"P1\"\nlabel = \" \"\n"),
            "policy.toml:3: label must not be empty"
        );
    }

    #[test]
    fn role_key_rules() {
        assert_eq!(
            err("[[role]]\nkey = \"IC\"\n"),
            "policy.toml:2: role key \"IC\" must be lowercase a-z, 0-9 and _ only"
        );
        assert_eq!(
            err("[[role]]\nkey = \"on-call\"\n"),
            "policy.toml:2: role key \"on-call\" must be lowercase a-z, 0-9 and _ only"
        );
        assert_eq!(
            err("[[role]]\nkey = \"\"\n"),
            "policy.toml:2: role key \"\" must be lowercase a-z, 0-9 and _ only"
        );
        assert_eq!(
            err("[[role]]\nkey = \"ic\"\n\n[[role]]\nkey = \"ic\"\nname = \"Other\"\n"),
            "policy.toml:5: duplicate role key \"ic\""
        );
        assert_eq!(
            err("[[role]]\nkey = \"ic\"\nname = \"\"\n"),
            "policy.toml:3: role name must not be empty"
        );
        let p = parse("[[role]]\nkey = \"on_call_2\"\nname = \"On-call\"\n").unwrap();
        assert_eq!(p.roles[0].key, "on_call_2");
    }

    #[test]
    fn escalate_to_must_be_user_or_group() {
        for ok in ["U0SENIOR", "W123", "S0SENIOR"] {
            let p = parse(&format!(
                "[[severity]]\nname = \"P0\"\nescalate_to = \"{ok}\"\n"
            ))
            .unwrap();
            assert_eq!(p.severities[0].escalate_to.as_deref(), Some(ok));
        }
        for bad in ["C0123", "@oncall", "", "U", "s0senior"] {
            let e = err(&format!(
                "[[severity]]\nname = \"P0\"\nescalate_to = \"{bad}\"\n"
            ));
            assert_eq!(
                e,
                format!(
                    "policy.toml:3: escalate_to \"{bad}\" must be a user id (U… or W…) \
                     or a user group id (S…)"
                )
            );
        }
    }

    #[test]
    fn user_id_lists_are_checked() {
        assert_eq!(
            err("admins = [\"U1\", \"alice\"]\n"),
            "policy.toml:1: admins entry \"alice\" is not a Slack user id (U… or W…)"
        );
        assert_eq!(
            err("[[severity]]\nname = \"P0\"\nauto_invite = [\"S0GROUP\"]\n"),
            "policy.toml:3: auto_invite entry \"S0GROUP\" is not a Slack user id (U… or W…)"
        );
        let p = parse("admins = [\"U1\", \"W2\"]\n").unwrap();
        assert_eq!(p.admins, ["U1", "W2"]);
    }

    #[test]
    fn channel_prefix_rules() {
        for ok in ["inc", "incident", "sev-ops_2", "a", "abcdefghijklmnopqrst"] {
            let p = parse(&format!("channel_prefix = \"{ok}\"\n")).unwrap();
            assert_eq!(p.channel_prefix, ok);
        }
        for bad in [
            "",
            "Incident",
            "inc ident",
            "inc#",
            "abcdefghijklmnopqrstu",
            "é",
        ] {
            assert_eq!(
                err(&format!("\nchannel_prefix = \"{bad}\"\n")),
                format!(
                    "policy.toml:2: channel_prefix \"{bad}\" must be 1–20 characters of \
                     lowercase a-z, 0-9, - and _"
                )
            );
        }
    }

    #[test]
    fn announce_channel_rules() {
        for ok in ["C0123ANNOUNCE", "G01ABC"] {
            let p = parse(&format!("announce_channel = \"{ok}\"\n")).unwrap();
            assert_eq!(p.announce_channel.as_deref(), Some(ok));
        }
        for bad in ["#incidents", "incidents", "", "C", "U0123", "D0123"] {
            assert_eq!(
                err(&format!("announce_channel = \"{bad}\"\n")),
                format!(
                    "policy.toml:1: announce_channel \"{bad}\" is not a channel id \
                     (C… or G…, e.g. \"C0123ANNOUNCE\")"
                )
            );
        }
    }

    #[test]
    fn lookups_ignore_case() {
        let p = Policy::builtin();
        assert_eq!(p.severity("p1").map(|s| s.label.as_str()), Some("High"));
        assert_eq!(p.severity("P1").map(|s| s.label.as_str()), Some("High"));
        assert_eq!(p.severity(" p0 ").map(|s| s.name.as_str()), Some("P0"));
        assert!(p.severity("P4").is_none());
        assert!(p.severity("").is_none());
        assert_eq!(
            p.role("IC").map(|r| r.name.as_str()),
            Some("Incident Commander")
        );
        assert_eq!(p.role("comms").map(|r| r.key.as_str()), Some("comms"));
        assert_eq!(p.role("Scribe").map(|r| r.key.as_str()), Some("scribe"));
        assert!(p.role("lead").is_none());

        let p = parse("[[severity]]\nname = \"Sev-One\"\n").unwrap();
        assert!(p.severity("sev-one").is_some());
        assert!(p.severity("SEV-ONE").is_some());
    }

    #[test]
    fn display_and_help_lines() {
        let p = Policy::builtin();
        assert_eq!(p.severities[1].display(), "P1 High");
        assert_eq!(
            p.severity_names(),
            [
                "P0 Critical — Complete outage, data loss or security breach",
                "P1 High — Major functionality impaired or significant user impact",
                "P2 Medium — Partial functionality impaired or moderate user impact",
                "P3 Low — Minor issue with minimal user impact",
            ]
        );
    }

    #[test]
    fn error_accessors_and_display() {
        let e = parse("[[severity]]\nname = \"P0\"\nupdate_evry = \"1m\"\n").unwrap_err();
        assert_eq!(e.path(), "policy.toml");
        assert_eq!(e.line(), Some(3));
        assert_eq!(e.reason(), "unknown key \"update_evry\" in [[severity]]");

        let e = parse("severity = []").unwrap_err();
        assert_eq!(e.line(), None);
        assert_eq!(e.reason(), "no severities defined");
    }

    #[test]
    fn line_numbers_handle_crlf() {
        let text = "channel_prefix = \"inc\"\r\n\r\n[[severity]]\r\nname = \"P0\"\r\nbogus = 1\r\n";
        assert_eq!(
            err(text),
            "policy.toml:5: unknown key \"bogus\" in [[severity]]"
        );
    }

    #[test]
    fn load_reads_files_and_reports_read_errors() {
        let dir = std::env::temp_dir().join(format!("warroom-policy-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();

        let good = dir.join("good.toml");
        std::fs::write(&good, DOCUMENTED_EXAMPLE).unwrap();
        let p = Policy::load(&good).unwrap();
        assert_eq!(p.severities[0].escalate_to.as_deref(), Some("S0SENIOR"));

        let bad = dir.join("bad.toml");
        std::fs::write(
            &bad,
            "[[severity]]\nname = \"P0\"\nupdate_every = \"15 minuets\"\n",
        )
        .unwrap();
        let e = Policy::load(&bad).unwrap_err();
        assert_eq!(e.path(), bad.display().to_string());
        assert!(
            e.to_string()
                .starts_with(&format!("{}:3: bad duration", bad.display())),
            "{e}"
        );

        let missing = dir.join("missing.toml");
        let e = Policy::load(&missing).unwrap_err();
        assert!(matches!(
            e,
            PolicyError::Read {
                kind: std::io::ErrorKind::NotFound,
                ..
            }
        ));
        assert!(
            e.to_string()
                .starts_with(&format!("{}: cannot read policy file: ", missing.display())),
            "{e}"
        );
        assert_eq!(e.line(), None);

        std::fs::remove_dir_all(&dir).unwrap();
    }
}
