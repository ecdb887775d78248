//! Read queries of the web console. Every one takes the [`Viewer`] and filters private
//! incidents in SQL, so no page, count, search result or CSV row can show one the visitor
//! may not see.

use super::rows::{incident_from_row, INCIDENT_COLUMNS};
use super::{Store, StoreResult};
use crate::incident::model::Incident;
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, Row};

/// Who is looking: private incidents are shown to policy admins and to members of the
/// incident's channel only.
#[derive(Clone, Debug, Default)]
pub struct Viewer {
    pub user: String,
    pub admin: bool,
    /// Channel ids of private incidents the user is a member of.
    pub private_channels: Vec<String>,
}

/// The incident list's filters (query `status`, `severity`, `from`, `to`, `q`, `drills`).
#[derive(Clone, Debug, Default)]
pub struct ConsoleFilter {
    pub status: Option<String>,
    pub severity: Option<String>,
    /// Declared at or after (epoch ms).
    pub from: Option<i64>,
    /// Declared before (epoch ms).
    pub to: Option<i64>,
    /// Case-insensitive substring of the title.
    pub q: Option<String>,
    pub drills: bool,
}

/// One bound value of a dynamically built statement.
#[derive(Clone, Debug)]
enum Arg {
    Text(String),
    Int(i64),
}

/// A WHERE clause and its arguments, numbered `$1…` in order.
#[derive(Default)]
struct Clause {
    sql: String,
    args: Vec<Arg>,
}

impl Clause {
    fn push(&mut self, arg: Arg) -> String {
        self.args.push(arg);
        format!("${}", self.args.len())
    }

    /// `private = 0 OR channel_id IN (…)` unless the viewer is an admin.
    fn visible_to(&mut self, viewer: &Viewer, table: &str) {
        if viewer.admin {
            return;
        }
        if viewer.private_channels.is_empty() {
            self.sql.push_str(&format!(" AND {table}private = 0"));
            return;
        }
        let list: Vec<String> = viewer
            .private_channels
            .iter()
            .map(|c| self.push(Arg::Text(c.clone())))
            .collect();
        self.sql.push_str(&format!(
            " AND ({table}private = 0 OR {table}channel_id IN ({}))",
            list.join(", ")
        ));
    }

    fn filter(&mut self, f: &ConsoleFilter) {
        if let Some(s) = &f.status {
            let p = self.push(Arg::Text(s.clone()));
            self.sql.push_str(&format!(" AND status = {p}"));
        }
        if let Some(s) = &f.severity {
            let p = self.push(Arg::Text(s.clone()));
            self.sql.push_str(&format!(" AND severity = {p}"));
        }
        if let Some(t) = f.from {
            let p = self.push(Arg::Int(t));
            self.sql.push_str(&format!(" AND declared_at >= {p}"));
        }
        if let Some(t) = f.to {
            let p = self.push(Arg::Int(t));
            self.sql.push_str(&format!(" AND declared_at < {p}"));
        }
        if let Some(q) = f.q.as_deref().filter(|q| !q.is_empty()) {
            let pattern = format!("%{}%", like_escape(&q.to_lowercase()));
            let p = self.push(Arg::Text(pattern));
            self.sql
                .push_str(&format!(" AND LOWER(title) LIKE {p} ESCAPE '\\'"));
        }
        self.sql.push_str(drill_clause(f.drills));
    }

    fn bind<'q>(
        &self,
        mut q: Query<'q, Any, AnyArguments<'q>>,
    ) -> Query<'q, Any, AnyArguments<'q>> {
        for a in &self.args {
            q = match a {
                Arg::Text(s) => q.bind(s.clone()),
                Arg::Int(i) => q.bind(*i),
            };
        }
        q
    }
}

/// An incident with only the fields the report's figures read (times, severity, status);
/// text fields are empty.
fn figures_from_row(row: &sqlx::any::AnyRow) -> StoreResult<Incident> {
    use crate::incident::model::{Schedule, SlackRefs, Status};
    let status: String = row.try_get("status")?;
    let status = Status::parse(&status)
        .ok_or_else(|| super::StoreError::Corrupt(format!("unknown status {status:?}")))?;
    Ok(Incident {
        id: row.try_get("id")?,
        title: String::new(),
        description: String::new(),
        service: String::new(),
        impact: String::new(),
        severity: row.try_get("severity")?,
        status,
        private: row.try_get::<i64, _>("private")? != 0,
        drill: row.try_get::<i64, _>("drill")? != 0,
        reporter: String::new(),
        origin_channel: String::new(),
        declared_at: row.try_get("declared_at")?,
        first_ic_at: row.try_get("first_ic_at")?,
        mitigated_at: row.try_get("mitigated_at")?,
        resolved_at: row.try_get("resolved_at")?,
        closed_at: row.try_get("closed_at")?,
        last_update_at: None,
        resolve_summary: String::new(),
        roles: Default::default(),
        schedule: Schedule {
            severity_since: row.try_get("severity_since")?,
            ..Schedule::default()
        },
        version: 0,
        slack: SlackRefs::default(),
    })
}

/// Drills are left out unless asked for.
fn drill_clause(include: bool) -> &'static str {
    if include {
        ""
    } else {
        " AND drill = 0"
    }
}

/// `%`, `_` and `\` match themselves in a LIKE pattern (ESCAPE '\').
fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Age buckets of open action items, by when they were created.
pub const ACTION_ITEM_AGES: [(&str, i64); 4] = [
    ("under 7 days", 7),
    ("7–30 days", 30),
    ("30–90 days", 90),
    ("over 90 days", i64::MAX / 86_400_000),
];

impl Store {
    /// One page of the list (newest first) and the number of matching incidents.
    pub async fn console_incidents(
        &self,
        viewer: &Viewer,
        filter: &ConsoleFilter,
        offset: i64,
        limit: i64,
    ) -> StoreResult<(Vec<Incident>, i64)> {
        let mut c = Clause::default();
        c.visible_to(viewer, "");
        c.filter(filter);
        let count_sql = format!("SELECT COUNT(*) AS n FROM incidents WHERE 1 = 1{}", c.sql);
        let total: i64 = c
            .bind(sqlx::query(&count_sql))
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?;
        let (l, o) = (c.push(Arg::Int(limit)), c.push(Arg::Int(offset)));
        let sql = format!(
            "SELECT {INCIDENT_COLUMNS} FROM incidents WHERE 1 = 1{} ORDER BY declared_at DESC, id DESC LIMIT {l} OFFSET {o}",
            c.sql
        );
        let rows = c.bind(sqlx::query(&sql)).fetch_all(&self.pool).await?;
        let mut incidents = rows
            .iter()
            .map(incident_from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        self.attach_roles(&mut incidents).await?;
        Ok((incidents, total))
    }

    /// One incident with its roles, if it exists and the viewer may see it.
    pub async fn console_incident(
        &self,
        viewer: &Viewer,
        id: &str,
    ) -> StoreResult<Option<Incident>> {
        let mut c = Clause::default();
        let p = c.push(Arg::Text(id.to_string()));
        c.sql = format!(" AND id = {p}");
        c.visible_to(viewer, "");
        let sql = format!(
            "SELECT {INCIDENT_COLUMNS} FROM incidents WHERE 1 = 1{}",
            c.sql
        );
        let Some(row) = c.bind(sqlx::query(&sql)).fetch_optional(&self.pool).await? else {
            return Ok(None);
        };
        let mut one = vec![incident_from_row(&row)?];
        self.attach_roles(&mut one).await?;
        Ok(one.pop())
    }

    /// Every incident declared since `since` that the viewer may see (the report's input).
    pub async fn console_incidents_since(
        &self,
        viewer: &Viewer,
        since: i64,
        drills: bool,
    ) -> StoreResult<Vec<Incident>> {
        let mut c = Clause::default();
        let p = c.push(Arg::Int(since));
        c.sql = format!(" AND declared_at >= {p}");
        c.visible_to(viewer, "");
        c.sql.push_str(drill_clause(drills));
        // Only the columns the figures use: a year of incidents is thousands of rows.
        let sql = format!(
            "SELECT id, severity, status, private, drill, declared_at, first_ic_at, mitigated_at, resolved_at, closed_at, severity_since FROM incidents WHERE 1 = 1{} ORDER BY declared_at",
            c.sql
        );
        let rows = c.bind(sqlx::query(&sql)).fetch_all(&self.pool).await?;
        rows.iter().map(figures_from_row).collect()
    }

    /// Open action items of visible incidents, counted per age bucket of
    /// [`ACTION_ITEM_AGES`] at `now`.
    pub async fn console_open_action_items(
        &self,
        viewer: &Viewer,
        now: i64,
        drills: bool,
    ) -> StoreResult<Vec<(String, i64)>> {
        let mut c = Clause::default();
        c.visible_to(viewer, "i.");
        c.sql.push_str(drill_clause(drills));
        let sql = format!(
            "SELECT a.created_at AS created_at FROM action_items a JOIN incidents i ON i.id = a.incident_id WHERE a.done = 0{}",
            c.sql
        );
        let rows = c.bind(sqlx::query(&sql)).fetch_all(&self.pool).await?;
        let mut counts: Vec<(String, i64)> = ACTION_ITEM_AGES
            .iter()
            .map(|(label, _)| (label.to_string(), 0))
            .collect();
        for row in &rows {
            let created: i64 = row.try_get("created_at")?;
            let days = (now - created).max(0) / 86_400_000;
            let bucket = ACTION_ITEM_AGES
                .iter()
                .position(|(_, max)| days < *max)
                .unwrap_or(ACTION_ITEM_AGES.len() - 1);
            counts[bucket].1 += 1;
        }
        Ok(counts)
    }

    /// Channel ids of private incidents (whose membership decides who sees them).
    pub async fn private_incident_channels(&self) -> StoreResult<Vec<String>> {
        let rows = sqlx::query(
            "SELECT channel_id FROM incidents WHERE private = 1 AND channel_id IS NOT NULL",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok(r.try_get("channel_id")?)).collect()
    }
}
