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
    /// How a person is written, from their user id: `@name` in a Markdown file (no
    /// mentions render there), `![](@U…)` in a canvas (which renders it as a mention).
    pub person: &'a dyn Fn(&str) -> String,
}

/// Writes people as canvas mentions, which Slack renders with the person's name.
pub fn person_in_canvas(id: &str) -> String {
    format!("![](@{id})")
}

/// Writes a person by `name` (from Slack's profile, so escaped like any text).
pub fn person_named(name: &str) -> String {
    format!("@{}", literal(name))
}

/// Text that Markdown shows as typed: `[label](url)` (a link, or with `!` a canvas
/// mention) is not made from what people wrote. Slack's own syntax is handled before.
fn literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '[' | ']') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Table cells: no pipes or newlines may break the row.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// Slack references to plain text: `<@U1|ann>` → `@U1`, `<!subteam^S2>` → `@S2`,
/// `<#C3|x>` → `#C3` (Markdown outside Slack has no mentions). Text recorded by this
/// version already writes people as `@U1`; older rows hold Slack's syntax.
fn plain_mentions(text: &str, person: &dyn Fn(&str) -> String) -> String {
    use crate::slack::refs::{map_refs, Ref};
    let text = map_refs(text, |r| match r {
        Ref::User(id) | Ref::Group(id) => format!("@{id}"),
        Ref::Channel(id) => format!("#{id}"),
        Ref::Other(raw) => raw
            .trim_start_matches('<')
            .trim_end_matches('>')
            .to_string(),
    });
    people_in(&literal(&text), person)
}

/// Rewrites each `@U…` in recorded text (as this version records mentions, or as
/// `map_refs` just unwrapped them) with `person`; `x@U1` inside a word is left alone.
fn people_in(text: &str, person: &dyn Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('@') {
        let (before, tail) = rest.split_at(at);
        out.push_str(before);
        let in_word = before.chars().last().is_some_and(|c| c.is_alphanumeric());
        let id_len = tail[1..]
            .find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit()))
            .unwrap_or(tail.len() - 1);
        let id = &tail[1..=id_len];
        if !in_word && crate::incident::model::is_user_id(id) {
            out.push_str(&person(id));
        } else {
            out.push('@');
            out.push_str(id);
        }
        rest = &tail[1 + id_len..];
    }
    out.push_str(rest);
    out
}

fn actor(a: &str, person: &dyn Fn(&str) -> String) -> String {
    if a == crate::incident::decide::SYSTEM_ACTOR {
        "warroom".into()
    } else {
        person(a)
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
    let p = input.person;
    let sev = input.policy.severity(&inc.severity);
    let sev_display = sev
        .map(|s| s.display())
        .unwrap_or_else(|| inc.severity.clone());
    let mut md = String::new();
    let w = &mut md;
    let _ = writeln!(w, "# Post-Mortem: {}\n", plain_mentions(&inc.title, p));
    let _ = writeln!(w, "**Incident**: {}  ", inc.id);
    let _ = writeln!(w, "**Date**: {}  ", &datetime(inc.declared_at)[..10]);
    let mut authors: Vec<String> = Vec::new();
    for holder in inc.roles.values() {
        let author = p(&holder.user);
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
        "{} was declared at {} by {} as {sev_display}. {outcome}",
        plain_mentions(&inc.title, p),
        datetime(inc.declared_at),
        p(&inc.reporter)
    );
    if !inc.description.is_empty() {
        let _ = writeln!(w, "\n{}", plain_mentions(&inc.description, p));
    }
    if !inc.resolve_summary.is_empty() {
        let _ = writeln!(
            w,
            "\n**Resolution**: {}",
            plain_mentions(&inc.resolve_summary, p)
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
            plain_mentions(s, p)
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
            cell(&actor(&e.actor, p)),
            cell(&plain_mentions(&e.text, p))
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
                cell(&plain_mentions(&item.text, p)),
                item.owner
                    .as_deref()
                    .map(|o| cell(&p(o)))
                    .unwrap_or_else(|| "—".into()),
                item.due.as_deref().unwrap_or("—"),
                if item.done { "[x] done" } else { "[ ] open" }
            );
        }
    }
    let _ = writeln!(w, "\n## Lessons Learned\n\n1. {TODO}");
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes people as `@U…`: the draft as recorded, without names.
    fn person_by_id(id: &str) -> String {
        format!("@{id}")
    }

    #[test]
    fn mentions_and_cells() {
        assert_eq!(
            plain_mentions(
                "ask <@U1|ann> and <!subteam^S2> in <#C3|war>, a < b",
                &person_by_id
            ),
            "ask @U1 and @S2 in #C3, a < b"
        );
        let named = |id: &str| format!("@name-of-{id}");
        assert_eq!(
            plain_mentions("<@U1> told @U2, mail a@b.c or x@U3, @S2 @x @UX2", &named),
            "@name-of-U1 told @name-of-U2, mail a@b.c or x@U3, @S2 @x @name-of-UX2"
        );
        assert_eq!(plain_mentions("<@U1>", &person_in_canvas), "![](@U1)");
        // What people type never becomes a link; a typed `@U…` is still a person.
        assert_eq!(
            plain_mentions(
                "[log in](https://evil.example) ![](@U9) a\\b",
                &person_in_canvas
            ),
            "\\[log in\\](https://evil.example) !\\[\\](![](@U9)) a\\\\b"
        );
        assert_eq!(person_named("[x](y)"), "@\\[x\\](y)");
        assert_eq!(cell("a|b\nc"), "a\\|b c");
    }
}
