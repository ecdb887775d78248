//! Reading and validating the policy file. Every field is read as a spanned TOML value and
//! typed by hand, so that each error can name the key and point at its line.
//!
//! - `fields.rs`: typed reads of single values (strings, durations, ids), located errors;
//! - `sections.rs`: each section of the file (`[[severity]]`, `[[role]]`, `[digest]`, …).

mod fields;
mod sections;

use fields::{is_slack_id, is_valid_prefix};

use super::builtin::{builtin_roles, builtin_severities};
use super::{
    AlertsPolicy, Digest, Policy, PolicyError, RoleDef, Severity, StatuspagePolicy,
    DEFAULT_CHANNEL_PREFIX, DEFAULT_TIMELINE_REACTION,
};
use std::path::Path;

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

impl Cx<'_> {
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
}
