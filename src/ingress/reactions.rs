//! Timeline by reaction: the policy's `timeline_reaction` (default `pushpin`) on a message
//! in an incident channel adds that message to the timeline with its author and original
//! time, once per message. Removing the reaction erases nothing: the timeline is a record.

use crate::incident::decide::Action;
use crate::incident::{Effect, Notice};
use crate::render::time;
use crate::service::{Service, ServiceError};
use crate::slack::payload::normalize_mentions;
use serde_json::{json, Value};
use std::time::Duration;

/// How long reading the message may take: Slack wants the event acknowledged within 3 s.
const FETCH_TIMEOUT: Duration = Duration::from_millis(2000);

/// A `reaction_added` event's fields that matter here.
struct Reaction<'a> {
    reaction: &'a str,
    reactor: &'a str,
    channel: &'a str,
    ts: &'a str,
    author: &'a str,
}

fn parse(event: &Value) -> Option<Reaction<'_>> {
    let item = event.get("item")?;
    if item.get("type").and_then(Value::as_str) != Some("message") {
        return None;
    }
    Some(Reaction {
        reaction: event.get("reaction")?.as_str()?,
        reactor: event.get("user")?.as_str()?,
        channel: item.get("channel")?.as_str()?,
        ts: item.get("ts")?.as_str()?,
        author: event.get("item_user").and_then(Value::as_str).unwrap_or(""),
    })
}

/// A Slack ts (`"1700000000.000100"`) as epoch milliseconds.
fn ts_ms(ts: &str) -> Option<i64> {
    let (secs, frac) = ts.split_once('.').unwrap_or((ts, "0"));
    let secs: i64 = secs.parse().ok()?;
    let millis: i64 = format!("{frac:0<3}").get(..3)?.parse().ok()?;
    secs.checked_mul(1000)?.checked_add(millis)
}

/// The timeline text for a message: `@author at time: text` (the form of the
/// "Add to timeline" shortcut).
pub fn timeline_note(author: &str, ts: &str, text: &str) -> String {
    let when = ts_ms(ts)
        .map(time::datetime)
        .unwrap_or_else(|| ts.to_string());
    let who = if author.is_empty() {
        "someone".to_string()
    } else {
        format!("@{author}")
    };
    format!("{who} at {when}: {}", normalize_mentions(text))
}

/// The message `ts` of `channel`, as `(author, text)`: the event carries neither text
/// nor, for some messages, the author.
async fn fetch_message(service: &Service, channel: &str, ts: &str) -> Option<(String, String)> {
    let call = service.api.call(
        "conversations.history",
        json!({"channel": channel, "latest": ts, "oldest": ts, "inclusive": true, "limit": 1}),
    );
    let answer = tokio::time::timeout(FETCH_TIMEOUT, call).await.ok()?.ok()?;
    let message = answer
        .get("messages")?
        .as_array()?
        .iter()
        .find(|m| m.get("ts").and_then(Value::as_str) == Some(ts))?;
    let author = message
        .get("user")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let text = message
        .get("text")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    Some((author, text))
}

/// Handles a `reaction_added` event; anything not for the timeline is ignored.
pub async fn reaction_added(service: &Service, event: &Value) -> Result<(), ServiceError> {
    let Some(r) = parse(event) else {
        return Ok(());
    };
    if r.reaction != service.policy.timeline_reaction {
        return Ok(());
    }
    let Some(inc) = service.store.incident_by_channel(r.channel).await? else {
        return Ok(());
    };
    let now = service.clock.now_ms();
    if !service
        .store
        .claim_timeline_message(&inc.id, r.ts, now)
        .await?
    {
        return Ok(());
    }
    let (author, text) = match fetch_message(service, r.channel, r.ts).await {
        Some((author, text)) => (
            if r.author.is_empty() {
                author
            } else {
                r.author.to_string()
            },
            text,
        ),
        // Slack would not give the text (a thread reply, a slow answer): the entry still
        // says who wrote what when, and the ts finds it in Slack.
        None => (
            r.author.to_string(),
            format!("(message {} — text unavailable)", r.ts),
        ),
    };
    let note = timeline_note(&author, r.ts, &text);
    let answer = match service.act(&inc.id, r.reactor, Action::Note(note)).await {
        Ok(answer) => answer,
        Err(e) => {
            service
                .store
                .release_timeline_message(&inc.id, r.ts)
                .await?;
            return Err(e);
        }
    };
    match answer {
        Ok(Some(reply)) => {
            service
                .send(
                    &inc.id,
                    &[Effect::Tell {
                        user: r.reactor.to_string(),
                        notice: Notice::Replied { reply },
                        channel: Some(r.channel.to_string()),
                    }],
                )
                .await
        }
        Ok(None) => Ok(()),
        Err(_refusal) => {
            service
                .store
                .release_timeline_message(&inc.id, r.ts)
                .await?;
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn note_has_author_original_time_and_text() {
        assert_eq!(
            timeline_note("U1", "1764460800.000100", "rolled back <@U2>"),
            format!(
                "@U1 at {}: rolled back @U2",
                time::datetime(1_764_460_800_000)
            )
        );
        assert_eq!(ts_ms("1764460800.5"), Some(1_764_460_800_500));
        assert_eq!(ts_ms("nope"), None);
        assert!(timeline_note("", "x", "t").starts_with("someone at x: "));
    }

    #[test]
    fn only_message_reactions_parse() {
        let e = json!({"type": "reaction_added", "user": "U1", "reaction": "pushpin",
            "item_user": "U2", "item": {"type": "message", "channel": "C1", "ts": "1.2"}});
        let r = parse(&e).unwrap();
        assert_eq!(
            (r.reactor, r.channel, r.ts, r.author),
            ("U1", "C1", "1.2", "U2")
        );
        let file = json!({"type": "reaction_added", "user": "U1", "reaction": "pushpin",
            "item": {"type": "file", "file": "F1"}});
        assert!(parse(&file).is_none());
    }
}
