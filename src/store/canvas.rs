//! Where the post-mortem draft lives in Slack: the incident channel's canvas.

use super::{Store, StoreResult};

impl Store {
    /// Records the channel canvas holding `id`'s post-mortem, and its link (when known).
    pub async fn set_postmortem_canvas(
        &self,
        id: &str,
        canvas_id: &str,
        url: Option<&str>,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE incidents SET postmortem_canvas_id = $1, postmortem_url = $2 WHERE id = $3",
        )
        .bind(canvas_id)
        .bind(url)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
