//! Incidents: declare (id allocation + insert), load, and the one commit path every
//! decision goes through — state, timeline, update and outbox effects in one transaction.

use super::rows::{incident_from_row, role_from_row, timeline_from_row, INCIDENT_COLUMNS};
use super::{Store, StoreResult};
use crate::incident::decide::ActionItemChange;
use crate::incident::model::{Incident, StatusUpdate, TimelineEntry};
use crate::incident::{Effect, Outcome};
use sqlx::{Any, Row, Transaction};

/// A commit lost a race with another decision on the same incident: decide again.
#[derive(Debug, thiserror::Error)]
#[error("incident changed concurrently")]
pub struct Conflict;

impl Store {
    /// Allocates the next `INC-YYYY-MM-DD-NNN` for `day` ("2026-11-22") and inserts the
    /// incident `build` returns, with its timeline and effects, in one transaction.
    pub async fn declare<E>(
        &self,
        day: &str,
        now: i64,
        build: impl FnOnce(String) -> Result<Outcome, E>,
    ) -> StoreResult<Result<Outcome, E>> {
        let mut tx = self.pool.begin().await?;
        let seq: i64 = sqlx::query(
            "INSERT INTO incident_seq (day, last) VALUES ($1, 1) ON CONFLICT (day) DO UPDATE SET last = incident_seq.last + 1 RETURNING last",
        )
        .bind(day)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        let id = format!("INC-{day}-{seq:03}");
        let outcome = match build(id) {
            Ok(o) => o,
            Err(e) => {
                tx.rollback().await?;
                return Ok(Err(e));
            }
        };
        let inc = &outcome.incident;
        sqlx::query(
            "INSERT INTO incidents (id, title, description, service, impact, severity, status, private, reporter, origin_channel, declared_at, severity_since, version, drill)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 0, $13)",
        )
        .bind(&inc.id)
        .bind(&inc.title)
        .bind(&inc.description)
        .bind(&inc.service)
        .bind(&inc.impact)
        .bind(&inc.severity)
        .bind(inc.status.as_str())
        .bind(i64::from(inc.private))
        .bind(&inc.reporter)
        .bind(&inc.origin_channel)
        .bind(inc.declared_at)
        .bind(inc.schedule.severity_since)
        .bind(i64::from(inc.drill))
        .execute(&mut *tx)
        .await?;
        let mut outcome = outcome;
        outcome.incident.version = 0;
        self.write_outcome(&mut tx, &outcome, now).await?;
        tx.commit().await?;
        outcome.incident.version = 1;
        Ok(Ok(outcome))
    }

    /// Commits a decision taken on `outcome.incident.version`; `Err(Conflict)` when the
    /// incident changed in between (nothing is written then).
    pub async fn commit(&self, outcome: &Outcome, now: i64) -> StoreResult<Result<(), Conflict>> {
        let mut tx = self.pool.begin().await?;
        if !self.write_outcome(&mut tx, outcome, now).await? {
            tx.rollback().await?;
            return Ok(Err(Conflict));
        }
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// Writes the domain-owned columns (never the Slack results the worker owns).
    async fn write_outcome(
        &self,
        tx: &mut Transaction<'static, Any>,
        outcome: &Outcome,
        now: i64,
    ) -> StoreResult<bool> {
        let inc = &outcome.incident;
        let s = &inc.schedule;
        let updated = sqlx::query(
            "UPDATE incidents SET title = $1, description = $2, service = $3, impact = $4, severity = $5, status = $6,
               first_ic_at = $7, mitigated_at = $8, resolved_at = $9, closed_at = $10, last_update_at = $11,
               resolve_summary = $12, severity_since = $13, next_update_due_at = $14, next_nag_at = $15,
               target_warn_at = $16, target_breach_at = $17, escalate_at = $18, ignored_reminders = $19,
               escalations = $20, next_due_at = $21, archive_notice_at = $22, archive_at = $23,
               chain_next_at = $24, chain_called = $25, chain_acked_by = $26,
               sched_lease_until = NULL, version = version + 1
             WHERE id = $27 AND version = $28",
        )
        .bind(&inc.title)
        .bind(&inc.description)
        .bind(&inc.service)
        .bind(&inc.impact)
        .bind(&inc.severity)
        .bind(inc.status.as_str())
        .bind(inc.first_ic_at)
        .bind(inc.mitigated_at)
        .bind(inc.resolved_at)
        .bind(inc.closed_at)
        .bind(inc.last_update_at)
        .bind(&inc.resolve_summary)
        .bind(s.severity_since)
        .bind(s.next_update_due_at)
        .bind(s.next_nag_at)
        .bind(s.target_warn_at)
        .bind(s.target_breach_at)
        .bind(s.escalate_at)
        .bind(s.ignored_reminders)
        .bind(s.escalations.join(","))
        .bind(s.next_due_at())
        .bind(s.archive_notice_at)
        .bind(s.archive_at)
        .bind(s.chain_next_at)
        .bind(s.chain_called)
        .bind(&s.chain_acked_by)
        .bind(&inc.id)
        .bind(inc.version)
        .execute(&mut **tx)
        .await?;
        if updated.rows_affected() != 1 {
            return Ok(false);
        }
        // Who loses sight of a private incident with their role: their home says so too.
        let holders_before = if inc.private {
            super::homes::holders(tx, &inc.id).await?
        } else {
            Vec::new()
        };
        sqlx::query("DELETE FROM incident_roles WHERE incident_id = $1")
            .bind(&inc.id)
            .execute(&mut **tx)
            .await?;
        for (role, holder) in &inc.roles {
            sqlx::query(
                "INSERT INTO incident_roles (incident_id, role_key, user_id, assigned_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(&inc.id)
            .bind(role)
            .bind(&holder.user)
            .bind(holder.since)
            .execute(&mut **tx)
            .await?;
        }
        for entry in &outcome.timeline {
            insert_timeline(tx, &inc.id, entry).await?;
        }
        if let Some(update) = &outcome.update {
            insert_update(tx, &inc.id, update).await?;
        }
        for change in &outcome.action_items {
            write_action_item(tx, &inc.id, change, &outcome.timeline, now).await?;
        }
        if let Some(change) = &outcome.status_draft {
            // Decided on a draft that another decision has published since: a conflict,
            // so the action is decided again on the draft as it is now.
            if !super::status_drafts::write_draft_change(tx, &inc.id, change).await? {
                return Ok(false);
            }
        }
        let priority = self.priority_of(&inc.severity);
        for effect in &outcome.effects {
            insert_effect(tx, &inc.id, effect, priority, now).await?;
        }
        // The App Homes that show what changed (debounced: see `homes`).
        super::homes::refresh_after(tx, outcome, holders_before, now).await?;
        Ok(true)
    }

    pub async fn incident(&self, id: &str) -> StoreResult<Option<Incident>> {
        self.incident_where("id", id).await
    }

    pub async fn incident_by_channel(&self, channel_id: &str) -> StoreResult<Option<Incident>> {
        self.incident_where("channel_id", channel_id).await
    }

    /// The incident, with its roles, whose `column` (one that names an incident) is `value`.
    async fn incident_where(
        &self,
        column: &'static str,
        value: &str,
    ) -> StoreResult<Option<Incident>> {
        let row = sqlx::query(&format!(
            "SELECT {INCIDENT_COLUMNS} FROM incidents WHERE {column} = $1"
        ))
        .bind(value)
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(row) => Ok(Some(self.with_roles(incident_from_row(&row)?).await?)),
            None => Ok(None),
        }
    }

    async fn with_roles(&self, mut inc: Incident) -> StoreResult<Incident> {
        let rows = sqlx::query(
            "SELECT incident_id, role_key, user_id, assigned_at FROM incident_roles WHERE incident_id = $1",
        )
        .bind(&inc.id)
        .fetch_all(&self.pool)
        .await?;
        for row in &rows {
            let (_, role, holder) = role_from_row(row)?;
            inc.roles.insert(role, holder);
        }
        Ok(inc)
    }

    /// Incidents not yet resolved, newest first.
    pub async fn open_incidents(&self) -> StoreResult<Vec<Incident>> {
        let rows = sqlx::query(&format!(
            "SELECT {INCIDENT_COLUMNS} FROM incidents WHERE status NOT IN ('resolved', 'closed') ORDER BY declared_at DESC, id DESC"
        ))
        .fetch_all(&self.pool)
        .await?;
        let mut incidents = Vec::with_capacity(rows.len());
        for row in &rows {
            incidents.push(incident_from_row(row)?);
        }
        let role_rows = sqlx::query(
            "SELECT r.incident_id, r.role_key, r.user_id, r.assigned_at FROM incident_roles r JOIN incidents i ON i.id = r.incident_id WHERE i.status NOT IN ('resolved', 'closed')",
        )
        .fetch_all(&self.pool)
        .await?;
        for row in &role_rows {
            let (id, role, holder) = role_from_row(row)?;
            if let Some(inc) = incidents.iter_mut().find(|i| i.id == id) {
                inc.roles.insert(role, holder);
            }
        }
        Ok(incidents)
    }

    pub async fn timeline(&self, incident_id: &str) -> StoreResult<Vec<TimelineEntry>> {
        let rows = sqlx::query(
            "SELECT at, actor, kind, text FROM timeline WHERE incident_id = $1 ORDER BY at, id",
        )
        .bind(incident_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(timeline_from_row).collect()
    }

    pub async fn updates(&self, incident_id: &str) -> StoreResult<Vec<StatusUpdate>> {
        let rows = sqlx::query(
            "SELECT at, author, status, summary, impact, actions_taken, next_steps, eta FROM updates WHERE incident_id = $1 ORDER BY at, id",
        )
        .bind(incident_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(StatusUpdate {
                    at: r.try_get("at")?,
                    author: r.try_get("author")?,
                    status: r.try_get("status")?,
                    summary: r.try_get("summary")?,
                    impact: r.try_get("impact")?,
                    actions_taken: r.try_get("actions_taken")?,
                    next_steps: r.try_get("next_steps")?,
                    eta: r.try_get("eta")?,
                })
            })
            .collect()
    }

    /// Records where the incident's channel lives (delivery result).
    pub async fn set_channel(&self, id: &str, channel_id: &str, name: &str) -> StoreResult<()> {
        sqlx::query("UPDATE incidents SET channel_id = $1, channel_name = $2 WHERE id = $3")
            .bind(channel_id)
            .bind(name)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn set_card_ts(&self, id: &str, ts: &str) -> StoreResult<()> {
        sqlx::query("UPDATE incidents SET card_ts = $1 WHERE id = $2")
            .bind(ts)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn set_announcement(&self, id: &str, channel: &str, ts: &str) -> StoreResult<()> {
        sqlx::query("UPDATE incidents SET announce_channel = $1, announce_ts = $2 WHERE id = $3")
            .bind(channel)
            .bind(ts)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

async fn insert_timeline(
    tx: &mut Transaction<'static, Any>,
    incident_id: &str,
    entry: &TimelineEntry,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO timeline (incident_id, at, actor, kind, text) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(incident_id)
    .bind(entry.at)
    .bind(&entry.actor)
    .bind(&entry.kind)
    .bind(&entry.text)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn insert_update(
    tx: &mut Transaction<'static, Any>,
    incident_id: &str,
    u: &StatusUpdate,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO updates (incident_id, at, author, status, summary, impact, actions_taken, next_steps, eta)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(incident_id)
    .bind(u.at)
    .bind(&u.author)
    .bind(&u.status)
    .bind(&u.summary)
    .bind(&u.impact)
    .bind(&u.actions_taken)
    .bind(&u.next_steps)
    .bind(&u.eta)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn write_action_item(
    tx: &mut Transaction<'static, Any>,
    incident_id: &str,
    change: &ActionItemChange,
    timeline: &[TimelineEntry],
    now: i64,
) -> StoreResult<()> {
    let actor = timeline.first().map(|e| e.actor.as_str()).unwrap_or("");
    match change {
        ActionItemChange::Add {
            text,
            owner,
            due,
            remind_at,
        } => {
            sqlx::query(
                "INSERT INTO action_items (incident_id, text, owner, due, done, created_by, created_at, remind_at) VALUES ($1, $2, $3, $4, 0, $5, $6, $7)",
            )
            .bind(incident_id)
            .bind(text)
            .bind(owner.as_deref())
            .bind(due.as_deref())
            .bind(actor)
            .bind(now)
            .bind(*remind_at)
            .execute(&mut **tx)
            .await?;
        }
        ActionItemChange::Done { id } => {
            sqlx::query(
                "UPDATE action_items SET done = 1, done_at = $1, done_by = $2, remind_at = NULL WHERE id = $3 AND incident_id = $4",
            )
            .bind(now)
            .bind(actor)
            .bind(id)
            .bind(incident_id)
            .execute(&mut **tx)
            .await?;
        }
        ActionItemChange::Remind { id, at } => {
            sqlx::query(
                "UPDATE action_items SET remind_at = $1, remind_lease_until = NULL WHERE id = $2 AND incident_id = $3",
            )
            .bind(*at)
            .bind(id)
            .bind(incident_id)
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

/// Writes one effect for `incident` ("" for none) in the lane its kind goes out in,
/// after the pending effect it needs, at the incident's `priority`.
pub(super) async fn insert_effect(
    tx: &mut Transaction<'static, Any>,
    incident: &str,
    effect: &Effect,
    priority: i64,
    now: i64,
) -> StoreResult<()> {
    let lane = match effect.lane_suffix() {
        Some(suffix) if !incident.is_empty() => format!("{incident}#{suffix}"),
        _ => incident.to_string(),
    };
    let mut after_id: Option<i64> = None;
    for kind in effect.waits_for() {
        let row = sqlx::query(
            "SELECT MAX(id) AS id FROM outbox WHERE lane = $1 AND kind = $2 AND state = 'pending'",
        )
        .bind(incident)
        .bind(kind.as_str())
        .fetch_one(&mut **tx)
        .await?;
        after_id = row.try_get("id")?;
        if after_id.is_some() {
            break;
        }
    }
    let payload = serde_json::to_string(effect)
        .map_err(|e| super::StoreError::Corrupt(format!("effect does not serialize: {e}")))?;
    sqlx::query(
        "INSERT INTO outbox (lane, kind, payload, state, attempts, next_attempt_at, created_at, after_id, priority)
         VALUES ($1, $2, $3, 'pending', 0, $4, $4, $5, $6)",
    )
    .bind(lane)
    .bind(effect.kind().as_str())
    .bind(payload)
    .bind(now)
    .bind(after_id)
    .bind(priority)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
