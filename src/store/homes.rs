//! App Home: who opened warroom's Home tab (`home_viewers`), and the publications of their
//! homes queued in the outbox, one lane per person (`home:U…`).
//!
//! Debounced: a person has at most one publication waiting to be claimed. A change finds
//! it queued and adds nothing (it renders the state as it is at delivery, so it shows the
//! change too); only a publication already claimed — maybe rendered before the change —
//! lets another be queued behind it. However many changes pile up, each home goes out
//! once more at most.
//!
//! Cheap: only people who opened their home in the last [`HOME_REFRESH_WINDOW_MS`] are
//! refreshed, with one `INSERT … SELECT` for all of them, in the transaction of the change.

use super::records::{action_item_from_row, ACTION_ITEM_COLUMNS};
use super::{Store, StoreResult};
use crate::incident::decide::ActionItemChange;
use crate::incident::model::{is_user_id, ActionItem};
use crate::incident::{Effect, Outcome};
use sqlx::{Any, Row, Transaction};

/// How long after someone last opened their home it is still refreshed by changes: 30 days.
/// After that it is published again the next time they open it.
pub const HOME_REFRESH_WINDOW_MS: i64 = 30 * 86_400_000;

/// Queues `PublishHome` for the recent viewers `who` selects (`{who}` is a condition on
/// `h`, the `home_viewers` row), unless one is already waiting unclaimed. The payload is
/// the serialized `Effect::PublishHome` (user ids are letters and digits: checked before
/// they are recorded; a unit test pins the two spellings together).
fn queue_sql(who: &str) -> String {
    format!(
        "INSERT INTO outbox (lane, kind, payload, state, attempts, next_attempt_at, created_at, after_id, priority)
         SELECT 'home:' || h.user_id, 'publish_home', '{{\"kind\":\"publish_home\",\"user\":\"' || h.user_id || '\"}}',
                'pending', 0, $1, $1, NULL, 0
         FROM home_viewers h
         WHERE h.opened_at >= $2 {who}
           AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.lane = 'home:' || h.user_id AND o.state = 'pending'
                             AND (o.lease_until IS NULL OR o.lease_until < $1))"
    )
}

/// Whose homes a committed decision changes.
enum Audience {
    /// Nobody's.
    Nobody,
    /// Everyone who may see the incident (its state changed, or it was declared).
    Viewers,
    /// These people's only (their action items changed).
    Only(Vec<String>),
}

/// What a decision changes on homes: an incident's severity, status and roles are on its
/// card too, so whatever refreshes the card (or creates the incident) refreshes homes;
/// otherwise new and completed action items change their owners' homes.
fn audience(outcome: &Outcome) -> Audience {
    let state_changed = outcome
        .effects
        .iter()
        .any(|e| matches!(e, Effect::CreateChannel | Effect::UpdateCard));
    if state_changed {
        return Audience::Viewers;
    }
    let owners: Vec<String> = outcome
        .action_items
        .iter()
        .filter_map(|change| match change {
            ActionItemChange::Add { owner, .. } => owner.clone(),
            // The owner of a completed item is read from the row (see `refresh_after`).
            ActionItemChange::Done { .. } | ActionItemChange::Remind { .. } => None,
        })
        .collect();
    let completes = outcome
        .action_items
        .iter()
        .any(|c| matches!(c, ActionItemChange::Done { .. }));
    if owners.is_empty() && !completes {
        Audience::Nobody
    } else {
        Audience::Only(owners)
    }
}

impl Store {
    /// `user` opened their Home tab: remembered (their home is now refreshed by changes),
    /// and its publication queued unless one is waiting already. True when queued.
    pub async fn home_opened(&self, user: &str, now: i64) -> StoreResult<bool> {
        if !is_user_id(user) {
            return Ok(false);
        }
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO home_viewers (user_id, opened_at) VALUES ($1, $2)
             ON CONFLICT (user_id) DO UPDATE SET opened_at = excluded.opened_at",
        )
        .bind(user)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let queued = queue_homes(&mut tx, Some(&[user.to_string()]), now).await?;
        tx.commit().await?;
        Ok(queued > 0)
    }

    /// Queues the homes of the recent viewers who may see incident `id` (its channel now
    /// exists: the homes link it).
    pub async fn refresh_homes_of(&self, id: &str, now: i64) -> StoreResult<()> {
        let Some(inc) = self.incident(id).await? else {
            return Ok(());
        };
        let mut tx = self.pool.begin().await?;
        if inc.private {
            let members = members(&inc.reporter, inc.roles.values().map(|h| h.user.clone()));
            queue_homes(&mut tx, Some(&members), now).await?;
        } else {
            queue_homes(&mut tx, None, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The open action items `user` owns, oldest first.
    pub async fn open_action_items_of(&self, user: &str) -> StoreResult<Vec<ActionItem>> {
        let rows = sqlx::query(&format!(
            "SELECT {ACTION_ITEM_COLUMNS} FROM action_items WHERE owner = $1 AND done = 0 ORDER BY id"
        ))
        .bind(user)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(action_item_from_row).collect()
    }
}

/// The people a private incident shows to: its reporter and its role holders.
fn members(reporter: &str, holders: impl Iterator<Item = String>) -> Vec<String> {
    let mut people: Vec<String> = std::iter::once(reporter.to_string())
        .chain(holders)
        .collect();
    people.sort();
    people.dedup();
    people
}

/// The role holders of incident `id` as stored (before a commit rewrites them).
pub(super) async fn holders(
    tx: &mut Transaction<'static, Any>,
    id: &str,
) -> StoreResult<Vec<String>> {
    let rows = sqlx::query("SELECT user_id FROM incident_roles WHERE incident_id = $1")
        .bind(id)
        .fetch_all(&mut **tx)
        .await?;
    rows.iter()
        .map(|r| Ok(r.try_get::<String, _>("user_id")?))
        .collect()
}

/// Queues the home refreshes a committed decision calls for, in its transaction.
/// `holders_before`: the incident's role holders before the decision (someone who lost a
/// role on a private incident no longer sees it, and their home must say so).
pub(super) async fn refresh_after(
    tx: &mut Transaction<'static, Any>,
    outcome: &Outcome,
    holders_before: Vec<String>,
    now: i64,
) -> StoreResult<()> {
    let inc = &outcome.incident;
    match audience(outcome) {
        Audience::Nobody => Ok(()),
        Audience::Viewers if !inc.private => queue_homes(tx, None, now).await.map(|_| ()),
        Audience::Viewers => {
            let now_holders = inc.roles.values().map(|h| h.user.clone());
            let people = members(&inc.reporter, now_holders.chain(holders_before));
            queue_homes(tx, Some(&people), now).await.map(|_| ())
        }
        Audience::Only(mut owners) => {
            for change in &outcome.action_items {
                if let ActionItemChange::Done { id } = change {
                    let owner: Option<Option<String>> =
                        sqlx::query("SELECT owner FROM action_items WHERE id = $1")
                            .bind(id)
                            .fetch_optional(&mut **tx)
                            .await?
                            .map(|r| r.try_get("owner"))
                            .transpose()?;
                    owners.extend(owner.flatten());
                }
            }
            owners.sort();
            owners.dedup();
            queue_homes(tx, Some(&owners), now).await.map(|_| ())
        }
    }
}

/// Queues publications for the recent viewers among `people` (all of them for `None`);
/// returns how many were queued.
async fn queue_homes(
    tx: &mut Transaction<'static, Any>,
    people: Option<&[String]>,
    now: i64,
) -> StoreResult<u64> {
    let since = now - HOME_REFRESH_WINDOW_MS;
    if tx.backend_name() == "PostgreSQL" {
        // Under READ COMMITTED a worker may be claiming the publication this change finds
        // waiting: it would render the state before this change, and nothing would follow
        // it. Locking the waiting publications (in one order, so two changes never
        // deadlock) makes such a claim either finish first — then the check below sees it
        // claimed and queues another — or skip them until this change is committed.
        sqlx::query(
            "SELECT id FROM outbox WHERE lane LIKE 'home:%' AND state = 'pending'
               AND (lease_until IS NULL OR lease_until < $1) ORDER BY id FOR UPDATE",
        )
        .bind(now)
        .fetch_all(&mut **tx)
        .await?;
    }
    let Some(people) = people else {
        let done = sqlx::query(&queue_sql(""))
            .bind(now)
            .bind(since)
            .execute(&mut **tx)
            .await?;
        return Ok(done.rows_affected());
    };
    let mut queued = 0;
    let sql = queue_sql("AND h.user_id = $3");
    for user in people {
        let done = sqlx::query(&sql)
            .bind(now)
            .bind(since)
            .bind(user)
            .execute(&mut **tx)
            .await?;
        queued += done.rows_affected();
    }
    Ok(queued)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sql_payload_is_the_effect_serialized() {
        // What queue_sql writes for U1, spelled as SQL would concatenate it.
        let sql = queue_sql("");
        let start = sql.find("'{").unwrap();
        let end = sql[start..].find("}'").unwrap() + start + 2;
        let template = &sql[start..end];
        let written = template
            .replace("' || h.user_id || '", "U1")
            .trim_matches('\'')
            .to_string();
        let effect = Effect::PublishHome { user: "U1".into() };
        assert_eq!(written, serde_json::to_string(&effect).unwrap());
        assert_eq!(
            serde_json::from_str::<Effect>(&written).unwrap().kind(),
            crate::incident::effect::EffectKind::PublishHome
        );
    }

    #[test]
    fn members_are_the_reporter_and_the_holders_once() {
        let people = members("U2", ["U1".to_string(), "U2".to_string()].into_iter());
        assert_eq!(people, vec!["U1".to_string(), "U2".to_string()]);
    }
}
