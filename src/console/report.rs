//! The report's figures: incidents per month by severity, MTTA and MTTR per severity against
//! the policy's targets, SLA attainment, MTBF and open action items by age. The means and
//! counts come from `incident::stats::compute` — the function behind `/api/stats` and
//! `/incident stats` — so the numbers never disagree; this adds what needs the targets.

use crate::incident::model::Incident;
use crate::incident::stats::{self, Stats};
use crate::policy::Policy;
use chrono::{Datelike, TimeZone, Utc};

/// `months` is clamped to this range.
pub const MAX_MONTHS: u32 = 36;

#[derive(Clone, Debug)]
pub struct Report {
    pub months: u32,
    pub drills: bool,
    pub stats: Stats,
    /// Every month of the window, oldest first ("YYYY-MM"), even those without incidents.
    pub month_labels: Vec<String>,
    /// Severities in policy order (the columns of `per_month`).
    pub severities: Vec<String>,
    /// Per month: incidents per severity.
    pub per_month: Vec<Vec<usize>>,
    pub targets: Vec<SeverityTargets>,
    /// Mean time between incidents declared in the window.
    pub mtbf_seconds: Option<i64>,
    /// Open action items per age bucket.
    pub open_items: Vec<(String, i64)>,
}

/// One severity's means against its targets.
#[derive(Clone, Debug)]
pub struct SeverityTargets {
    pub severity: String,
    pub count: usize,
    pub mtta_seconds: Option<i64>,
    pub respond_target_seconds: Option<i64>,
    /// Share of acknowledged incidents acknowledged within the target, in percent.
    pub respond_attainment: Option<f64>,
    pub mttr_seconds: Option<i64>,
    pub resolve_target_seconds: Option<i64>,
    /// Share of resolved incidents resolved within the target, in percent.
    pub resolve_attainment: Option<f64>,
}

/// Midnight UTC on the first day of the month `months - 1` months before `now`'s.
pub fn window_start(now_ms: i64, months: u32) -> i64 {
    let now = crate::clock::from_ms(now_ms);
    let total = now.year() * 12 + now.month0() as i32 - (months.max(1) as i32 - 1);
    let (y, m0) = (total.div_euclid(12), total.rem_euclid(12));
    Utc.with_ymd_and_hms(y, m0 as u32 + 1, 1, 0, 0, 0)
        .single()
        .map(|d| d.timestamp_millis())
        .unwrap_or(0)
}

fn percent_within(samples: &[i64], target_ms: Option<i64>) -> Option<f64> {
    let target = target_ms?;
    if samples.is_empty() {
        return None;
    }
    let within = samples.iter().filter(|&&s| s <= target).count();
    Some(within as f64 * 100.0 / samples.len() as f64)
}

fn duration_ms(d: Option<std::time::Duration>) -> Option<i64> {
    d.and_then(|d| i64::try_from(d.as_millis()).ok())
}

/// Builds the report over `incidents` (already filtered for the viewer and for drills).
pub fn build(
    incidents: &[Incident],
    policy: &Policy,
    months: u32,
    drills: bool,
    now: i64,
    open_items: Vec<(String, i64)>,
) -> Report {
    let since = window_start(now, months);
    let order: Vec<String> = policy.severities.iter().map(|s| s.name.clone()).collect();
    let stats = stats::compute(incidents, &order, since, now);
    let in_window: Vec<&Incident> = incidents
        .iter()
        .filter(|i| i.declared_at >= since)
        .collect();

    let mut month_labels = Vec::new();
    let mut at = since;
    while at <= now {
        let label = crate::clock::from_ms(at).format("%Y-%m").to_string();
        month_labels.push(label);
        // The 1st of the next month: 32 days on always lands in it.
        at = window_start(at + 32 * 86_400_000, 1);
    }
    let severities: Vec<String> = stats
        .by_severity
        .iter()
        .map(|s| s.severity.clone())
        .collect();
    let per_month = month_labels
        .iter()
        .map(|m| {
            severities
                .iter()
                .map(|s| {
                    stats
                        .by_month
                        .get(m)
                        .and_then(|by| by.get(s))
                        .copied()
                        .unwrap_or(0)
                })
                .collect()
        })
        .collect();

    let targets = stats
        .by_severity
        .iter()
        .map(|s| {
            let def = policy.severity(&s.severity);
            let respond = duration_ms(def.and_then(|d| d.respond_within));
            let resolve = duration_ms(def.and_then(|d| d.resolve_within));
            let of = in_window.iter().filter(|i| i.severity == s.severity);
            let tta: Vec<i64> = of
                .clone()
                .filter_map(|i| i.first_ic_at.map(|t| t - i.declared_at))
                .collect();
            let ttr: Vec<i64> = of
                .filter_map(|i| i.resolved_at.map(|t| t - i.declared_at))
                .collect();
            SeverityTargets {
                severity: s.severity.clone(),
                count: s.count,
                mtta_seconds: s.mtta_seconds,
                respond_target_seconds: respond.map(|t| t / 1000),
                respond_attainment: percent_within(&tta, respond),
                mttr_seconds: s.mttr_seconds,
                resolve_target_seconds: resolve.map(|t| t / 1000),
                resolve_attainment: percent_within(&ttr, resolve),
            }
        })
        .collect();

    let mtbf_seconds = match (in_window.first(), in_window.last()) {
        (Some(first), Some(last)) if in_window.len() > 1 => {
            Some((last.declared_at - first.declared_at) / (in_window.len() as i64 - 1) / 1000)
        }
        _ => None,
    };
    Report {
        months,
        drills,
        stats,
        month_labels,
        severities,
        per_month,
        targets,
        mtbf_seconds,
        open_items,
    }
}

/// "1h 30m", or "—" when there is no figure.
pub fn human(seconds: Option<i64>) -> String {
    seconds
        .map(|s| crate::render::time::human_ms(s * 1000))
        .unwrap_or_else(|| "—".into())
}

/// "87.5 %", or "—".
pub fn percent(p: Option<f64>) -> String {
    p.map(|p| format!("{p:.1} %")).unwrap_or_else(|| "—".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_starts_on_the_first_of_a_month() {
        // 2026-11-29T12:00:00Z
        let now = 1_795_953_600_000;
        let start = crate::clock::from_ms(window_start(now, 12));
        assert_eq!(start.to_rfc3339(), "2025-12-01T00:00:00+00:00");
        let one = crate::clock::from_ms(window_start(now, 1));
        assert_eq!(one.to_rfc3339(), "2026-11-01T00:00:00+00:00");
        assert!((0.0..=0.0).contains(&percent_within(&[5], Some(1)).unwrap_or(-1.0)));
        assert_eq!(percent_within(&[1, 5], Some(2)), Some(50.0));
        assert_eq!(percent_within(&[], Some(2)), None);
    }
}
