//! The command path shared by every entry point: a slash command, a button, a modal or a
//! due reminder becomes an action on an incident, decided by the domain and committed
//! with its effects in one transaction. Nothing here calls Slack except `views.open`,
//! whose trigger expires in 3 seconds.

use crate::clock::Clock;
use crate::incident::decide::{self, Action, Ctx, DeclareRequest, Outcome};
use crate::incident::model::Incident;
use crate::incident::{Effect, Refusal, Reply};
use crate::metrics::Metrics;
use crate::policy::Policy;
use crate::render;
use crate::slack::client::SharedApi;
use crate::store::{NewEffect, Store, StoreError};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// How long `views.open` may take: Slack's trigger ids live 3 s, and we must answer
/// the interaction inside Slack's 3 s too.
const VIEWS_OPEN_TIMEOUT: Duration = Duration::from_millis(2500);
/// Decisions retried after losing a race with a concurrent change to the same incident.
const CONFLICT_RETRIES: usize = 8;

/// The shared state of a running warroom.
#[derive(Clone)]
pub struct Service {
    pub store: Store,
    pub policy: Arc<Policy>,
    pub clock: Clock,
    pub api: SharedApi,
    pub metrics: Arc<Metrics>,
    /// Wakes the delivery worker after a commit.
    pub outbox_wake: Arc<Notify>,
    /// Wakes the scheduler after a commit that may have moved a due time.
    pub scheduler_wake: Arc<Notify>,
    /// PagerDuty and webhook configuration.
    pub integrations: Arc<crate::integrations::Integrations>,
    /// Snapshot of open incidents for `list`.
    pub open: Arc<crate::open_cache::OpenIncidents>,
    /// People's names, for renders where Slack mentions do not work.
    pub people: Arc<crate::people::People>,
    /// Delivery paused while Slack refuses the bot token (`/readyz` says so).
    pub pause: Arc<crate::delivery::pause::DeliveryPause>,
}

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the incident kept changing under us; try again")]
    Contended,
}

/// The result of an action: done (with an optional answer) or refused (with the reason).
pub type Answer = Result<Option<Reply>, Refusal>;

impl Service {
    fn ctx<'a>(&'a self, actor: &'a str, now: i64) -> Ctx<'a> {
        Ctx {
            policy: &self.policy,
            now,
            actor,
            paging: self.integrations.pagerduty.is_some(),
            webhooks: self.integrations.webhook.is_some(),
            statuspage: self.integrations.statuspage.is_some(),
            public_story: false,
        }
    }

    fn committed(&self) {
        self.open.invalidate();
        self.outbox_wake.notify_one();
        self.scheduler_wake.notify_waiters();
    }

    /// Declares an incident; returns it as recorded, or the refusal.
    pub async fn declare(
        &self,
        req: DeclareRequest,
    ) -> Result<Result<Incident, Refusal>, ServiceError> {
        let now = self.clock.now_ms();
        let day = crate::clock::from_ms(now).format("%Y-%m-%d").to_string();
        let actor = req.reporter.clone();
        let ctx = self.ctx(&actor, now);
        // Validate before allocating an id, so a refusal leaves no gap in the sequence.
        if self.policy.severity(&req.severity).is_none() {
            return Ok(Err(Refusal::UnknownSeverity {
                given: req.severity,
            }));
        }
        let outcome = self
            .store
            .declare(&day, now, |id| decide::declare(id, req, &ctx))
            .await?;
        if let Ok(o) = &outcome {
            self.prefetch_names(&o.incident);
            self.metrics.inc("warroom_incidents_declared_total", "");
            self.committed();
        }
        Ok(outcome.map(|o| o.incident))
    }

    /// Applies `action` by `actor` to incident `id`, retrying on concurrent changes.
    pub async fn act(&self, id: &str, actor: &str, action: Action) -> Result<Answer, ServiceError> {
        for _ in 0..CONFLICT_RETRIES {
            let Some(incident) = self.store.incident(id).await? else {
                return Ok(Err(Refusal::NoSuchIncident {
                    incident: id.to_string(),
                }));
            };
            let action = self.as_stored_now(&action).await?;
            let now = self.clock.now_ms();
            let mut ctx = self.ctx(actor, now);
            ctx.public_story = self.store.has_published_status(&incident.id).await?;
            let mut outcome: Outcome = match decide::decide(&incident, &action, &ctx) {
                Ok(o) => o,
                Err(refusal) => return Ok(Err(refusal)),
            };
            decide::post_checklist(&self.policy, &mut outcome);
            decide::notify_subscribers(&mut outcome.effects);
            match self.store.commit(&outcome, now).await? {
                Ok(()) => {
                    self.committed();
                    self.prefetch_names(&outcome.incident);
                    self.count_notices(&outcome);
                    return Ok(Ok(outcome.reply));
                }
                Err(_conflict) => continue,
            }
        }
        Err(ServiceError::Contended)
    }

    /// `action` with the stored records it carries (a status-page draft) read again, so
    /// each pass of [`Service::act`] decides on what is stored now: a second click on
    /// Publish, retried after the first one's commit, finds the draft published.
    async fn as_stored_now(&self, action: &Action) -> Result<Action, ServiceError> {
        let fresh = |id: i64| async move {
            Ok::<_, ServiceError>(self.store.status_draft(id).await?.map(|s| s.draft))
        };
        Ok(match action {
            Action::PublishStatusDraft { draft } => match fresh(draft.id).await? {
                Some(draft) => Action::PublishStatusDraft { draft },
                None => action.clone(),
            },
            Action::EditStatusDraft { draft, text } => match fresh(draft.id).await? {
                Some(draft) => Action::EditStatusDraft {
                    draft,
                    text: text.clone(),
                },
                None => action.clone(),
            },
            _ => action.clone(),
        })
    }

    /// Queues name lookups for the people of `inc` (reporter, role holders), so the
    /// post-mortem and the webhook find their names cached.
    fn prefetch_names(&self, inc: &Incident) {
        let holders = inc.roles.values().map(|h| h.user.as_str());
        self.people
            .want(std::iter::once(inc.reporter.as_str()).chain(holders));
    }

    /// Counts what warroom said on its own (reminders, nags, target notices, escalations).
    fn count_notices(&self, outcome: &Outcome) {
        for entry in &outcome.timeline {
            let kind = entry.kind.as_str();
            if matches!(
                kind,
                "reminder"
                    | "nag"
                    | "target_warning"
                    | "target_breached"
                    | "escalated"
                    | "escalation_step"
            ) {
                self.metrics
                    .inc("warroom_notices_total", &format!("kind=\"{kind}\""));
            }
        }
    }

    /// Would `action` be refused? Used before opening a modal whose submission would be.
    pub async fn precheck(&self, inc: &Incident, actor: &str, action: &Action) -> Option<Refusal> {
        let now = self.clock.now_ms();
        decide::decide(inc, action, &self.ctx(actor, now)).err()
    }

    /// Queues effects that change no state (answers to clicks).
    pub async fn send(&self, lane: &str, effects: &[Effect]) -> Result<(), ServiceError> {
        let rows: Vec<NewEffect> = effects
            .iter()
            .map(|effect| NewEffect { lane, effect })
            .collect();
        self.store.enqueue(&rows, self.clock.now_ms()).await?;
        self.open.invalidate();
        self.outbox_wake.notify_one();
        Ok(())
    }

    /// Opens a modal inline; the error is phrased for the user.
    pub async fn open_view(&self, trigger_id: &str, view: Value) -> Result<(), String> {
        if trigger_id.is_empty() {
            return Err("Slack sent no trigger to open the form with.".into());
        }
        let call = self.api.call(
            "views.open",
            json!({"trigger_id": trigger_id, "view": view}),
        );
        match tokio::time::timeout(VIEWS_OPEN_TIMEOUT, call).await {
            Ok(Ok(_)) => {
                self.metrics.inc("warroom_views_opened_total", "");
                Ok(())
            }
            Ok(Err(e)) => Err(format!("Slack would not open the form ({}).", e.code())),
            Err(_) => Err("Slack took too long to open the form.".into()),
        }
    }

    /// `/incident list`: open incidents, private ones only for those involved.
    pub async fn list_text(&self, user: &str) -> Result<String, ServiceError> {
        let now = self.clock.now_ms();
        let incidents = self.open.get(&self.store).await?;
        let visible: Vec<&Incident> = incidents
            .iter()
            .filter(|i| !i.private || i.involves(user))
            .collect();
        Ok(render::answers::list(&self.policy, &visible, now))
    }

    /// The post-mortem draft of `inc`, in Markdown, people by name where the cache has
    /// them (never waiting for Slack).
    pub async fn postmortem(&self, inc: &Incident) -> Result<String, ServiceError> {
        let people = self.people.clone();
        let person = move |id: &str| render::postmortem::person_named(&people.display(id));
        Ok(postmortem_markdown(&self.store, &self.policy, inc, &person).await?)
    }

    /// MTTA, MTTR and counts over the last `window`; drills only when `drills`.
    pub async fn stats(
        &self,
        window: Duration,
        drills: bool,
    ) -> Result<crate::incident::stats::Stats, ServiceError> {
        let now = self.clock.now_ms();
        let since = now - i64::try_from(window.as_millis()).unwrap_or(i64::MAX / 2);
        let mut incidents = self.store.incidents_since(since).await?;
        incidents.retain(|i| drills || !i.drill);
        let order: Vec<String> = self
            .policy
            .severities
            .iter()
            .map(|s| s.name.clone())
            .collect();
        let mut stats = crate::incident::stats::compute(&incidents, &order, since, now);
        stats.drills = drills;
        Ok(stats)
    }

    /// `/incident timeline`: every entry, in UTC, with its actor.
    pub async fn timeline_text(&self, inc: &Incident) -> Result<String, ServiceError> {
        let entries = self.store.timeline(&inc.id).await?;
        Ok(render::answers::timeline(inc, &entries))
    }
}

/// The post-mortem draft of `inc`, with people written by `person`.
pub async fn postmortem_markdown(
    store: &Store,
    policy: &Policy,
    inc: &Incident,
    person: &(dyn Fn(&str) -> String + Sync),
) -> Result<String, StoreError> {
    let timeline = store.timeline(&inc.id).await?;
    let updates = store.updates(&inc.id).await?;
    let action_items = store.action_items(&inc.id).await?;
    Ok(render::postmortem::render(
        &render::postmortem::PostmortemInput {
            incident: inc,
            policy,
            timeline: &timeline,
            updates: &updates,
            action_items: &action_items,
            person,
        },
    ))
}
