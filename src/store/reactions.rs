//! Messages added to a timeline by reaction, so each message is added once.

use super::{Store, StoreResult};

impl Store {
    /// Claims `message_ts` of `incident_id` for the timeline: `true` the first time only.
    pub async fn claim_timeline_message(
        &self,
        incident_id: &str,
        message_ts: &str,
        now: i64,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "INSERT INTO timeline_reactions (incident_id, message_ts, added_at) VALUES ($1, $2, $3) ON CONFLICT (incident_id, message_ts) DO NOTHING",
        )
        .bind(incident_id)
        .bind(message_ts)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Gives a claim back when the entry could not be recorded, so the next reaction retries.
    pub async fn release_timeline_message(
        &self,
        incident_id: &str,
        message_ts: &str,
    ) -> StoreResult<()> {
        sqlx::query("DELETE FROM timeline_reactions WHERE incident_id = $1 AND message_ts = $2")
            .bind(incident_id)
            .bind(message_ts)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
