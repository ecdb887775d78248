//! Times and durations as people read them.

use crate::clock::from_ms;

/// "14:05 UTC"
pub fn hhmm(ms: i64) -> String {
    from_ms(ms).format("%H:%M UTC").to_string()
}

/// "2026-11-22 14:05 UTC"
pub fn datetime(ms: i64) -> String {
    from_ms(ms).format("%Y-%m-%d %H:%M UTC").to_string()
}

/// "1h 05m", "12m", "45s", "2d 3h"
pub fn duration_between(from: i64, to: i64) -> String {
    human_ms((to - from).max(0))
}

pub fn human_ms(ms: i64) -> String {
    let secs = ms / 1000;
    let (d, h, m, s) = (
        secs / 86400,
        secs % 86400 / 3600,
        secs % 3600 / 60,
        secs % 60,
    );
    if d > 0 {
        format!("{d}d {h}h")
    } else if h > 0 {
        format!("{h}h {m:02}m")
    } else if m > 0 {
        format!("{m}m")
    } else {
        format!("{s}s")
    }
}

/// humantime's "4h", "30m" for a duration in ms.
pub fn cadence(ms: i64) -> String {
    humantime::format_duration(std::time::Duration::from_millis(
        u64::try_from(ms).unwrap_or(0),
    ))
    .to_string()
}
