//! Prometheus metrics on `prometheus-client`: one registry per app (tests run several apps
//! in one process, each must count only its own traffic), labelled counters, gauges set at
//! scrape time, and a latency histogram per route, exposed in the Prometheus text format.
//!
//! Call sites name a counter and pass its labels preformatted (`kind="x",result="y"`).
//! Each series' handle is cached under that text, so after the first increment the request
//! path takes a read lock and bumps an atomic, as before the move to the library.

use prometheus_client::encoding::prometheus_text;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::collections::HashMap;
use std::sync::{Mutex, RwLock};

/// `Content-Type` of the exposition text (Prometheus text format 0.0.4).
pub const CONTENT_TYPE: &str = prometheus_text::CONTENT_TYPE;

/// Upper bounds (seconds) of the request latency histogram.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 3.0,
];

const HTTP_REQUESTS: &str = "warroom_http_requests_total";
const HTTP_DURATION: &str = "warroom_http_request_duration_seconds";
const DELIVERIES: &str = "warroom_deliveries_total";

/// Every counter warroom keeps, with its help text. Registered up front so `/metrics` shows
/// them (without series) before anything happened; a name missing here still works.
const COUNTERS: [(&str, &str); 12] = [
    (HTTP_REQUESTS, "HTTP requests by route and status"),
    ("warroom_commands_total", "Slash commands by subcommand"),
    (
        "warroom_interactions_total",
        "Button clicks, modal submissions and message shortcuts",
    ),
    (
        "warroom_events_total",
        "Events API deliveries, first or duplicate",
    ),
    (
        "warroom_slack_rejected_total",
        "Requests refused before parsing, by reason",
    ),
    (
        "warroom_socket_connections_total",
        "Socket Mode connection attempts",
    ),
    (
        "warroom_socket_envelopes_total",
        "Socket Mode envelopes by type and result",
    ),
    ("warroom_incidents_declared_total", "Incidents declared"),
    (
        "warroom_notices_total",
        "Messages warroom sent on its own (reminders, nags, escalations)",
    ),
    ("warroom_views_opened_total", "Modals opened"),
    ("warroom_scheduler_ticks_total", "Scheduled jobs run"),
    (DELIVERIES, "Outbox deliveries by effect kind and result"),
];

/// A label set as the text format writes it, in the caller's order.
type Labels = Vec<(String, String)>;
type HistogramFamily = Family<Labels, Histogram, fn() -> Histogram>;

fn latency_histogram() -> Histogram {
    Histogram::new(BUCKETS)
}

/// The series of one route: its latency histogram and a request counter per status.
struct RouteSeries {
    latency: Histogram,
    statuses: RwLock<HashMap<u16, Counter>>,
}

pub struct Metrics {
    /// Every family, in registration order; locked only to register and to encode.
    registry: Mutex<Registry>,
    /// Counter families by full name (with `_total`).
    counters: RwLock<HashMap<String, Family<Labels, Counter>>>,
    gauges: RwLock<HashMap<String, Family<Labels, Gauge>>>,
    latency: HistogramFamily,
    /// Handles of the series already used: `name` → preformatted labels → counter.
    series: RwLock<HashMap<String, HashMap<String, Counter>>>,
    routes: RwLock<HashMap<String, RouteSeries>>,
}

fn read<T>(l: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    l.read().unwrap_or_else(|e| e.into_inner())
}

fn write<T>(l: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    l.write().unwrap_or_else(|e| e.into_inner())
}

/// The registry takes counter names without `_total` and adds it back when encoding.
fn base_name(name: &str) -> &str {
    name.strip_suffix("_total").unwrap_or(name)
}

/// Reads `a="x",b="y"` (values escaped as in the text format). None when malformed.
fn parse_labels(text: &str) -> Option<Labels> {
    let mut labels = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let (key, after) = rest.split_once("=\"")?;
        let mut value = String::new();
        let mut chars = after.char_indices();
        let end = loop {
            match chars.next()? {
                (i, '"') => break i,
                (_, '\\') => match chars.next()?.1 {
                    'n' => value.push('\n'),
                    c => value.push(c),
                },
                (_, c) => value.push(c),
            }
        };
        labels.push((key.trim().to_string(), value));
        rest = after[end + 1..].trim_start();
        rest = match rest.strip_prefix(',') {
            Some(r) => r.trim_start(),
            None if rest.is_empty() => rest,
            None => return None,
        };
    }
    Some(labels)
}

impl Default for Metrics {
    fn default() -> Metrics {
        let mut registry = Registry::default();
        let mut counters = HashMap::new();
        for (name, help) in COUNTERS {
            let family = Family::<Labels, Counter>::default();
            registry.register(base_name(name), help, family.clone());
            counters.insert(name.to_string(), family);
        }
        let latency: HistogramFamily = Family::new_with_constructor(latency_histogram);
        registry.register(
            HTTP_DURATION,
            "Time to answer HTTP requests, by route",
            latency.clone(),
        );
        Metrics {
            registry: Mutex::new(registry),
            counters: RwLock::new(counters),
            gauges: RwLock::default(),
            latency,
            series: RwLock::default(),
            routes: RwLock::default(),
        }
    }
}

impl Metrics {
    /// The counter family `name`, registered on first use if it is not a known one.
    fn counter_family(&self, name: &str) -> Family<Labels, Counter> {
        if let Some(f) = read(&self.counters).get(name) {
            return f.clone();
        }
        let mut counters = write(&self.counters);
        counters
            .entry(name.to_string())
            .or_insert_with(|| {
                debug_assert!(name.ends_with("_total"), "counter {name} without _total");
                let family = Family::default();
                self.registry
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .register(base_name(name), name, family.clone());
                family
            })
            .clone()
    }

    /// The series `name{labels}`, created on first use.
    fn series(&self, name: &str, labels: &str) -> Option<Counter> {
        if let Some(c) = read(&self.series).get(name).and_then(|m| m.get(labels)) {
            return Some(c.clone());
        }
        let Some(parsed) = parse_labels(labels) else {
            tracing::warn!(name, labels, "metric labels are malformed; not counted");
            return None;
        };
        let counter = self.counter_family(name).get_or_create_owned(&parsed);
        write(&self.series)
            .entry(name.to_string())
            .or_default()
            .insert(labels.to_string(), counter.clone());
        Some(counter)
    }

    /// Adds 1 to `name{labels}`; `labels` is preformatted (`route="/x",status="200"`).
    pub fn inc(&self, name: &str, labels: &str) {
        if let Some(c) = read(&self.series).get(name).and_then(|m| m.get(labels)) {
            c.inc();
            return;
        }
        if let Some(c) = self.series(name, labels) {
            c.inc();
        }
    }

    pub fn observe_request(&self, route: &str, status: u16, seconds: f64) {
        let record = |s: &RouteSeries| {
            s.latency.observe(seconds);
            if let Some(c) = read(&s.statuses).get(&status) {
                c.inc();
                return;
            }
            let labels = vec![
                ("route".to_string(), route.to_string()),
                ("status".to_string(), status.to_string()),
            ];
            let counter = self
                .counter_family(HTTP_REQUESTS)
                .get_or_create_owned(&labels);
            counter.inc();
            write(&s.statuses).insert(status, counter);
        };
        if let Some(s) = read(&self.routes).get(route) {
            record(s);
            return;
        }
        let labels = vec![("route".to_string(), route.to_string())];
        let series = RouteSeries {
            latency: self.latency.get_or_create_owned(&labels),
            statuses: RwLock::default(),
        };
        let mut routes = write(&self.routes);
        record(routes.entry(route.to_string()).or_insert(series));
    }

    pub fn delivery(&self, kind: &str, result: &str) {
        self.inc(DELIVERIES, &format!("kind=\"{kind}\",result=\"{result}\""));
    }

    /// The current value of `name{labels}` (0 when never counted).
    pub fn counter(&self, name: &str, labels: &str) -> u64 {
        read(&self.series)
            .get(name)
            .and_then(|m| m.get(labels))
            .map_or(0, Counter::get)
    }

    /// Sets gauge `name{labels}`, registering the family with `help` on first use.
    fn set_gauge(&self, name: &str, help: &str, labels: &str, value: i64) {
        let Some(parsed) = parse_labels(labels) else {
            tracing::warn!(name, labels, "gauge labels are malformed; not set");
            return;
        };
        let known = read(&self.gauges).get(name).cloned();
        let family = known.unwrap_or_else(|| {
            write(&self.gauges)
                .entry(name.to_string())
                .or_insert_with(|| {
                    let family = Family::default();
                    self.registry
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .register(name, help, family.clone());
                    family
                })
                .clone()
        });
        family.get_or_create(&parsed).set(value);
    }

    /// The exposition text; `gauges` are `(name, help, labels, value)` read at scrape time.
    pub fn render(&self, gauges: &[(&str, &str, &str, i64)]) -> String {
        for (name, help, labels, value) in gauges {
            self.set_gauge(name, help, labels, *value);
        }
        let mut out = String::new();
        let registry = self.registry.lock().unwrap_or_else(|e| e.into_inner());
        if let Err(e) = prometheus_text::encode(&mut out, &registry) {
            tracing::warn!(error = %e, "cannot encode metrics");
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
        m.inc("warroom_incidents_declared_total", "");
        m.delivery("invite", "failed");
        let text = m.render(&[
            ("warroom_outbox_depth", "Pending", "", 3),
            ("warroom_open_incidents", "Open", "severity=\"P0\"", 0),
        ]);
        for line in [
            "warroom_http_requests_total{route=\"/slack/commands\",status=\"200\"} 2",
            "warroom_http_requests_total{route=\"/slack/commands\",status=\"401\"} 1",
            "warroom_http_request_duration_seconds_bucket{route=\"/slack/commands\",le=\"0.0005\"} 1",
            "warroom_http_request_duration_seconds_bucket{route=\"/slack/commands\",le=\"0.001\"} 2",
            "warroom_http_request_duration_seconds_bucket{route=\"/slack/commands\",le=\"3\"} 3",
            "warroom_http_request_duration_seconds_bucket{route=\"/slack/commands\",le=\"+Inf\"} 3",
            "warroom_http_request_duration_seconds_count{route=\"/slack/commands\"} 3",
            "# TYPE warroom_http_request_duration_seconds histogram",
            "# TYPE warroom_events_total counter",
            "warroom_events_total{result=\"accepted\"} 2",
            "warroom_incidents_declared_total 1",
            "warroom_deliveries_total{kind=\"invite\",result=\"failed\"} 1",
            "# TYPE warroom_outbox_depth gauge",
            "warroom_outbox_depth 3",
            "warroom_open_incidents{severity=\"P0\"} 0",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} missing in\n{text}");
        }
        assert_eq!(m.counter("warroom_events_total", "result=\"accepted\""), 2);
        assert_eq!(m.counter("warroom_events_total", "result=\"duplicate\""), 0);
    }

    #[test]
    fn apps_in_one_process_count_apart() {
        let a = Metrics::default();
        let b = Metrics::default();
        a.inc("warroom_commands_total", "command=\"list\"");
        assert_eq!(a.counter("warroom_commands_total", "command=\"list\""), 1);
        assert_eq!(b.counter("warroom_commands_total", "command=\"list\""), 0);
        assert!(!b.render(&[]).contains("command=\"list\""));
    }

    #[test]
    fn unknown_names_and_odd_labels() {
        let m = Metrics::default();
        m.inc(
            "warroom_new_things_total",
            "why=\"a \\\"quoted\\\" word\", n=\"1\"",
        );
        m.inc("warroom_new_things_total", "broken");
        let text = m.render(&[]);
        assert!(
            text.contains("warroom_new_things_total{why=\"a \\\"quoted\\\" word\",n=\"1\"} 1"),
            "{text}"
        );
        assert_eq!(parse_labels(""), Some(vec![]));
        assert_eq!(parse_labels("a=\"x\" b=\"y\""), None);
        assert_eq!(parse_labels("a=\"unterminated"), None);
    }
}
