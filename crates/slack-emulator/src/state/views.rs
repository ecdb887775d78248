//! `views.open`: opening a modal spends its trigger id (`exchanged_trigger_id` on reuse, but
//! only once a view was opened, so a refused view can be fixed and retried). The view is
//! checked with Slack's Block Kit rules (`invalid_arguments`). `views.publish` (App Home) is
//! in `homes`; both answer views as [`view_json`] shows them.

use serde_json::{json, Value};

use super::{err, fields, json_arg, str_arg, validate_view, ApiError, ApiResult, Args, View};
use super::{ViewRecord, Workspace, APP_ID, BOT_ID, TEAM_ID};

impl Workspace {
    pub(super) fn views_open(&mut self, args: &Args, now: i64) -> ApiResult {
        let Some(trigger_id) = str_arg(args, "trigger_id") else {
            return Err(ApiError::with_detail(
                "invalid_arguments",
                "[ERROR] missing required field: trigger_id",
            ));
        };
        if self.used_triggers.contains(&trigger_id) {
            return err("exchanged_trigger_id");
        }
        let view = validate_view(json_arg(args, "view"))?;
        // A trigger is spent only by a call that opened something, so an app can fix its view
        // and retry within the trigger's 3 seconds.
        self.used_triggers.insert(trigger_id.clone());
        let id = self.fresh_id("V", 10);
        let hash = self.fresh_hash(now);
        self.views.push(ViewRecord {
            view: View {
                id,
                trigger_id: Some(trigger_id),
                view,
            },
            hash,
        });
        let rec = &self.views[self.views.len() - 1];
        Ok(fields([("view", view_json(rec))]))
    }
}

/// A view as Slack answers it: what the app sent plus the fields Slack adds.
pub(super) fn view_json(rec: &ViewRecord) -> Value {
    let mut out = rec.view.view.as_object().cloned().unwrap_or_default();
    for (key, default) in [
        ("private_metadata", json!("")),
        ("callback_id", json!("")),
        ("external_id", json!("")),
        ("clear_on_close", json!(false)),
        ("notify_on_close", json!(false)),
    ] {
        out.entry(key).or_insert(default);
    }
    out.insert("id".into(), json!(rec.view.id));
    out.insert("team_id".into(), json!(TEAM_ID));
    out.insert("state".into(), json!({"values": {}}));
    out.insert("hash".into(), json!(rec.hash));
    // No views.push: every view is the root of its own stack.
    out.insert("previous_view_id".into(), Value::Null);
    out.insert("root_view_id".into(), json!(rec.view.id));
    out.insert("app_id".into(), json!(APP_ID));
    out.insert("app_installed_team_id".into(), json!(TEAM_ID));
    out.insert("bot_id".into(), json!(BOT_ID));
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::super::test_support::{call, code_of, ws};

    fn modal(title: &str) -> Value {
        json!({"type": "modal", "title": {"type": "plain_text", "text": title},
               "submit": {"type": "plain_text", "text": "Declare"},
               "callback_id": "declare",
               "blocks": [{"type": "input", "block_id": "title", "label": {"type": "plain_text", "text": "Title"},
                           "element": {"type": "plain_text_input", "action_id": "v"}}]})
    }

    #[test]
    fn views_open_spends_the_trigger_once() {
        let mut ws = ws();
        let out = call(
            &mut ws,
            "views.open",
            json!({"trigger_id": "T1", "view": modal("Declare incident")}),
        )
        .unwrap();
        let view = &out["view"];
        let id = view["id"].as_str().unwrap().to_owned();
        assert!(id.starts_with('V') && id.len() == 11);
        assert_eq!(view["callback_id"], "declare");
        assert_eq!(view["state"], json!({"values": {}}));
        assert!(view["hash"].is_string());
        assert_eq!(
            code_of(
                &mut ws,
                "views.open",
                json!({"trigger_id": "T1", "view": modal("Again")})
            ),
            "exchanged_trigger_id"
        );
        assert_eq!(
            code_of(&mut ws, "views.open", json!({"view": modal("x")})),
            "invalid_arguments"
        );
        // A rejected view leaves the trigger usable.
        assert_eq!(
            code_of(
                &mut ws,
                "views.open",
                json!({"trigger_id": "T2", "view": modal(&"x".repeat(25))})
            ),
            "invalid_arguments"
        );
        assert_eq!(
            code_of(
                &mut ws,
                "views.open",
                json!({"trigger_id": "T2", "view": {"type": "home", "blocks": []}})
            ),
            "invalid_arguments"
        );
        let mut no_submit = modal("x");
        no_submit.as_object_mut().unwrap().remove("submit");
        assert_eq!(
            code_of(
                &mut ws,
                "views.open",
                json!({"trigger_id": "T2", "view": no_submit})
            ),
            "invalid_arguments"
        );
        assert_eq!(
            code_of(
                &mut ws,
                "views.open",
                json!({"trigger_id": "T2", "view": modal("ok")})
            ),
            "ok"
        );
        let views = ws.views();
        assert_eq!(views.len(), 2);
        assert_eq!(views[0].id, id);
        assert_eq!(views[0].trigger_id.as_deref(), Some("T1"));
        assert_eq!(views[0].view, modal("Declare incident"));
    }
}
