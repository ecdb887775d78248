//! `not_in_channel`: someone removed warroom from a public channel it works in (the
//! incident channel, the announcement channel). Rejoin (`conversations.join`) and make the
//! call again, once; a private channel cannot be rejoined, so its error stands.

use crate::slack::client::{CallError, SlackApi};
use serde_json::{json, Value};

/// Makes the call; on `not_in_channel` for a public channel, joins it and makes it again.
pub async fn call_rejoining(
    api: &dyn SlackApi,
    method: &str,
    args: Value,
) -> Result<Value, CallError> {
    let first = api.call(method, args.clone()).await;
    let channel = match (&first, args.get("channel").and_then(Value::as_str)) {
        (Err(CallError::Api(code)), Some(channel))
            if code == "not_in_channel" && channel.starts_with('C') =>
        {
            channel.to_string()
        }
        _ => return first,
    };
    match api
        .call("conversations.join", json!({"channel": channel}))
        .await
    {
        Ok(_) => {
            tracing::info!(%channel, %method, "rejoined a channel warroom was removed from");
            api.call(method, args).await
        }
        // Not joinable (private, archived): the original answer says what happened.
        Err(e) if !e.is_transient() => first,
        Err(e) => Err(e),
    }
}
