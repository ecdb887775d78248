//! The outbox table: effects pending delivery, claimed by lease so that several workers
//! (threads or replicas) never deliver the same effect at once. The effects of one lane go
//! out strictly in order, an effect never before the one it waits for (`after_id`), and
//! graver incidents' effects first (`priority`).

use super::incidents::insert_effect;
use super::{Store, StoreResult};
use crate::incident::Effect;
use sqlx::Row;

/// An effect claimed for delivery.
#[derive(Clone, Debug)]
pub struct OutboxRow {
    pub id: i64,
    pub lane: String,
    pub kind: String,
    pub payload: String,
    /// Delivery attempts so far, including this one.
    pub attempts: i64,
    /// When the effect was written (epoch ms).
    pub created_at: i64,
    /// An earlier attempt ended in a retry (its error is kept): it may have reached Slack.
    pub tried_before: bool,
    /// Claimed before effects of lower priority (graver incidents are higher).
    pub priority: i64,
}

/// An effect still waiting for delivery, as [`Store::pending_effects`] shows it.
#[derive(Debug)]
pub struct PendingEffect {
    pub id: i64,
    pub lane: String,
    pub kind: String,
    pub attempts: i64,
    /// Not tried again before this (epoch ms).
    pub next_attempt_at: i64,
    /// Claimed by a worker until then (epoch ms).
    pub lease_until: Option<i64>,
    /// Waits for this effect to be delivered first.
    pub after_id: Option<i64>,
    pub last_error: Option<String>,
}

/// An effect to enqueue outside a decision (answers to clicks, failure notices).
pub struct NewEffect<'a> {
    pub lane: &'a str,
    pub effect: &'a Effect,
}

impl Store {
    /// Enqueues effects on their own (no state change goes with them).
    pub async fn enqueue(&self, effects: &[NewEffect<'_>], now: i64) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        for e in effects {
            let severity: Option<String> =
                sqlx::query("SELECT severity FROM incidents WHERE id = $1")
                    .bind(e.lane)
                    .fetch_optional(&mut *tx)
                    .await?
                    .map(|row| row.try_get("severity"))
                    .transpose()?;
            let priority = severity.map_or(0, |s| self.priority_of(&s));
            insert_effect(&mut tx, e.lane, e.effect, priority, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Claims up to `limit` deliverable effects: due, not leased, and first pending in
    /// their lane. Each is leased until `lease_until`.
    pub async fn claim_effects(
        &self,
        now: i64,
        lease_until: i64,
        limit: i64,
    ) -> StoreResult<Vec<OutboxRow>> {
        let sql = format!(
            "UPDATE outbox SET lease_until = $1, attempts = attempts + 1
             WHERE id IN (
                SELECT o.id FROM outbox o
                WHERE o.state = 'pending' AND o.next_attempt_at <= $2
                  AND (o.lease_until IS NULL OR o.lease_until < $2)
                  AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.lane = o.lane AND p.state = 'pending' AND p.id < o.id)
                  AND (o.after_id IS NULL OR NOT EXISTS (SELECT 1 FROM outbox d WHERE d.id = o.after_id AND d.state = 'pending'))
                ORDER BY o.priority DESC, o.id LIMIT $3 {}
             )
             RETURNING id, lane, kind, payload, attempts, created_at, last_error, priority",
            self.skip_locked()
        );
        let rows = sqlx::query(&sql)
            .bind(lease_until)
            .bind(now)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        let mut claimed = rows
            .iter()
            .map(|r| {
                Ok(OutboxRow {
                    id: r.try_get("id")?,
                    lane: r.try_get("lane")?,
                    kind: r.try_get("kind")?,
                    payload: r.try_get("payload")?,
                    attempts: r.try_get("attempts")?,
                    created_at: r.try_get("created_at")?,
                    tried_before: r.try_get::<Option<String>, _>("last_error")?.is_some(),
                    priority: r.try_get("priority")?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        claimed.sort_by_key(|r| r.id);
        Ok(claimed)
    }

    /// Is a later effect of the same kind pending in this lane? Then the earlier refresh
    /// is redundant: the later one renders the newest state anyway.
    pub async fn superseded(&self, row: &OutboxRow) -> StoreResult<bool> {
        let later = sqlx::query(
            "SELECT id FROM outbox WHERE lane = $1 AND kind = $2 AND state = 'pending' AND id > $3 LIMIT 1",
        )
        .bind(&row.lane)
        .bind(&row.kind)
        .bind(row.id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(later.is_some())
    }

    pub async fn effect_done(&self, id: i64, now: i64, note: Option<&str>) -> StoreResult<()> {
        sqlx::query("UPDATE outbox SET state = 'done', done_at = $1, lease_until = NULL, last_error = $2 WHERE id = $3")
            .bind(now)
            .bind(note)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Transient failure: try again at `next_attempt_at`. `attempts` is what the count
    /// becomes: the claimed count, or one less for a rate-limited attempt (Slack asked us
    /// to wait, not to back off harder). Set, not decremented, so recording it twice
    /// (a lost answer from the database) changes nothing.
    pub async fn effect_retry(
        &self,
        id: i64,
        next_attempt_at: i64,
        error: &str,
        attempts: i64,
    ) -> StoreResult<()> {
        sqlx::query("UPDATE outbox SET next_attempt_at = $1, lease_until = NULL, last_error = $2, attempts = $3 WHERE id = $4")
            .bind(next_attempt_at)
            .bind(error)
            .bind(attempts)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Queues `effects` saying that `incident`'s channel is lost, unless that was said
    /// already (by this worker or another): true when queued now.
    pub async fn say_channel_lost_once(
        &self,
        incident: &str,
        effects: &[Effect],
        now: i64,
    ) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await?;
        let first = sqlx::query(
            "UPDATE incidents SET channel_lost_at = $1 WHERE id = $2 AND channel_lost_at IS NULL",
        )
        .bind(now)
        .bind(incident)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if first {
            let severity: String = sqlx::query("SELECT severity FROM incidents WHERE id = $1")
                .bind(incident)
                .fetch_one(&mut *tx)
                .await?
                .try_get("severity")?;
            let priority = self.priority_of(&severity);
            for effect in effects {
                insert_effect(&mut tx, incident, effect, priority, now).await?;
            }
        }
        tx.commit().await?;
        Ok(first)
    }

    /// Held back before anything reached Slack (our own pacing, a paused token): due
    /// again at `next_attempt_at`, nothing else changed; `attempts` is the count before
    /// this claim (the attempt is given back).
    pub async fn effect_defer(
        &self,
        id: i64,
        next_attempt_at: i64,
        attempts: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE outbox SET next_attempt_at = $1, lease_until = NULL, attempts = $2 WHERE id = $3",
        )
        .bind(next_attempt_at)
        .bind(attempts)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Permanent failure: recorded, never retried; the lane moves on.
    pub async fn effect_failed(&self, id: i64, now: i64, error: &str) -> StoreResult<()> {
        sqlx::query("UPDATE outbox SET state = 'failed', done_at = $1, lease_until = NULL, last_error = $2 WHERE id = $3")
            .bind(now)
            .bind(error)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Forgets delivered and failed effects finished before `before`, and Events API ids
    /// seen before it (Slack retries within minutes); returns the rows removed.
    pub async fn prune(&self, before: i64) -> StoreResult<u64> {
        let effects =
            sqlx::query("DELETE FROM outbox WHERE state IN ('done', 'failed') AND done_at < $1")
                .bind(before)
                .execute(&self.pool)
                .await?;
        let events = sqlx::query("DELETE FROM processed_events WHERE received_at < $1")
            .bind(before)
            .execute(&self.pool)
            .await?;
        // Windows of keys no longer used (a used key forgets its own old calls).
        sqlx::query("DELETE FROM pace_calls WHERE at < $1")
            .bind(before)
            .execute(&self.pool)
            .await?;
        sqlx::query("DELETE FROM pace_claims WHERE since < $1")
            .bind(before)
            .execute(&self.pool)
            .await?;
        // People who have not opened their App Home for longer than it is refreshed (and
        // then some): no change refreshes it any more; opening it records them again.
        sqlx::query("DELETE FROM home_viewers WHERE opened_at < $1")
            .bind(before - super::HOME_REFRESH_WINDOW_MS)
            .execute(&self.pool)
            .await?;
        Ok(effects.rows_affected() + events.rows_affected())
    }

    /// Marks every pending effect delivered (benchmark fixtures only).
    #[doc(hidden)]
    pub async fn mark_all_delivered(&self) -> StoreResult<()> {
        sqlx::query("UPDATE outbox SET state = 'done' WHERE state = 'pending'")
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Effects not yet delivered (the `outbox depth` gauge).
    pub async fn outbox_depth(&self) -> StoreResult<i64> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM outbox WHERE state = 'pending'")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("n")?)
    }

    /// When the oldest effect still waiting for delivery was written (epoch ms).
    pub async fn outbox_oldest_pending_at(&self) -> StoreResult<Option<i64>> {
        let row = sqlx::query("SELECT MIN(created_at) AS t FROM outbox WHERE state = 'pending'")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("t")?)
    }

    /// What is still waiting for delivery and why, oldest first: for an operator (or a
    /// test that timed out) asking why something has not reached Slack yet.
    pub async fn pending_effects(&self) -> StoreResult<Vec<PendingEffect>> {
        let rows = sqlx::query(
            "SELECT id, lane, kind, attempts, next_attempt_at, lease_until, after_id, last_error
             FROM outbox WHERE state = 'pending' ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(PendingEffect {
                    id: r.try_get("id")?,
                    lane: r.try_get("lane")?,
                    kind: r.try_get("kind")?,
                    attempts: r.try_get("attempts")?,
                    next_attempt_at: r.try_get("next_attempt_at")?,
                    lease_until: r.try_get("lease_until")?,
                    after_id: r.try_get("after_id")?,
                    last_error: r.try_get("last_error")?,
                })
            })
            .collect()
    }

    /// When the worker next has something to do, if nothing is deliverable now. Effects
    /// held back by an earlier one in their lane or by the one they wait for are not
    /// counted: they fall due when that one is delivered, and the worker delivering it goes
    /// straight on to them. (Counting them, which are "due" since they were written, had
    /// idle workers poll every 20 ms for as long as a channel creation was backing off.)
    pub async fn next_effect_at(&self) -> StoreResult<Option<i64>> {
        let row = sqlx::query(
            "SELECT MIN(CASE WHEN o.lease_until IS NOT NULL AND o.lease_until > o.next_attempt_at THEN o.lease_until ELSE o.next_attempt_at END) AS t
             FROM outbox o
             WHERE o.state = 'pending'
               AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.lane = o.lane AND p.state = 'pending' AND p.id < o.id)
               AND (o.after_id IS NULL OR NOT EXISTS (SELECT 1 FROM outbox d WHERE d.id = o.after_id AND d.state = 'pending'))",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get("t")?)
    }
}
