//! Status-page drafts (one per offer, keyed by the effect that offered it) and the
//! Statuspage incident an incident publishes to.

use super::{Store, StoreError, StoreResult};
use crate::incident::decide::DraftChange;
use crate::incident::status_page::{DraftState, PublicStatus, StatusDraft};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

/// Every column a draft is read with; `superseded_by` is the next draft offered for the
/// same incident, if any (the statement must select `FROM status_drafts` unaliased).
const DRAFT_COLUMNS: &str = "id, incident_id, status, text, state, created_at, edited_by, published_by, published_at, channel_id, message_ts,
    (SELECT MIN(n.id) FROM status_drafts n WHERE n.incident_id = status_drafts.incident_id AND n.id > status_drafts.id) AS superseded_by";

/// A draft and where its offer message is in Slack, once posted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredDraft {
    pub draft: StatusDraft,
    pub channel_id: Option<String>,
    pub message_ts: Option<String>,
}

fn draft_from_row(row: &AnyRow) -> StoreResult<StoredDraft> {
    let status: String = row.try_get("status")?;
    let state: String = row.try_get("state")?;
    Ok(StoredDraft {
        draft: StatusDraft {
            id: row.try_get("id")?,
            incident_id: row.try_get("incident_id")?,
            status: PublicStatus::parse(&status)
                .ok_or_else(|| StoreError::Corrupt(format!("unknown public status {status:?}")))?,
            text: row.try_get("text")?,
            state: DraftState::parse(&state)
                .ok_or_else(|| StoreError::Corrupt(format!("unknown draft state {state:?}")))?,
            created_at: row.try_get("created_at")?,
            edited_by: row.try_get("edited_by")?,
            published_by: row.try_get("published_by")?,
            published_at: row.try_get("published_at")?,
            superseded_by: row.try_get("superseded_by")?,
        },
        channel_id: row.try_get("channel_id")?,
        message_ts: row.try_get("message_ts")?,
    })
}

impl Store {
    /// Whether `incident_id` has published to the public status page (a draft published,
    /// drills included: their words were rehearsed as public).
    pub async fn has_published_status(&self, incident_id: &str) -> StoreResult<bool> {
        let row = sqlx::query(
            "SELECT id FROM status_drafts WHERE incident_id = $1 AND state = 'published' LIMIT 1",
        )
        .bind(incident_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.is_some())
    }

    /// The draft offered by outbox effect `effect_id`, written with `text` the first time:
    /// a retried offer finds the draft its first attempt made.
    pub async fn draft_for_offer(
        &self,
        effect_id: i64,
        incident_id: &str,
        status: PublicStatus,
        text: &str,
        now: i64,
    ) -> StoreResult<StoredDraft> {
        sqlx::query(
            "INSERT INTO status_drafts (incident_id, effect_id, status, text, state, created_at) VALUES ($1, $2, $3, $4, 'drafted', $5) ON CONFLICT (effect_id) DO NOTHING",
        )
        .bind(incident_id)
        .bind(effect_id)
        .bind(status.as_str())
        .bind(text)
        .bind(now)
        .execute(&self.pool)
        .await?;
        let row = sqlx::query(&format!(
            "SELECT {DRAFT_COLUMNS} FROM status_drafts WHERE effect_id = $1"
        ))
        .bind(effect_id)
        .fetch_one(&self.pool)
        .await?;
        draft_from_row(&row)
    }

    pub async fn status_draft(&self, id: i64) -> StoreResult<Option<StoredDraft>> {
        let row = sqlx::query(&format!(
            "SELECT {DRAFT_COLUMNS} FROM status_drafts WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(draft_from_row).transpose()
    }

    /// The drafts of `incident_id`, oldest first.
    pub async fn status_drafts(&self, incident_id: &str) -> StoreResult<Vec<StoredDraft>> {
        let rows = sqlx::query(&format!(
            "SELECT {DRAFT_COLUMNS} FROM status_drafts WHERE incident_id = $1 ORDER BY id"
        ))
        .bind(incident_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(draft_from_row).collect()
    }

    /// Records where the draft's offer message was posted (delivery result).
    pub async fn set_draft_message(&self, id: i64, channel: &str, ts: &str) -> StoreResult<()> {
        sqlx::query("UPDATE status_drafts SET channel_id = $1, message_ts = $2 WHERE id = $3")
            .bind(channel)
            .bind(ts)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The Statuspage incident `incident_id` publishes to, once created.
    pub async fn statuspage_incident(&self, incident_id: &str) -> StoreResult<Option<String>> {
        let row = sqlx::query("SELECT statuspage_incident_id FROM incidents WHERE id = $1")
            .bind(incident_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(row) => row.try_get("statuspage_incident_id")?,
            None => None,
        })
    }

    /// Records the Statuspage incident of `incident_id` (delivery result).
    pub async fn set_statuspage_incident(
        &self,
        incident_id: &str,
        page_incident: &str,
    ) -> StoreResult<()> {
        sqlx::query("UPDATE incidents SET statuspage_incident_id = $1 WHERE id = $2")
            .bind(page_incident)
            .bind(incident_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The incident that publishes to Statuspage incident `page_incident`, if any.
    pub async fn incident_by_statuspage_incident(
        &self,
        page_incident: &str,
    ) -> StoreResult<Option<String>> {
        let row = sqlx::query("SELECT id FROM incidents WHERE statuspage_incident_id = $1")
            .bind(page_incident)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(row) => Some(row.try_get("id")?),
            None => None,
        })
    }
}

/// Applies a decision's draft change, in the decision's transaction; false when the draft
/// is no longer drafted (published by a decision committed since this one was taken), so
/// the caller rolls back. A published draft keeps its words as they went out, and is
/// published once.
pub(super) async fn write_draft_change(
    tx: &mut Transaction<'static, Any>,
    incident_id: &str,
    change: &DraftChange,
) -> StoreResult<bool> {
    let changed = match change {
        DraftChange::Edited { id, text, by, at } => {
            sqlx::query(
                "UPDATE status_drafts SET text = $1, edited_by = $2, edited_at = $3 WHERE id = $4 AND incident_id = $5 AND state = 'drafted'",
            )
            .bind(text)
            .bind(by)
            .bind(*at)
            .bind(id)
            .bind(incident_id)
            .execute(&mut **tx)
            .await?
        }
        DraftChange::Published { id, by, at } => {
            sqlx::query(
                "UPDATE status_drafts SET state = 'published', published_by = $1, published_at = $2 WHERE id = $3 AND incident_id = $4 AND state = 'drafted'",
            )
            .bind(by)
            .bind(*at)
            .bind(id)
            .bind(incident_id)
            .execute(&mut **tx)
            .await?
        }
    };
    Ok(changed.rows_affected() == 1)
}
