//! Turns one outbox effect into Slack Web API calls (or hands it to PagerDuty or the
//! webhook), rendering what it shows from the incident as it is now, and records the
//! results (channel id, message ts).

use super::lane::Lane;
use super::retry::{already_done as already, classify, Delivery};
use super::{pagerduty, posted, webhook};
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
    /// Who our bot is in this workspace (what it creates and posts carries its user id).
    pub identity: &'a BotIdentity,
    /// The outbox row being delivered and its incident ("" for none): they tag what it posts.
    pub effect_id: i64,
    pub incident: &'a str,
    /// When the effect was written (epoch ms): lookups read no further back.
    pub effect_created_at: i64,
    /// An earlier attempt may have reached Slack (it timed out, failed 5xx, or we died):
    /// look before posting again.
    pub retried: bool,
    /// What an earlier attempt posted, read once per delivery.
    pub found: tokio::sync::OnceCell<posted::Found>,
    /// People's names, for the webhook and the uploaded post-mortem.
    pub people: &'a crate::people::People,
}

/// The bot's own user id, asked of `auth.test` once and then kept.
#[derive(Default)]
pub struct BotIdentity(tokio::sync::OnceCell<String>);

impl BotIdentity {
    pub async fn user_id(&self, api: &dyn SlackApi) -> Result<&str, CallError> {
        let id = self
            .0
            .get_or_try_init(|| async {
                let me = api.call("auth.test", json!({})).await?;
                me.get("user_id")
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .ok_or_else(|| {
                        CallError::Transport("auth.test answered without user_id".into())
                    })
            })
            .await?;
        Ok(id.as_str())
    }
}

/// A message Slack holds: where and which.
pub(crate) struct Posted {
    pub channel: String,
    pub ts: String,
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
                Effect::PostDigest { from, to } => self.post_digest(*from, *to).await,
                Effect::PublishHome { user } => self.publish_home(user).await,
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
                let posted = attempt!(self.post_once(
                    json!({"channel": channel, "text": blocks::card_text(inc), "blocks": blocks::card(self.policy, inc)}),
                    0
                ));
                match self.store.set_card_ts(&inc.id, &posted.ts).await {
                    Ok(()) => Delivery::Done(None),
                    Err(e) => e.into(),
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
                let posted = attempt!(self.post_once(
                    json!({"channel": target, "text": blocks::announcement_text(self.policy, inc),
                           "blocks": blocks::announcement(self.policy, inc), "unfurl_links": false}),
                    0
                ));
                match self
                    .store
                    .set_announcement(&inc.id, &posted.channel, &posted.ts)
                    .await
                {
                    Ok(()) => Delivery::Done(None),
                    Err(e) => e.into(),
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
                attempt!(self.post_once(args, 0));
                Delivery::Done(None)
            }
            Effect::PostInAnnouncementThread { text } => {
                let (Some(ch), Some(ts)) = (
                    inc.slack.announce_channel.clone(),
                    inc.slack.announce_ts.clone(),
                ) else {
                    return Delivery::Done(Some("not announced".into()));
                };
                attempt!(self.post_once(json!({"channel": ch, "thread_ts": ts, "text": text}), 0));
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
            Effect::ArchiveChannel => self.archive_channel(inc).await,
            Effect::RemindActionItem { item, owner } => {
                self.remind_action_item(inc, *item, owner).await
            }
            Effect::PostDigest { from, to } => self.post_digest(*from, *to).await,
            Effect::EscalationDm { user, notice } => self.escalation_dm(inc, user, notice).await,
            Effect::OfferStatusDraft { status } => self.offer_status_draft(inc, *status).await,
            Effect::RefreshStatusDraft { draft } => self.refresh_status_draft(inc, *draft).await,
            Effect::PublishStatus { draft } => self.publish_status(inc, *draft).await,
            Effect::PublishHome { user } => self.publish_home(user).await,
        }
    }

    /// Posts `message` (in several messages when its text is longer than Slack takes),
    /// in `thread_ts`'s thread when set.
    async fn post(&self, channel: &str, thread_ts: Option<&str>, message: Message) -> Delivery {
        for (n, part) in message.parts().into_iter().enumerate() {
            let mut args = json!({"channel": channel, "text": part.text});
            if let Some(blocks) = part.blocks {
                args["blocks"] = blocks;
            }
            if let Some(ts) = thread_ts {
                args["thread_ts"] = json!(ts);
            }
            attempt!(self.post_once(args, n));
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
                attempt!(self.post_once(json!({"channel": user, "text": text}), 0));
                Delivery::Done(Some(format!("sent as DM ({})", e.code())))
            }
            Err(e) => classify(e),
        }
    }

    /// Posts part `part` of this effect's messages, tagged with the effect, unless an
    /// earlier attempt already did: then the message found is adopted, not repeated.
    pub(crate) async fn post_once(
        &self,
        mut args: Value,
        part: usize,
    ) -> Result<Posted, CallError> {
        let channel = args
            .get("channel")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        if self.retried {
            let thread = args.get("thread_ts").and_then(Value::as_str);
            let found = self
                .found
                .get_or_try_init(|| self.earlier_posts(&channel, thread))
                .await?;
            if let Some(ts) = found.get(&part) {
                tracing::info!(part, %ts, "adopting the message an earlier attempt posted");
                return Ok(Posted {
                    channel,
                    ts: ts.clone(),
                });
            }
        }
        args["metadata"] = posted::Tag {
            effect_id: self.effect_id,
            incident: self.incident,
            part,
        }
        .metadata();
        let answer = self.call("chat.postMessage", args).await?;
        let Some(ts) = answer.get("ts").and_then(Value::as_str) else {
            // Retried, this looks for the message before posting again.
            return Err(CallError::Transport(
                "chat.postMessage answered without ts".into(),
            ));
        };
        let channel = answer
            .get("channel")
            .and_then(Value::as_str)
            .unwrap_or(&channel)
            .to_string();
        Ok(Posted {
            channel,
            ts: ts.to_string(),
        })
    }

    /// What an earlier attempt of this effect posted in `channel` (or the thread). A
    /// lookup Slack refuses for good (a missing history scope) counts as nothing found:
    /// posting twice beats not posting.
    async fn earlier_posts(
        &self,
        channel: &str,
        thread_ts: Option<&str>,
    ) -> Result<posted::Found, CallError> {
        let bot = self.identity.user_id(self.api).await?.to_string();
        let found = posted::find(
            self.api,
            channel,
            thread_ts,
            self.effect_id,
            self.incident,
            &bot,
            self.effect_created_at,
        )
        .await;
        match found {
            Ok(found) => Ok(found),
            Err(e) if e.is_transient() => Err(e),
            Err(e) => {
                tracing::warn!(error = %e, "could not read the channel before posting again; posting");
                Ok(posted::Found::new())
            }
        }
    }

    /// The incident's channel now exists: the homes that list the incident link it.
    async fn refresh_homes(&self, inc: &Incident) {
        if let Err(e) = self
            .store
            .refresh_homes_of(&inc.id, self.clock.now_ms())
            .await
        {
            // The homes show the link the next time anything changes or they are opened.
            tracing::warn!(incident = %inc.id, error = %e, "could not queue the home refreshes");
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
                        Ok(()) => {
                            self.refresh_homes(inc).await;
                            Delivery::Done(None)
                        }
                        Err(e) => e.into(),
                    };
                }
                Err(e) if already(&e, &["name_taken"]) => {
                    // Taken by us, in an attempt whose answer was lost? Then it is ours.
                    let adopted = match self.identity.user_id(self.api).await {
                        Ok(bot) => posted::own_channel(self.api, &name, bot, inc.declared_at).await,
                        Err(e) => Err(e),
                    };
                    let (id, name) = match adopted {
                        Ok(Some(found)) => found,
                        Ok(None) => continue,
                        Err(e) => return classify(e),
                    };
                    match self.store.incident_by_channel(&id).await {
                        Ok(None) => {}
                        Ok(Some(_)) => continue,
                        Err(e) => return e.into(),
                    }
                    tracing::info!(channel = %id, %name, "adopting the channel an earlier attempt created");
                    return match self.store.set_channel(&inc.id, &id, &name).await {
                        Ok(()) => {
                            self.refresh_homes(inc).await;
                            Delivery::Done(Some("adopted the channel created earlier".into()))
                        }
                        Err(e) => e.into(),
                    };
                }
                Err(e) => return classify(e),
            }
        }
        Delivery::Failed("no free channel name after 50 attempts".into())
    }
}
