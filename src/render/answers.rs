//! Answers to the person who acted: refusals, replies and the read-only commands
//! (`list`, `timeline`, `stats`, `help`).

use super::mrkdwn::{channel_link, escape, mention, user_text};
use super::notices::role_name;
use super::time::{datetime, duration_between, human_ms};
use crate::incident::decide::SYSTEM_ACTOR;
use crate::incident::model::{Incident, TimelineEntry};
use crate::incident::refusal::{Privileged, Refusal, Reply};
use crate::incident::stats::Stats;
use crate::policy::Policy;

/// "P0|P1|P2|P3"
pub fn severity_list(policy: &Policy) -> String {
    let names: Vec<&str> = policy.severities.iter().map(|s| s.name.as_str()).collect();
    escape(&names.join("|"))
}

/// "ic|tech|comms|scribe"
pub fn role_list(policy: &Policy) -> String {
    let keys: Vec<&str> = policy.roles.iter().map(|r| r.key.as_str()).collect();
    escape(&keys.join("|"))
}

/// Why nothing happened, in words.
pub fn refusal(policy: &Policy, refusal: &Refusal) -> String {
    let sevs = severity_list(policy);
    match refusal {
        Refusal::UnknownSeverity { given } => format!(
            "Unknown severity `{}`. Choose one of: {sevs}.",
            user_text(given)
        ),
        Refusal::SeverityGone { severity } => format!(
            "Severity {} is no longer in the policy; re-grade with `/incident severity &lt;{sevs}&gt;`.",
            escape(severity)
        ),
        Refusal::NoTitle => "An incident needs a title.".into(),
        Refusal::IncidentClosed { incident } => format!(
            "{} is closed; closed incidents don't change. Declare a new one if the problem is back.",
            escape(incident)
        ),
        Refusal::NotCommander { ic, what } => {
            let what = match what {
                Privileged::ChangeSeverity => "change the severity".to_string(),
                Privileged::Resolve => "resolve the incident".to_string(),
                Privileged::Close => "close the incident".to_string(),
                Privileged::TakeOver { role } => format!("take over {}", role_name(policy, role)),
            };
            format!(
                "Only the Incident Commander ({ic}) or a warroom admin can {what}. Ask {ic}, or ask them to hand over the role.",
                ic = mention(ic)
            )
        }
        Refusal::AlreadyStatus { incident, status } => {
            format!("{} is already {status}.", escape(incident))
        }
        Refusal::AlreadySeverity { incident, severity } => {
            format!("{} is already {}.", escape(incident), escape(severity))
        }
        Refusal::UnknownRole { given } => format!(
            "Unknown role `{}`. Roles: {}.",
            user_text(given),
            role_list(policy)
        ),
        Refusal::RolesFrozen { incident, status } => {
            format!("{} is {status}; roles no longer change.", escape(incident))
        }
        Refusal::AlreadyHolds {
            user,
            role,
            incident,
        } => format!(
            "{} already holds {} on {}.",
            mention(user),
            role_name(policy, role),
            escape(incident)
        ),
        Refusal::NoUpdatesDue { incident, status } => {
            format!("{} is {status}; no more updates are due.", escape(incident))
        }
        Refusal::AlreadyResolved { incident } => {
            format!("{} is already resolved.", escape(incident))
        }
        Refusal::NotResolved { incident, status } => format!(
            "{} is {status}: resolve it first with `/incident resolve [summary]`.",
            escape(incident)
        ),
        Refusal::NothingToEscalate { incident, status } => format!(
            "{} is {status}; there is nothing to escalate.",
            escape(incident)
        ),
        Refusal::NoEscalationTarget { severity } => format!(
            "No escalation target is configured for {} (`escalate_to` in the policy). Page someone directly and note it with `/incident note`.",
            escape(severity)
        ),
        Refusal::NothingToAcknowledge { incident, status } => format!(
            "{} is {status} and no escalation step is waiting for an answer: there is nothing to acknowledge.",
            escape(incident)
        ),
        Refusal::AlreadyAcknowledged { incident, by } => format!(
            "{} already took the escalation of {}: no further step will be called.",
            mention(by),
            escape(incident)
        ),
        Refusal::NothingToSnooze { incident, status } => format!(
            "{} is {status}; there are no reminders to snooze.",
            escape(incident)
        ),
        Refusal::NoCadence { incident, severity } => format!(
            "{} has no update cadence at {}.",
            escape(incident),
            escape(severity)
        ),
        Refusal::ItemOfOtherIncident { item, incident } => {
            format!("Action item #{item} belongs to {}.", escape(incident))
        }
        Refusal::ItemAlreadyDone { item } => format!("Action item #{item} is already done."),
        Refusal::NoSuchIncident { incident } => {
            format!("There is no incident {}.", escape(incident))
        }
        Refusal::NotCommsLead { comms, ic } => {
            let who: Vec<String> = [comms.as_deref().map(|c| format!("the comms lead ({})", mention(c))),
                ic.as_deref().map(|i| format!("the Incident Commander ({})", mention(i)))]
            .into_iter()
            .flatten()
            .collect();
            if who.is_empty() {
                // Nobody holds comms or IC: the reporter and role holders may.
                "Only the people in this incident's response (its reporter and role holders) or a warroom admin can edit or publish the status page text until someone takes comms.".to_string()
            } else {
                format!(
                    "Only {} or a warroom admin can edit or publish the status page text.",
                    who.join(" or ")
                )
            }
        }
        Refusal::DraftAlreadyPublished { draft } => format!(
            "Status page draft #{draft} is already published; the next status change brings a new draft."
        ),
        Refusal::DraftSuperseded { draft, newer } => format!(
            "Status page draft #{draft} is out of date: draft #{newer} says where the incident is now. Edit and publish that one instead."
        ),
        Refusal::DraftOfOtherIncident { draft, incident } => format!(
            "Status page draft #{draft} belongs to {}.",
            escape(incident)
        ),
        Refusal::EmptyDraft => "The status page text can't be empty.".into(),
        Refusal::StatuspageNotConfigured => "Statuspage is not configured here (`STATUSPAGE_API_KEY` and `STATUSPAGE_PAGE_ID`), so nothing was published. Copy the draft above to your status page by hand.".into(),
    }
}

/// A refusal where Slack shows plain text (a modal's field error): people as `@U…`,
/// nothing escaped.
pub fn refusal_plain(policy: &Policy, r: &Refusal) -> String {
    super::mrkdwn::unescape(&super::mrkdwn::plain_user_text(&refusal(policy, r)))
}

pub fn reply(reply: Reply) -> &'static str {
    match reply {
        Reply::Noted => "Added to the timeline.",
        Reply::ItemSnoozed => "Snoozed: I'll remind you of it again then.",
        Reply::DraftEdited => "Draft updated.",
        Reply::DraftPublished => "Publishing to the status page now.",
        Reply::DrillDraftNotSent => {
            "This is a drill: the draft is marked published, but nothing was sent to Statuspage."
        }
    }
}

/// The answer to `/incident declare …`.
pub fn declared(inc: &Incident) -> String {
    let what = if inc.drill { " a drill," } else { "" };
    format!(
        ":rotating_light: Declared{what} *{}* — {} ({}). Opening its channel now; I'll link it here in a moment.",
        escape(&inc.id),
        user_text(&inc.title),
        escape(&inc.severity)
    )
}

fn severity_display(policy: &Policy, inc: &Incident) -> String {
    escape(
        &policy
            .severity(&inc.severity)
            .map(|s| s.display())
            .unwrap_or_else(|| inc.severity.clone()),
    )
}

/// `/incident list`: the open incidents `incidents` (already filtered for the reader).
pub fn list(policy: &Policy, incidents: &[&Incident], now: i64) -> String {
    if incidents.is_empty() {
        return ":sunny: No open incidents.".into();
    }
    let mut text = format!("*Open incidents ({})*", incidents.len());
    for inc in incidents {
        let ic = inc.ic().map(mention).unwrap_or_else(|| "no IC".into());
        let channel = inc
            .slack
            .channel_id
            .as_deref()
            .map(channel_link)
            .unwrap_or_else(|| "channel pending".into());
        let lock = match (inc.private, inc.drill) {
            (true, true) => " :lock: DRILL",
            (true, false) => " :lock:",
            (false, true) => " DRILL",
            (false, false) => "",
        };
        text.push_str(&format!(
            "\n• *{}*{lock} {} — {} · {} · IC {ic} · {} old · {channel}",
            escape(&inc.id),
            user_text(&super::mrkdwn::truncate(&inc.title, 300)),
            severity_display(policy, inc),
            inc.status.title(),
            duration_between(inc.declared_at, now)
        ));
    }
    text
}

/// Longest answer Slack takes as a message's text.
const MAX_ANSWER: usize = super::MAX_MESSAGE_TEXT - 100;

/// `/incident timeline`: every entry, in UTC, with its actor. An answer is one message,
/// so a timeline longer than Slack takes ends with a pointer to the complete record.
pub fn timeline(inc: &Incident, entries: &[TimelineEntry]) -> String {
    let text = timeline_text(inc, entries);
    if text.chars().count() <= MAX_ANSWER {
        return text;
    }
    let mut head = super::mrkdwn::split(&text, MAX_ANSWER)
        .into_iter()
        .next()
        .unwrap_or_default();
    head.push_str("\n… the rest is in the post-mortem draft (`/incident postmortem`).");
    head
}

fn timeline_text(inc: &Incident, entries: &[TimelineEntry]) -> String {
    let mut text = format!("*Timeline of {}* (UTC)", escape(&inc.id));
    for e in entries {
        let actor = if e.actor == SYSTEM_ACTOR {
            "warroom".to_string()
        } else {
            mention(&e.actor)
        };
        text.push_str(&format!(
            "\n`{}` {actor} — {}",
            datetime(e.at),
            user_text(&e.text)
        ));
    }
    text
}

/// `/incident stats`.
pub fn stats(stats: &Stats) -> String {
    let fmt = |s: Option<i64>| s.map(|v| human_ms(v * 1000)).unwrap_or_else(|| "—".into());
    let mut out = format!(
        "*Incident stats, last {}* ({} incidents{})\n",
        human_ms(stats.window_seconds * 1000),
        stats.total,
        if stats.drills {
            ", drills included"
        } else {
            ""
        }
    );
    for s in stats.by_severity.iter().filter(|s| s.count > 0) {
        out.push_str(&format!(
            "• *{}*: {} — MTTA {} ({} acknowledged) · MTTR {} ({} resolved)\n",
            escape(&s.severity),
            s.count,
            fmt(s.mtta_seconds),
            s.acknowledged,
            fmt(s.mttr_seconds),
            s.resolved
        ));
    }
    for (month, sevs) in &stats.by_month {
        let parts: Vec<String> = sevs
            .iter()
            .map(|(s, n)| format!("{} {n}", escape(s)))
            .collect();
        out.push_str(&format!("• {month}: {}\n", parts.join(", ")));
    }
    out.trim_end().to_string()
}

/// `/incident help`.
pub fn help(policy: &Policy) -> String {
    let sevs = severity_list(policy);
    let roles = role_list(policy);
    format!(
        "*warroom* — run incidents in Slack.\n\
         *Anywhere*\n\
         • `/incident` — open the declare form\n\
         • `/incident declare [--private] [--drill] &lt;{sevs}&gt; &lt;title&gt;` — declare at once (`--drill`: an exercise, nobody paged)\n\
         • `/incident list` — open incidents\n\
         • `/incident stats [30d] [drills]` — MTTA, MTTR and counts (drills only when asked)\n\
         • `/incident help` — this list\n\
         *In an incident channel*\n\
         • `/incident status &lt;investigating|identified|mitigating|monitoring|resolved&gt;`\n\
         • `/incident severity &lt;{sevs}&gt;`\n\
         • `/incident role &lt;{roles}&gt; &lt;@user&gt;` · `/incident roles`\n\
         • `/incident update [text]` — post an update (no text: open the form)\n\
         • `/incident note &lt;text&gt;` · `/incident timeline`\n\
         • `/incident action &lt;text&gt; [@owner] [due YYYY-MM-DD]` · `/incident actions`\n\
         • `/incident escalate [reason]`\n\
         • `/incident subscribe` · `/incident unsubscribe` — this incident's updates by DM\n\
         • `/incident resolve [summary]` · `/incident close` · `/incident postmortem`"
    )
}

/// Text from warroom itself (usage hints, errors phrased for people) that may quote
/// what someone typed: escaped whole.
pub fn plain(text: &str) -> String {
    escape(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::stats::{SeverityStats, Stats};

    #[test]
    fn stats_text() {
        let stats = Stats {
            window_seconds: 30 * 86_400,
            since: String::new(),
            total: 3,
            drills: false,
            by_severity: vec![SeverityStats {
                severity: "P1".into(),
                count: 3,
                acknowledged: 2,
                resolved: 2,
                mtta_seconds: Some(420),
                mttr_seconds: Some(5400),
            }],
            by_month: Default::default(),
        };
        let t = super::stats(&stats);
        assert!(
            t.contains("*P1*: 3 — MTTA 7m (2 acknowledged) · MTTR 1h 30m (2 resolved)"),
            "{t}"
        );
    }

    #[test]
    fn refusals_escape_what_was_typed() {
        let policy = Policy::builtin();
        let text = refusal(
            &policy,
            &Refusal::UnknownSeverity {
                given: "<!channel>".into(),
            },
        );
        assert!(text.contains("&lt;!channel&gt;"), "{text}");
        let text = refusal(
            &policy,
            &Refusal::NotCommander {
                ic: "U0BOB".into(),
                what: Privileged::TakeOver { role: "ic".into() },
            },
        );
        assert_eq!(text, "Only the Incident Commander (<@U0BOB>) or a warroom admin can take over Incident Commander. Ask <@U0BOB>, or ask them to hand over the role.");
        let plain = refusal_plain(
            &policy,
            &Refusal::NotCommander {
                ic: "U0BOB".into(),
                what: Privileged::Resolve,
            },
        );
        assert!(
            plain.starts_with("Only the Incident Commander (@U0BOB)"),
            "{plain}"
        );
        let plain = refusal_plain(
            &policy,
            &Refusal::UnknownSeverity {
                given: "a&b".into(),
            },
        );
        assert_eq!(plain, "Unknown severity `a&b`. Choose one of: P0|P1|P2|P3.");
    }

    #[test]
    fn a_timeline_answer_fits_one_message() {
        use crate::incident::decide::fixtures::{incident, NOW};
        let entries: Vec<TimelineEntry> = (0..20)
            .map(|i| TimelineEntry {
                at: NOW + i,
                actor: "U0BOB".into(),
                kind: "note".into(),
                text: "<&>".repeat(1_000),
            })
            .collect();
        let text = timeline(&incident(), &entries);
        assert!(
            text.chars().count() <= super::super::MAX_MESSAGE_TEXT,
            "{}",
            text.len()
        );
        assert!(text.ends_with("(`/incident postmortem`)."));
        let short = timeline(&incident(), &entries[..1]);
        assert!(short.contains(&"&lt;&amp;&gt;".repeat(1_000)));
    }
}
