//! Interactions: buttons, selects, modal submissions and the message shortcut. Each
//! becomes an action on an incident through the same service path as a slash command.
//! Refusals reach the user as ephemerals (through the outbox); modal validation errors go
//! back in the acknowledgement, where Slack shows them on the fields.

use super::commands::{open_resolve_modal, open_update_modal};
use super::{Ack, IngressError};
use crate::incident::decide::Action;
use crate::incident::model::Incident;
use crate::incident::status_page::StatusDraft;
use crate::incident::{Effect, Notice};
use crate::render::modals::{self, FieldErrors, Modal};
use crate::render::{answers, time};
use crate::service::{Service, ServiceError};
use crate::slack::button::Button;
use crate::slack::ids;
use crate::slack::payload::normalize_mentions;
use crate::slack::payload::{ActionInfo, Interaction, ViewValues};
use serde_json::json;

/// One interaction, already authenticated and parsed from its transport's framing.
pub async fn handle(service: &Service, interaction: Interaction) -> Result<Ack, IngressError> {
    let ack = match interaction {
        Interaction::BlockActions {
            user,
            channel,
            trigger_id,
            actions,
            ..
        } => {
            // A click in a view (the App Home) comes from no channel: answers go to the
            // clicker's DM with the app.
            let channel = channel.or_else(|| Some(user.clone()));
            for action in &actions {
                service.metrics.inc(
                    "warroom_interactions_total",
                    &format!(
                        "kind=\"block_actions\",action=\"{}\"",
                        metric_label(&action.action_id)
                    ),
                );
                on_action(service, &user, channel.as_deref(), &trigger_id, action).await?;
            }
            Ack::Empty
        }
        Interaction::ViewSubmission {
            user,
            callback_id,
            private_metadata,
            values,
            ..
        } => {
            service.metrics.inc(
                "warroom_interactions_total",
                &format!(
                    "kind=\"view_submission\",action=\"{}\"",
                    metric_label(&callback_id)
                ),
            );
            on_submission(service, &user, &callback_id, &private_metadata, &values).await?
        }
        Interaction::MessageAction {
            user,
            channel,
            callback_id,
            message_ts,
            message_user,
            message_text,
            ..
        } => {
            service.metrics.inc(
                "warroom_interactions_total",
                "kind=\"message_action\",action=\"add_to_timeline\"",
            );
            if callback_id != ids::ADD_TO_TIMELINE {
                return Ok(Ack::Empty);
            }
            add_to_timeline(
                service,
                &user,
                &channel,
                &message_ts,
                &message_user,
                &message_text,
            )
            .await?
        }
        Interaction::Other(_) => Ack::Empty,
    };
    Ok(ack)
}

/// Keeps metric label values to our own ids (no user input in label values).
fn metric_label(id: &str) -> &str {
    if id.chars().all(|c| c.is_ascii_lowercase() || c == '_') && id.len() <= 32 {
        id
    } else {
        "other"
    }
}

/// Tells `user` why nothing happened, in the channel they clicked in. `text` is
/// rendered already.
async fn explain(
    service: &Service,
    lane: &str,
    user: &str,
    channel: Option<&str>,
    text: String,
) -> Result<(), ServiceError> {
    service
        .send(
            lane,
            &[Effect::Ephemeral {
                user: user.to_string(),
                text,
                channel: channel.map(str::to_string),
            }],
        )
        .await
}

/// Tells `user` about `notice` on incident `lane`, in the channel they clicked in.
async fn tell(
    service: &Service,
    lane: &str,
    user: &str,
    channel: Option<&str>,
    notice: Notice,
) -> Result<(), ServiceError> {
    service
        .send(
            lane,
            &[Effect::Tell {
                user: user.to_string(),
                notice,
                channel: channel.map(str::to_string),
            }],
        )
        .await
}

/// Applies an action and explains a refusal or reply to the clicker.
async fn act_and_explain(
    service: &Service,
    incident_id: &str,
    user: &str,
    channel: Option<&str>,
    action: Action,
) -> Result<(), ServiceError> {
    match service.act(incident_id, user, action).await? {
        Ok(None) => Ok(()),
        Ok(Some(reply)) => {
            tell(
                service,
                incident_id,
                user,
                channel,
                Notice::Replied { reply },
            )
            .await
        }
        Err(crate::incident::Refusal::NoSuchIncident { incident }) => {
            // No incident to word it about: render it here, in no lane.
            let refusal = crate::incident::Refusal::NoSuchIncident { incident };
            let text = answers::refusal(&service.policy, &refusal);
            explain(service, "", user, channel, text).await
        }
        Err(refusal) => {
            tell(
                service,
                incident_id,
                user,
                channel,
                Notice::Refused { refusal },
            )
            .await
        }
    }
}

async fn on_action(
    service: &Service,
    user: &str,
    channel: Option<&str>,
    trigger_id: &str,
    action: &ActionInfo,
) -> Result<(), ServiceError> {
    let Some(button) = Button::decode(action) else {
        return Ok(()); // not ours (an old message, a forged payload): nothing to do
    };
    match button {
        Button::TakeRole { incident, role } => {
            act_and_explain(service, &incident, user, channel, Action::TakeRole { role }).await
        }
        Button::AssignRole { incident, role } => {
            let Some(chosen) = action.selected_user.clone() else {
                return Ok(());
            };
            act_and_explain(
                service,
                &incident,
                user,
                channel,
                Action::AssignRole { role, user: chosen },
            )
            .await
        }
        // "I'm on it" on a step of the escalation chain, in the channel or the DM.
        Button::AcknowledgeEscalation { incident } => {
            let action = Action::AcknowledgeEscalation;
            act_and_explain(service, &incident, user, channel, action).await
        }
        Button::Snooze { incident, snooze } => {
            let minutes = snooze.minutes();
            act_and_explain(
                service,
                &incident,
                user,
                channel,
                Action::Snooze { minutes },
            )
            .await
        }
        Button::PostUpdate { ref incident } | Button::Resolve { ref incident } => {
            let Some(inc) = service.store.incident(incident).await? else {
                return Ok(());
            };
            let problem = if matches!(button, Button::PostUpdate { .. }) {
                open_update_modal(service, &inc, user, trigger_id).await
            } else {
                open_resolve_modal(service, &inc, user, trigger_id).await
            };
            match problem {
                Some(text) => explain(service, &inc.id, user, channel, text).await,
                None => Ok(()),
            }
        }
        Button::ActionDone { item } => {
            let Some(item) = service.store.action_item(item).await? else {
                return Ok(());
            };
            let incident = item.incident_id.clone();
            act_and_explain(
                service,
                &incident,
                user,
                channel,
                Action::CompleteActionItem { item },
            )
            .await
        }
        Button::Join { incident } => {
            let Some(inc) = service.store.incident(&incident).await? else {
                return Ok(());
            };
            if !inc.status.is_open() || inc.private {
                let text = format!(
                    "{} is {}; there is nothing to join.",
                    answers::plain(&inc.id),
                    inc.status
                );
                return explain(service, &inc.id, user, channel, text).await;
            }
            service
                .send(
                    &inc.id,
                    &[Effect::Invite {
                        users: vec![user.to_string()],
                    }],
                )
                .await
        }
        // "Declare incident" on the App Home.
        Button::Declare => {
            let origin = channel.filter(|c| *c != user).unwrap_or("");
            let view = modals::declare::view(&service.policy, origin);
            match service.open_view(trigger_id, view).await {
                Ok(()) => Ok(()),
                Err(why) => {
                    let text = format!(
                        "{} You can declare directly: `/incident declare &lt;{}&gt; &lt;title&gt;`",
                        answers::plain(&why),
                        answers::severity_list(&service.policy)
                    );
                    explain(service, "", user, channel, text).await
                }
            }
        }
        Button::Checklist { incident, chunk } => {
            super::checklist::on_check(service, user, &incident, chunk, &action.selected_options)
                .await
        }
        // "Snooze 1 day" / "Snooze 1 week" on an action item's due-date DM.
        Button::SnoozeActionItem { item, days } => {
            let Some(item) = service.store.action_item(item).await? else {
                return Ok(());
            };
            let incident = item.incident_id.clone();
            let action = Action::SnoozeActionItem { item, days };
            act_and_explain(service, &incident, user, channel, action).await
        }
        Button::Subscribe { incident } => {
            let Some(inc) = service.store.incident(&incident).await? else {
                return Ok(());
            };
            let text = super::subscriptions::subscribe(service, &inc, user).await?;
            explain(service, &inc.id, user, channel, text).await
        }
        // "Edit" on a status-page draft: the modal opens only for those who may edit it.
        Button::EditStatusDraft { draft } => {
            let Some((inc, draft)) = status_draft(service, draft).await? else {
                return Ok(());
            };
            let check = Action::EditStatusDraft {
                text: draft.text.clone(),
                draft: draft.clone(),
            };
            if let Some(refusal) = service.precheck(&inc, user, &check).await {
                return tell(service, &inc.id, user, channel, Notice::Refused { refusal }).await;
            }
            let view = modals::status_draft::view(&inc, &draft);
            match service.open_view(trigger_id, view).await {
                Ok(()) => Ok(()),
                Err(text) => explain(service, &inc.id, user, channel, text).await,
            }
        }
        Button::PublishStatusDraft { draft } => {
            let Some((inc, draft)) = status_draft(service, draft).await? else {
                return Ok(());
            };
            let action = Action::PublishStatusDraft { draft };
            act_and_explain(service, &inc.id, user, channel, action).await
        }
    }
}

/// Status-page draft `id` and its incident, or `None` when either is gone.
async fn status_draft(
    service: &Service,
    id: i64,
) -> Result<Option<(Incident, StatusDraft)>, ServiceError> {
    let Some(stored) = service.store.status_draft(id).await? else {
        return Ok(None);
    };
    let Some(inc) = service.store.incident(&stored.draft.incident_id).await? else {
        return Ok(None);
    };
    Ok(Some((inc, stored.draft)))
}

/// `{"response_action":"errors"}`: Slack shows each message under its block.
fn field_errors(errors: FieldErrors) -> Ack {
    Ack::Json(json!({"response_action": "errors", "errors": errors}))
}

async fn on_submission(
    service: &Service,
    user: &str,
    callback_id: &str,
    metadata: &str,
    values: &ViewValues,
) -> Result<Ack, ServiceError> {
    let Some(modal) = Modal::from_callback_id(callback_id) else {
        return Ok(Ack::Empty); // not a view warroom opened
    };
    // Each modal's reader gives the typed request or the errors to show on its fields; a
    // refusal is shown on the field it is about.
    let (answer, refusal_field) = match modal {
        Modal::Declare => {
            let origin_channel = metadata;
            match modals::declare::read(values, &service.policy, user, origin_channel) {
                Err(errors) => return Ok(field_errors(errors)),
                Ok(req) => (
                    service.declare(req).await?.map(|_| ()),
                    modals::declare::SEVERITY,
                ),
            }
        }
        Modal::Update => match modals::update::read(values) {
            Err(errors) => return Ok(field_errors(errors)),
            Ok(fields) => (
                service
                    .act(metadata, user, Action::PostUpdate(fields))
                    .await?
                    .map(|_| ()),
                modals::update::SUMMARY,
            ),
        },
        Modal::StatusDraft => match modals::status_draft::read(metadata, values) {
            Err(errors) => return Ok(field_errors(errors)),
            Ok((id, text)) => {
                let Some((inc, draft)) = status_draft(service, id).await? else {
                    return Ok(field_errors(FieldErrors::from([(
                        modals::status_draft::TEXT,
                        "This draft is gone.".to_string(),
                    )])));
                };
                (
                    service
                        .act(&inc.id, user, Action::EditStatusDraft { draft, text })
                        .await?
                        .map(|_| ()),
                    modals::status_draft::TEXT,
                )
            }
        },
        Modal::Resolve => match modals::resolve::read(values) {
            Err(errors) => return Ok(field_errors(errors)),
            Ok(summary) => (
                service
                    .act(metadata, user, Action::Resolve { summary })
                    .await?
                    .map(|_| ()),
                modals::resolve::SUMMARY,
            ),
        },
    };
    Ok(match answer {
        Ok(()) => Ack::Empty,
        Err(refusal) => field_errors(FieldErrors::from([(
            refusal_field,
            answers::refusal_plain(&service.policy, &refusal),
        )])),
    })
}

/// "Add to timeline": copies a channel message with its author and original time.
async fn add_to_timeline(
    service: &Service,
    user: &str,
    channel: &str,
    message_ts: &str,
    author: &str,
    text: &str,
) -> Result<Ack, ServiceError> {
    let Some(inc) = service.store.incident_by_channel(channel).await? else {
        service
            .send(
                "",
                &[Effect::Ephemeral {
                    user: user.to_string(),
                    text: "\"Add to timeline\" works on messages in an incident's channel.".into(),
                    channel: Some(channel.to_string()),
                }],
            )
            .await?;
        return Ok(Ack::Empty);
    };
    let at = message_ts
        .split('.')
        .next()
        .and_then(|s| s.parse::<i64>().ok())
        .map(|s| s * 1000);
    let when = at
        .map(time::datetime)
        .unwrap_or_else(|| message_ts.to_string());
    let who = if author.is_empty() {
        "someone".to_string()
    } else {
        format!("@{author}")
    };
    // Slack sends message text escaped (`&lt;`); the timeline keeps what people read.
    let text = crate::render::mrkdwn::unescape(&normalize_mentions(text));
    let note = format!("{who} at {when}: {text}");
    act_and_explain(service, &inc.id, user, Some(channel), Action::Note(note)).await?;
    Ok(Ack::Empty)
}
