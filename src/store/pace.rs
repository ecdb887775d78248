//! Slack's rate windows shared by replicas (PostgreSQL only): each key's calls in
//! `pace_calls`, a grave call's claim on the next slot in `pace_claims`. One transaction
//! per call, serialised per key by an advisory lock, so two replicas never both take the
//! last slot. SQLite has one process: its windows stay in memory.

use super::{Backend, Store, StoreResult};
use crate::delivery::pace::Window;
use sqlx::Row;
use std::time::Duration;

impl Store {
    /// Several processes may deliver from this database at once (PostgreSQL).
    pub fn is_shared(&self) -> bool {
        self.backend == Backend::Postgres
    }

    /// Counts a call on `key`'s window as the database holds it (`allowed` calls per
    /// `span`; see [`Window::admit`]), or says how long until it may be made. The clock is
    /// read once the key is locked, so a call admitted here is always later than (or as
    /// late as) every call already stored, and it is always stored.
    pub async fn pace_window(
        &self,
        key: &str,
        allowed: usize,
        span: Duration,
        grave: bool,
    ) -> StoreResult<Result<(), Duration>> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1)::bigint)")
            .bind(key)
            .execute(&mut *tx)
            .await?;
        let now = chrono::Utc::now().timestamp_millis();
        let prune_before = now - i64::try_from(span.as_millis()).unwrap_or(i64::MAX / 4);
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
        let answer = window.admit(allowed, span, grave, now);
        if answer.is_ok() {
            // Stored whatever the calls before it: comparing the window's last call would
            // miss a second call admitted in the same millisecond.
            sqlx::query("INSERT INTO pace_calls (key, at) VALUES ($1, $2)")
                .bind(key)
                .bind(now)
                .execute(&mut *tx)
                .await?;
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
