//! Slack's v0 request signing: `v0=hex(HMAC-SHA256(secret, "v0:{ts}:{body}"))`,
//! compared in constant time, with a ±5 minute window against replays. Several secrets
//! may be configured so a rotation never rejects a valid request.

use crate::clock::Clock;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Requests older or newer than this are replays (or a broken clock).
pub const MAX_SKEW_SECS: i64 = 300;

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("missing X-Slack-Request-Timestamp or X-Slack-Signature")]
    Missing,
    #[error("timestamp is not a number")]
    BadTimestamp,
    #[error("timestamp outside the 5 minute window")]
    Stale,
    #[error("signature does not match")]
    BadSignature,
}

#[derive(Clone)]
pub struct Verifier {
    secrets: Vec<Vec<u8>>,
    clock: Clock,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Secrets never reach a log line.
        write!(f, "Verifier({} secrets)", self.secrets.len())
    }
}

impl Verifier {
    pub fn new(secrets: &[String], clock: Clock) -> Verifier {
        Verifier {
            secrets: secrets.iter().map(|s| s.as_bytes().to_vec()).collect(),
            clock,
        }
    }

    pub fn verify(
        &self,
        timestamp: Option<&str>,
        signature: Option<&str>,
        body: &[u8],
    ) -> Result<(), VerifyError> {
        let (Some(timestamp), Some(signature)) = (timestamp, signature) else {
            return Err(VerifyError::Missing);
        };
        let ts: i64 = timestamp
            .trim()
            .parse()
            .map_err(|_| VerifyError::BadTimestamp)?;
        // `abs_diff`: a hostile timestamp such as i64::MIN must not overflow the subtraction.
        if self.clock.now().timestamp().abs_diff(ts) > MAX_SKEW_SECS.unsigned_abs() {
            return Err(VerifyError::Stale);
        }
        let given = signature
            .strip_prefix("v0=")
            .and_then(|h| hex::decode(h).ok())
            .ok_or(VerifyError::BadSignature)?;
        // `verify_slice` compares in constant time.
        let matched = self.secrets.iter().any(|secret| {
            mac_for(secret, timestamp, body)
                .verify_slice(&given)
                .is_ok()
        });
        if matched {
            Ok(())
        } else {
            Err(VerifyError::BadSignature)
        }
    }
}

fn mac_for(secret: &[u8], timestamp: &str, body: &[u8]) -> HmacSha256 {
    let mut mac = match HmacSha256::new_from_slice(secret) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC takes keys of any length"),
    };
    mac.update(b"v0:");
    mac.update(timestamp.as_bytes());
    mac.update(b":");
    mac.update(body);
    mac
}

/// The `X-Slack-Signature` value Slack would send (tests, demo, the emulator).
pub fn sign(secret: &str, timestamp: &str, body: &[u8]) -> String {
    let mac = mac_for(secret.as_bytes(), timestamp, body);
    format!("v0={}", hex::encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
    const TS: &str = "1531420618";
    const BODY: &str = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    const SIG: &str = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

    fn at(secs: i64) -> Clock {
        let clock = Clock::system();
        clock.set(chrono::Utc.timestamp_opt(secs, 0).unwrap());
        clock
    }

    #[test]
    fn slack_published_vector() {
        assert_eq!(sign(SECRET, TS, BODY.as_bytes()), SIG);
        let v = Verifier::new(&["other".into(), SECRET.into()], at(1531420618));
        assert_eq!(v.verify(Some(TS), Some(SIG), BODY.as_bytes()), Ok(()));
        for skew in [-601, -301, 301, 600, 86400] {
            let v = Verifier::new(&[SECRET.into()], at(1531420618 + skew));
            assert_eq!(
                v.verify(Some(TS), Some(SIG), BODY.as_bytes()),
                Err(VerifyError::Stale)
            );
        }
        let v = Verifier::new(&[SECRET.into()], at(1531420618 + 299));
        assert_eq!(v.verify(Some(TS), Some(SIG), BODY.as_bytes()), Ok(()));
    }

    #[test]
    fn extreme_timestamps_are_stale_not_a_panic() {
        // Regression (fuzz/ signature_and_form): `now - i64::MIN` overflowed and panicked.
        let v = Verifier::new(&[SECRET.into()], at(1531420618));
        for ts in [
            i64::MIN.to_string(),
            "-9223372036854775000".to_string(),
            i64::MAX.to_string(),
        ] {
            let sig = sign(SECRET, &ts, BODY.as_bytes());
            assert_eq!(
                v.verify(Some(&ts), Some(&sig), BODY.as_bytes()),
                Err(VerifyError::Stale)
            );
        }
    }

    #[test]
    fn forged_and_missing() {
        let v = Verifier::new(&[SECRET.into()], at(1531420618));
        let mut body = BODY.as_bytes().to_vec();
        body[10] ^= 1;
        assert_eq!(
            v.verify(Some(TS), Some(SIG), &body),
            Err(VerifyError::BadSignature)
        );
        assert_eq!(
            v.verify(Some(TS), Some("v0=zz"), BODY.as_bytes()),
            Err(VerifyError::BadSignature)
        );
        assert_eq!(
            v.verify(None, Some(SIG), BODY.as_bytes()),
            Err(VerifyError::Missing)
        );
        assert_eq!(
            v.verify(Some("soon"), Some(SIG), BODY.as_bytes()),
            Err(VerifyError::BadTimestamp)
        );
        let wrong = Verifier::new(&["nope".into()], at(1531420618));
        assert_eq!(
            wrong.verify(Some(TS), Some(SIG), BODY.as_bytes()),
            Err(VerifyError::BadSignature)
        );
    }
}
