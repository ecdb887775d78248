//! Time as the fake and its driver see it. The workspace stamps messages and channels with
//! the system clock; the driver signs requests at whatever "now" the caller supplies, so a
//! test whose app runs on a shifted clock signs at that clock's time.

use std::sync::Arc;

/// A source of "now" in unix seconds.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> i64 + Send + Sync>);

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock(Arc::new(unix_now))
    }

    /// Any other notion of now (e.g. an app's shifted test clock).
    pub fn from_fn(now: impl Fn() -> i64 + Send + Sync + 'static) -> Clock {
        Clock(Arc::new(now))
    }

    /// Unix seconds.
    pub fn now(&self) -> i64 {
        (self.0)()
    }
}

impl Default for Clock {
    fn default() -> Clock {
        Clock::system()
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Clock").field(&self.now()).finish()
    }
}

/// The current unix time in seconds: message timestamps and `created` fields follow it.
pub fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}
