//! Due-time claims for the scheduler: which incidents have something due now, leased so
//! that replicas don't tick the same incident at once.

use super::due_queue::DueQueue;
use super::{Store, StoreResult};
use sqlx::Row;

/// Incidents with a reminder, nag, target, escalation or archive step due.
const INCIDENTS_DUE: DueQueue = DueQueue {
    table: "incidents",
    due: "next_due_at",
    lease: "sched_lease_until",
    also: "",
};

impl Store {
    /// Leases up to `limit` incidents whose earliest due time has passed.
    pub async fn claim_due(
        &self,
        now: i64,
        lease_until: i64,
        limit: i64,
    ) -> StoreResult<Vec<String>> {
        self.claim_due_ids(&INCIDENTS_DUE, now, lease_until, limit)
            .await
    }

    /// Sets each incident's next update due time and clears every other due time
    /// (benchmark fixtures only).
    #[doc(hidden)]
    pub async fn set_reminders_due(&self, due: &[(String, i64)]) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        for (id, at) in due {
            sqlx::query(
                "UPDATE incidents SET next_update_due_at = $1, next_due_at = $1, next_nag_at = NULL, target_warn_at = NULL, target_breach_at = NULL, escalate_at = NULL WHERE id = $2",
            )
            .bind(at)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// When each reminder was decided: `(incident, at)` (benchmarks).
    #[doc(hidden)]
    pub async fn reminder_times(&self) -> StoreResult<Vec<(String, i64)>> {
        let rows = sqlx::query("SELECT incident_id, at FROM timeline WHERE kind = 'reminder'")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("incident_id")?, r.try_get("at")?)))
            .collect()
    }

    /// The earliest due time over all incidents (leased ones count from their lease end).
    pub async fn next_due_at(&self) -> StoreResult<Option<i64>> {
        self.next_due_in(&INCIDENTS_DUE).await
    }
}
