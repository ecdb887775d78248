//! `warroom demo` runs the scripted incident end to end; its transcript shows each step.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_transcript_shows_every_step() {
    let mut out = Vec::new();
    warroom::demo::run(&mut out).await.unwrap();
    let transcript = String::from_utf8(out).unwrap();
    let steps = [
        (
            "declare answered",
            "(only alice sees) :rotating_light: Declared *INC-",
        ),
        ("card pinned", "warroom 📌:"),
        ("role board", "[Take role]"),
        ("announcement with Join", "#incidents — warroom:"),
        ("IC taken", "@bob is now *Incident Commander*"),
        (
            "duties told",
            "(only bob sees) You are now the *Incident Commander*",
        ),
        (
            "tech assigned",
            "@carol is now *Technical Lead* (assigned by @bob)",
        ),
        (
            "update posted",
            "• *Current Status:* Investigating — Errors at 40%",
        ),
        ("update mirrored", "#incidents (thread) — warroom:"),
        ("reminder", ":alarm_clock: @bob — an update on INC-"),
        (
            "reminder buttons",
            "[Post update] [Snooze 15m] [Snooze 30m] [Snooze 1h]",
        ),
        ("escalation", "*Escalation* INC-"),
        ("resolved", "*Resolved* by @bob after 1h 02m."),
        (
            "action item",
            ":memo: Action item: Add a canary for config pushes (owner @carol)",
        ),
        ("post-mortem", "# Post-Mortem: Checkout API returns 500s"),
        ("closed", "*Closed* by @bob. 1 action item(s) still open"),
    ];
    let mut from = 0;
    for (what, needle) in steps {
        match transcript[from..].find(needle) {
            Some(at) => from += at,
            None => {
                panic!("demo transcript lacks {what} ({needle:?}) after byte {from}:\n{transcript}")
            }
        }
    }
}
