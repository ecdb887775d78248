//! The scheduler's action-item follow-up: owners' due-date reminders (leased per item,
//! so replicas remind once, then decided through the same service path as a command)
//! and the weekly digest (one row per slot decides which replica posts it).

use crate::incident::decide::{Action, SYSTEM_ACTOR};
use crate::incident::followup;
use crate::incident::Effect;
use crate::scheduler::Scheduler;
use crate::service::ServiceError;
use std::sync::atomic::Ordering;

/// How many due reminders one pass claims.
const BATCH: i64 = 64;

impl Scheduler {
    /// Reminds the owners of the items due now and posts the digest when its slot
    /// came; returns how many things it did.
    pub(crate) async fn follow_up(&self, now: i64) -> Result<usize, ServiceError> {
        let service = &self.service;
        let lease_until = now + self.lease.as_millis() as i64;
        let due = service
            .store
            .claim_due_action_items(now, lease_until, BATCH)
            .await?;
        for item in &due {
            let incident = item.incident_id.clone();
            let action = Action::ActionItemDue { item: item.clone() };
            match service.act(&incident, SYSTEM_ACTOR, action).await {
                Ok(Ok(_)) => {}
                Ok(Err(refusal)) => {
                    tracing::warn!(item = item.id, %refusal, "action item reminder refused")
                }
                Err(e) => tracing::warn!(item = item.id, error = %e, "action item reminder failed"),
            }
        }
        let slot = followup::digest_slot(&service.policy.digest, now);
        if slot <= self.digest_seen.load(Ordering::Relaxed) {
            return Ok(due.len());
        }
        let (from, to) = followup::digest_week(slot);
        let posted = service
            .store
            .claim_digest(slot, &Effect::PostDigest { from, to }, now)
            .await?;
        // Recorded now, by us or another replica (or a later slot is): done for the week.
        self.digest_seen.fetch_max(slot, Ordering::Relaxed);
        if posted {
            service.outbox_wake.notify_one();
        }
        Ok(due.len() + usize::from(posted))
    }

    /// The next follow-up due time: a reminder, or the next digest.
    pub(crate) async fn next_follow_up(&self, now: i64) -> Option<i64> {
        let reminder = self
            .service
            .store
            .next_action_item_reminder()
            .await
            .ok()
            .flatten();
        let digest = followup::next_digest_slot(&self.service.policy.digest, now);
        Some(reminder.map_or(digest, |r| r.min(digest)))
    }
}
