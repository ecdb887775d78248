//! `views.publish`: each user's App Home tab, as the app last published it. Slack keeps one
//! home view per user (the same view id from one publish to the next, a new `hash` each
//! time); a publish carrying the `hash` of an older version is refused with
//! `hash_conflict`, so two writers racing cannot overwrite each other unknowingly. The
//! view's Block Kit rules (`type: home`, at most 100 blocks…) are checked before the
//! method runs, as for modals.

use super::{err, str_arg, validate_view, view_json, ApiError, ApiResult, Args, ViewRecord};
use super::{fields, View, Workspace};

impl Workspace {
    pub(crate) fn views_publish(&mut self, args: &Args, now: i64) -> ApiResult {
        let Some(user) = str_arg(args, "user_id") else {
            return Err(ApiError::with_detail(
                "invalid_arguments",
                "[ERROR] missing required field: user_id",
            ));
        };
        if !self.user_exists(&user) {
            return err("user_not_found");
        }
        let view = validate_view(super::json_arg(args, "view"))?;
        let previous = self.homes.get(&user);
        if let (Some(given), Some(previous)) = (str_arg(args, "hash"), previous) {
            if given != previous.hash {
                return err("hash_conflict");
            }
        }
        let id = match previous {
            Some(previous) => previous.view.id.clone(),
            None => self.fresh_id("V", 10),
        };
        let hash = self.fresh_hash(now);
        let record = ViewRecord {
            view: View {
                id,
                trigger_id: None,
                view,
            },
            hash,
        };
        let answer = view_json(&record);
        self.homes.insert(user, record);
        Ok(fields([("view", answer)]))
    }

    /// The home `user` sees, as last published.
    pub(crate) fn home(&self, user: &str) -> Option<View> {
        self.homes.get(user).map(|rec| rec.view.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::super::Workspace;
    use serde_json::{json, Value};

    const NOW: i64 = 1_700_000_000;

    fn ws() -> Workspace {
        let mut ws = Workspace::seeded("http://127.0.0.1:1", 7);
        ws.add_user("U1", "alice");
        ws
    }

    fn publish(ws: &mut Workspace, args: Value) -> Result<Value, (&'static str, Vec<String>)> {
        let args = args.as_object().cloned().unwrap_or_default();
        ws.dispatch("views.publish", &args, NOW)
            .map(Value::Object)
            .map_err(|e| (e.code, e.messages))
    }

    fn home(blocks: Value) -> Value {
        json!({"type": "home", "blocks": blocks})
    }

    fn section(text: &str) -> Value {
        json!({"type": "section", "text": {"type": "mrkdwn", "text": text}})
    }

    #[test]
    fn publishing_keeps_the_latest_home_per_user() {
        let mut ws = ws();
        let first = publish(
            &mut ws,
            json!({"user_id": "U1", "view": home(json!([section("one")]))}),
        )
        .unwrap();
        assert_eq!(first["view"]["type"], "home");
        let second = publish(
            &mut ws,
            // Form-encoded calls carry the view as a JSON string.
            json!({"user_id": "U1", "view": home(json!([section("two")])).to_string()}),
        )
        .unwrap();
        assert_eq!(
            first["view"]["id"], second["view"]["id"],
            "one home per user"
        );
        assert_ne!(first["view"]["hash"], second["view"]["hash"]);
        let shown = ws.home("U1").unwrap();
        assert_eq!(shown.plain_text(), "two");
        assert!(shown.trigger_id.is_none());
        assert!(ws.home("U2").is_none());
        // Homes are not modals: views() lists what was opened.
        assert!(ws.views().is_empty());
    }

    #[test]
    fn slacks_errors() {
        let mut ws = ws();
        let ok = home(json!([section("x")]));
        let code = |ws: &mut Workspace, args: Value| publish(ws, args).unwrap_err().0;
        assert_eq!(code(&mut ws, json!({"view": ok})), "invalid_arguments");
        assert_eq!(code(&mut ws, json!({"user_id": "U1"})), "invalid_arguments");
        assert_eq!(
            code(&mut ws, json!({"user_id": "U9", "view": ok})),
            "user_not_found"
        );
        assert_eq!(
            code(&mut ws, json!({"user_id": "U1", "view": "[1]"})),
            "invalid_arguments"
        );
        // A stale hash loses the race.
        let first = publish(&mut ws, json!({"user_id": "U1", "view": ok})).unwrap();
        let hash = first["view"]["hash"].as_str().unwrap().to_string();
        publish(&mut ws, json!({"user_id": "U1", "view": ok, "hash": hash})).unwrap();
        assert_eq!(
            code(&mut ws, json!({"user_id": "U1", "view": ok, "hash": hash})),
            "hash_conflict"
        );
    }

    #[test]
    fn block_kit_rules_apply_as_to_modals() {
        let mut ws = ws();
        let refused = |ws: &mut Workspace, view: Value| {
            let (code, messages) = publish(ws, json!({"user_id": "U1", "view": view})).unwrap_err();
            assert_eq!(code, "invalid_arguments");
            messages.join("\n")
        };
        // A modal is not a home.
        let modal =
            json!({"type": "modal", "title": {"type": "plain_text", "text": "x"}, "blocks": []});
        assert!(refused(&mut ws, modal).contains("/view/type"));
        assert!(refused(&mut ws, json!({"blocks": []})).contains("missing required field: type"));
        assert!(
            refused(&mut ws, json!({"type": "home"})).contains("missing required field: blocks")
        );
        // 100 blocks at most.
        let many: Vec<Value> = (0..101).map(|i| section(&format!("{i}"))).collect();
        assert!(refused(&mut ws, home(Value::Array(many))).contains("no more than 100 items"));
        let hundred: Vec<Value> = (0..100).map(|i| section(&format!("{i}"))).collect();
        assert!(publish(
            &mut ws,
            json!({"user_id": "U1", "view": home(Value::Array(hundred))})
        )
        .is_ok());
        // Text lengths, text types, duplicate ids, button labels.
        let long = "x".repeat(3_001);
        assert!(refused(&mut ws, home(json!([section(&long)]))).contains("/view/blocks/0/text"));
        let header = json!({"type": "header", "text": {"type": "mrkdwn", "text": "h"}});
        assert!(refused(&mut ws, home(json!([header]))).contains("/view/blocks/0/text"));
        let dup =
            json!([{"type": "divider", "block_id": "a"}, {"type": "divider", "block_id": "a"}]);
        assert!(refused(&mut ws, home(dup)).contains("duplicate block_id"));
        let button = json!([{"type": "actions", "elements": [{"type": "button", "action_id": "a",
            "text": {"type": "plain_text", "text": "y".repeat(76)}}]}]);
        assert!(refused(&mut ws, home(button)).contains("/view/blocks/0/elements/0/text"));
        // A Home tab has no markdown block (messages only), like a modal.
        let markdown = json!([{"type": "markdown", "text": "x"}]);
        assert!(refused(&mut ws, home(markdown)).contains("unsupported block type"));
    }
}
