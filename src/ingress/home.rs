//! `app_home_opened`: someone opened warroom's Home tab. Their home is published through
//! the outbox (rendered from the state at delivery), and they are remembered, so that their
//! home is refreshed when something on it changes (see `store::homes`).

use crate::service::{Service, ServiceError};
use serde_json::Value;

pub async fn opened(service: &Service, event: &Value) -> Result<(), ServiceError> {
    // The same event says when the Messages tab was opened: nothing to publish then.
    if event.get("tab").and_then(Value::as_str) == Some("messages") {
        return Ok(());
    }
    let Some(user) = event.get("user").and_then(Value::as_str) else {
        return Ok(());
    };
    if service
        .store
        .home_opened(user, service.clock.now_ms())
        .await?
    {
        service.outbox_wake.notify_one();
    }
    Ok(())
}
