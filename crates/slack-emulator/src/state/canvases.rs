//! Channel canvases: `conversations.canvases.create` makes a channel's one canvas from
//! Markdown, `canvases.edit` changes it. The fake keeps the Markdown so tests read what people
//! would see, and can play a workspace whose plan or settings forbid channel canvases.

use serde_json::{json, Value};

use super::{err, fields, str_arg, ApiError, ApiResult, Args, Workspace};
use crate::api::json_arg;
use crate::model::Canvas;

/// Why a workspace cannot have channel canvases, as Slack answers `conversations.canvases.create`.
pub const CANVAS_REFUSALS: &[&str] = &[
    "team_tier_cannot_create_channel_canvases",
    "canvas_disabled_user_team",
    "not_allowed_token_type",
];

impl Workspace {
    pub(crate) fn conversations_canvases_create(&mut self, args: &Args) -> ApiResult {
        let Some(channel_id) = str_arg(args, "channel_id") else {
            return Err(ApiError::with_detail(
                "invalid_arguments",
                "[ERROR] missing required field: channel_id",
            ));
        };
        if let Some(code) = self.canvas_refusal {
            return err(code);
        }
        let Some(idx) = self.channel_index(&channel_id) else {
            return err("channel_not_found");
        };
        if !self.is_visible(idx) {
            return err("channel_not_found");
        }
        if self.canvases.iter().any(|c| c.channel == channel_id) {
            return err("channel_canvas_already_exists");
        }
        let markdown = match json_arg(args, "document_content") {
            Some(content) => markdown_of(&content)?,
            None => String::new(),
        };
        let id = self.fresh_id("F", 10);
        self.canvases.push(Canvas {
            id: id.clone(),
            channel: channel_id,
            markdown,
            edits: 0,
        });
        Ok(fields([("canvas_id", json!(id))]))
    }

    pub(crate) fn canvases_edit(&mut self, args: &Args) -> ApiResult {
        let Some(canvas_id) = str_arg(args, "canvas_id") else {
            return Err(ApiError::with_detail(
                "invalid_arguments",
                "[ERROR] missing required field: canvas_id",
            ));
        };
        let Some(canvas) = self.canvases.iter().position(|c| c.id == canvas_id) else {
            return err("canvas_not_found");
        };
        let changes =
            match json_arg(args, "changes") {
                Some(Value::Array(changes)) if changes.len() == 1 => changes,
                _ => return Err(ApiError::with_detail(
                    "invalid_arguments",
                    "[ERROR] changes must be an array of exactly 1 item [json-pointer:/changes]",
                )),
            };
        let change = &changes[0];
        let content = || markdown_of(&change["document_content"]);
        let current = self.canvases[canvas].markdown.clone();
        let next = match (change["operation"].as_str(), change.get("section_id")) {
            (Some("replace"), None) => content()?,
            (Some("insert_at_start"), _) => format!("{}\n{current}", content()?),
            (Some("insert_at_end"), _) => format!("{current}\n{}", content()?),
            // Section-level edits need the section ids of `canvases.sections.lookup`, which
            // the fake does not model.
            (Some(_), _) => return err("canvas_editing_failed"),
            (None, _) => {
                return Err(ApiError::with_detail(
                    "invalid_arguments",
                    "[ERROR] missing required field: operation [json-pointer:/changes/0]",
                ))
            }
        };
        let canvas = &mut self.canvases[canvas];
        canvas.markdown = next;
        canvas.edits += 1;
        Ok(fields([]))
    }

    /// The channel's canvas, as `conversations.info` reports it under `properties`.
    pub(crate) fn canvas_property(&self, channel_id: &str) -> Option<Value> {
        let canvas = self.canvases.iter().find(|c| c.channel == channel_id)?;
        Some(
            json!({"file_id": canvas.id, "is_empty": canvas.markdown.is_empty(),
            "quip_thread_id": format!("Q{}", &canvas.id[1..])}),
        )
    }

    pub(crate) fn canvases(&self) -> Vec<Canvas> {
        self.canvases.clone()
    }

    /// Makes `conversations.canvases.create` answer `code` (one of [`CANVAS_REFUSALS`]), or
    /// lifts the refusal with `None`.
    pub(crate) fn refuse_canvases(&mut self, code: Option<&'static str>) {
        self.canvas_refusal = code;
    }
}

/// The Markdown of a `document_content` object (`{"type": "markdown", "markdown": …}`).
fn markdown_of(content: &Value) -> Result<String, ApiError> {
    match (content["type"].as_str(), content["markdown"].as_str()) {
        (Some("markdown"), Some(md)) => Ok(md.to_owned()),
        _ => Err(ApiError::with_detail(
            "invalid_arguments",
            "[ERROR] document_content must be {\"type\": \"markdown\", \"markdown\": string}",
        )),
    }
}
