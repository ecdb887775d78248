//! `POST /slack/interactions`: buttons, selects, modal submissions and the message
//! shortcut. Each becomes an action on an incident through the same service path as a
//! slash command. Refusals reach the user as ephemerals (through the outbox); modal
//! validation errors go back in the response, where Slack shows them on the fields.

use super::commands::{open_resolve_modal, open_update_modal};
use super::{bad_request, unavailable, AppState};
use crate::incident::decide::{Action, DeclareRequest, UpdateFields};
use crate::incident::grammar::normalize_mentions;
use crate::incident::model::Status;
use crate::incident::{Effect, Notice};
use crate::policy::{Impact, Urgency};
use crate::render::{answers, time};
use crate::service::{Service, ServiceError};
use crate::slack::ids;
use crate::slack::payload::{parse_interaction, ActionInfo, Interaction, ViewValues};
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use std::collections::BTreeMap;

pub async fn handle(State(state): State<AppState>, body: Bytes) -> Response {
    let interaction = match parse_interaction(&body) {
        Ok(i) => i,
        Err(e) => return bad_request(e),
    };
    let service = &state.service;
    let result = match interaction {
        Interaction::BlockActions {
            user,
            channel,
            trigger_id,
            actions,
            ..
        } => {
            for action in &actions {
                service.metrics.inc(
                    "warroom_interactions_total",
                    &format!(
                        "kind=\"block_actions\",action=\"{}\"",
                        metric_label(&action.action_id)
                    ),
                );
                if let Err(e) =
                    on_action(service, &user, channel.as_deref(), &trigger_id, action).await
                {
                    return unavailable(e);
                }
            }
            Ok("".into_response())
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
            on_submission(service, &user, &callback_id, &private_metadata, &values).await
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
                return "".into_response();
            }
            add_to_timeline(
                service,
                &user,
                &channel,
                &message_ts,
                &message_user,
                &message_text,
            )
            .await
        }
        Interaction::Other(_) => Ok("".into_response()),
    };
    result.unwrap_or_else(unavailable)
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
    let value = action.value.as_deref().unwrap_or("");
    match action.action_id.as_str() {
        ids::TAKE_ROLE => {
            let Some((incident, role)) = value.split_once(':') else {
                return Ok(());
            };
            act_and_explain(
                service,
                incident,
                user,
                channel,
                Action::TakeRole {
                    role: role.to_string(),
                },
            )
            .await
        }
        ids::ASSIGN_ROLE => {
            // block_id is "role:{incident}:{role}"; the chosen user is in selected_user.
            let mut parts = action.block_id.splitn(3, ':');
            let (Some("role"), Some(incident), Some(role)) =
                (parts.next(), parts.next(), parts.next())
            else {
                return Ok(());
            };
            let Some(chosen) = action.selected_user.clone() else {
                return Ok(());
            };
            act_and_explain(
                service,
                incident,
                user,
                channel,
                Action::AssignRole {
                    role: role.to_string(),
                    user: chosen,
                },
            )
            .await
        }
        ids::SNOOZE_15 | ids::SNOOZE_30 | ids::SNOOZE_60 => {
            let minutes = match action.action_id.as_str() {
                ids::SNOOZE_15 => 15,
                ids::SNOOZE_30 => 30,
                _ => 60,
            };
            act_and_explain(service, value, user, channel, Action::Snooze { minutes }).await
        }
        ids::POST_UPDATE | ids::RESOLVE => {
            let Some(inc) = service.store.incident(value).await? else {
                return Ok(());
            };
            let problem = if action.action_id == ids::POST_UPDATE {
                open_update_modal(service, &inc, user, trigger_id).await
            } else {
                open_resolve_modal(service, &inc, user, trigger_id).await
            };
            match problem {
                Some(text) => explain(service, &inc.id, user, channel, text).await,
                None => Ok(()),
            }
        }
        ids::ACTION_DONE => {
            let Some(item) = value.parse().ok() else {
                return Ok(());
            };
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
        ids::JOIN => {
            let Some(inc) = service.store.incident(value).await? else {
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
        ids::CHECKLIST => super::checklist::on_check(service, user, action).await,
        // "Snooze 1 day" / "Snooze 1 week" on an action item's due-date DM.
        id if id.starts_with(ids::ACTION_SNOOZE) => {
            let Some((item, days)) = value.split_once(':') else {
                return Ok(());
            };
            let (Ok(item), Ok(days)) = (item.parse::<i64>(), days.parse::<u32>()) else {
                return Ok(());
            };
            let Some(item) = service.store.action_item(item).await? else {
                return Ok(());
            };
            let incident = item.incident_id.clone();
            let action = Action::SnoozeActionItem { item, days };
            act_and_explain(service, &incident, user, channel, action).await
        }
        ids::SUBSCRIBE => {
            let Some(inc) = service.store.incident(value).await? else {
                return Ok(());
            };
            let text = super::subscriptions::subscribe(service, &inc, user).await?;
            explain(service, &inc.id, user, channel, text).await
        }
        _ => Ok(()),
    }
}

/// `{"response_action":"errors"}`: Slack shows each message under its block.
fn field_errors(errors: BTreeMap<&str, String>) -> Response {
    axum::Json(json!({"response_action": "errors", "errors": errors})).into_response()
}

async fn on_submission(
    service: &Service,
    user: &str,
    callback_id: &str,
    metadata: &str,
    values: &ViewValues,
) -> Result<Response, ServiceError> {
    match callback_id {
        ids::DECLARE_VIEW => submit_declare(service, user, metadata, values).await,
        ids::UPDATE_VIEW => {
            let status = values
                .selected(ids::update::STATUS)
                .and_then(|s| Status::parse(&s));
            let Some(summary) = values.text(ids::update::SUMMARY) else {
                return Ok(field_errors(BTreeMap::from([(
                    ids::update::SUMMARY,
                    "Say what is going on.".to_string(),
                )])));
            };
            let text = |b: &str| {
                values
                    .text(b)
                    .map(|t| normalize_mentions(&t))
                    .unwrap_or_default()
            };
            let fields = UpdateFields {
                status,
                summary: normalize_mentions(&summary),
                impact: text(ids::update::IMPACT),
                actions_taken: text(ids::update::ACTIONS),
                next_steps: text(ids::update::NEXT),
                eta: text(ids::update::ETA),
            };
            Ok(
                match service
                    .act(metadata, user, Action::PostUpdate(fields))
                    .await?
                {
                    Ok(_) => "".into_response(),
                    Err(refusal) => field_errors(BTreeMap::from([(
                        ids::update::SUMMARY,
                        answers::refusal_plain(&service.policy, &refusal),
                    )])),
                },
            )
        }
        ids::RESOLVE_VIEW => {
            let Some(summary) = values.text(ids::RESOLVE_SUMMARY) else {
                return Ok(field_errors(BTreeMap::from([(
                    ids::RESOLVE_SUMMARY,
                    "Write a short summary: it becomes the post-mortem's root cause.".to_string(),
                )])));
            };
            let action = Action::Resolve {
                summary: normalize_mentions(&summary),
            };
            Ok(match service.act(metadata, user, action).await? {
                Ok(_) => "".into_response(),
                Err(refusal) => field_errors(BTreeMap::from([(
                    ids::RESOLVE_SUMMARY,
                    answers::refusal_plain(&service.policy, &refusal),
                )])),
            })
        }
        _ => Ok("".into_response()),
    }
}

async fn submit_declare(
    service: &Service,
    user: &str,
    origin_channel: &str,
    values: &ViewValues,
) -> Result<Response, ServiceError> {
    use ids::declare::*;
    let mut errors = BTreeMap::new();
    let title = values.text(TITLE);
    if title.is_none() {
        errors.insert(TITLE, "Give the incident a title.".to_string());
    }
    let impact = values.selected(IMPACT).and_then(|v| Impact::parse(&v));
    let urgency = values.selected(URGENCY).and_then(|v| Urgency::parse(&v));
    let severity = match values.selected(SEVERITY) {
        Some(s) => Some(s),
        None => match (impact, urgency) {
            (Some(i), Some(u)) => service
                .policy
                .suggest_severity(i, u)
                .map(|s| s.name.clone()),
            _ => None,
        },
    };
    if severity.is_none() {
        errors.insert(
            SEVERITY,
            "Choose a severity, or set both impact and urgency so warroom can suggest one."
                .to_string(),
        );
    }
    let (Some(title), Some(severity)) = (title, severity) else {
        return Ok(field_errors(errors));
    };
    let impact_text = impact.map(|i| i.label().to_string()).unwrap_or_default();
    let req = DeclareRequest {
        title: normalize_mentions(&title),
        severity,
        private: values.checked(PRIVATE).iter().any(|v| v == "private"),
        drill: values.checked(DRILL).iter().any(|v| v == "drill"),
        reporter: user.to_string(),
        origin_channel: origin_channel.to_string(),
        description: values
            .text(DESCRIPTION)
            .map(|t| normalize_mentions(&t))
            .unwrap_or_default(),
        service: values.text(SERVICE).unwrap_or_default(),
        impact: impact_text,
    };
    Ok(match service.declare(req).await? {
        Ok(_) => "".into_response(),
        Err(refusal) => field_errors(BTreeMap::from([(
            SEVERITY,
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
) -> Result<Response, ServiceError> {
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
        return Ok("".into_response());
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
    Ok("".into_response())
}
