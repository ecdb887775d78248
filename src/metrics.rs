//! Prometheus metrics, kept small and dependency-free: labelled counters, gauges
//! computed at scrape time, and a latency histogram per route. The request path only
//! takes a read lock and bumps atomics once a series exists.

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::RwLock;

/// Upper bounds (seconds) of the request latency histogram.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 3.0,
];

#[derive(Default)]
struct RouteStats {
    /// Counts per bucket (not cumulative; summed at render time).
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    /// Sum of latencies in microseconds.
    sum_micros: AtomicU64,
    /// Requests by status code.
    statuses: RwLock<HashMap<u16, AtomicU64>>,
}

#[derive(Default)]
pub struct Metrics {
    /// `name` → preformatted labels → count.
    counters: RwLock<HashMap<String, HashMap<String, AtomicU64>>>,
    routes: RwLock<HashMap<String, RouteStats>>,
}

fn read<T>(l: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    l.read().unwrap_or_else(|e| e.into_inner())
}

fn write<T>(l: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    l.write().unwrap_or_else(|e| e.into_inner())
}

impl Metrics {
    /// Adds 1 to `name{labels}`; `labels` is preformatted (`route="/x",status="200"`).
    pub fn inc(&self, name: &str, labels: &str) {
        if let Some(c) = read(&self.counters).get(name).and_then(|m| m.get(labels)) {
            c.fetch_add(1, Ordering::Relaxed);
            return;
        }
        write(&self.counters)
            .entry(name.to_string())
            .or_default()
            .entry(labels.to_string())
            .or_default()
            .fetch_add(1, Ordering::Relaxed);
    }

    pub fn observe_request(&self, route: &str, status: u16, seconds: f64) {
        let record = |s: &RouteStats| {
            if let Some(i) = BUCKETS.iter().position(|b| seconds <= *b) {
                s.buckets[i].fetch_add(1, Ordering::Relaxed);
            }
            s.count.fetch_add(1, Ordering::Relaxed);
            s.sum_micros
                .fetch_add((seconds * 1e6) as u64, Ordering::Relaxed);
            if let Some(c) = read(&s.statuses).get(&status) {
                c.fetch_add(1, Ordering::Relaxed);
                return;
            }
            write(&s.statuses)
                .entry(status)
                .or_default()
                .fetch_add(1, Ordering::Relaxed);
        };
        if let Some(s) = read(&self.routes).get(route) {
            record(s);
            return;
        }
        let mut routes = write(&self.routes);
        record(routes.entry(route.to_string()).or_default());
    }

    pub fn delivery(&self, kind: &str, result: &str) {
        self.inc(
            "warroom_deliveries_total",
            &format!("kind=\"{kind}\",result=\"{result}\""),
        );
    }

    pub fn counter(&self, name: &str, labels: &str) -> u64 {
        read(&self.counters)
            .get(name)
            .and_then(|m| m.get(labels))
            .map_or(0, |c| c.load(Ordering::Relaxed))
    }

    /// The exposition text; `gauges` are `(name, help, labels, value)` read at scrape time.
    pub fn render(&self, gauges: &[(&str, &str, &str, f64)]) -> String {
        let mut out = String::new();
        let routes = read(&self.routes);
        let mut names: Vec<&String> = routes.keys().collect();
        names.sort();
        if !names.is_empty() {
            let _ = writeln!(out, "# TYPE warroom_http_requests_total counter");
        }
        for route in &names {
            let statuses = read(&routes[*route].statuses);
            let mut codes: Vec<&u16> = statuses.keys().collect();
            codes.sort();
            for code in codes {
                let _ = writeln!(
                    out,
                    "warroom_http_requests_total{{route=\"{route}\",status=\"{code}\"}} {}",
                    statuses[code].load(Ordering::Relaxed)
                );
            }
        }
        let counters = read(&self.counters);
        let mut counter_names: Vec<&String> = counters.keys().collect();
        counter_names.sort();
        for name in counter_names {
            let _ = writeln!(out, "# TYPE {name} counter");
            let mut series: Vec<(&String, &AtomicU64)> = counters[name].iter().collect();
            series.sort_by_key(|(labels, _)| *labels);
            for (labels, value) in series {
                let value = value.load(Ordering::Relaxed);
                if labels.is_empty() {
                    let _ = writeln!(out, "{name} {value}");
                } else {
                    let _ = writeln!(out, "{name}{{{labels}}} {value}");
                }
            }
        }
        drop(counters);
        if !names.is_empty() {
            let _ = writeln!(
                out,
                "# TYPE warroom_http_request_duration_seconds histogram"
            );
        }
        for route in names {
            let s = &routes[route];
            let mut cumulative = 0;
            for (i, bound) in BUCKETS.iter().enumerate() {
                cumulative += s.buckets[i].load(Ordering::Relaxed);
                let _ = writeln!(
                    out,
                    "warroom_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {cumulative}"
                );
            }
            let count = s.count.load(Ordering::Relaxed);
            let _ = writeln!(
                out,
                "warroom_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {count}"
            );
            let _ = writeln!(
                out,
                "warroom_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                s.sum_micros.load(Ordering::Relaxed) as f64 / 1e6
            );
            let _ = writeln!(
                out,
                "warroom_http_request_duration_seconds_count{{route=\"{route}\"}} {count}"
            );
        }
        drop(routes);
        let mut last = "";
        for (name, help, labels, value) in gauges {
            if *name != last {
                let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge");
                last = name;
            }
            if labels.is_empty() {
                let _ = writeln!(out, "{name} {value}");
            } else {
                let _ = writeln!(out, "{name}{{{labels}}} {value}");
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_histograms_and_gauges() {
        let m = Metrics::default();
        m.observe_request("/slack/commands", 200, 0.0007);
        m.observe_request("/slack/commands", 200, 0.02);
        m.observe_request("/slack/commands", 401, 0.0001);
        m.inc("warroom_events_total", "result=\"accepted\"");
        m.inc("warroom_events_total", "result=\"accepted\"");
        let text = m.render(&[("warroom_outbox_depth", "Pending", "", 3.0)]);
        assert!(
            text.contains(
                "warroom_http_requests_total{route=\"/slack/commands\",status=\"200\"} 2"
            ),
            "{text}"
        );
        assert!(text
            .contains("warroom_http_requests_total{route=\"/slack/commands\",status=\"401\"} 1"));
        assert!(text.contains("warroom_http_request_duration_seconds_bucket{route=\"/slack/commands\",le=\"0.001\"} 2"), "{text}");
        assert!(text.contains("le=\"+Inf\"} 3"));
        assert!(text.contains("warroom_events_total{result=\"accepted\"} 2"));
        assert!(text.contains("warroom_outbox_depth 3"));
        assert_eq!(m.counter("warroom_events_total", "result=\"accepted\""), 2);
    }
}
