//! The lease-claim shape shared by the due-time queues (the scheduler's incidents, the
//! action items' reminders): a row whose due time has passed is leased so that only one
//! replica handles it, and a leased row is due again when its lease ends.

use super::{Store, StoreResult};
use sqlx::{Any, Decode, Row, Type};

/// A table whose due-time and lease columns make it a work queue.
pub(super) struct DueQueue {
    pub table: &'static str,
    /// When the row is next due (NULL: nothing due).
    pub due: &'static str,
    /// Until when a replica holds the row (NULL or past: free).
    pub lease: &'static str,
    /// Further SQL conditions a row must meet to count, each starting with ` AND`
    /// ("" for none).
    pub also: &'static str,
}

impl Store {
    /// Leases up to `limit` rows of `queue` that are due at `now` and free, until
    /// `lease_until`, earliest due first; returns their ids.
    pub(super) async fn claim_due_ids<T>(
        &self,
        queue: &DueQueue,
        now: i64,
        lease_until: i64,
        limit: i64,
    ) -> StoreResult<Vec<T>>
    where
        T: for<'r> Decode<'r, Any> + Type<Any>,
    {
        let sql = format!(
            "UPDATE {table} SET {lease} = $1
             WHERE id IN (
                SELECT id FROM {table}
                WHERE {due} IS NOT NULL AND {due} <= $2{also}
                  AND ({lease} IS NULL OR {lease} < $2)
                ORDER BY {due} LIMIT $3 {lock}
             )
             RETURNING id",
            table = queue.table,
            due = queue.due,
            lease = queue.lease,
            also = queue.also,
            lock = self.skip_locked(),
        );
        let rows = sqlx::query(&sql)
            .bind(lease_until)
            .bind(now)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok(r.try_get("id")?)).collect()
    }

    /// The earliest due time in `queue` (a leased row counts from its lease end).
    pub(super) async fn next_due_in(&self, queue: &DueQueue) -> StoreResult<Option<i64>> {
        let row = sqlx::query(&format!(
            "SELECT MIN(CASE WHEN {lease} IS NOT NULL AND {lease} > {due} THEN {lease} ELSE {due} END) AS t
             FROM {table} WHERE {due} IS NOT NULL{also}",
            table = queue.table,
            due = queue.due,
            lease = queue.lease,
            also = queue.also,
        ))
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get("t")?)
    }
}
