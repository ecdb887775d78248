//! Action-item follow-up: owners' reminders due now (leased, so replicas remind once),
//! the weekly digest's slots (the first replica to record a slot posts it), and the open
//! items the digest lists.

use super::due_queue::DueQueue;
use super::incidents::insert_effect;
use super::{Store, StoreResult};
use crate::incident::model::ActionItem;
use crate::incident::Effect;
use sqlx::Row;

/// Open action items with a reminder set, leased while one replica sends it.
const REMINDERS: DueQueue = DueQueue {
    table: "action_items",
    due: "remind_at",
    lease: "remind_lease_until",
    also: " AND done = 0",
};

impl Store {
    /// Leases up to `limit` open action items whose reminder is due at `now`.
    pub async fn claim_due_action_items(
        &self,
        now: i64,
        lease_until: i64,
        limit: i64,
    ) -> StoreResult<Vec<ActionItem>> {
        let ids: Vec<i64> = self
            .claim_due_ids(&REMINDERS, now, lease_until, limit)
            .await?;
        let mut items = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(item) = self.action_item(id).await? {
                items.push(item);
            }
        }
        Ok(items)
    }

    /// The earliest pending reminder (a leased one counts from its lease end).
    pub async fn next_action_item_reminder(&self) -> StoreResult<Option<i64>> {
        self.next_due_in(&REMINDERS).await
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
