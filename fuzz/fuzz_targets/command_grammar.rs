//! The `/incident` command grammar, mention normalisation and channel names.
#![no_main]

use libfuzzer_sys::fuzz_target;
use warroom::incident::grammar::{normalize_mentions, parse, SlashCommand};
use warroom::incident::slug::{channel_name, MAX_CHANNEL_NAME};

fn check_name(name: &str, attempt: u32) {
    assert!(name.len() <= MAX_CHANNEL_NAME, "{} bytes: {name:?}", name.len());
    assert!(
        name.bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-' || c == b'_'),
        "bad character in {name:?}"
    );
    assert!(name.starts_with("incident-20261122-"), "{name:?}");
    let slug = &name["incident-20261122-".len()..];
    assert!(!slug.is_empty() && !slug.starts_with('-'), "{name:?}");
    assert!(!name.contains("--") && !name.ends_with('-'), "{name:?}");
    if attempt >= 2 {
        assert!(name.ends_with(&format!("-{attempt}")), "{name:?}");
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);

    match parse(&text) {
        Ok(SlashCommand::Declare { severity, title, .. }) => {
            assert!(!severity.is_empty() && !title.is_empty());
            assert_eq!(title.trim(), title);
        }
        Ok(SlashCommand::Role { role, user }) => {
            assert!(!role.is_empty());
            assert!(user.starts_with(['U', 'W']) && user.len() >= 2);
        }
        Ok(SlashCommand::Action { text, owner, .. }) => {
            assert!(!text.is_empty());
            if let Some(owner) = owner {
                assert!(owner.starts_with(['U', 'W']));
            }
        }
        Ok(_) => {}
        Err(e) => assert!(!e.0.is_empty()),
    }

    let normalized = normalize_mentions(&text);
    assert!(normalized.len() <= text.len());
    assert_eq!(normalize_mentions(&normalized), normalized, "not idempotent");

    let mut raw = [0u8; 4];
    for (slot, b) in raw.iter_mut().zip(data.iter()) {
        *slot = *b;
    }
    let derived = u32::from_le_bytes(raw);
    for attempt in [0, 1, 2, 10, derived, u32::MAX] {
        check_name(&channel_name("incident", "20261122", &text, attempt), attempt);
    }
});
