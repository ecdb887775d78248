//! A person's App Home, published (`views.publish`) from the state at delivery: the open
//! incidents they may see, the roles they hold, their open action items.
//!
//! Private incidents show to the people of their response as warroom records it: the
//! reporter and the role holders (`Incident::involves`), the same rule as `list`.

use super::retry::classify;
use super::slack::Deliverer;
use super::Delivery;
use crate::incident::model::Incident;
use crate::render::home::{self, Home};
use serde_json::json;

impl Deliverer<'_> {
    pub(crate) async fn publish_home(&self, user: &str) -> Delivery {
        let incidents: Vec<Incident> = match self.store.open_incidents().await {
            Ok(open) => open
                .into_iter()
                .filter(|inc| !inc.private || inc.involves(user))
                .collect(),
            Err(e) => return e.into(),
        };
        let items = match self.store.open_action_items_of(user).await {
            Ok(items) => items,
            Err(e) => return e.into(),
        };
        let view = home::view(
            self.policy,
            &Home {
                user,
                incidents: &incidents,
                items: &items,
                now: self.clock.now_ms(),
            },
        );
        match self
            .api
            .call("views.publish", json!({"user_id": user, "view": view}))
            .await
        {
            Ok(_) => Delivery::Done(None),
            Err(e) => classify(e),
        }
    }
}
