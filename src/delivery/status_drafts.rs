//! Status-page drafts in the incident channel: the offer (the draft is stored once per
//! offer, then posted with Edit and Publish), and its refresh after an edit or a publish.

use super::retry::{classify, Delivery};
use super::slack::Deliverer;
use crate::incident::model::Incident;
use crate::incident::status_page::{draft_text, PublicStatus};
use crate::render::status_page::{offer, Offer};
use serde_json::json;

impl Deliverer<'_> {
    fn offer_message(
        &self,
        inc: &Incident,
        draft: &crate::store::StoredDraft,
    ) -> crate::render::Message {
        offer(&Offer {
            inc,
            policy: self.policy,
            draft: &draft.draft,
            configured: self.integrations.statuspage.is_some(),
        })
    }

    pub(crate) async fn offer_status_draft(
        &self,
        inc: &Incident,
        status: PublicStatus,
    ) -> Delivery {
        let Some(channel) = inc.slack.channel_id.clone() else {
            return Delivery::Failed("incident channel was never created".into());
        };
        let text = draft_text(inc, status);
        let stored = match self
            .store
            .draft_for_offer(self.effect_id, &inc.id, status, &text, self.clock.now_ms())
            .await
        {
            Ok(d) => d,
            Err(e) => return e.into(),
        };
        if stored.message_ts.is_some() {
            return Delivery::Done(Some("draft already offered".into()));
        }
        let message = self.offer_message(inc, &stored);
        let args = json!({"channel": channel, "text": message.text, "blocks": message.blocks,
                          "unfurl_links": false});
        let posted = match self.post_once(args, 0).await {
            Ok(p) => p,
            Err(e) => return classify(e),
        };
        match self
            .store
            .set_draft_message(stored.draft.id, &posted.channel, &posted.ts)
            .await
        {
            Ok(()) => Delivery::Done(None),
            Err(e) => e.into(),
        }
    }

    pub(crate) async fn refresh_status_draft(&self, inc: &Incident, draft_id: i64) -> Delivery {
        let stored = match self.store.status_draft(draft_id).await {
            Ok(Some(d)) => d,
            Ok(None) => return Delivery::Done(Some("draft gone".into())),
            Err(e) => return e.into(),
        };
        let (Some(channel), Some(ts)) = (stored.channel_id.clone(), stored.message_ts.clone())
        else {
            return Delivery::Done(Some("draft not offered yet".into()));
        };
        let message = self.offer_message(inc, &stored);
        match self
            .api
            .call(
                "chat.update",
                json!({"channel": channel, "ts": ts, "text": message.text, "blocks": message.blocks}),
            )
            .await
        {
            Ok(_) => Delivery::Done(None),
            Err(e) => classify(e),
        }
    }
}
