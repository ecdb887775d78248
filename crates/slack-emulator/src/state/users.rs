//! `users.list`, `users.info` (`user_not_found`) and `auth.test`: the people in the
//! workspace as Slack describes them, and who the bot is.

use serde_json::{json, Map, Value};

use super::{fields, str_arg, ApiError, ApiResult, Args, User, Workspace};
use super::{BOT_ID, BOT_NAME, BOT_USER_ID, TEAM_ID, TEAM_NAME, TEAM_URL};

impl Workspace {
    /// Every member (the OpenID sign-in page lists them to pick who signs in).
    pub(super) fn users_list(&self) -> Map<String, Value> {
        fields([
            (
                "members",
                Value::Array(self.users.iter().map(user_json).collect()),
            ),
            ("response_metadata", json!({"next_cursor": ""})),
        ])
    }

    pub(super) fn users_info(&self, args: &Args) -> ApiResult {
        let id = str_arg(args, "user").unwrap_or_default();
        let user = self
            .users
            .iter()
            .find(|u| u.id == id)
            .ok_or(ApiError::from("user_not_found"))?;
        Ok(fields([("user", user_json(user))]))
    }
}

pub(super) fn auth_test() -> Map<String, Value> {
    fields([
        ("url", json!(TEAM_URL)),
        ("team", json!(TEAM_NAME)),
        ("user", json!(BOT_NAME)),
        ("team_id", json!(TEAM_ID)),
        ("user_id", json!(BOT_USER_ID)),
        ("bot_id", json!(BOT_ID)),
        ("is_enterprise_install", json!(false)),
    ])
}

fn user_json(u: &User) -> Value {
    json!({
        "id": u.id,
        "team_id": TEAM_ID,
        "name": u.name,
        "real_name": u.real_name,
        "deleted": false,
        "is_bot": u.is_bot,
        "is_admin": false,
        "tz": "Etc/UTC",
        "tz_offset": 0,
        "profile": {
            "display_name": u.display_name,
            "real_name": u.real_name,
            "real_name_normalized": u.real_name,
        },
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::test_support::{call, code_of, ws};

    #[test]
    fn auth_test_names_the_bot() {
        let out = call(&mut ws(), "auth.test", json!({})).unwrap();
        assert_eq!(out["user_id"], "U0BOT");
        assert_eq!(out["user"], "warroom");
        assert_eq!(out["team_id"], "T0001");
        assert_eq!(out["bot_id"], "B0BOT");
    }

    #[test]
    fn users_info() {
        let mut ws = ws();
        let out = call(&mut ws, "users.info", json!({"user": "U1"})).unwrap();
        assert_eq!(out["user"]["name"], "alice");
        assert_eq!(out["user"]["profile"]["display_name"], "alice");
        assert_eq!(
            code_of(&mut ws, "users.info", json!({"user": "U404"})),
            "user_not_found"
        );
        let bot = call(&mut ws, "users.info", json!({"user": "U0BOT"})).unwrap();
        assert_eq!(bot["user"]["name"], "warroom");
        assert_eq!(bot["user"]["is_bot"], true);
    }
}
