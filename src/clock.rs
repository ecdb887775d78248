//! Time as a dependency: production reads the system clock, tests shift it so that
//! signatures, reminders and targets can be exercised at any instant without sleeping.

use chrono::{DateTime, TimeZone, Utc};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;

/// A clock that can be offset (tests) but otherwise follows the system clock.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
    /// When set, the clock stands still at `offset_ms` (absolute epoch ms) until advanced.
    frozen: Arc<AtomicBool>,
}

impl Clock {
    pub fn system() -> Clock {
        Clock::default()
    }

    pub fn now(&self) -> DateTime<Utc> {
        let offset = self.offset_ms.load(Ordering::Relaxed);
        if self.frozen.load(Ordering::Relaxed) {
            return from_ms(offset);
        }
        Utc::now() + chrono::Duration::milliseconds(offset)
    }

    /// Stops the clock at `at`; only [`Clock::advance`] moves it from then on (golden tests).
    pub fn freeze(&self, at: DateTime<Utc>) {
        self.offset_ms
            .store(at.timestamp_millis(), Ordering::Relaxed);
        self.frozen.store(true, Ordering::Relaxed);
    }

    pub fn now_ms(&self) -> i64 {
        self.now().timestamp_millis()
    }

    /// Moves this clock (and every clone of it) forward.
    pub fn advance(&self, by: std::time::Duration) {
        self.offset_ms
            .fetch_add(by.as_millis() as i64, Ordering::Relaxed);
    }

    /// Makes this clock read `at` now (it keeps ticking from there).
    pub fn set(&self, at: DateTime<Utc>) {
        let offset = at.timestamp_millis() - Utc::now().timestamp_millis();
        self.offset_ms.store(offset, Ordering::Relaxed);
    }
}

/// Epoch milliseconds to a UTC time; out-of-range values clamp to the epoch.
pub fn from_ms(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}
