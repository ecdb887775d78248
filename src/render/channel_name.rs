//! Channel names: `{prefix}-YYYYMMDD-{slug}` within Slack's rules (lowercase,
//! `[a-z0-9-_]`, at most 80 characters), readable for a title in any script.
//! Titles are transliterated to ASCII (`deunicode`); when nothing usable is left (only
//! punctuation, unknown symbols) the incident id stands in for the title.

use super::mrkdwn::strip_invisible;

/// Slack's limit on channel names.
pub const MAX_CHANNEL_NAME: usize = 80;

/// Lowercase ASCII words of `title` joined by `-`, transliterated from any script.
pub fn slugify(title: &str) -> String {
    let ascii = deunicode::deunicode_with_tofu(&strip_invisible(title), " ");
    let mut out = String::new();
    let mut pending_dash = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            if pending_dash {
                out.push('-');
                pending_dash = false;
            }
            out.push(c.to_ascii_lowercase());
        } else {
            pending_dash = !out.is_empty();
        }
    }
    out
}

/// The slug of an incident id: `INC-2026-11-23-007` → `inc-007` (the date is already in
/// the channel name).
fn id_slug(incident_id: &str) -> String {
    let slug = slugify(incident_id);
    let parts: Vec<&str> = slug.split('-').collect();
    match parts.as_slice() {
        [head, y, m, d, n]
            if y.len() == 4
                && m.len() == 2
                && d.len() == 2
                && n.chars().all(|c| c.is_ascii_digit()) =>
        {
            format!("{head}-{n}")
        }
        _ if slug.is_empty() => "incident".to_string(),
        _ => slug,
    }
}

/// The channel name for an incident, with `-{n}` appended for the n-th attempt (n ≥ 2).
pub fn channel_name(
    prefix: &str,
    yyyymmdd: &str,
    title: &str,
    incident_id: &str,
    attempt: u32,
) -> String {
    let suffix = if attempt >= 2 {
        format!("-{attempt}")
    } else {
        String::new()
    };
    let head = format!("{prefix}-{yyyymmdd}");
    let mut slug = slugify(title);
    if !slug.chars().any(|c| c.is_ascii_alphanumeric()) {
        slug = id_slug(incident_id);
    }
    let room = MAX_CHANNEL_NAME.saturating_sub(head.len() + 1 + suffix.len());
    let mut slug: String = slug.chars().take(room).collect();
    while slug.ends_with('-') {
        slug.pop();
    }
    format!("{head}-{slug}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "INC-2026-11-22-007";

    fn valid(name: &str) -> bool {
        name.len() <= MAX_CHANNEL_NAME
            && !name.contains("--")
            && !name.ends_with('-')
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    }

    #[test]
    fn names() {
        let name = |title: &str, attempt| channel_name("incident", "20261122", title, ID, attempt);
        assert_eq!(
            name("Checkout API returns 500s", 1),
            "incident-20261122-checkout-api-returns-500s"
        );
        assert_eq!(
            name("Checkout API returns 500s", 3),
            "incident-20261122-checkout-api-returns-500s-3"
        );
        assert_eq!(
            channel_name("inc", "20261122", "Café crème — paiements échoués!", ID, 1),
            "inc-20261122-cafe-creme-paiements-echoues"
        );
        let long = "a very long title ".repeat(20);
        for attempt in [1, 2, 10, 100] {
            let n = name(&long, attempt);
            assert!(valid(&n), "{n}");
        }
    }

    #[test]
    fn any_script_any_symbol() {
        let name = |title: &str| channel_name("incident", "20261122", title, ID, 1);
        for (title, expected) in [
            ("支付失败", "incident-20261122-zhi-fu-shi-bai"),
            (
                "Платежи не проходят",
                "incident-20261122-platezhi-ne-prokhodiat",
            ),
            ("Σφάλμα πληρωμών", "incident-20261122-sphalma-pleromon"),
            ("!!! ??? ...", "incident-20261122-inc-007"),
            ("", "incident-20261122-inc-007"),
            ("\u{202E}\u{200B}", "incident-20261122-inc-007"),
            ("pay\u{202E}ment\u{200B}s", "incident-20261122-payments"),
        ] {
            assert_eq!(name(title), expected, "{title:?}");
        }
        // Emoji, Arabic, Hebrew, Devanagari, mixed: always a valid, non-empty name.
        for title in [
            "🔥🔥🔥",
            "فشل الدفع",
            "התשלום נכשל",
            "भुगतान विफल",
            "💳 down ✨",
        ] {
            let n = name(title);
            assert!(valid(&n), "{title}: {n}");
            assert!(n.len() > "incident-20261122-".len(), "{title}: {n}");
        }
        assert_eq!(
            channel_name("incident", "20261122", "???", "weird id!", 2),
            "incident-20261122-weird-id-2"
        );
    }
}
