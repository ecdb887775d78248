//! Channel names: `{prefix}-YYYYMMDD-{slug}` within Slack's rules (lowercase,
//! `[a-z0-9-_]`, at most 80 characters), sane for any Unicode title.

/// Slack's limit on channel names.
pub const MAX_CHANNEL_NAME: usize = 80;

/// Lowercase ASCII words of `title` joined by `-`; accents folded, other scripts dropped.
pub fn slugify(title: &str) -> String {
    let mut out = String::new();
    let mut pending_dash = false;
    for c in title.chars() {
        let mapped: Option<&str> = fold(c);
        let piece: String = match mapped {
            Some(s) => s.to_string(),
            None if c.is_ascii_alphanumeric() => c.to_ascii_lowercase().to_string(),
            None if c == '_' => "_".to_string(),
            None => String::new(),
        };
        if piece.is_empty() {
            pending_dash = !out.is_empty();
            continue;
        }
        if pending_dash {
            out.push('-');
            pending_dash = false;
        }
        out.push_str(&piece);
    }
    out
}

/// Folds common Latin letters with diacritics to ASCII.
fn fold(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => "a",
        'æ' | 'Æ' => "ae",
        'ç' | 'Ç' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => "i",
        'ñ' | 'Ñ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => "o",
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => "u",
        'ý' | 'ÿ' | 'Ý' => "y",
        'ß' => "ss",
        'œ' | 'Œ' => "oe",
        'ł' | 'Ł' => "l",
        'š' | 'Š' => "s",
        'ž' | 'Ž' => "z",
        'č' | 'Č' => "c",
        _ => return None,
    })
}

/// The channel name for an incident, with `-{n}` appended for the n-th attempt (n ≥ 2).
pub fn channel_name(prefix: &str, yyyymmdd: &str, title: &str, attempt: u32) -> String {
    let suffix = if attempt >= 2 {
        format!("-{attempt}")
    } else {
        String::new()
    };
    let head = format!("{prefix}-{yyyymmdd}");
    let mut slug = slugify(title);
    if slug.is_empty() {
        slug = "incident".to_string();
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

    fn valid(name: &str) -> bool {
        name.len() <= MAX_CHANNEL_NAME
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    }

    #[test]
    fn names() {
        assert_eq!(
            channel_name("incident", "20261122", "Checkout API returns 500s", 1),
            "incident-20261122-checkout-api-returns-500s"
        );
        assert_eq!(
            channel_name("incident", "20261122", "Checkout API returns 500s", 3),
            "incident-20261122-checkout-api-returns-500s-3"
        );
        assert_eq!(
            channel_name("inc", "20261122", "Café crème — paiements échoués!", 1),
            "inc-20261122-cafe-creme-paiements-echoues"
        );
        assert_eq!(
            channel_name("inc", "20261122", "支付失败 🔥", 1),
            "inc-20261122-incident"
        );
        let long = "a very long title ".repeat(20);
        for attempt in [1, 2, 10, 100] {
            let name = channel_name("incident", "20261122", &long, attempt);
            assert!(valid(&name), "{name}");
            assert!(!name.contains("--"));
        }
    }
}
