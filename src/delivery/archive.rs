//! Archiving a closed incident's channel (`conversations.archive`).

use super::retry::{already_done, classify};
use super::slack::Deliverer;
use super::Delivery;
use crate::incident::model::{Incident, Status};
use serde_json::json;

impl Deliverer<'_> {
    pub(crate) async fn archive_channel(&self, inc: &Incident) -> Delivery {
        // The incident is read as it is now: a channel whose incident is not closed stays.
        if inc.status != Status::Closed {
            return Delivery::Done(Some(format!(
                "incident is {}, not closed: channel kept",
                inc.status
            )));
        }
        let Some(channel) = inc.slack.channel_id.clone() else {
            return Delivery::Done(Some("incident channel was never created".into()));
        };
        match self
            .api
            .call("conversations.archive", json!({"channel": channel}))
            .await
        {
            Ok(_) => Delivery::Done(None),
            // Someone archived it by hand, or an earlier attempt's answer was lost.
            Err(e) if already_done(&e, &["already_archived"]) => Delivery::Done(Some(e.code())),
            Err(e) => classify(e),
        }
    }
}
