//! Slack's text syntax, in one place. Everything a person typed goes through
//! [`user_text`] (or [`escape`]), so it can never become a broadcast (`<!channel>`), a
//! disguised link (`<https://…|x>`) or a mention they did not make; warroom's own
//! mentions, channel links and emoji are produced only by the functions below.

/// Escapes the three characters Slack's mrkdwn gives meaning to (`&`, `<`, `>`).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// Undoes [`escape`] (what a reader of the message sees).
pub fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// A mention of user `id`; anything that is not a user id is shown as text.
pub fn mention(id: &str) -> String {
    if is_user_id(id, false) {
        format!("<@{id}>")
    } else {
        escape(id)
    }
}

/// Mentions a policy escalation target: `S…` is a user group, anything else a user.
pub fn mention_target(target: &str) -> String {
    if target.starts_with('S') && is_id(target) {
        format!("<!subteam^{target}>")
    } else {
        mention(target)
    }
}

/// Mentions several users, separated by spaces.
pub fn mentions(users: &[String]) -> String {
    users
        .iter()
        .map(|u| mention(u))
        .collect::<Vec<_>>()
        .join(" ")
}

/// ` in #channel` for an incident's channel, or nothing before it exists: what a DM about
/// the incident says to point at it.
pub fn in_incident_channel(inc: &crate::incident::model::Incident) -> String {
    inc.slack
        .channel_id
        .as_deref()
        .map(|c| format!(" in {}", channel_link(c)))
        .unwrap_or_default()
}

/// A link to channel `id`.
pub fn channel_link(id: &str) -> String {
    if is_id(id) {
        format!("<#{id}>")
    } else {
        escape(id)
    }
}

fn is_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// `U…`/`W…` ids. Written bare in text (`@U0ALICE`), an id must also contain a digit, so
/// a word like `@UTC` stays a word.
fn is_user_id(id: &str, bare: bool) -> bool {
    id.len() >= 2
        && id.starts_with(['U', 'W'])
        && is_id(id)
        && (!bare || id.chars().any(|c| c.is_ascii_digit()))
}

/// Text a person wrote, safe to put in mrkdwn: escaped, except the people it mentions
/// (`@U…`, as the ingress stores them, or `<@U…>` / `<@U…|name>` as Slack sends them),
/// which become mentions again.
pub fn user_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    let mut prev_alnum = false;
    while let Some(c) = rest.chars().next() {
        if c == '<' && rest.starts_with("<@") {
            if let Some(end) = rest.find('>') {
                let id = rest[2..end].split('|').next().unwrap_or_default();
                if is_user_id(id, false) {
                    out.push_str(&mention(id));
                    rest = &rest[end + 1..];
                    prev_alnum = false;
                    continue;
                }
            }
        }
        if c == '@' && !prev_alnum {
            let tail = &rest[1..];
            let len = tail
                .find(|c: char| !c.is_ascii_alphanumeric())
                .unwrap_or(tail.len());
            if is_user_id(&tail[..len], true) {
                out.push_str(&mention(&tail[..len]));
                rest = &tail[len..];
                prev_alnum = false;
                continue;
            }
        }
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
        prev_alnum = c.is_alphanumeric();
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Text a person wrote, for places where Slack shows no mentions (plain text, Markdown
/// outside Slack): Slack's mention syntax becomes `@U…`, the rest stays as typed.
pub fn plain_user_text(text: &str) -> String {
    crate::slack::refs::map_refs(text, |r| match r {
        crate::slack::refs::Ref::User(id) => format!("@{id}"),
        crate::slack::refs::Ref::Group(id) => format!("@{id}"),
        crate::slack::refs::Ref::Channel(id) => format!("#{id}"),
        crate::slack::refs::Ref::Other(raw) => raw.to_string(),
    })
}

/// Characters that reorder or hide text (bidi overrides and isolates, zero-width
/// characters): dropped from channel names and topics, where they could disguise them.
pub fn strip_invisible(text: &str) -> String {
    text.chars()
        .filter(|c| {
            !matches!(
                c,
                '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
                    | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{061C}'
            )
        })
        .collect()
}

/// Cuts `text` to at most `max` characters, ending with `…` when it was cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut t: String = text.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Splits `text` into pieces of at most `max` characters, preferring line breaks, then
/// spaces; never loses or reorders a character, and never splits an escape (`&amp;`)
/// or a mention (`<@U…>`).
pub fn split(text: &str, max: usize) -> Vec<String> {
    let max = max.max(16);
    let mut parts = Vec::new();
    let mut rest = text;
    while rest.chars().count() > max {
        let limit = rest
            .char_indices()
            .nth(max)
            .map(|(i, _)| i)
            .unwrap_or(rest.len());
        let window = &rest[..limit];
        let mut cut = window
            .rfind('\n')
            .map(|i| i + 1)
            .filter(|&i| i > limit / 2)
            .or_else(|| window.rfind(' ').map(|i| i + 1).filter(|&i| i > limit / 2))
            .unwrap_or(limit);
        // Don't cut inside `&…;` or `<…>`.
        if let Some(open) = window[..cut].rfind(['&', '<']) {
            let closer = if window.as_bytes()[open] == b'&' {
                ';'
            } else {
                '>'
            };
            if !window[open..cut].contains(closer) && open > 0 {
                cut = open;
            }
        }
        parts.push(rest[..cut].to_string());
        rest = &rest[cut..];
    }
    if !rest.is_empty() || parts.is_empty() {
        parts.push(rest.to_string());
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_escapes_everything_but_mentions() {
        let typed =
            "<!channel> <!here> <!everyone> <!subteam^S1> <https://evil.example|x> & *bold*";
        let safe = user_text(typed);
        assert!(!safe.contains('<') && !safe.contains('>'), "{safe}");
        assert_eq!(unescape(&safe), typed);
        assert_eq!(
            user_text("ask @U0ALICE, <@U0BOB|bob> and <@U0X>; mail a@U1 @UTC"),
            "ask <@U0ALICE>, <@U0BOB> and <@U0X>; mail a@U1 @UTC"
        );
        assert_eq!(user_text("<@nope> <@u1>"), "&lt;@nope&gt; &lt;@u1&gt;");
        assert_eq!(user_text("é@U1 x"), "é@U1 x");
    }

    #[test]
    fn warroom_markup() {
        assert_eq!(mention_target("S0SENIOR"), "<!subteam^S0SENIOR>");
        assert_eq!(mention_target("U1"), "<@U1>");
        assert_eq!(mention("<!channel>"), "&lt;!channel&gt;");
        assert_eq!(channel_link("C1"), "<#C1>");
        assert_eq!(channel_link("C1> <!here"), "C1&gt; &lt;!here");
    }

    #[test]
    fn invisible_characters_go() {
        assert_eq!(strip_invisible("a\u{202E}b\u{200B}c\u{2066}d"), "abcd");
    }

    #[test]
    fn split_keeps_every_character() {
        let text = format!(
            "{} {}\n{}",
            "a".repeat(50),
            "é".repeat(80),
            "&amp;".repeat(30)
        );
        for max in [16, 40, 100] {
            let parts = split(&text, max);
            assert!(parts.iter().all(|p| p.chars().count() <= max), "{parts:?}");
            assert_eq!(parts.concat(), text);
            for p in &parts[..parts.len() - 1] {
                assert!(!p.ends_with('&') && !p.ends_with("&amp"), "{p}");
            }
        }
        assert_eq!(split("", 10), vec![String::new()]);
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
    }
}
