//! `files.getUploadURLExternal` and `files.completeUploadExternal`: Slack's two-step upload.
//! The first hands out a file id and an upload URL (served by `server`, which stores the
//! bytes with `Workspace::store_upload`); the second shares the files as one message per
//! channel. Errors: `invalid_arguments` for a missing or malformed field, then
//! `file_not_found`, `channel_not_found`, `not_in_channel`, `thread_not_found`,
//! `invalid_blocks`.

use serde_json::{json, Value};

use super::{dedup, err, fields, json_arg, list_arg, str_arg, validate_blocks};
use super::{ApiError, ApiResult, Args, FileRef, Message, Upload, Workspace, BOT_USER_ID};

impl Workspace {
    pub(super) fn files_get_upload_url(&mut self, args: &Args, now: i64) -> ApiResult {
        let Some(filename) = str_arg(args, "filename") else {
            return Err(ApiError::with_detail(
                "invalid_arguments",
                "[ERROR] missing required field: filename",
            ));
        };
        let Some(length) = str_arg(args, "length").and_then(|l| l.parse::<u64>().ok()) else {
            return Err(ApiError::with_detail(
                "invalid_arguments",
                "[ERROR] missing or invalid required field: length",
            ));
        };
        let file_id = self.fresh_id("F", 10);
        self.uploads.insert(
            file_id.clone(),
            Upload {
                filename,
                length,
                content: None,
                created: now,
            },
        );
        Ok(fields([
            (
                "upload_url",
                json!(format!("{}/upload/{file_id}", self.base_url)),
            ),
            ("file_id", json!(file_id)),
        ]))
    }

    pub(super) fn files_complete_upload(&mut self, args: &Args, now: i64) -> ApiResult {
        let requested: Vec<(String, Option<String>)> = match json_arg(args, "files") {
            Some(Value::Array(items)) if !items.is_empty() => {
                let mut out = Vec::new();
                for item in items {
                    let Some(id) = item.get("id").and_then(Value::as_str) else {
                        return Err(ApiError::with_detail(
                            "invalid_arguments",
                            "[ERROR] every file needs an id",
                        ));
                    };
                    let title = item.get("title").and_then(Value::as_str).map(str::to_owned);
                    out.push((id.to_owned(), title));
                }
                out
            }
            _ => {
                return Err(ApiError::with_detail(
                    "invalid_arguments",
                    "[ERROR] files must be a non-empty JSON array of {id, title}",
                ))
            }
        };
        if requested
            .iter()
            .any(|(id, _)| !self.uploads.contains_key(id))
        {
            return err("file_not_found");
        }
        // Where to share: `channel_id`, or the older comma-separated `channels`.
        let mut targets = Vec::new();
        let mut wanted = list_arg(args, "channels");
        if let Some(channel_id) = str_arg(args, "channel_id") {
            wanted.insert(0, channel_id);
        }
        for channel in dedup(wanted) {
            let idx = self
                .channel_index(&channel)
                .ok_or(ApiError::from("channel_not_found"))?;
            self.require_postable(idx)?;
            targets.push(channel);
        }
        let thread_ts = str_arg(args, "thread_ts");
        if let Some(parent) = &thread_ts {
            if targets
                .iter()
                .any(|c| self.top_level_index(c, parent).is_none())
            {
                return err("thread_not_found");
            }
        }
        let blocks = match json_arg(args, "blocks") {
            Some(raw) => validate_blocks(raw, "invalid_blocks")?,
            None => Value::Null,
        };
        let mut file_refs = Vec::new();
        let mut files_json = Vec::new();
        for (id, title) in &requested {
            let Some(upload) = self.uploads.get(id) else {
                return err("file_not_found");
            };
            let title = title.clone().unwrap_or_else(|| upload.filename.clone());
            let content = upload.content.as_deref().unwrap_or_default();
            file_refs.push(FileRef {
                id: id.clone(),
                title: title.clone(),
                content: String::from_utf8_lossy(content).into_owned(),
            });
            files_json.push(json!({
                "id": id,
                "title": title,
                "name": upload.filename,
                "created": upload.created,
                "timestamp": upload.created,
                "user": BOT_USER_ID,
                "size": upload.content.as_ref().map_or(upload.length, |c| c.len() as u64),
            }));
        }
        let text = str_arg(args, "initial_comment").unwrap_or_default();
        for channel in targets {
            let ts = self.next_ts(now);
            self.messages.push(Message {
                channel,
                ts,
                user: BOT_USER_ID.to_owned(),
                text: text.clone(),
                blocks: blocks.clone(),
                thread_ts: thread_ts.clone(),
                edits: 0,
                files: file_refs.clone(),
                metadata: None,
            });
        }
        Ok(fields([("files", Value::Array(files_json))]))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::test_support::{call, code_of, create, ws};

    #[test]
    fn file_upload_flow_posts_a_message_with_the_content() {
        let mut ws = ws();
        let id = create(&mut ws, "inc");
        let out = call(
            &mut ws,
            "files.getUploadURLExternal",
            json!({"filename": "postmortem.md", "length": "7"}),
        )
        .unwrap();
        let file_id = out["file_id"].as_str().unwrap().to_owned();
        assert!(file_id.starts_with('F'));
        assert_eq!(
            out["upload_url"],
            format!("http://127.0.0.1:9/upload/{file_id}")
        );
        assert!(ws.store_upload(&file_id, b"# PM\n\xff"));
        assert!(!ws.store_upload("FNOPE", b"x"));
        assert_eq!(
            code_of(
                &mut ws,
                "files.completeUploadExternal",
                json!({"files": [{"id": "FNOPE"}], "channel_id": id})
            ),
            "file_not_found"
        );
        let out = call(
            &mut ws,
            "files.completeUploadExternal",
            json!({"files": format!("[{{\"id\":\"{file_id}\",\"title\":\"Post-mortem\"}}]"),
                   "channel_id": id, "initial_comment": "Draft attached"}),
        )
        .unwrap();
        assert_eq!(out["files"][0]["id"], file_id.as_str());
        assert_eq!(out["files"][0]["title"], "Post-mortem");
        let messages = ws.messages(&id);
        assert_eq!(messages.len(), 1);
        assert_eq!(messages[0].text, "Draft attached");
        assert_eq!(messages[0].files[0].title, "Post-mortem");
        assert_eq!(messages[0].files[0].content, "# PM\n\u{fffd}");
        let history = call(&mut ws, "conversations.history", json!({"channel": id})).unwrap();
        assert_eq!(history["messages"][0]["files"][0]["name"], "postmortem.md");
    }
}
