//! Slash commands: `/incident …` parsed by the grammar (reading Slack's user mentions
//! with [`parse_mention`], so the domain sees user ids) and dispatched. The
//! answer is the acknowledgement itself (ephemeral), so no Slack call is needed for it.

use super::{Ack, IngressError};
use crate::incident::decide::{Action, DeclareRequest, UpdateFields};
use crate::incident::grammar::{self, SlashCommand};
use crate::incident::model::Incident;
use crate::incident::{Effect, Notice};
use crate::render::{self, answers, modals};
use crate::service::{Service, ServiceError};
use crate::slack::payload::{normalize_mentions, parse_mention, SlashCommandForm};

/// One slash command, already authenticated and parsed from its transport's framing.
pub async fn handle(service: &Service, form: &SlashCommandForm) -> Result<Ack, IngressError> {
    let command = match grammar::parse(&form.text, parse_mention) {
        Ok(c) => c,
        Err(e) => {
            service
                .metrics
                .inc("warroom_commands_total", "command=\"invalid\"");
            return Ok(Ack::ephemeral(render::grammar::error(&e)));
        }
    };
    service.metrics.inc(
        "warroom_commands_total",
        &format!("command=\"{}\"", command_name(&command)),
    );
    Ok(dispatch(service, form, command).await?)
}

fn command_name(c: &SlashCommand) -> &'static str {
    match c {
        SlashCommand::OpenDeclareModal => "declare_modal",
        SlashCommand::Declare { .. } => "declare",
        SlashCommand::List => "list",
        SlashCommand::Help => "help",
        SlashCommand::Status(_) => "status",
        SlashCommand::Severity(_) => "severity",
        SlashCommand::Role { .. } => "role",
        SlashCommand::Roles => "roles",
        SlashCommand::OpenUpdateModal => "update_modal",
        SlashCommand::Update(_) => "update",
        SlashCommand::Note(_) => "note",
        SlashCommand::Timeline => "timeline",
        SlashCommand::Action { .. } => "action",
        SlashCommand::Actions => "actions",
        SlashCommand::Resolve(_) => "resolve",
        SlashCommand::Close => "close",
        SlashCommand::Postmortem => "postmortem",
        SlashCommand::Escalate(_) => "escalate",
        SlashCommand::Stats { .. } => "stats",
        SlashCommand::Subscribe => "subscribe",
        SlashCommand::Unsubscribe => "unsubscribe",
        SlashCommand::CloseForce => "close",
    }
}

/// `/incident stats` without a window looks back this far.
const DEFAULT_STATS_WINDOW: std::time::Duration = std::time::Duration::from_secs(30 * 86_400);

async fn dispatch(
    service: &Service,
    form: &SlashCommandForm,
    command: SlashCommand,
) -> Result<Ack, ServiceError> {
    let user = form.user_id.as_str();
    if !command.needs_incident_channel() {
        return Ok(match command {
            SlashCommand::OpenDeclareModal => {
                let view = modals::declare::view(&service.policy, &form.channel_id);
                match service.open_view(&form.trigger_id, view).await {
                    Ok(()) => Ack::Empty,
                    Err(why) => Ack::ephemeral(format!(
                        "{} You can declare directly: `/incident declare &lt;{}&gt; &lt;title&gt;`",
                        answers::plain(&why),
                        answers::severity_list(&service.policy)
                    )),
                }
            }
            SlashCommand::Declare {
                private,
                drill,
                severity,
                title,
            } => {
                let req = DeclareRequest {
                    title: normalize_mentions(&title),
                    severity,
                    private,
                    drill,
                    reporter: user.to_string(),
                    origin_channel: form.channel_id.clone(),
                    description: String::new(),
                    service: String::new(),
                    impact: String::new(),
                };
                match service.declare(req).await? {
                    Ok(inc) => Ack::ephemeral(answers::declared(&inc)),
                    Err(refusal) => Ack::ephemeral(answers::refusal(&service.policy, &refusal)),
                }
            }
            SlashCommand::List => Ack::ephemeral(service.list_text(user).await?),
            SlashCommand::Help => Ack::ephemeral(answers::help(&service.policy)),
            SlashCommand::Stats { window, drills } => {
                let window = window.unwrap_or(DEFAULT_STATS_WINDOW);
                Ack::ephemeral(answers::stats(&service.stats(window, drills).await?))
            }
            _ => Ack::Empty,
        });
    }
    let Some(inc) = service.store.incident_by_channel(&form.channel_id).await? else {
        let verb = form.text.split_whitespace().next().unwrap_or("");
        let verb = answers::plain(verb);
        return Ok(Ack::ephemeral(format!(
            "`/incident {verb}` works only in an incident's channel. Run it in the channel warroom created for the incident (`/incident list` shows them)."
        )));
    };
    let incident_id = inc.id.as_str();
    let act = |action: Action| async move {
        Ok::<_, ServiceError>(match service.act(incident_id, user, action).await? {
            Ok(Some(reply)) => Ack::ephemeral(answers::reply(reply).to_string()),
            Ok(None) => Ack::Empty,
            Err(refusal) => Ack::ephemeral(answers::refusal(&service.policy, &refusal)),
        })
    };
    match command {
        SlashCommand::Status(status) => act(Action::SetStatus(status)).await,
        SlashCommand::Severity(sev) => act(Action::SetSeverity(sev)).await,
        SlashCommand::Role { role, user: who } => act(Action::AssignRole { role, user: who }).await,
        SlashCommand::Roles => {
            service
                .send(
                    &inc.id,
                    &[Effect::Say {
                        notice: Notice::RoleBoard,
                    }],
                )
                .await?;
            Ok(Ack::Empty)
        }
        SlashCommand::OpenUpdateModal => Ok(Ack::ephemeral_or_empty(
            open_update_modal(service, &inc, user, &form.trigger_id).await,
        )),
        SlashCommand::Update(text) => {
            act(Action::PostUpdate(UpdateFields {
                summary: normalize_mentions(&text),
                ..UpdateFields::default()
            }))
            .await
        }
        SlashCommand::Note(text) => act(Action::Note(normalize_mentions(&text))).await,
        SlashCommand::Timeline => Ok(Ack::ephemeral(service.timeline_text(&inc).await?)),
        SlashCommand::Resolve(Some(summary)) => {
            act(Action::Resolve {
                summary: normalize_mentions(&summary),
            })
            .await
        }
        SlashCommand::Resolve(None) => Ok(Ack::ephemeral_or_empty(
            open_resolve_modal(service, &inc, user, &form.trigger_id).await,
        )),
        SlashCommand::Close | SlashCommand::CloseForce => {
            if command == SlashCommand::CloseForce {
                if let Err(refusal) = super::checklist::override_note(service, &inc, user).await? {
                    return Ok(Ack::ephemeral(super::checklist::refusal_text(
                        service, &refusal,
                    )));
                }
            } else if let Some(text) = super::checklist::close_blocked(service, &inc).await? {
                return Ok(Ack::ephemeral(text));
            }
            let open_items = service
                .store
                .action_items(&inc.id)
                .await?
                .into_iter()
                .filter(|i| !i.done)
                .collect();
            act(Action::Close { open_items }).await
        }
        SlashCommand::Action { text, owner, due } => {
            act(Action::AddActionItem {
                text: normalize_mentions(&text),
                owner,
                due,
            })
            .await
        }
        SlashCommand::Actions => {
            let items = service.store.action_items(&inc.id).await?;
            if items.is_empty() {
                return Ok(Ack::ephemeral(format!(
                    "{} has no action items yet. Add one with `/incident action &lt;text&gt; [@owner] [due YYYY-MM-DD]`.",
                    inc.id
                )));
            }
            service
                .send(
                    &inc.id,
                    &[Effect::Say {
                        notice: Notice::ActionItems { items },
                    }],
                )
                .await?;
            Ok(Ack::Empty)
        }
        SlashCommand::Postmortem => {
            // The draft is rendered at delivery, from the incident as it is then.
            service.send(&inc.id, &[Effect::PostmortemCanvas]).await?;
            Ok(Ack::ephemeral(
                crate::render::canvas::postmortem_on_its_way(&inc.id),
            ))
        }
        SlashCommand::Escalate(reason) => act(Action::Escalate { reason }).await,
        SlashCommand::Subscribe => Ok(Ack::ephemeral(
            super::subscriptions::subscribe(service, &inc, user).await?,
        )),
        SlashCommand::Unsubscribe => Ok(Ack::ephemeral(
            super::subscriptions::unsubscribe(service, &inc, user).await?,
        )),

        _ => Ok(Ack::Empty),
    }
}

/// Opens the update modal; `Some(reason)` when it can't (refused, or Slack failed).
pub(super) async fn open_update_modal(
    service: &Service,
    inc: &Incident,
    user: &str,
    trigger_id: &str,
) -> Option<String> {
    if let Some(refusal) = service
        .precheck(inc, user, &Action::PostUpdate(UpdateFields::default()))
        .await
    {
        return Some(answers::refusal(&service.policy, &refusal));
    }
    match service
        .open_view(trigger_id, modals::update::view(inc))
        .await
    {
        Ok(()) => None,
        Err(why) => Some(format!(
            "{} Post a short update with `/incident update &lt;text&gt;`.",
            answers::plain(&why)
        )),
    }
}

/// Opens the resolve modal; `Some(reason)` when it can't.
pub(super) async fn open_resolve_modal(
    service: &Service,
    inc: &Incident,
    user: &str,
    trigger_id: &str,
) -> Option<String> {
    if let Some(refusal) = service
        .precheck(
            inc,
            user,
            &Action::Resolve {
                summary: String::new(),
            },
        )
        .await
    {
        return Some(answers::refusal(&service.policy, &refusal));
    }
    match service
        .open_view(trigger_id, modals::resolve::view(inc))
        .await
    {
        Ok(()) => None,
        Err(why) => Some(format!(
            "{} Resolve with `/incident resolve &lt;summary&gt;`.",
            answers::plain(&why)
        )),
    }
}
