//! The post-mortem draft: Markdown following the usual post-mortem template, filled
//! from what warroom recorded. Sections only a human can write are left as visible
//! placeholders rather than invented.

use super::time::{datetime, human_ms};
use crate::incident::model::{ActionItem, Incident, StatusUpdate, TimelineEntry};
use crate::incident::schedule::ms as millis;
use crate::policy::Policy;
use std::fmt::Write;

const TODO: &str = "_To be filled in._";

/// Everything the draft is made from.
pub struct PostmortemInput<'a> {
    pub incident: &'a Incident,
    pub policy: &'a Policy,
    pub timeline: &'a [TimelineEntry],
    pub updates: &'a [StatusUpdate],
    pub action_items: &'a [ActionItem],
}

/// Table cells: no pipes or newlines may break the row.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// Slack references to plain text: `<@U1|ann>` → `@U1`, `<!subteam^S2>` → `@S2`,
/// `<#C3|x>` → `#C3` (Markdown outside Slack has no mentions). Text recorded by this
/// version already writes people as `@U1`; older rows hold Slack's syntax.
fn plain_mentions(text: &str) -> String {
    use crate::slack::refs::{map_refs, Ref};
    map_refs(text, |r| match r {
        Ref::User(id) | Ref::Group(id) => format!("@{id}"),
        Ref::Channel(id) => format!("#{id}"),
        Ref::Other(raw) => raw
            .trim_start_matches('<')
            .trim_end_matches('>')
            .to_string(),
    })
}

fn actor(a: &str) -> String {
    if a == crate::incident::decide::SYSTEM_ACTOR {
        "warroom".into()
    } else {
        format!("@{a}")
    }
}

fn phase(from: Option<i64>, to: Option<i64>) -> Option<i64> {
    match (from, to) {
        (Some(f), Some(t)) if t >= f => Some(t - f),
        _ => None,
    }
}

fn took(ms: Option<i64>) -> String {
    ms.map(human_ms).unwrap_or_else(|| "—".into())
}

fn against(ms: Option<i64>, target: Option<std::time::Duration>) -> (String, String) {
    match target {
        None => ("—".into(), "—".into()),
        Some(t) => {
            let t_ms = millis(t);
            let met = match ms {
                Some(v) if v <= t_ms => "yes",
                Some(_) => "**no**",
                None => "—",
            };
            (human_ms(t_ms), met.into())
        }
    }
}

pub fn render(input: &PostmortemInput) -> String {
    let inc = input.incident;
    let sev = input.policy.severity(&inc.severity);
    let sev_display = sev
        .map(|s| s.display())
        .unwrap_or_else(|| inc.severity.clone());
    let mut md = String::new();
    let w = &mut md;
    let _ = writeln!(w, "# Post-Mortem: {}\n", plain_mentions(&inc.title));
    let _ = writeln!(w, "**Incident**: {}  ", inc.id);
    let _ = writeln!(w, "**Date**: {}  ", &datetime(inc.declared_at)[..10]);
    let mut authors: Vec<String> = Vec::new();
    for holder in inc.roles.values() {
        let author = format!("@{}", holder.user);
        if !authors.contains(&author) {
            authors.push(author);
        }
    }
    authors.push("warroom (draft)".into());
    let _ = writeln!(w, "**Authors**: {}  ", authors.join(", "));
    let _ = writeln!(w, "**Status**: Draft  ");
    let _ = writeln!(w, "**Severity**: {sev_display}\n");

    let _ = writeln!(w, "## Executive Summary\n");
    let outcome = match inc.resolved_at {
        Some(r) => format!(
            "It was resolved at {} after {}.",
            datetime(r),
            human_ms(r - inc.declared_at)
        ),
        None => format!("It is not resolved yet (status: {}).", inc.status),
    };
    let _ = writeln!(
        w,
        "{} was declared at {} by @{} as {sev_display}. {outcome}",
        plain_mentions(&inc.title),
        datetime(inc.declared_at),
        inc.reporter
    );
    if !inc.description.is_empty() {
        let _ = writeln!(w, "\n{}", plain_mentions(&inc.description));
    }
    if !inc.resolve_summary.is_empty() {
        let _ = writeln!(
            w,
            "\n**Resolution**: {}",
            plain_mentions(&inc.resolve_summary)
        );
    }

    let _ = writeln!(w, "\n## Impact\n");
    let duration = phase(Some(inc.declared_at), inc.resolved_at);
    let _ = writeln!(
        w,
        "- **Duration**: {} (declared → resolved)",
        took(duration)
    );
    let sev_desc = sev.map(|s| s.description.as_str()).unwrap_or("");
    if sev_desc.is_empty() {
        let _ = writeln!(w, "- **Severity**: {sev_display}");
    } else {
        let _ = writeln!(w, "- **Severity**: {sev_display} — {sev_desc}");
    }
    let or_todo = |s: &str| {
        if s.is_empty() {
            TODO.to_string()
        } else {
            plain_mentions(s)
        }
    };
    let _ = writeln!(w, "- **Users Affected**: {}", or_todo(&inc.impact));
    let _ = writeln!(w, "- **Functionality Impacted**: {}", or_todo(&inc.service));
    let _ = writeln!(
        w,
        "- **Detection Time**: {TODO} (from occurrence to declaration)"
    );
    let _ = writeln!(w, "- **Resolution Time**: {}", took(duration));

    let _ = writeln!(w, "\n## Timeline\n\nAll times in UTC.\n");
    let _ = writeln!(w, "| Time | Actor | Event |\n|------|-------|-------|");
    for e in input.timeline {
        let _ = writeln!(
            w,
            "| {} | {} | {} |",
            &datetime(e.at)[..16],
            actor(&e.actor),
            cell(&plain_mentions(&e.text))
        );
    }

    let _ = writeln!(w, "\n## Root Cause\n\n### Technical Root Cause\n");
    let _ = writeln!(w, "{}", or_todo(&inc.resolve_summary));
    let _ = writeln!(w, "\n### Contributing Factors\n\n1. {TODO}");
    let _ = writeln!(w, "\n### Why Wasn't This Caught Earlier?\n\n{TODO}");

    let _ = writeln!(w, "\n## Response\n\n### Response Timeline Analysis\n");
    let respond = phase(Some(inc.declared_at), inc.first_ic_at);
    let mitigate = phase(inc.first_ic_at.or(Some(inc.declared_at)), inc.mitigated_at);
    let resolve = phase(inc.mitigated_at, inc.resolved_at);
    let (respond_target, respond_met) = against(respond, sev.and_then(|s| s.respond_within));
    let (resolve_target, resolve_met) = against(duration, sev.and_then(|s| s.resolve_within));
    let _ = writeln!(
        w,
        "| Phase | Took | Target | Met |\n|-------|------|--------|-----|"
    );
    let _ = writeln!(
        w,
        "| Detection → Response (first IC) | {} | {respond_target} | {respond_met} |",
        took(respond)
    );
    let _ = writeln!(w, "| Response → Mitigation | {} | — | — |", took(mitigate));
    let _ = writeln!(w, "| Mitigation → Resolution | {} | — | — |", took(resolve));
    let _ = writeln!(
        w,
        "| Detection → Resolution | {} | {resolve_target} | {resolve_met} |",
        took(duration)
    );
    let cadence = sev
        .and_then(|s| s.update_every)
        .map(|d| format!(" (target: every {})", human_ms(millis(d))))
        .unwrap_or_default();
    let _ = writeln!(
        w,
        "\nStatus updates posted: {}{cadence}.",
        input.updates.len()
    );
    let _ = writeln!(w, "\n### What Went Well\n\n1. {TODO}");
    let _ = writeln!(w, "\n### What Could Be Improved\n\n1. {TODO}");

    let _ = writeln!(w, "\n## Action Items\n");
    if input.action_items.is_empty() {
        let _ = writeln!(
            w,
            "None recorded. Add them with `/incident action <text> [@owner] [due YYYY-MM-DD]`."
        );
    } else {
        let _ = writeln!(w, "| # | Action | Owner | Due Date | Status |\n|---|--------|-------|----------|--------|");
        for item in input.action_items {
            let _ = writeln!(
                w,
                "| {} | {} | {} | {} | {} |",
                item.id,
                cell(&plain_mentions(&item.text)),
                item.owner
                    .as_deref()
                    .map(|o| format!("@{o}"))
                    .unwrap_or_else(|| "—".into()),
                item.due.as_deref().unwrap_or("—"),
                if item.done { "[x] done" } else { "[ ] open" }
            );
        }
    }
    let _ = writeln!(w, "\n## Lessons Learned\n\n1. {TODO}");
    md
}

/// Splits `text` into pieces of at most `max` bytes at line boundaries (a single longer
/// line is split at char boundaries), so nothing is ever truncated.
pub fn split(text: &str, max: usize) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    for line in text.split_inclusive('\n') {
        if current.len() + line.len() > max && !current.is_empty() {
            parts.push(std::mem::take(&mut current));
        }
        if line.len() > max {
            let mut chunk = String::new();
            for c in line.chars() {
                if chunk.len() + c.len_utf8() > max {
                    parts.push(std::mem::take(&mut chunk));
                }
                chunk.push(c);
            }
            current = chunk;
        } else {
            current.push_str(line);
        }
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_never_loses_text() {
        let text = format!("{}\n{}\nshort\n", "a".repeat(50), "é".repeat(80));
        let parts = split(&text, 40);
        assert!(parts.iter().all(|p| p.len() <= 40));
        assert_eq!(parts.concat(), text);
        assert_eq!(split("", 10), Vec::<String>::new());
    }

    #[test]
    fn mentions_and_cells() {
        assert_eq!(
            plain_mentions("ask <@U1|ann> and <!subteam^S2> in <#C3|war>, a < b"),
            "ask @U1 and @S2 in #C3, a < b"
        );
        assert_eq!(cell("a|b\nc"), "a\\|b c");
    }
}
