//! `/incident subscribe` / `unsubscribe` and the announcement's "Subscribe" button: the
//! subscriber gets each update of the incident by DM until it closes.

use crate::incident::model::{Incident, Status};
use crate::render::subscriptions as words;
use crate::service::{Service, ServiceError};

/// Subscribes `user` to `inc`; returns the answer to show them.
pub async fn subscribe(
    service: &Service,
    inc: &Incident,
    user: &str,
) -> Result<String, ServiceError> {
    if inc.status == Status::Closed {
        return Ok(words::closed(inc));
    }
    let newly = service
        .store
        .subscribe(&inc.id, user, service.clock.now_ms())
        .await?;
    Ok(words::subscribed(inc, newly))
}

/// Unsubscribes `user` from `inc`; returns the answer to show them.
pub async fn unsubscribe(
    service: &Service,
    inc: &Incident,
    user: &str,
) -> Result<String, ServiceError> {
    let was = service.store.unsubscribe(&inc.id, user).await?;
    Ok(words::unsubscribed(inc, was))
}
