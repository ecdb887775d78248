//! The scheduler: turns stored due times into `Tick` actions through the same service
//! path as every command. It claims due incidents with a lease (PostgreSQL: `FOR UPDATE
//! SKIP LOCKED`), so replicas never tick one incident twice, and sleeps until the next
//! due time or a wake-up — no busy polling, no in-memory timers a restart would forget.

use crate::incident::decide::{Action, SYSTEM_ACTOR};
use crate::service::Service;
use std::time::Duration;
use tokio::sync::watch;

/// How many due incidents one pass claims.
const BATCH: i64 = 64;
/// Upper bound on a sleep, so due times written by other replicas are noticed.
const MAX_SLEEP: Duration = Duration::from_secs(5);

pub struct Scheduler {
    pub service: Service,
    /// A claimed incident is ours this long; a crashed replica's claims expire after it.
    pub lease: Duration,
    /// The latest digest slot this instance saw recorded: later passes of the same week
    /// skip the database.
    pub digest_seen: std::sync::atomic::AtomicI64,
}

impl Scheduler {
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        loop {
            if *stop.borrow() {
                return;
            }
            let wake = self.service.scheduler_wake.clone();
            let notified = wake.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let busy = match self.pass().await {
                Ok(n) => n > 0,
                Err(e) => {
                    tracing::warn!(error = %e, "scheduler pass failed");
                    false
                }
            };
            if busy {
                continue;
            }
            let sleep = self.sleep_for().await;
            tokio::select! {
                _ = notified => {}
                _ = tokio::time::sleep(sleep) => {}
                _ = stop.changed() => {}
            }
        }
    }

    /// Ticks every incident due now; returns how many were claimed.
    pub async fn pass(&self) -> Result<usize, crate::service::ServiceError> {
        let service = &self.service;
        let now = service.clock.now_ms();
        let due = service
            .store
            .claim_due(now, now + self.lease.as_millis() as i64, BATCH)
            .await?;
        for id in &due {
            match service.act(id, SYSTEM_ACTOR, Action::Tick).await {
                Ok(Ok(_)) => {}
                Ok(Err(refusal)) => tracing::warn!(incident = %id, %refusal, "tick refused"),
                Err(e) => tracing::warn!(incident = %id, error = %e, "tick failed"),
            }
        }
        if !due.is_empty() {
            service.metrics.inc("warroom_scheduler_ticks_total", "");
        }
        let followed_up = self.follow_up(now).await?;
        Ok(due.len() + followed_up)
    }

    async fn sleep_for(&self) -> Duration {
        let now = self.service.clock.now_ms();
        let next = match self.service.store.next_due_at().await {
            Ok(t) => Ok(match (t, self.next_follow_up(now).await) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            }),
            Err(e) => Err(e),
        };
        match next {
            Ok(Some(t)) if t > now => Duration::from_millis((t - now) as u64).min(MAX_SLEEP),
            Ok(Some(_)) => Duration::from_millis(50),
            Ok(None) => MAX_SLEEP,
            Err(_) => MAX_SLEEP,
        }
    }
}
