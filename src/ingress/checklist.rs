//! The post-resolution checklist in Slack: ticking its checkboxes, and `close` needing
//! every item ticked unless the IC or an admin overrides (recorded on the timeline).

use crate::incident::decide::{checklist_unchecked, Action};
use crate::incident::model::{Incident, Status};
use crate::incident::Refusal;
use crate::render::{answers, checklist};
use crate::service::{Service, ServiceError};

/// The items of `inc`'s checklist not ticked yet (none when its severity has no list, or
/// before it is resolved: an open incident's list was never posted).
pub async fn unchecked(service: &Service, inc: &Incident) -> Result<Vec<String>, ServiceError> {
    let Some(list) = service
        .policy
        .severity(&inc.severity)
        .map(|s| s.checklist.clone())
    else {
        return Ok(Vec::new());
    };
    if inc.status != Status::Resolved {
        return Ok(Vec::new());
    }
    let checked = service.store.checklist_checked(&inc.id).await?;
    Ok(checklist_unchecked(&list, &checked))
}

/// `close` refused for the checklist: the words, or `None` when nothing is left.
pub async fn close_blocked(
    service: &Service,
    inc: &Incident,
) -> Result<Option<String>, ServiceError> {
    let left = unchecked(service, inc).await?;
    Ok((!left.is_empty()).then(|| checklist::incomplete(inc, &left)))
}

/// `close --force`: the IC or an admin closes with items left; the override goes on the
/// timeline first. `Err(refusal)` when `user` may not close.
pub async fn override_note(
    service: &Service,
    inc: &Incident,
    user: &str,
) -> Result<Result<(), Refusal>, ServiceError> {
    let close = Action::Close {
        open_items: Vec::new(),
    };
    if let Some(refusal) = service.precheck(inc, user, &close).await {
        return Ok(Err(refusal));
    }
    let left = unchecked(service, inc).await?;
    if left.is_empty() {
        return Ok(Ok(()));
    }
    let note = format!(
        "Closed with the post-resolution checklist incomplete (override by @{user}); not done: {}",
        left.join("; ")
    );
    match service.act(&inc.id, user, Action::Note(note)).await? {
        Ok(_) => Ok(Ok(())),
        Err(refusal) => Ok(Err(refusal)),
    }
}

/// A click on the checklist's checkboxes: records which items of block `chunk` are ticked
/// (`ticked` holds the options' values: the items' indexes in the list).
pub async fn on_check(
    service: &Service,
    user: &str,
    incident_id: &str,
    chunk: usize,
    ticked: &[String],
) -> Result<(), ServiceError> {
    let Some(inc) = service.store.incident(incident_id).await? else {
        return Ok(());
    };
    let Some(list) = service
        .policy
        .severity(&inc.severity)
        .map(|s| s.checklist.clone())
    else {
        return Ok(());
    };
    let start = chunk * checklist::ITEMS_PER_BLOCK;
    let items: Vec<(String, bool)> = list
        .iter()
        .enumerate()
        .skip(start)
        .take(checklist::ITEMS_PER_BLOCK)
        .map(|(i, item)| (item.clone(), ticked.contains(&i.to_string())))
        .collect();
    service
        .store
        .set_checklist(&inc.id, &items, user, service.clock.now_ms())
        .await?;
    Ok(())
}

/// The refusal, worded for the user.
pub fn refusal_text(service: &Service, refusal: &Refusal) -> String {
    answers::refusal(&service.policy, refusal)
}
