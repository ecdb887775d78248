//! Due-time claims for the scheduler: which incidents have something due now, leased so
//! that replicas don't tick the same incident at once.

use super::{Store, StoreResult};
use sqlx::Row;

impl Store {
    /// Leases up to `limit` incidents whose earliest due time has passed.
    pub async fn claim_due(
        &self,
        now: i64,
        lease_until: i64,
        limit: i64,
    ) -> StoreResult<Vec<String>> {
        let sql = format!(
            "UPDATE incidents SET sched_lease_until = $1
             WHERE id IN (
                SELECT id FROM incidents
                WHERE next_due_at IS NOT NULL AND next_due_at <= $2
                  AND (sched_lease_until IS NULL OR sched_lease_until < $2)
                ORDER BY next_due_at LIMIT $3 {}
             )
             RETURNING id",
            self.skip_locked()
        );
        let rows = sqlx::query(&sql)
            .bind(lease_until)
            .bind(now)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok(r.try_get("id")?)).collect()
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
        let row = sqlx::query(
            "SELECT MIN(CASE WHEN sched_lease_until IS NOT NULL AND sched_lease_until > next_due_at THEN sched_lease_until ELSE next_due_at END) AS t
             FROM incidents WHERE next_due_at IS NOT NULL",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get("t")?)
    }
}
