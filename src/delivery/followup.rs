//! Action-item follow-up: the owner's due-date DM, and the weekly digest in the
//! announcement channel. Both render what is true at delivery.

use super::retry::classify;
use super::slack::Deliverer;
use super::Delivery;
use crate::incident::model::Incident;
use crate::render::followup::{self, DigestItem};
use chrono::NaiveDate;
use serde_json::json;

impl Deliverer<'_> {
    pub(crate) async fn remind_action_item(
        &self,
        inc: &Incident,
        item_id: i64,
        owner: &str,
    ) -> Delivery {
        let item = match self.store.action_item(item_id).await {
            Ok(Some(item)) => item,
            Ok(None) => return Delivery::Done(Some("action item gone".into())),
            Err(e) => return e.into(),
        };
        if item.done {
            return Delivery::Done(Some("done before the reminder went out".into()));
        }
        let message = followup::due_dm(inc, &item);
        let args = json!({"channel": owner, "text": message.text, "blocks": message.blocks,
                          "unfurl_links": false});
        match self.post_once(args, 0).await {
            Ok(_) => Delivery::Done(None),
            Err(e) => classify(e),
        }
    }

    /// The digest of `[from, to)`: incidents declared then, and every open action item
    /// (overdue when its due date is before `to`'s day in the digest's time zone).
    pub(crate) async fn post_digest(&self, from: i64, to: i64) -> Delivery {
        let Some(channel) = self.policy.announce_channel.clone() else {
            return Delivery::Done(Some("no announce_channel configured".into()));
        };
        let incidents: Vec<Incident> = match self.store.incidents_since(from).await {
            Ok(all) => all
                .into_iter()
                .filter(|i| i.declared_at < to && !i.private && !i.drill)
                .collect(),
            Err(e) => return e.into(),
        };
        let open = match self.store.open_action_items().await {
            Ok(open) => open,
            Err(e) => return e.into(),
        };
        let tz = self.policy.digest.timezone;
        let day = |ms: i64| crate::clock::from_ms(ms).with_timezone(&tz).date_naive();
        let today = day(to);
        let items: Vec<DigestItem> = open
            .iter()
            .filter(|(_, _, hidden)| !hidden)
            .map(|(item, title, _)| DigestItem {
                item,
                incident_title: title,
                overdue: item
                    .due
                    .as_deref()
                    .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                    .is_some_and(|d| d < today),
            })
            .collect();
        if incidents.is_empty() && items.is_empty() {
            return Delivery::Done(Some("nothing to report this week".into()));
        }
        let week = format!("{} – {}", day(from), today);
        let message = followup::digest(&week, &incidents, &items);
        for (n, part) in message.parts().into_iter().enumerate() {
            let args = json!({"channel": channel, "text": part.text, "unfurl_links": false});
            if let Err(e) = self.post_once(args, n).await {
                return classify(e);
            }
        }
        Delivery::Done(None)
    }
}
