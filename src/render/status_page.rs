//! The status-page draft as the incident channel sees it: the public words, quoted, for
//! the comms lead (the IC while nobody holds comms), with Edit and Publish while it is a
//! draft, and who published it after. The words are escaped like any typed text: a title
//! cannot broadcast or mention through its draft.

use super::mrkdwn::{escape, mention, truncate};
use super::time::datetime;
use super::{Message, MAX_SECTION_TEXT};
use crate::incident::model::{Incident, COMMS_ROLE};
use crate::incident::status_page::{DraftState, StatusDraft};
use crate::policy::Policy;
use crate::slack::button::Button;
use serde_json::{json, Value};

/// What the offer message shows.
pub struct Offer<'a> {
    pub inc: &'a Incident,
    pub policy: &'a Policy,
    pub draft: &'a StatusDraft,
    /// Statuspage is configured (Publish sends it).
    pub configured: bool,
}

fn plain(text: &str) -> Value {
    json!({"type": "plain_text", "text": text, "emoji": true})
}

/// `text` as a mrkdwn quote, escaped.
fn quoted(text: &str) -> String {
    text.lines()
        .map(|l| format!("&gt; {}", escape(l)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Who the draft is for: the comms lead, else the IC, else nobody yet.
fn addressee(inc: &Incident) -> String {
    match inc.holder(COMMS_ROLE).or(inc.ic()) {
        Some(user) => format!("{}, this is yours to edit and publish.", mention(user)),
        None => {
            "Nobody holds comms or IC yet: whoever takes comms (or, until then, the reporter) can edit and publish it.".to_string()
        }
    }
}

/// Where Publish sends the draft, or why it sends nothing.
fn destination(o: &Offer) -> String {
    if o.inc.drill {
        return "Drill: Publish marks it published and sends nothing to Statuspage.".into();
    }
    if !o.configured {
        return "Statuspage isn't configured here: copy the text to your status page.".into();
    }
    let components = o.policy.statuspage.components_for(&o.inc.service);
    if components.is_empty() {
        "Publish sends it to Statuspage (no component mapped to this service).".into()
    } else {
        format!(
            "Publish sends it to Statuspage with component(s) {}.",
            escape(&components.join(", "))
        )
    }
}

/// The offer message (also its refreshed form).
pub fn offer(o: &Offer) -> Message {
    let d = o.draft;
    // The channel says which incident; the card's posts are the ones that carry its id.
    let head = format!(
        ":memo: *Status page draft — {}*: what the public would read now",
        d.status.title()
    );
    let words = truncate(&quoted(&d.text), MAX_SECTION_TEXT);
    let mut blocks = vec![
        json!({"type": "section", "text": {"type": "mrkdwn", "text": head}}),
        json!({"type": "section", "text": {"type": "mrkdwn", "text": words}}),
    ];
    let footer = match d.state {
        DraftState::Drafted => {
            let edit = Button::EditStatusDraft { draft: d.id };
            let publish = Button::PublishStatusDraft { draft: d.id };
            blocks.push(json!({"type": "actions", "elements": [
                {"type": "button", "action_id": edit.action_id(), "text": plain("Edit"), "value": edit.value()},
                {"type": "button", "action_id": publish.action_id(), "style": "primary", "text": plain("Publish"), "value": publish.value()},
            ]}));
            format!("{} {}", addressee(o.inc), destination(o))
        }
        DraftState::Published => {
            let by = d.published_by.as_deref().map(mention).unwrap_or_default();
            let at = d.published_at.map(datetime).unwrap_or_default();
            if o.inc.drill {
                format!(":white_check_mark: Marked published by {by} at {at} (drill: nothing was sent to Statuspage).")
            } else {
                format!(":white_check_mark: Published to the status page by {by} at {at}.")
            }
        }
    };
    blocks.push(json!({"type": "context", "elements": [{"type": "mrkdwn", "text": footer}]}));
    Message::with_blocks(format!("{head}\n{words}\n{footer}"), Value::Array(blocks))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::decide::fixtures::{incident, policy, with_ic, BOB, NOW};
    use crate::incident::status_page::PublicStatus;

    fn draft(text: &str) -> StatusDraft {
        StatusDraft {
            id: 4,
            incident_id: incident().id,
            status: PublicStatus::Investigating,
            text: text.into(),
            state: DraftState::Drafted,
            created_at: NOW,
            edited_by: None,
            published_by: None,
            published_at: None,
            superseded_by: None,
        }
    }

    #[test]
    fn the_words_are_quoted_and_escaped_and_the_lead_mentioned() {
        let policy = policy();
        let inc = with_ic(incident(), BOB);
        let d = draft("We're investigating <!channel> & <@U0EVE>.\nMore soon.");
        let m = offer(&Offer {
            inc: &inc,
            policy: &policy,
            draft: &d,
            configured: true,
        });
        assert!(m
            .text
            .contains("&gt; We're investigating &lt;!channel&gt; &amp; &lt;@U0EVE&gt;."));
        assert!(m.text.contains("&gt; More soon."));
        assert!(!m.text.contains("<!channel>") && !m.text.contains("<@U0EVE>"));
        assert!(m.text.contains("<@U0BOB>, this is yours"));
        let blocks = m.blocks.unwrap();
        let actions = &blocks[2]["elements"];
        assert_eq!(actions[0]["action_id"], "status_draft_edit");
        assert_eq!(actions[1]["value"], "4");
    }

    #[test]
    fn published_drafts_have_no_buttons_and_say_who() {
        let policy = policy();
        let inc = incident();
        let mut d = draft("ok");
        d.state = DraftState::Published;
        d.published_by = Some(BOB.into());
        d.published_at = Some(NOW);
        let m = offer(&Offer {
            inc: &inc,
            policy: &policy,
            draft: &d,
            configured: false,
        });
        assert!(m.text.contains("Published to the status page by <@U0BOB>"));
        assert!(!m.blocks.unwrap().to_string().contains("\"actions\""));
    }
}
