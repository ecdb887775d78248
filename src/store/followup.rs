//! Action-item follow-up: owners' reminders due now (leased, so replicas remind once),
//! the weekly digest's slots (the first replica to record a slot posts it), and the open
//! items the digest lists.

use super::incidents::insert_effect;
use super::{Store, StoreResult};
use crate::incident::model::ActionItem;
use crate::incident::Effect;
use sqlx::Row;

impl Store {
    /// Leases up to `limit` open action items whose reminder is due at `now`.
    pub async fn claim_due_action_items(
        &self,
        now: i64,
        lease_until: i64,
        limit: i64,
    ) -> StoreResult<Vec<ActionItem>> {
        let sql = format!(
            "UPDATE action_items SET remind_lease_until = $1
             WHERE id IN (
                SELECT id FROM action_items
                WHERE remind_at IS NOT NULL AND remind_at <= $2 AND done = 0
                  AND (remind_lease_until IS NULL OR remind_lease_until < $2)
                ORDER BY remind_at LIMIT $3 {}
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
        let mut items = Vec::with_capacity(rows.len());
        for row in &rows {
            if let Some(item) = self.action_item(row.try_get("id")?).await? {
                items.push(item);
            }
        }
        Ok(items)
    }

    /// The earliest pending reminder (a leased one counts from its lease end).
    pub async fn next_action_item_reminder(&self) -> StoreResult<Option<i64>> {
        let row = sqlx::query(
            "SELECT MIN(CASE WHEN remind_lease_until IS NOT NULL AND remind_lease_until > remind_at THEN remind_lease_until ELSE remind_at END) AS t
             FROM action_items WHERE remind_at IS NOT NULL AND done = 0",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get("t")?)
    }

    /// Records digest `slot` and queues `digest` with it, unless this slot (or a later
    /// one) is already recorded. The very first slot only sets the baseline: a new
    /// installation does not post last week's digest the moment it starts. Returns
    /// whether the digest was queued.
    pub async fn claim_digest(&self, slot: i64, digest: &Effect, now: i64) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await?;
        let last: Option<i64> = sqlx::query("SELECT MAX(slot) AS slot FROM digests")
            .fetch_one(&mut *tx)
            .await?
            .try_get("slot")?;
        if last.is_some_and(|last| last >= slot) {
            return Ok(false);
        }
        let inserted = sqlx::query(
            "INSERT INTO digests (slot, created_at) VALUES ($1, $2) ON CONFLICT (slot) DO NOTHING",
        )
        .bind(slot)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        let post = inserted && last.is_some();
        if post {
            insert_effect(&mut tx, "", digest, 0, now).await?;
        }
        tx.commit().await?;
        Ok(post)
    }

    /// Every open action item with its incident's id, title and privacy, oldest first.
    pub async fn open_action_items(&self) -> StoreResult<Vec<(ActionItem, String, bool)>> {
        let rows = sqlx::query(
            "SELECT a.id AS id, i.title AS title, i.private AS private, i.drill AS drill
             FROM action_items a JOIN incidents i ON i.id = a.incident_id
             WHERE a.done = 0 ORDER BY a.id",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let hidden =
                row.try_get::<i64, _>("private")? != 0 || row.try_get::<i64, _>("drill")? != 0;
            if let Some(item) = self.action_item(row.try_get("id")?).await? {
                out.push((item, row.try_get("title")?, hidden));
            }
        }
        Ok(out)
    }
}
