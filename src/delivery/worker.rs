//! The delivery worker: claims effects from the outbox, delivers them through the Slack
//! Web API, and records the outcome. 429s wait `Retry-After`; timeouts and 5xx back off
//! exponentially (capped); permanent errors are recorded, counted and surfaced in the
//! incident channel. Several tasks deliver different lanes concurrently; one lane (one
//! incident) is always delivered in order.

use super::lane::{Lane, Stream};
use super::pace::{PacedApi, Pacer};
use super::pause::DeliveryPause;
use super::retry::{backoff, Delivery};
use super::slack::{BotIdentity, Deliverer};
use crate::clock::Clock;
use crate::incident::effect::EffectKind;
use crate::incident::{Effect, Notice};
use crate::metrics::Metrics;
use crate::policy::Policy;
use crate::slack::client::{CallError, SharedApi};
use crate::store::{NewEffect, OutboxRow, Store};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Notify};
use tracing::Instrument;

/// How long delivered and failed effects stay in the outbox, and how often it is pruned.
const KEEP_FINISHED: Duration = Duration::from_secs(7 * 86_400);
const PRUNE_EVERY: Duration = Duration::from_secs(3_600);
/// Longest sleep with nothing due. Local commits wake a worker and retries have exact due
/// times, so this only catches effects left by a replica that died (leases expire).
const IDLE_POLL: Duration = Duration::from_secs(5);

#[derive(Clone)]
pub struct Outbox {
    pub store: Store,
    pub api: SharedApi,
    pub policy: Arc<Policy>,
    pub clock: Clock,
    pub metrics: Arc<Metrics>,
    /// Notified whenever a commit adds effects.
    pub wake: Arc<Notify>,
    /// How long a claimed effect is ours before another worker may take it over
    /// (a crashed replica's claims expire after this).
    pub lease: Duration,
    /// PagerDuty and webhook configuration, and the HTTP client that reaches them.
    pub integrations: Arc<crate::integrations::Integrations>,
    pub http: crate::outbound::HttpClient,
    /// The open-incident snapshot: a new channel changes what `list` shows.
    pub open: Arc<crate::open_cache::OpenIncidents>,
    /// Our bot's user id, learnt once.
    pub identity: Arc<BotIdentity>,
    /// Slack's rate tiers, kept across this process's workers.
    pub pacer: Arc<Pacer>,
    /// Paused while Slack refuses the token.
    pub pause: Arc<DeliveryPause>,
    /// People's names, for the webhook and the uploaded post-mortem.
    pub people: Arc<crate::people::People>,
}

impl Outbox {
    /// Runs `workers` delivery tasks until `stop` turns true; in-flight deliveries finish.
    pub async fn run(self, workers: usize, stop: watch::Receiver<bool>) {
        let mut tasks = tokio::task::JoinSet::new();
        tasks.spawn(self.clone().prune_periodically(stop.clone()));
        for _ in 0..workers.max(1) {
            let me = self.clone();
            let stop = stop.clone();
            tasks.spawn(async move { me.work(stop).await });
        }
        while tasks.join_next().await.is_some() {}
    }

    /// Keeps the outbox small: finished effects are kept a week (for inspection), then go.
    async fn prune_periodically(self, mut stop: watch::Receiver<bool>) {
        loop {
            let before = self.clock.now_ms() - KEEP_FINISHED.as_millis() as i64;
            match self.store.prune(before).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(rows = n, "pruned finished outbox effects"),
                Err(e) => tracing::warn!(error = %e, "pruning the outbox failed"),
            }
            tokio::select! {
                _ = tokio::time::sleep(PRUNE_EVERY) => {}
                _ = stop.wait_for(|s| *s) => return,
            }
        }
    }

    async fn work(self, mut stop: watch::Receiver<bool>) {
        loop {
            if *stop.borrow() {
                return;
            }
            // Register interest before looking, so a wake-up between the claim and the
            // wait is not lost.
            let wake = self.wake.clone();
            let notified = wake.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if !self.pause.may_deliver(std::time::Instant::now()) {
                // Slack refuses the token: one worker probes now and then, the rest wait.
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                    _ = stop.changed() => {}
                }
                continue;
            }
            match self.deliver_one().await {
                Ok(true) => continue,
                Ok(false) => {}
                Err(e) => tracing::warn!(error = %e, "outbox claim or record failed"),
            }
            let sleep = self.idle_sleep().await;
            tokio::select! {
                _ = notified => {}
                _ = tokio::time::sleep(sleep) => {}
                _ = stop.changed() => {}
            }
        }
    }

    /// The time effects fall due by: the app's clock, but never behind real time. Waits
    /// (backoff, pacing, pauses) are real seconds, and a test clock stopped in the past
    /// must not strand a retry that real time has long made due.
    fn due_clock(&self) -> i64 {
        self.clock
            .now_ms()
            .max(chrono::Utc::now().timestamp_millis())
    }

    async fn idle_sleep(&self) -> Duration {
        let now = self.due_clock();
        match self.store.next_effect_at().await {
            Ok(Some(t)) if t > now => Duration::from_millis((t - now) as u64).min(IDLE_POLL),
            Ok(Some(_)) => Duration::from_millis(20),
            _ => IDLE_POLL,
        }
    }

    /// Claims and delivers one effect; false when nothing was deliverable.
    pub async fn deliver_one(&self) -> Result<bool, crate::store::StoreError> {
        let now = self.due_clock();
        let lease_until = now + self.lease.as_millis() as i64;
        let rows = self.store.claim_effects(now, lease_until, 1).await?;
        let Some(row) = rows.into_iter().next() else {
            return Ok(false);
        };
        // There may be more: hand the baton to an idle worker (commits wake only one, so
        // a burst fans out across workers instead of waking all of them for one effect).
        self.wake.notify_one();
        self.deliver(&row).await?;
        Ok(true)
    }

    async fn deliver(&self, row: &OutboxRow) -> Result<(), crate::store::StoreError> {
        let span = tracing::info_span!("deliver", id = row.id, lane = %row.lane, kind = %row.kind, attempt = row.attempts);
        self.deliver_in_span(row).instrument(span).await
    }

    async fn deliver_in_span(&self, row: &OutboxRow) -> Result<(), crate::store::StoreError> {
        let lane = Lane::parse(&row.lane);
        let grave = row.priority >= self.store.grave_priority();
        let api = PacedApi::new(self.api.as_ref(), &self.pacer, grave);
        let deliverer = Deliverer {
            store: &self.store,
            api: &api,
            policy: &self.policy,
            integrations: &self.integrations,
            http: &self.http,
            clock: &self.clock,
            identity: &self.identity,
            effect_id: row.id,
            incident: lane.incident().unwrap_or_default(),
            effect_created_at: row.created_at,
            retried: row.attempts > 1 || row.tried_before,
            found: tokio::sync::OnceCell::new(),
            people: &self.people,
        };
        let outcome = deliverer.deliver(row).await;
        let now = self.due_clock();
        match outcome {
            Delivery::Done(note) => {
                if api.reached_slack() {
                    self.pause.resume();
                }
                self.metrics.delivery(&row.kind, "delivered");
                if EffectKind::parse(&row.kind) == Some(EffectKind::CreateChannel) {
                    self.open.invalidate();
                }
                self.persist(|| self.store.effect_done(row.id, now, note.as_deref()))
                    .await?;
            }
            Delivery::Retry(CallError::Paced(wait)) if !api.reached_slack() => {
                // Nothing reached Slack: wait for the slot without counting an attempt.
                self.metrics.delivery(&row.kind, "paced");
                self.persist(|| {
                    self.store
                        .effect_defer(row.id, now + wait.as_millis() as i64, row.attempts - 1)
                })
                .await?;
            }
            Delivery::Retry(err) => {
                let rate_limited = matches!(err, CallError::RateLimited(_) | CallError::Paced(_));
                let result = if rate_limited {
                    "rate_limited"
                } else {
                    "retried"
                };
                self.metrics.delivery(&row.kind, result);
                let wait = backoff(row.attempts, &err);
                tracing::info!(error = %err, wait_ms = wait.as_millis() as u64, "delivery will be retried");
                let error = err.to_string();
                self.persist(|| {
                    self.store.effect_retry(
                        row.id,
                        now + wait.as_millis() as i64,
                        &error,
                        if rate_limited {
                            row.attempts - 1
                        } else {
                            row.attempts
                        },
                    )
                })
                .await?;
            }
            Delivery::Failed(reason) if DeliveryPause::refuses_token(&reason) => {
                // Not this effect's fault: keep it (and everything else) for when the
                // token works again.
                self.pause.pause(&reason, std::time::Instant::now());
                self.metrics.delivery(&row.kind, "paused");
                let probe = self.pause.probe_every().as_millis() as i64;
                self.persist(|| {
                    self.store
                        .effect_defer(row.id, now + probe, row.attempts - 1)
                })
                .await?;
            }
            Delivery::Failed(reason) => {
                self.metrics.delivery(&row.kind, "failed");
                tracing::warn!(%reason, "delivery failed permanently");
                self.persist(|| self.store.effect_failed(row.id, now, &reason))
                    .await?;
                self.surface_failure(row, &reason, now).await?;
            }
        }
        Ok(())
    }

    /// Records what became of a delivery, trying again for a few seconds when the database
    /// hiccups: the call has been made, and an unrecorded outcome would hold the effect
    /// until its lease expires (and then deliver it again, found and adopted, but late).
    async fn persist<F, Fut>(&self, record: F) -> Result<(), crate::store::StoreError>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<(), crate::store::StoreError>>,
    {
        let mut wait = Duration::from_millis(100);
        for _ in 0..5 {
            match record().await {
                Ok(()) => return Ok(()),
                Err(e) => {
                    tracing::warn!(error = %e, retry_in_ms = wait.as_millis() as u64, "recording a delivery failed");
                    tokio::time::sleep(wait).await;
                    wait *= 2;
                }
            }
        }
        record().await
    }

    /// Tells the incident channel that something could not be done, unless the failed
    /// effect was itself a channel message (no loops) or there is no channel; a lost
    /// channel is said to the IC and in the announcement thread instead, once.
    async fn surface_failure(
        &self,
        row: &OutboxRow,
        reason: &str,
        now: i64,
    ) -> Result<(), crate::store::StoreError> {
        let lane = Lane::parse(&row.lane);
        let Some(incident_id) = lane.incident() else {
            return Ok(());
        };
        let Some(inc) = self.store.incident(incident_id).await? else {
            return Ok(());
        };
        if inc.slack.channel_id.is_none() {
            return Ok(());
        }
        let in_incident_channel = !matches!(
            lane,
            Lane::Beside {
                stream: Stream::Announcement
                    | Stream::PagerDuty
                    | Stream::Webhook
                    | Stream::Statuspage,
                ..
            }
        );
        if in_incident_channel && matches!(reason, "channel_not_found" | "is_archived") {
            // Saying so in the lost channel would fail too: tell the IC and the
            // announcement thread instead, once, while the incident is not closed.
            if inc.status == crate::incident::model::Status::Closed {
                return Ok(());
            }
            let notice = Notice::ChannelLost {
                reason: reason.to_string(),
            };
            let mut effects = vec![Effect::SayInAnnouncementThread {
                notice: notice.clone(),
            }];
            if let Some(ic) = inc.roles.get("ic") {
                effects.push(Effect::DirectMessage {
                    user: ic.user.clone(),
                    notice,
                });
            }
            self.store
                .say_channel_lost_once(incident_id, &effects, now)
                .await?;
            return Ok(());
        }
        if matches!(
            EffectKind::parse(&row.kind),
            Some(
                EffectKind::Post
                    | EffectKind::CreateChannel
                    | EffectKind::Page
                    | EffectKind::Webhook
            )
        ) {
            return Ok(());
        }
        let effect = Effect::Say {
            notice: Notice::DeliveryFailed {
                what: row.kind.clone(),
                reason: reason.to_string(),
            },
        };
        self.store
            .enqueue(
                &[NewEffect {
                    lane: incident_id,
                    effect: &effect,
                }],
                now,
            )
            .await
    }
}
