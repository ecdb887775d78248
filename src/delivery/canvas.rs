//! Delivers the post-mortem draft into the incident channel's canvas.
//!
//! The first delivery creates the channel canvas, later ones replace its content, so the
//! channel keeps one living document. Exactly once: the canvas id is recorded; a create
//! whose answer was lost (timeout, crash) is retried, Slack answers
//! `channel_canvas_already_exists`, and the canvas is found in the channel's
//! `properties.canvas` and adopted instead of making a second one. Workspaces without
//! channel canvases get the draft as a Markdown file in the channel, with a word why.
//!
//! The card's link to the canvas is added by queueing an ordinary `UpdateCard` behind
//! this effect, so the card is rendered in one place only.

use super::retry::{already_done as is, classify, Delivery};
use super::slack::Deliverer;
use crate::incident::model::Incident;
use crate::incident::Effect;
use crate::outbound::SendError;
use crate::render::{canvas as text, postmortem};
use crate::service::postmortem_markdown;
use crate::slack::client::CallError;
use crate::store::NewEffect;
use serde_json::{json, Value};
use std::time::Duration;

/// Slack's answers for a workspace (or token) that cannot have channel canvases.
const NO_CANVASES: &[&str] = &[
    "team_tier_cannot_create_channel_canvases",
    "canvas_disabled_user_team",
    "not_allowed_token_type",
];
/// Longest wait for the file upload itself (the bytes, not the Web API calls).
const UPLOAD_TIMEOUT: Duration = Duration::from_secs(30);

/// What became of asking for the channel's canvas.
enum Canvas {
    /// Made now, already holding the draft.
    Created,
    /// Already there (made by an earlier attempt): its content still needs replacing.
    Adopted(String),
    /// The workspace has no channel canvases (the error code).
    Unavailable(String),
}

impl Deliverer<'_> {
    /// Writes the draft, rendered from the incident as it is now, into the channel canvas.
    pub(crate) async fn postmortem_canvas(&self, inc: &Incident) -> Delivery {
        let Some(channel) = inc.slack.channel_id.clone() else {
            return Delivery::Failed("incident channel was never created".into());
        };
        let markdown =
            match postmortem_markdown(self.store, self.policy, inc, &postmortem::person_in_canvas)
                .await
            {
                Ok(md) => md,
                Err(e) => return e.into(),
            };
        let content = json!({"type": "markdown", "markdown": markdown});
        // `recorded`: the canvas id (and link) was recorded just now, so the card must show it.
        let (canvas_id, recorded) = match inc.slack.postmortem_canvas_id.clone() {
            Some(id) => (id, false),
            None => match self.create_or_adopt(inc, &channel, &content).await {
                Ok(Canvas::Created) => return self.link_from_card(inc).await,
                Ok(Canvas::Adopted(id)) => (id, true),
                Ok(Canvas::Unavailable(code)) => {
                    return self.upload_file(inc, &channel, &code).await
                }
                Err(e) => return e,
            },
        };
        match self.replace(&canvas_id, &content).await {
            Ok(()) if recorded => self.link_from_card(inc).await,
            Ok(()) => Delivery::Done(None),
            // Someone deleted the canvas: make a new one (and link to it).
            Err(e) if is(&e, &["canvas_not_found", "canvas_deleted"]) => {
                match self.create_or_adopt(inc, &channel, &content).await {
                    Ok(Canvas::Created) => self.link_from_card(inc).await,
                    Ok(Canvas::Adopted(id)) => match self.replace(&id, &content).await {
                        Ok(()) => self.link_from_card(inc).await,
                        Err(e) => classify(e),
                    },
                    Ok(Canvas::Unavailable(code)) => self.upload_file(inc, &channel, &code).await,
                    Err(e) => e,
                }
            }
            Err(e) => classify(e),
        }
    }

    /// Replaces the whole content of canvas `id`.
    async fn replace(&self, id: &str, content: &Value) -> Result<(), CallError> {
        let changes = json!([{"operation": "replace", "document_content": content}]);
        self.api
            .call(
                "canvases.edit",
                json!({"canvas_id": id, "changes": changes}),
            )
            .await
            .map(drop)
    }

    /// Creates the channel canvas with `content`, or finds the one an earlier attempt made;
    /// records its id and link either way.
    async fn create_or_adopt(
        &self,
        inc: &Incident,
        channel: &str,
        content: &Value,
    ) -> Result<Canvas, Delivery> {
        let created = self
            .api
            .call(
                "conversations.canvases.create",
                json!({"channel_id": channel, "document_content": content}),
            )
            .await;
        let (canvas, id) = match created {
            Ok(answer) => match answer.get("canvas_id").and_then(Value::as_str) {
                Some(id) => (Canvas::Created, id.to_string()),
                None => {
                    return Err(Delivery::Failed(
                        "conversations.canvases.create answered without canvas_id".into(),
                    ))
                }
            },
            Err(e) if is(&e, &["channel_canvas_already_exists"]) => {
                let info = self
                    .api
                    .call("conversations.info", json!({"channel": channel}))
                    .await
                    .map_err(classify)?;
                match info
                    .pointer("/channel/properties/canvas/file_id")
                    .and_then(Value::as_str)
                {
                    Some(id) => (Canvas::Adopted(id.to_string()), id.to_string()),
                    None => {
                        return Err(Delivery::Failed(
                            "the channel has a canvas but conversations.info does not show it"
                                .into(),
                        ))
                    }
                }
            }
            Err(e) if is(&e, NO_CANVASES) => return Ok(Canvas::Unavailable(e.code())),
            Err(e) => return Err(classify(e)),
        };
        let url = self.canvas_url(&id).await;
        self.store
            .set_postmortem_canvas(&inc.id, &id, url.as_deref())
            .await
            .map_err(Delivery::from)?;
        Ok(canvas)
    }

    /// `https://{workspace}.slack.com/docs/{team}/{canvas}`, from `auth.test`; `None` when
    /// Slack would not say (the card then simply has no link).
    async fn canvas_url(&self, canvas_id: &str) -> Option<String> {
        let auth = self.api.call("auth.test", json!({})).await.ok()?;
        let base = auth.get("url").and_then(Value::as_str)?;
        let team = auth.get("team_id").and_then(Value::as_str)?;
        Some(format!(
            "{}/docs/{team}/{canvas_id}",
            base.trim_end_matches('/')
        ))
    }

    /// Queues a card refresh behind this effect: the card then shows the canvas link
    /// just recorded.
    async fn link_from_card(&self, inc: &Incident) -> Delivery {
        let effect = Effect::UpdateCard;
        let row = NewEffect {
            lane: &inc.id,
            effect: &effect,
        };
        match self.store.enqueue(&[row], self.clock.now_ms()).await {
            Ok(()) => Delivery::Done(None),
            Err(e) => e.into(),
        }
    }

    /// Uploads the draft (people by name: files render no mentions) as a Markdown file in
    /// the channel, saying why it is not a canvas.
    async fn upload_file(&self, inc: &Incident, channel: &str, why: &str) -> Delivery {
        let people = self.people;
        let person = move |id: &str| postmortem::person_named(&people.display(id));
        let markdown = match postmortem_markdown(self.store, self.policy, inc, &person).await {
            Ok(md) => md,
            Err(e) => return e.into(),
        };
        let filename = format!("{}-postmortem.md", inc.id);
        let answer = match self
            .api
            .call(
                "files.getUploadURLExternal",
                json!({"filename": filename, "length": markdown.len()}),
            )
            .await
        {
            Ok(a) => a,
            Err(e) => return classify(e),
        };
        let (Some(upload_url), Some(file_id)) = (
            answer.get("upload_url").and_then(Value::as_str),
            answer.get("file_id").and_then(Value::as_str),
        ) else {
            return Delivery::Failed("files.getUploadURLExternal answered without a URL".into());
        };
        let sent = self
            .http
            .post(
                upload_url,
                "text/markdown; charset=utf-8",
                markdown.into_bytes(),
                &[],
                UPLOAD_TIMEOUT,
            )
            .await;
        match sent {
            Ok(answer) if answer.status.is_success() => {}
            Ok(answer) => return classify(CallError::Http(answer.status.as_u16())),
            Err(SendError::Timeout) => return classify(CallError::Timeout),
            Err(SendError::Transport(e)) => return classify(CallError::Transport(e)),
        }
        let files = json!([{"id": file_id, "title": text::postmortem_file_title(&inc.id)}]);
        let completed = self
            .api
            .call(
                "files.completeUploadExternal",
                json!({"files": files, "channel_id": channel,
                       "initial_comment": text::postmortem_file_comment(why)}),
            )
            .await;
        match completed {
            Ok(_) => Delivery::Done(Some(format!("uploaded as a file ({why})"))),
            Err(e) => classify(e),
        }
    }
}
