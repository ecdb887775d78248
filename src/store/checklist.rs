//! The post-resolution checklist: which items are ticked, by whom.

use super::{Store, StoreResult};
use sqlx::Row;

impl Store {
    /// Sets which of `items` are ticked (the others of `items` are unticked); items not in
    /// `items` are left as they are (they belong to another block of the message).
    pub async fn set_checklist(
        &self,
        incident_id: &str,
        items: &[(String, bool)],
        by: &str,
        now: i64,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        for (item, checked) in items {
            sqlx::query("DELETE FROM checklist_checks WHERE incident_id = $1 AND item = $2")
                .bind(incident_id)
                .bind(item)
                .execute(&mut *tx)
                .await?;
            if *checked {
                sqlx::query(
                    "INSERT INTO checklist_checks (incident_id, item, checked_by, checked_at) VALUES ($1, $2, $3, $4)",
                )
                .bind(incident_id)
                .bind(item)
                .bind(by)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// The ticked items of `incident_id`.
    pub async fn checklist_checked(&self, incident_id: &str) -> StoreResult<Vec<String>> {
        let rows = sqlx::query("SELECT item FROM checklist_checks WHERE incident_id = $1")
            .bind(incident_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok(r.try_get::<String, _>("item")?))
            .collect()
    }
}
