//! What subscribers read: each update of an incident, by DM, and the answers to
//! `subscribe` / `unsubscribe`.

use super::mrkdwn::{escape, in_incident_channel, user_text};
use super::notices;
use crate::incident::model::Incident;
use crate::incident::Notice;
use crate::policy::Policy;

/// `*INC-… Title* (#channel)` then the notice's words: a DM needs to say which incident.
pub fn subscriber_dm(policy: &Policy, inc: &Incident, notice: &Notice) -> String {
    let channel = in_incident_channel(inc);
    format!(
        ":bell: *{}* {}{channel}\n{}",
        escape(&inc.id),
        user_text(&super::mrkdwn::truncate(&inc.title, 300)),
        notices::notice(policy, inc, notice).text
    )
}

pub fn subscribed(inc: &Incident, newly: bool) -> String {
    if newly {
        format!(
            ":bell: You'll get each update of *{}* by DM until it closes. `/incident unsubscribe` in its channel stops them.",
            escape(&inc.id)
        )
    } else {
        format!("You are already subscribed to *{}*.", escape(&inc.id))
    }
}

pub fn unsubscribed(inc: &Incident, was: bool) -> String {
    if was {
        format!(
            "You will no longer get updates of *{}* by DM.",
            escape(&inc.id)
        )
    } else {
        format!("You were not subscribed to *{}*.", escape(&inc.id))
    }
}

/// Subscribing to a closed incident: there will be no more updates.
pub fn closed(inc: &Incident) -> String {
    format!(
        "*{}* is closed: there are no more updates to send.",
        escape(&inc.id)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::model::Status;

    #[test]
    fn dm_escapes_the_title() {
        let policy = Policy::builtin();
        let mut inc = crate::incident::decide::fixtures::incident();
        inc.title = "<!channel> & co".into();
        let text = subscriber_dm(
            &policy,
            &inc,
            &Notice::StatusChanged {
                status: Status::Mitigating,
                by: "U1".into(),
            },
        );
        assert!(text.contains("&lt;!channel&gt; &amp; co"), "{text}");
        assert!(!text.contains("<!channel>"), "{text}");
    }
}
