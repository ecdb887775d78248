//! Delivering an incident's updates to its subscribers, by DM.

use super::slack::Deliverer;
use super::Delivery;
use crate::incident::model::Incident;
use crate::incident::{Effect, Notice};
use crate::render::subscriptions;
use crate::store::NewEffect;
use serde_json::json;

impl Deliverer<'_> {
    /// Queues one DM per subscriber behind this effect in the incident's lane.
    pub(crate) async fn notify_subscribers(&self, inc: &Incident, notice: &Notice) -> Delivery {
        let subscribers = match self.store.subscribers(&inc.id).await {
            Ok(s) => s,
            Err(e) => return e.into(),
        };
        if subscribers.is_empty() {
            return Delivery::Done(Some("no subscribers".into()));
        }
        let effects: Vec<Effect> = subscribers
            .into_iter()
            .map(|user| Effect::DirectMessage {
                user,
                notice: notice.clone(),
            })
            .collect();
        let rows: Vec<NewEffect> = effects
            .iter()
            .map(|effect| NewEffect {
                lane: &inc.id,
                effect,
            })
            .collect();
        match self.store.enqueue(&rows, self.clock.now_ms()).await {
            Ok(()) => Delivery::Done(None),
            Err(e) => e.into(),
        }
    }

    /// Posts `notice` in `user`'s DM with the app.
    pub(crate) async fn direct_message(
        &self,
        inc: &Incident,
        user: &str,
        notice: &Notice,
    ) -> Delivery {
        let text = subscriptions::subscriber_dm(self.policy, inc, notice);
        match self
            .post_once(
                json!({"channel": user, "text": text, "unfurl_links": false}),
                0,
            )
            .await
        {
            Ok(_) => Delivery::Done(None),
            Err(e) if e.is_transient() => Delivery::Retry(e),
            Err(e) => Delivery::Failed(e.code()),
        }
    }
}
