//! One reader per section of the policy file, built on the typed reads of `fields.rs`.

use super::fields::{is_slack_id, is_valid_role_key};
use super::{Cx, Field, RawAlerts, RawDigest, RawEscalation, RawRole, RawSeverity, RawStatuspage};
use crate::policy::builtin::builtin_checklist;
use crate::policy::{
    AlertsPolicy, ComponentStatus, Digest, EscalationStep, EscalationTarget, PolicyError, RoleDef,
    Severity, StatuspagePolicy, DEFAULT_ARCHIVE_AFTER,
};
use std::ops::Range;
use std::time::Duration;

use toml::{Spanned, Value};

impl Cx<'_> {
    /// `archive_after`: a duration, or `"0"` (also `0`) to never archive.
    pub(super) fn archive_after(&self, field: &Field) -> Result<Option<Duration>, PolicyError> {
        let Some(f) = field else {
            return Ok(Some(DEFAULT_ARCHIVE_AFTER));
        };
        match f.get_ref() {
            Value::Integer(0) => Ok(None),
            Value::String(s) if s.trim() == "0" => Ok(None),
            _ => self.duration(field, "archive_after"),
        }
    }

    pub(super) fn digest(&self, raw: &RawDigest) -> Result<Digest, PolicyError> {
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

    pub(super) fn statuspage(
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

    pub(super) fn alerts(
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
    pub(super) fn severity(
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
    pub(super) fn role(
        &self,
        entry: &Spanned<RawRole>,
    ) -> Result<(RoleDef, Range<usize>), PolicyError> {
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
