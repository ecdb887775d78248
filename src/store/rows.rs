//! Row ↔ domain mapping shared by the store's queries.

use super::{StoreError, StoreResult};
use crate::incident::model::{Incident, RoleHolder, Schedule, SlackRefs, Status, TimelineEntry};
use sqlx::any::AnyRow;
use sqlx::Row;
use std::collections::BTreeMap;

/// Every column of `incidents`, in the order [`incident_from_row`] reads them.
pub const INCIDENT_COLUMNS: &str = "id, title, description, service, impact, severity, status, private, reporter, origin_channel, declared_at, first_ic_at, mitigated_at, resolved_at, closed_at, last_update_at, resolve_summary, severity_since, next_update_due_at, next_nag_at, target_warn_at, target_breach_at, escalate_at, ignored_reminders, escalations, version, channel_id, channel_name, card_ts, announce_channel, announce_ts, drill, postmortem_canvas_id, postmortem_url, archive_notice_at, archive_at, chain_next_at, chain_called, chain_acked_by";

pub fn incident_from_row(row: &AnyRow) -> StoreResult<Incident> {
    let status: String = row.try_get("status")?;
    let status = Status::parse(&status)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown status {status:?}")))?;
    let escalations: String = row.try_get("escalations")?;
    Ok(Incident {
        id: row.try_get("id")?,
        title: row.try_get("title")?,
        description: row.try_get("description")?,
        service: row.try_get("service")?,
        impact: row.try_get("impact")?,
        severity: row.try_get("severity")?,
        status,
        private: row.try_get::<i64, _>("private")? != 0,
        drill: row.try_get::<i64, _>("drill")? != 0,
        reporter: row.try_get("reporter")?,
        origin_channel: row.try_get("origin_channel")?,
        declared_at: row.try_get("declared_at")?,
        first_ic_at: row.try_get("first_ic_at")?,
        mitigated_at: row.try_get("mitigated_at")?,
        resolved_at: row.try_get("resolved_at")?,
        closed_at: row.try_get("closed_at")?,
        last_update_at: row.try_get("last_update_at")?,
        resolve_summary: row.try_get("resolve_summary")?,
        roles: BTreeMap::new(),
        schedule: Schedule {
            severity_since: row.try_get("severity_since")?,
            next_update_due_at: row.try_get("next_update_due_at")?,
            next_nag_at: row.try_get("next_nag_at")?,
            target_warn_at: row.try_get("target_warn_at")?,
            target_breach_at: row.try_get("target_breach_at")?,
            escalate_at: row.try_get("escalate_at")?,
            ignored_reminders: row.try_get("ignored_reminders")?,
            escalations: escalations
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            archive_notice_at: row.try_get("archive_notice_at")?,
            archive_at: row.try_get("archive_at")?,
            chain_next_at: row.try_get("chain_next_at")?,
            chain_called: row.try_get("chain_called")?,
            chain_acked_by: row.try_get("chain_acked_by")?,
        },
        version: row.try_get("version")?,
        slack: SlackRefs {
            channel_id: row.try_get("channel_id")?,
            channel_name: row.try_get("channel_name")?,
            card_ts: row.try_get("card_ts")?,
            announce_channel: row.try_get("announce_channel")?,
            announce_ts: row.try_get("announce_ts")?,
            postmortem_canvas_id: row.try_get("postmortem_canvas_id")?,
            postmortem_url: row.try_get("postmortem_url")?,
        },
    })
}

pub fn role_from_row(row: &AnyRow) -> StoreResult<(String, String, RoleHolder)> {
    Ok((
        row.try_get("incident_id")?,
        row.try_get("role_key")?,
        RoleHolder {
            user: row.try_get("user_id")?,
            since: row.try_get("assigned_at")?,
        },
    ))
}

pub fn timeline_from_row(row: &AnyRow) -> StoreResult<TimelineEntry> {
    Ok(TimelineEntry {
        at: row.try_get("at")?,
        actor: row.try_get("actor")?,
        kind: row.try_get("kind")?,
        text: row.try_get("text")?,
    })
}
