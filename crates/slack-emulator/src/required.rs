//! Arguments Slack's Web API reference marks as required. A call without one fails before the
//! method runs, with `invalid_arguments` and `[ERROR] missing required field: …` in
//! `response_metadata.messages`, as Slack answers it. Methods whose reference leaves an
//! argument optional but fails without it (`conversations.create` without `name`,
//! `conversations.invite` without `users`…) answer their own documented codes instead.

use super::api::{str_arg, ApiError, Args};

/// (method, required arguments).
/// `chat.postMessage` is not listed: without `channel` Slack answers `channel_not_found`.
const REQUIRED: &[(&str, &[&str])] = &[
    ("chat.update", &["channel", "ts"]),
    ("chat.postEphemeral", &["channel", "user"]),
    ("pins.add", &["channel"]),
    ("views.open", &["trigger_id", "view"]),
    ("views.publish", &["user_id", "view"]),
];

/// The error Slack answers when `args` lacks an argument `method` requires.
pub(crate) fn missing_argument(method: &str, args: &Args) -> Option<ApiError> {
    let (_, required) = REQUIRED.iter().find(|(m, _)| *m == method)?;
    let missing: Vec<String> = required
        .iter()
        .filter(|key| {
            let structured = args
                .get(**key)
                .is_some_and(|v| v.is_object() || v.is_array());
            str_arg(args, key).is_none() && !structured
        })
        .map(|key| format!("[ERROR] missing required field: {key}"))
        .collect();
    (!missing.is_empty()).then(|| ApiError::with_messages("invalid_arguments", missing))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn required_arguments_are_named() {
        let args = json!({"channel": "C1", "text": "x"})
            .as_object()
            .cloned()
            .unwrap();
        assert!(missing_argument("chat.postMessage", &Args::new()).is_none());
        let e = missing_argument("chat.update", &args).unwrap();
        assert_eq!(e.code, "invalid_arguments");
        assert_eq!(e.messages, vec!["[ERROR] missing required field: ts"]);
        let view = json!({"trigger_id": "t", "view": {"type": "modal"}})
            .as_object()
            .cloned()
            .unwrap();
        assert!(missing_argument("views.open", &view).is_none());
        assert!(missing_argument("conversations.create", &Args::new()).is_none());
    }
}
