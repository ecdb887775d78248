//! `conversations.history` paging arguments (`latest`, `oldest`, `inclusive`, `limit`), as
//! Slack applies them: the way a client reads one message by its ts
//! (`latest = oldest = ts, inclusive = true, limit = 1`).

use super::api::{bool_arg, str_arg, Args};

/// A Slack ts (`"1700000000.000100"`) as comparable microseconds; `None` when malformed.
fn ts_micros(ts: &str) -> Option<i128> {
    let (secs, frac) = ts.split_once('.').unwrap_or((ts, "0"));
    let secs: i128 = secs.parse().ok()?;
    let frac = format!("{frac:0<6}");
    let micros: i128 = frac.get(..6)?.parse().ok()?;
    Some(secs * 1_000_000 + micros)
}

/// Which messages a `conversations.history` call asks for.
pub(crate) struct HistoryWindow {
    latest: Option<i128>,
    oldest: Option<i128>,
    inclusive: bool,
    pub(crate) limit: usize,
}

impl HistoryWindow {
    pub(crate) fn from_args(args: &Args) -> HistoryWindow {
        HistoryWindow {
            latest: str_arg(args, "latest").and_then(|t| ts_micros(&t)),
            oldest: str_arg(args, "oldest").and_then(|t| ts_micros(&t)),
            inclusive: bool_arg(args, "inclusive"),
            // Slack's default page is 100 messages.
            limit: str_arg(args, "limit")
                .and_then(|l| l.parse().ok())
                .filter(|l| *l > 0)
                .unwrap_or(100),
        }
    }

    /// Is the message with `ts` inside the window?
    pub(crate) fn contains(&self, ts: &str) -> bool {
        let Some(t) = ts_micros(ts) else {
            return false;
        };
        let after_oldest = match self.oldest {
            Some(o) if self.inclusive => t >= o,
            Some(o) => t > o,
            None => true,
        };
        let before_latest = match self.latest {
            Some(l) if self.inclusive => t <= l,
            Some(l) => t < l,
            None => true,
        };
        after_oldest && before_latest
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn one_message_by_its_ts() {
        let args = json!({"latest": "1700000000.000200", "oldest": "1700000000.000200",
            "inclusive": true, "limit": 1});
        let w = HistoryWindow::from_args(args.as_object().unwrap());
        assert!(w.contains("1700000000.000200"));
        assert!(!w.contains("1700000000.000100"));
        assert!(!w.contains("1700000000.000300"));
        assert_eq!(w.limit, 1);
        let exclusive = json!({"latest": "1700000000.000200"});
        let w = HistoryWindow::from_args(exclusive.as_object().unwrap());
        assert!(!w.contains("1700000000.000200"));
        assert!(w.contains("1700000000.000199"));
    }
}
