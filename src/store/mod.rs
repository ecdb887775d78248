//! Persistence. One `Store` over `sqlx::Any` serves SQLite and PostgreSQL: times are
//! epoch milliseconds and flags integers, so every statement but the two claim queries
//! is the same text on both backends (those two add `FOR UPDATE SKIP LOCKED` on
//! PostgreSQL). Each backend has its own migrations directory.

mod canvas;
mod checklist;
mod console;
mod due_queue;
mod followup;
mod homes;
mod incidents;
mod outbox;
mod pace;
mod reactions;
mod records;
mod rows;
mod scheduler;
mod status_drafts;
mod subscriptions;
mod write_api;

pub use homes::HOME_REFRESH_WINDOW_MS;
pub use write_api::{AlertGroup, KeyClaim};

pub use console::{ConsoleFilter, Viewer};
pub use outbox::{NewEffect, OutboxRow, PendingEffect};
pub use records::IncidentFilter;
pub use status_drafts::StoredDraft;

use anyhow::Context;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions, Executor};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// Severity names, gravest first (the policy's order): effects of graver incidents
    /// are delivered first.
    severity_order: Arc<[String]>,
}

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Store {
    /// This store, delivering effects of the first severities (gravest first) first.
    pub fn with_severity_order(mut self, names: impl IntoIterator<Item = String>) -> Store {
        self.severity_order = names.into_iter().collect::<Vec<_>>().into();
        self
    }

    /// The delivery priority of an incident of `severity`: higher goes first. Without a
    /// configured order, the number in the name decides (`P0` before `P3`).
    pub(crate) fn priority_of(&self, severity: &str) -> i64 {
        if let Some(position) = self.severity_order.iter().position(|s| s == severity) {
            return (self.severity_order.len() - position) as i64;
        }
        if !self.severity_order.is_empty() {
            return 0;
        }
        let digits: String = severity.chars().filter(char::is_ascii_digit).collect();
        digits.parse::<i64>().map_or(0, |n| (10 - n).max(1))
    }

    /// Effects at or above this priority are grave (the two gravest severities): they
    /// may use the whole of Slack's allowance.
    pub fn grave_priority(&self) -> i64 {
        if self.severity_order.is_empty() {
            self.priority_of("P1")
        } else {
            self.severity_order.len() as i64 - 1
        }
    }

    /// Connects to `sqlite://…` (created if missing, WAL) or `postgres://…`.
    pub async fn connect(url: &str) -> anyhow::Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            anyhow::bail!(
                "DATABASE_URL must start with sqlite:// or postgres:// (got {})",
                redact(url)
            );
        };
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}mode=rwc")
            }
            _ => url.to_string(),
        };
        let options = AnyConnectOptions::from_str(&url)
            .with_context(|| format!("invalid DATABASE_URL {}", redact(&url)))?
            .log_statements(tracing::log::LevelFilter::Trace);
        let pool = match backend {
            // One connection: SQLite has one writer anyway, and a single connection
            // rules out lock-upgrade deadlocks between deferred transactions.
            Backend::Sqlite => AnyPoolOptions::new()
                .max_connections(1)
                .acquire_timeout(Duration::from_secs(10))
                .after_connect(|conn, _| {
                    Box::pin(async move {
                        conn.execute(
                            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;",
                        )
                        .await?;
                        Ok(())
                    })
                })
                .connect_with(options)
                .await,
            Backend::Postgres => AnyPoolOptions::new()
                .max_connections(10)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await,
        }
        .with_context(|| format!("cannot connect to {}", redact(&url)))?;
        Ok(Store {
            pool,
            backend,
            severity_order: Arc::from(Vec::new()),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub async fn migrate(&self) -> anyhow::Result<()> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATOR,
            Backend::Postgres => &POSTGRES_MIGRATOR,
        };
        migrator
            .run(&self.pool)
            .await
            .context("applying migrations")?;
        Ok(())
    }

    /// `/readyz`: the database answers.
    pub async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Row locking clause for claim queries.
    fn skip_locked(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite => "",
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
        }
    }

    /// SQLite has exactly one process: any lease in the file belongs to a previous run of
    /// this one, which is gone. (PostgreSQL leases may belong to live replicas: they expire.)
    pub async fn release_stale_leases(&self) -> StoreResult<()> {
        if self.backend == Backend::Sqlite {
            sqlx::query("UPDATE outbox SET lease_until = NULL WHERE state = 'pending' AND lease_until IS NOT NULL")
                .execute(&self.pool)
                .await?;
            sqlx::query(
                "UPDATE incidents SET sched_lease_until = NULL WHERE sched_lease_until IS NOT NULL",
            )
            .execute(&self.pool)
            .await?;
        }
        Ok(())
    }

    /// Records an Events API delivery; false when it was seen before (a Slack retry).
    pub async fn first_delivery_of(&self, event_id: &str, now: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "INSERT INTO processed_events (event_id, received_at) VALUES ($1, $2) ON CONFLICT (event_id) DO NOTHING",
        )
        .bind(event_id)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}

/// The URL without its password, for error messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}
