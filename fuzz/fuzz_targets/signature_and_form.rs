//! Slack request signing + the slash command form.
//!
//! Input layout: byte 0 is a mode flag, the rest is split on '\n' into
//! `timestamp`, `X-Slack-Signature` and the body (a missing line is a missing header).
//! When the flag is odd the body is signed correctly with the verifier's secret, so the
//! fuzzer also explores the "verified" path; when even, the given signature is checked
//! against an exact oracle of what the verifier must answer.
#![no_main]

use chrono::TimeZone;
use libfuzzer_sys::fuzz_target;
use warroom::clock::Clock;
use warroom::slack::payload::parse_slash_command;
use warroom::slack::verify::{sign, Verifier, VerifyError, MAX_SKEW_SECS};

const SECRET: &str = "secret";
const NOW: i64 = 1531420618;

/// What `verify` must answer once both headers are present and the MAC is `mac_ok`.
fn expected(ts: &str, mac_ok: bool) -> Result<(), VerifyError> {
    let Ok(ts) = ts.trim().parse::<i64>() else {
        return Err(VerifyError::BadTimestamp);
    };
    // i128: the oracle itself must not overflow for i64::MIN / i64::MAX.
    if (NOW as i128 - ts as i128).abs() > MAX_SKEW_SECS as i128 {
        return Err(VerifyError::Stale);
    }
    if mac_ok {
        Ok(())
    } else {
        Err(VerifyError::BadSignature)
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&flag, rest)) = data.split_first() else {
        return;
    };
    let mut parts = rest.splitn(3, |&b| b == b'\n');
    let ts = parts.next().map(String::from_utf8_lossy);
    let sig = parts.next().map(String::from_utf8_lossy);
    let body: &[u8] = parts.next().unwrap_or_default();

    let clock = Clock::system();
    clock.freeze(chrono::Utc.timestamp_opt(NOW, 0).unwrap());
    let verifier = Verifier::new(&[SECRET.into()], clock.clone());

    // Always: the form parser never panics, and an Ok form has the fields it promises.
    if let Ok(form) = parse_slash_command(body) {
        assert!(!form.user_id.is_empty() && !form.channel_id.is_empty());
    }

    let ts = ts.as_deref();
    if flag & 1 == 1 {
        // Signed correctly: accepted iff the timestamp is a number within the window.
        let ts = ts.unwrap_or("");
        let good = sign(SECRET, ts, body);
        let got = verifier.verify(Some(ts), Some(&good), body);
        assert_eq!(got, expected(ts, true), "ts={ts:?} sig={good}");
        // Key rotation: the right secret anywhere in the list is accepted too.
        let rotated = Verifier::new(&["old".into(), SECRET.into()], clock.clone());
        assert_eq!(rotated.verify(Some(ts), Some(&good), body), got);
        // A wrong secret or a tampered body never verifies.
        let wrong = Verifier::new(&["nope".into()], clock.clone());
        assert_ne!(wrong.verify(Some(ts), Some(&good), body), Ok(()));
        let mut tampered = body.to_vec();
        tampered.push(b'x');
        assert_ne!(verifier.verify(Some(ts), Some(&good), &tampered), Ok(()));
    } else {
        // Arbitrary headers: the answer matches the oracle exactly.
        let sig = sig.as_deref();
        let got = verifier.verify(ts, sig, body);
        match (ts, sig) {
            (Some(ts), Some(sig)) => {
                let want_hex = &sign(SECRET, ts, body)[3..];
                let mac_ok = sig
                    .strip_prefix("v0=")
                    .is_some_and(|h| h.to_ascii_lowercase() == want_hex);
                assert_eq!(got, expected(ts, mac_ok), "ts={ts:?} sig={sig:?}");
            }
            _ => assert_eq!(got, Err(VerifyError::Missing)),
        }
    }
});
