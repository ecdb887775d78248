//! Interactivity (`payload=<json>` forms) and Events API bodies.
//!
//! The raw input goes to both parsers; it is also wrapped as
//! `payload=<urlencoded(input as lossy UTF-8)>` so the fuzzer reaches the JSON side of
//! `parse_interaction` without having to discover form encoding first.
#![no_main]

use libfuzzer_sys::fuzz_target;
use warroom::slack::payload::{parse_event, parse_interaction, EventBody, Interaction};

fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for &b in s.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn check(i: &Interaction) {
    match i {
        Interaction::BlockActions { user, .. } => assert!(!user.is_empty()),
        Interaction::ViewSubmission {
            user,
            callback_id,
            values,
            ..
        } => {
            assert!(!user.is_empty() && !callback_id.is_empty());
            // The accessors the domain uses must not panic on any shape of values.
            for block in values.0.keys() {
                if let Some(t) = values.text(block) {
                    assert!(!t.is_empty() && t.trim() == t);
                }
                let _ = values.selected(block);
                let _ = values.checked(block);
            }
        }
        Interaction::MessageAction {
            user,
            channel,
            callback_id,
            message_ts,
            ..
        } => assert!(
            !user.is_empty() && !channel.is_empty() && !callback_id.is_empty() && !message_ts.is_empty()
        ),
        Interaction::Other(kind) => assert!(!kind.is_empty()),
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(i) = parse_interaction(data) {
        check(&i);
    }
    let form = format!("payload={}", urlencode(&String::from_utf8_lossy(data)));
    if let Ok(i) = parse_interaction(form.as_bytes()) {
        check(&i);
    }
    match parse_event(data) {
        Ok(EventBody::UrlVerification { challenge }) => assert!(!challenge.is_empty()),
        Ok(EventBody::Callback { event_id, .. }) => assert!(!event_id.is_empty()),
        Ok(EventBody::Other(kind)) => assert!(!kind.is_empty()),
        Err(_) => {}
    }
});
