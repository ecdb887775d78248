//! Prometheus metrics, kept small and dependency-free: labelled counters, gauges
//! computed at scrape time, and one latency histogram per route.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;

/// Upper bounds (seconds) of the request latency histogram.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 3.0,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

#[derive(Default)]
pub struct Metrics {
    counters: Mutex<BTreeMap<(String, String), u64>>,
    latency: Mutex<BTreeMap<String, Histogram>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Metrics {
    /// Adds 1 to `name{labels}`; `labels` is preformatted (`route="/x",status="200"`).
    pub fn inc(&self, name: &str, labels: &str) {
        *lock(&self.counters)
            .entry((name.to_string(), labels.to_string()))
            .or_default() += 1;
    }

    pub fn observe_request(&self, route: &str, status: u16, seconds: f64) {
        self.inc(
            "warroom_http_requests_total",
            &format!("route=\"{route}\",status=\"{status}\""),
        );
        let mut latency = lock(&self.latency);
        let h = latency.entry(route.to_string()).or_default();
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                h.counts[i] += 1;
            }
        }
        h.sum += seconds;
        h.count += 1;
    }

    pub fn delivery(&self, kind: &str, result: &str) {
        self.inc(
            "warroom_deliveries_total",
            &format!("kind=\"{kind}\",result=\"{result}\""),
        );
    }

    pub fn counter(&self, name: &str, labels: &str) -> u64 {
        lock(&self.counters)
            .get(&(name.to_string(), labels.to_string()))
            .copied()
            .unwrap_or(0)
    }

    /// The exposition text; `gauges` are values read at scrape time.
    pub fn render(&self, gauges: &[(&str, &str, &str, f64)]) -> String {
        let mut out = String::new();
        let counters = lock(&self.counters);
        let mut last = "";
        for ((name, labels), value) in counters.iter() {
            if name != last {
                let _ = writeln!(out, "# TYPE {name} counter");
                last = name;
            }
            if labels.is_empty() {
                let _ = writeln!(out, "{name} {value}");
            } else {
                let _ = writeln!(out, "{name}{{{labels}}} {value}");
            }
        }
        drop(counters);
        let latency = lock(&self.latency);
        if !latency.is_empty() {
            let _ = writeln!(
                out,
                "# TYPE warroom_http_request_duration_seconds histogram"
            );
        }
        for (route, h) in latency.iter() {
            for (i, bound) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "warroom_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {}",
                    h.counts[i]
                );
            }
            let _ = writeln!(
                out,
                "warroom_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "warroom_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                h.sum
            );
            let _ = writeln!(
                out,
                "warroom_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                h.count
            );
        }
        drop(latency);
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
