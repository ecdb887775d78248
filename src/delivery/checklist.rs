//! Posting the post-resolution checklist, with the ticks recorded so far.

use super::slack::Deliverer;
use super::Delivery;
use crate::incident::model::Incident;
use crate::render::checklist;
use serde_json::json;

impl Deliverer<'_> {
    pub(crate) async fn post_checklist(&self, inc: &Incident) -> Delivery {
        let Some(channel) = inc.slack.channel_id.clone() else {
            return Delivery::Failed("incident channel was never created".into());
        };
        let Some(items) = self
            .policy
            .severity(&inc.severity)
            .map(|s| s.checklist.clone())
            .filter(|c| !c.is_empty())
        else {
            return Delivery::Done(Some("no checklist for this severity".into()));
        };
        let checked = match self.store.checklist_checked(&inc.id).await {
            Ok(c) => c,
            Err(e) => return e.into(),
        };
        let message = checklist::checklist(inc, &items, &checked);
        let mut args = json!({"channel": channel, "text": message.text});
        if let Some(blocks) = message.blocks {
            args["blocks"] = blocks;
        }
        match self.post_once(args, 0).await {
            Ok(_) => Delivery::Done(None),
            Err(e) if e.is_transient() => Delivery::Retry(e),
            Err(e) => Delivery::Failed(e.code()),
        }
    }
}
