//! Turns one outbox effect into Slack Web API calls (or hands it to PagerDuty or the
//! webhook), rendering what it shows from the incident as it is now, and records the
//! results (channel id, message ts).

use super::lane::Lane;
use super::retry::{already_done as already, classify, Delivery};
use super::{pagerduty, webhook};
use crate::incident::model::Incident;
use crate::incident::Effect;
use crate::integrations::Integrations;
use crate::policy::Policy;
use crate::render::{blocks, channel_name, notices, Message};
use crate::slack::client::{CallError, SlackApi};
use crate::store::{OutboxRow, Store};
use serde_json::{json, Value};

pub struct Deliverer<'a> {
    pub store: &'a Store,
    pub api: &'a dyn SlackApi,
    pub policy: &'a Policy,
    pub integrations: &'a Integrations,
    pub http: &'a crate::outbound::HttpClient,
    pub clock: &'a crate::clock::Clock,
    pub people: &'a crate::people::People,
}

macro_rules! attempt {
    ($call:expr) => {
        match $call.await {
            Ok(v) => v,
            Err(e) => return classify(e),
        }
    };
}

impl Deliverer<'_> {
    pub async fn deliver(&self, row: &OutboxRow) -> Delivery {
        let effect: Effect = match serde_json::from_str(&row.payload) {
            Ok(e) => e,
            Err(e) => return Delivery::Failed(format!("corrupt effect: {e}")),
        };
        let lane = Lane::parse(&row.lane);
        let Some(incident_id) = lane.incident() else {
            // Not about an incident: only a directed ephemeral makes sense here.
            return match &effect {
                Effect::Ephemeral {
                    user,
                    text,
                    channel: Some(channel),
                } => self.ephemeral(channel, user, text).await,
                other => Delivery::Failed(format!("{} needs an incident", other.kind())),
            };
        };
        let incident = match self.store.incident(incident_id).await {
            Ok(Some(inc)) => inc,
            Ok(None) => return Delivery::Failed(format!("incident {} not found", row.lane)),
            Err(e) => return e.into(),
        };
        if effect.is_idempotent_refresh() {
            match self.store.superseded(row).await {
                Ok(true) => return Delivery::Done(Some("superseded by a later refresh".into())),
                Ok(false) => {}
                Err(e) => return e.into(),
            }
        }
        self.run(&effect, &incident).await
    }

    async fn call(&self, method: &str, args: Value) -> Result<Value, CallError> {
        self.api.call(method, args).await
    }

    async fn run(&self, effect: &Effect, inc: &Incident) -> Delivery {
        let channel = inc.slack.channel_id.clone();
        let needs_channel = || Delivery::Failed("incident channel was never created".into());
        match effect {
            Effect::CreateChannel => self.create_channel(inc).await,
            Effect::Invite { users } => {
                let Some(channel) = channel else {
                    return needs_channel();
                };
                let result = self
                    .call(
                        "conversations.invite",
                        // Slack documents `users` as a comma-separated string.
                        json!({"channel": channel, "users": users.join(",")}),
                    )
                    .await;
                match result {
                    Ok(_) => Delivery::Done(None),
                    Err(e) if already(&e, &["already_in_channel", "cant_invite_self"]) => {
                        Delivery::Done(Some(e.code()))
                    }
                    Err(e) => classify(e),
                }
            }
            Effect::SetTopic => {
                let Some(channel) = channel else {
                    return needs_channel();
                };
                attempt!(self.call(
                    "conversations.setTopic",
                    json!({"channel": channel, "topic": blocks::topic(self.policy, inc)})
                ));
                Delivery::Done(None)
            }
            Effect::PostCard => {
                if inc.slack.card_ts.is_some() {
                    return Delivery::Done(Some("card already posted".into()));
                }
                let Some(channel) = channel else {
                    return needs_channel();
                };
                let answer = attempt!(self.call(
                    "chat.postMessage",
                    json!({"channel": channel, "text": blocks::card_text(inc), "blocks": blocks::card(self.policy, inc)})
                ));
                match answer.get("ts").and_then(Value::as_str) {
                    Some(ts) => match self.store.set_card_ts(&inc.id, ts).await {
                        Ok(()) => Delivery::Done(None),
                        Err(e) => e.into(),
                    },
                    None => Delivery::Failed("chat.postMessage answered without ts".into()),
                }
            }
            Effect::PinCard => {
                let (Some(channel), Some(ts)) = (channel, inc.slack.card_ts.clone()) else {
                    return Delivery::Failed("no card to pin".into());
                };
                match self
                    .call("pins.add", json!({"channel": channel, "timestamp": ts}))
                    .await
                {
                    Ok(_) => Delivery::Done(None),
                    Err(e) if already(&e, &["already_pinned"]) => Delivery::Done(Some(e.code())),
                    Err(e) => classify(e),
                }
            }
            Effect::UpdateCard => {
                let (Some(channel), Some(ts)) = (channel, inc.slack.card_ts.clone()) else {
                    return Delivery::Done(Some("no card yet".into()));
                };
                attempt!(self.call(
                    "chat.update",
                    json!({"channel": channel, "ts": ts, "text": blocks::card_text(inc), "blocks": blocks::card(self.policy, inc)})
                ));
                Delivery::Done(None)
            }
            Effect::Announce => {
                if inc.slack.announce_ts.is_some() {
                    return Delivery::Done(Some("already announced".into()));
                }
                let Some(target) = self.policy.announce_channel.clone() else {
                    return Delivery::Done(Some("no announce_channel configured".into()));
                };
                let answer = attempt!(self.call(
                    "chat.postMessage",
                    json!({"channel": target, "text": blocks::announcement_text(self.policy, inc),
                           "blocks": blocks::announcement(self.policy, inc), "unfurl_links": false})
                ));
                let posted_in = answer
                    .get("channel")
                    .and_then(Value::as_str)
                    .unwrap_or(&target)
                    .to_string();
                match answer.get("ts").and_then(Value::as_str) {
                    Some(ts) => match self.store.set_announcement(&inc.id, &posted_in, ts).await {
                        Ok(()) => Delivery::Done(None),
                        Err(e) => e.into(),
                    },
                    None => Delivery::Failed("chat.postMessage answered without ts".into()),
                }
            }
            Effect::UpdateAnnouncement => {
                let (Some(ch), Some(ts)) = (
                    inc.slack.announce_channel.clone(),
                    inc.slack.announce_ts.clone(),
                ) else {
                    return Delivery::Done(Some("not announced".into()));
                };
                attempt!(self.call(
                    "chat.update",
                    json!({"channel": ch, "ts": ts, "text": blocks::announcement_text(self.policy, inc),
                           "blocks": blocks::announcement(self.policy, inc)})
                ));
                Delivery::Done(None)
            }
            Effect::Say { notice } => {
                let Some(channel) = channel else {
                    return needs_channel();
                };
                let message = notices::notice(self.policy, inc, notice);
                self.post(&channel, None, message).await
            }
            Effect::SayInAnnouncementThread { notice } => {
                let (Some(ch), Some(ts)) = (
                    inc.slack.announce_channel.clone(),
                    inc.slack.announce_ts.clone(),
                ) else {
                    return Delivery::Done(Some("not announced".into()));
                };
                // Thread replies carry the words only, not the buttons.
                let text = notices::notice(self.policy, inc, notice).text;
                self.post(&ch, Some(&ts), Message::text(text)).await
            }
            Effect::Tell {
                user,
                notice,
                channel: target,
            } => {
                let Some(target) = target.clone().or(channel) else {
                    return needs_channel();
                };
                let text = notices::notice(self.policy, inc, notice).text;
                self.ephemeral(&target, user, &text).await
            }
            Effect::Post { text, blocks } => {
                let Some(channel) = channel else {
                    return needs_channel();
                };
                let mut args = json!({"channel": channel, "text": text});
                if let Some(b) = blocks {
                    args["blocks"] = b.clone();
                }
                attempt!(self.call("chat.postMessage", args));
                Delivery::Done(None)
            }
            Effect::PostInAnnouncementThread { text } => {
                let (Some(ch), Some(ts)) = (
                    inc.slack.announce_channel.clone(),
                    inc.slack.announce_ts.clone(),
                ) else {
                    return Delivery::Done(Some("not announced".into()));
                };
                attempt!(self.call(
                    "chat.postMessage",
                    json!({"channel": ch, "thread_ts": ts, "text": text})
                ));
                Delivery::Done(None)
            }
            Effect::Ephemeral {
                user,
                text,
                channel: target,
            } => {
                let Some(target) = target.clone().or(channel) else {
                    return needs_channel();
                };
                self.ephemeral(&target, user, text).await
            }
            Effect::DeclaredNotice {
                user,
                origin_channel,
            } => {
                let Some(channel) = channel else {
                    return needs_channel();
                };
                let text = notices::declared_notice(&inc.id, &channel);
                self.ephemeral(origin_channel, user, &text).await
            }
            Effect::Page { action } => match &self.integrations.pagerduty {
                Some(pd) => pagerduty::deliver(pd, self.http, self.policy, inc, *action).await,
                None => Delivery::Done(Some("PagerDuty is not configured".into())),
            },
            Effect::Webhook { event, detail } => match &self.integrations.webhook {
                Some(hook) => {
                    webhook::deliver(hook, self.http, self.clock, self.people, inc, event, detail)
                        .await
                }
                None => Delivery::Done(Some("no webhook configured".into())),
            },
            Effect::NotifySubscribers { notice } => self.notify_subscribers(inc, notice).await,
            Effect::DirectMessage { user, notice } => self.direct_message(inc, user, notice).await,
            Effect::PostChecklist => self.post_checklist(inc).await,
            Effect::PostmortemCanvas => self.postmortem_canvas(inc).await,
        }
    }

    /// Posts `message` (in several messages when its text is longer than Slack takes),
    /// in `thread_ts`'s thread when set.
    async fn post(&self, channel: &str, thread_ts: Option<&str>, message: Message) -> Delivery {
        for part in message.parts() {
            let mut args = json!({"channel": channel, "text": part.text});
            if let Some(blocks) = part.blocks {
                args["blocks"] = blocks;
            }
            if let Some(ts) = thread_ts {
                args["thread_ts"] = json!(ts);
            }
            attempt!(self.call("chat.postMessage", args));
        }
        Delivery::Done(None)
    }

    /// An ephemeral message; where the user can't receive one there (a DM with someone
    /// else, a channel they left) it goes to their DM with the app instead.
    async fn ephemeral(&self, channel: &str, user: &str, text: &str) -> Delivery {
        let result = self
            .call(
                "chat.postEphemeral",
                json!({"channel": channel, "user": user, "text": text}),
            )
            .await;
        match result {
            Ok(_) => Delivery::Done(None),
            Err(e)
                if already(
                    &e,
                    &["channel_not_found", "user_not_in_channel", "not_in_channel"],
                ) =>
            {
                attempt!(self.call("chat.postMessage", json!({"channel": user, "text": text})));
                Delivery::Done(Some(format!("sent as DM ({})", e.code())))
            }
            Err(e) => classify(e),
        }
    }

    /// Creates `{prefix}-YYYYMMDD-{slug}`, then `-2`, `-3`… while the name is taken.
    async fn create_channel(&self, inc: &Incident) -> Delivery {
        if inc.slack.channel_id.is_some() {
            return Delivery::Done(Some("channel already created".into()));
        }
        let day = crate::clock::from_ms(inc.declared_at)
            .format("%Y%m%d")
            .to_string();
        // A drill's channel says so in its name: `{prefix}-drill-YYYYMMDD-{slug}`.
        let prefix = if inc.drill {
            format!("{}-drill", self.policy.channel_prefix)
        } else {
            self.policy.channel_prefix.clone()
        };
        for attempt in 1..=50 {
            let name = channel_name::channel_name(&prefix, &day, &inc.title, &inc.id, attempt);
            let result = self
                .call(
                    "conversations.create",
                    json!({"name": name, "is_private": inc.private}),
                )
                .await;
            match result {
                Ok(answer) => {
                    let Some(id) = answer.pointer("/channel/id").and_then(Value::as_str) else {
                        return Delivery::Failed(
                            "conversations.create answered without an id".into(),
                        );
                    };
                    let name = answer
                        .pointer("/channel/name")
                        .and_then(Value::as_str)
                        .unwrap_or(&name);
                    return match self.store.set_channel(&inc.id, id, name).await {
                        Ok(()) => Delivery::Done(None),
                        Err(e) => e.into(),
                    };
                }
                Err(e) if already(&e, &["name_taken"]) => continue,
                Err(e) => return classify(e),
            }
        }
        Delivery::Failed("no free channel name after 50 attempts".into())
    }
}
