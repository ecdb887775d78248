//! Slack's inline references in message text — `<@U1|ann>`, `<#C1|war-room>`,
//! `<!subteam^S1>` — found once, rendered by whoever needs them in another form
//! (the post-mortem's Markdown, the demo's transcript).

/// A reference, with its id (any `|label` dropped).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ref<'a> {
    User(&'a str),
    Channel(&'a str),
    Group(&'a str),
    /// Anything else in angle brackets (links, `<!here>`), as written, brackets included.
    Other(&'a str),
}

/// Replaces every `<…>` reference in `text` with `render(reference)`.
pub fn map_refs(text: &str, render: impl Fn(Ref) -> String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let Some(end) = tail.find('>') else {
            out.push_str(tail);
            return out;
        };
        let inner = &tail[1..end];
        let id = |s: &'_ str| -> String { s.split('|').next().unwrap_or("").to_string() };
        let rendered = if let Some(u) = inner.strip_prefix('@') {
            render(Ref::User(&id(u)))
        } else if let Some(c) = inner.strip_prefix('#') {
            render(Ref::Channel(&id(c)))
        } else if let Some(g) = inner.strip_prefix("!subteam^") {
            render(Ref::Group(&id(g)))
        } else {
            render(Ref::Other(&tail[..=end]))
        };
        out.push_str(&rendered);
        rest = &tail[end + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_kind() {
        let shown = map_refs(
            "a <@U1|ann> b <#C2|war> c <!subteam^S3> d <!here> e < f",
            |r| format!("{r:?}"),
        );
        assert_eq!(
            shown,
            "a User(\"U1\") b Channel(\"C2\") c Group(\"S3\") d Other(\"<!here>\") e < f"
        );
    }
}
