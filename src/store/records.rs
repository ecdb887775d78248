//! Read models for post-incident work: action items, filtered incident listings for the
//! API, and the raw material of MTTA/MTTR statistics.

use super::rows::{incident_from_row, role_from_row, INCIDENT_COLUMNS};
use super::{Store, StoreResult};
use crate::incident::model::{ActionItem, Incident};
use sqlx::any::AnyRow;
use sqlx::Row;

pub(super) const ACTION_ITEM_COLUMNS: &str =
    "id, incident_id, text, owner, due, done, created_by, created_at, done_at, done_by";

pub(super) fn action_item_from_row(r: &AnyRow) -> StoreResult<ActionItem> {
    Ok(ActionItem {
        id: r.try_get("id")?,
        incident_id: r.try_get("incident_id")?,
        text: r.try_get("text")?,
        owner: r.try_get("owner")?,
        due: r.try_get("due")?,
        done: r.try_get::<i64, _>("done")? != 0,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
        done_at: r.try_get("done_at")?,
        done_by: r.try_get("done_by")?,
    })
}

/// Filters of `GET /api/incidents`.
#[derive(Clone, Debug, Default)]
pub struct IncidentFilter {
    pub status: Option<String>,
    pub severity: Option<String>,
    /// Declared at or after (epoch ms).
    pub since: Option<i64>,
    /// Keyset cursor: incidents strictly older than (declared_at, id).
    pub before: Option<(i64, String)>,
    pub limit: i64,
}

impl Store {
    pub async fn action_items(&self, incident_id: &str) -> StoreResult<Vec<ActionItem>> {
        let rows = sqlx::query(&format!(
            "SELECT {ACTION_ITEM_COLUMNS} FROM action_items WHERE incident_id = $1 ORDER BY id"
        ))
        .bind(incident_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(action_item_from_row).collect()
    }

    pub async fn action_item(&self, id: i64) -> StoreResult<Option<ActionItem>> {
        let row = sqlx::query(&format!(
            "SELECT {ACTION_ITEM_COLUMNS} FROM action_items WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(action_item_from_row).transpose()
    }

    /// Incidents matching `filter`, newest first, with their roles.
    pub async fn list_incidents(&self, filter: &IncidentFilter) -> StoreResult<Vec<Incident>> {
        let mut sql = format!("SELECT {INCIDENT_COLUMNS} FROM incidents WHERE 1 = 1");
        let mut n = 0;
        let mut next = || {
            n += 1;
            format!("${n}")
        };
        if filter.status.is_some() {
            sql.push_str(&format!(" AND status = {}", next()));
        }
        if filter.severity.is_some() {
            sql.push_str(&format!(" AND severity = {}", next()));
        }
        if filter.since.is_some() {
            sql.push_str(&format!(" AND declared_at >= {}", next()));
        }
        if filter.before.is_some() {
            let (a, b, c) = (next(), next(), next());
            sql.push_str(&format!(
                " AND (declared_at < {a} OR (declared_at = {b} AND id < {c}))"
            ));
        }
        sql.push_str(&format!(
            " ORDER BY declared_at DESC, id DESC LIMIT {}",
            next()
        ));
        let mut q = sqlx::query(&sql);
        if let Some(s) = &filter.status {
            q = q.bind(s.clone());
        }
        if let Some(s) = &filter.severity {
            q = q.bind(s.clone());
        }
        if let Some(s) = filter.since {
            q = q.bind(s);
        }
        if let Some((at, id)) = &filter.before {
            q = q.bind(*at).bind(*at).bind(id.clone());
        }
        q = q.bind(filter.limit);
        let rows = q.fetch_all(&self.pool).await?;
        let mut incidents = rows
            .iter()
            .map(incident_from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        self.attach_roles(&mut incidents).await?;
        Ok(incidents)
    }

    /// Loads the roles of `incidents` in one query (not one per incident).
    pub(super) async fn attach_roles(&self, incidents: &mut [Incident]) -> StoreResult<()> {
        if incidents.is_empty() {
            return Ok(());
        }
        let placeholders: Vec<String> = (1..=incidents.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT incident_id, role_key, user_id, assigned_at FROM incident_roles WHERE incident_id IN ({})",
            placeholders.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for inc in incidents.iter() {
            q = q.bind(inc.id.clone());
        }
        for row in &q.fetch_all(&self.pool).await? {
            let (id, role, holder) = role_from_row(row)?;
            if let Some(inc) = incidents.iter_mut().find(|i| i.id == id) {
                inc.roles.insert(role, holder);
            }
        }
        Ok(())
    }

    /// Every incident declared since `since` (epoch ms), for statistics.
    pub async fn incidents_since(&self, since: i64) -> StoreResult<Vec<Incident>> {
        let rows = sqlx::query(&format!(
            "SELECT {INCIDENT_COLUMNS} FROM incidents WHERE declared_at >= $1 ORDER BY declared_at"
        ))
        .bind(since)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(incident_from_row).collect()
    }

    /// Open incidents per severity (the metrics gauge), without loading them.
    pub async fn open_counts(&self) -> StoreResult<Vec<(String, i64)>> {
        let rows = sqlx::query(
            "SELECT severity, COUNT(*) AS n FROM incidents WHERE status NOT IN ('resolved', 'closed') GROUP BY severity",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("severity")?, r.try_get("n")?)))
            .collect()
    }

    /// How many incidents were ever declared (benchmarks).
    pub async fn count_incidents(&self) -> StoreResult<i64> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM incidents")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("n")?)
    }
}
