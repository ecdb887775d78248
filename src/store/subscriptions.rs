//! Subscribers: people who get an incident's updates by DM until it closes.

use super::{Store, StoreResult};
use sqlx::Row;

impl Store {
    /// Subscribes `user` to `incident_id`; `false` when they already were.
    pub async fn subscribe(&self, incident_id: &str, user: &str, now: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "INSERT INTO incident_subscribers (incident_id, user_id, subscribed_at) VALUES ($1, $2, $3) ON CONFLICT (incident_id, user_id) DO NOTHING",
        )
        .bind(incident_id)
        .bind(user)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Unsubscribes `user`; `false` when they were not subscribed.
    pub async fn unsubscribe(&self, incident_id: &str, user: &str) -> StoreResult<bool> {
        let done =
            sqlx::query("DELETE FROM incident_subscribers WHERE incident_id = $1 AND user_id = $2")
                .bind(incident_id)
                .bind(user)
                .execute(&self.pool)
                .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The subscribers of `incident_id`, in the order they subscribed.
    pub async fn subscribers(&self, incident_id: &str) -> StoreResult<Vec<String>> {
        let rows = sqlx::query(
            "SELECT user_id FROM incident_subscribers WHERE incident_id = $1 ORDER BY subscribed_at, user_id",
        )
        .bind(incident_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok(r.try_get::<String, _>("user_id")?))
            .collect()
    }
}
