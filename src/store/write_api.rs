//! State behind the write API and the alert hooks: idempotency keys (first answer kept
//! 24 h) and alert groups (which incident each group declared, which alerts it has seen).

use super::{Store, StoreResult};
use sqlx::Row;

/// How long an `Idempotency-Key` is honoured.
pub const IDEMPOTENCY_TTL_MS: i64 = 24 * 3600 * 1000;
/// A first request that has not answered within this long is presumed dead (the process
/// stopped mid-request): its key may be taken over by a retry.
pub const IDEMPOTENCY_ABANDONED_MS: i64 = 60 * 1000;

/// What the store knows of an idempotency key when a request arrives.
#[derive(Debug, PartialEq, Eq)]
pub enum KeyClaim {
    /// First use: handle the request, then [`Store::finish_idempotent`].
    Claimed,
    /// Answered before: give the same answer.
    Answered { status: u16, body: String },
    /// Used before with a different request.
    Mismatch,
    /// The first request with this key is still being handled.
    InFlight,
}

/// The alert group's record, when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertGroup {
    pub incident_id: Option<String>,
    pub fingerprints: Vec<String>,
    pub updated_at: i64,
}

impl Store {
    /// Claims `(route, key)` for a request whose canonical form hashes to `request_hash`.
    pub async fn claim_idempotency_key(
        &self,
        route: &str,
        key: &str,
        request_hash: &str,
        now: i64,
    ) -> StoreResult<KeyClaim> {
        sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
            .bind(now - IDEMPOTENCY_TTL_MS)
            .execute(&self.pool)
            .await?;
        let inserted = sqlx::query(
            "INSERT INTO idempotency_keys (route, idem_key, request_hash, created_at)
             VALUES ($1, $2, $3, $4) ON CONFLICT (route, idem_key) DO NOTHING",
        )
        .bind(route)
        .bind(key)
        .bind(request_hash)
        .bind(now)
        .execute(&self.pool)
        .await?;
        if inserted.rows_affected() == 1 {
            return Ok(KeyClaim::Claimed);
        }
        let Some(row) = sqlx::query(
            "SELECT request_hash, status, body, created_at FROM idempotency_keys
             WHERE route = $1 AND idem_key = $2",
        )
        .bind(route)
        .bind(key)
        .fetch_optional(&self.pool)
        .await?
        else {
            // Pruned between the two statements: it was older than a day, so start afresh.
            return Box::pin(self.claim_idempotency_key(route, key, request_hash, now)).await;
        };
        let stored_hash: String = row.try_get("request_hash")?;
        if stored_hash != request_hash {
            return Ok(KeyClaim::Mismatch);
        }
        let status: Option<i64> = row.try_get("status")?;
        let body: Option<String> = row.try_get("body")?;
        if let (Some(status), Some(body)) = (status, body) {
            return Ok(KeyClaim::Answered {
                status: u16::try_from(status).unwrap_or(500),
                body,
            });
        }
        let created_at: i64 = row.try_get("created_at")?;
        if created_at < now - IDEMPOTENCY_ABANDONED_MS {
            let taken = sqlx::query(
                "UPDATE idempotency_keys SET created_at = $1
                 WHERE route = $2 AND idem_key = $3 AND status IS NULL AND created_at = $4",
            )
            .bind(now)
            .bind(route)
            .bind(key)
            .bind(created_at)
            .execute(&self.pool)
            .await?;
            if taken.rows_affected() == 1 {
                return Ok(KeyClaim::Claimed);
            }
        }
        Ok(KeyClaim::InFlight)
    }

    /// Records the answer given to the request that claimed `(route, key)`.
    pub async fn finish_idempotent(
        &self,
        route: &str,
        key: &str,
        status: u16,
        body: &str,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE idempotency_keys SET status = $1, body = $2 WHERE route = $3 AND idem_key = $4",
        )
        .bind(i64::from(status))
        .bind(body)
        .bind(route)
        .bind(key)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Forgets a claim whose request failed without an answer worth repeating (a 5xx):
    /// the client's retry with the same key is then handled afresh.
    pub async fn release_idempotency_key(&self, route: &str, key: &str) -> StoreResult<()> {
        sqlx::query(
            "DELETE FROM idempotency_keys WHERE route = $1 AND idem_key = $2 AND status IS NULL",
        )
        .bind(route)
        .bind(key)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn alert_group(
        &self,
        source: &str,
        group_key: &str,
    ) -> StoreResult<Option<AlertGroup>> {
        let row = sqlx::query(
            "SELECT incident_id, fingerprints, updated_at FROM alert_groups
             WHERE source = $1 AND group_key = $2",
        )
        .bind(source)
        .bind(group_key)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let fingerprints: String = row.try_get("fingerprints")?;
        Ok(Some(AlertGroup {
            incident_id: row.try_get("incident_id")?,
            fingerprints: fingerprints
                .lines()
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect(),
            updated_at: row.try_get("updated_at")?,
        }))
    }

    /// Takes the right to declare an incident for the group: true for exactly one caller,
    /// whether the group is new or its previous incident (`previous`) is closed.
    pub async fn claim_alert_group(
        &self,
        source: &str,
        group_key: &str,
        previous: Option<&str>,
        now: i64,
    ) -> StoreResult<bool> {
        let done =
            match previous {
                None => {
                    sqlx::query(
                        "INSERT INTO alert_groups (source, group_key, created_at, updated_at)
                     VALUES ($1, $2, $3, $3) ON CONFLICT (source, group_key) DO NOTHING",
                    )
                    .bind(source)
                    .bind(group_key)
                    .bind(now)
                    .execute(&self.pool)
                    .await?
                }
                Some(previous) => sqlx::query(
                    "UPDATE alert_groups SET incident_id = NULL, fingerprints = '', updated_at = $1
                     WHERE source = $2 AND group_key = $3 AND incident_id = $4",
                )
                .bind(now)
                .bind(source)
                .bind(group_key)
                .bind(previous)
                .execute(&self.pool)
                .await?,
            };
        Ok(done.rows_affected() == 1)
    }

    /// Gives up a claim whose declaration was refused, so the next notification can try.
    pub async fn drop_alert_group_claim(&self, source: &str, group_key: &str) -> StoreResult<()> {
        sqlx::query(
            "DELETE FROM alert_groups WHERE source = $1 AND group_key = $2 AND incident_id IS NULL",
        )
        .bind(source)
        .bind(group_key)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records the group's incident and the alerts now on its timeline.
    pub async fn set_alert_group(
        &self,
        source: &str,
        group_key: &str,
        incident_id: &str,
        fingerprints: &[String],
        now: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE alert_groups SET incident_id = $1, fingerprints = $2, updated_at = $3
             WHERE source = $4 AND group_key = $5",
        )
        .bind(incident_id)
        .bind(fingerprints.join("\n"))
        .bind(now)
        .bind(source)
        .bind(group_key)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
