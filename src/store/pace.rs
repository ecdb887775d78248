//! Slack's rate windows shared by replicas (PostgreSQL only): each key's calls in
//! `pace_calls`, a grave call's claim on the next slot in `pace_claims`. One transaction
//! per call, serialised per key by an advisory lock, so two replicas never both take the
//! last slot. SQLite has one process: its windows stay in memory.

use super::{Backend, Store, StoreResult};
use crate::delivery::pace::Window;
use sqlx::Row;

impl Store {
    /// Several processes may deliver from this database at once (PostgreSQL).
    pub fn is_shared(&self) -> bool {
        self.backend == Backend::Postgres
    }

    /// Runs `admit` on `key`'s window as the database holds it (calls at or before
    /// `prune_before` forgotten first) and stores what it changed.
    pub async fn pace_window<R>(
        &self,
        key: &str,
        prune_before: i64,
        admit: impl FnOnce(&mut Window) -> R,
    ) -> StoreResult<R> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1)::bigint)")
            .bind(key)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM pace_calls WHERE key = $1 AND at <= $2")
            .bind(key)
            .bind(prune_before)
            .execute(&mut *tx)
            .await?;
        let calls = sqlx::query("SELECT at FROM pace_calls WHERE key = $1 ORDER BY at")
            .bind(key)
            .fetch_all(&mut *tx)
            .await?;
        let claim = sqlx::query("SELECT since FROM pace_claims WHERE key = $1")
            .bind(key)
            .fetch_optional(&mut *tx)
            .await?;
        let mut window = Window {
            calls: calls
                .iter()
                .map(|r| r.try_get::<i64, _>("at"))
                .collect::<Result<_, _>>()?,
            grave_since: claim.map(|r| r.try_get::<i64, _>("since")).transpose()?,
        };
        let before = window.clone();
        let answer = admit(&mut window);
        if window.calls.back() != before.calls.back() {
            if let Some(at) = window.calls.back() {
                sqlx::query("INSERT INTO pace_calls (key, at) VALUES ($1, $2)")
                    .bind(key)
                    .bind(*at)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        if window.grave_since != before.grave_since {
            sqlx::query("DELETE FROM pace_claims WHERE key = $1")
                .bind(key)
                .execute(&mut *tx)
                .await?;
            if let Some(since) = window.grave_since {
                sqlx::query("INSERT INTO pace_claims (key, since) VALUES ($1, $2)")
                    .bind(key)
                    .bind(since)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(answer)
    }
}
