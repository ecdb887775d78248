//! The DM to the user a step of the escalation chain calls, with "I'm on it".

use super::retry::classify;
use super::slack::Deliverer;
use super::Delivery;
use crate::incident::model::Incident;
use crate::incident::Notice;
use crate::render::escalation_chain;
use serde_json::json;

impl Deliverer<'_> {
    pub(crate) async fn escalation_dm(
        &self,
        inc: &Incident,
        user: &str,
        notice: &Notice,
    ) -> Delivery {
        // Rendered from the incident as it is now: someone may have taken it meanwhile.
        if let Some(by) = &inc.schedule.chain_acked_by {
            return Delivery::Done(Some(format!("acknowledged by {by} before the DM went out")));
        }
        if !inc.status.is_open() {
            return Delivery::Done(Some(format!("{} before the DM went out", inc.status)));
        }
        let message = escalation_chain::dm(inc, notice);
        let args = json!({"channel": user, "text": message.text, "blocks": message.blocks,
                          "unfurl_links": false});
        match self.post_once(args, 0).await {
            Ok(_) => Delivery::Done(None),
            Err(e) => classify(e),
        }
    }
}
