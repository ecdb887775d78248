//! Incident metrics over a window: MTTA (declared → first IC), MTTR (declared →
//! resolved) per severity, and counts by severity and by month.

use super::model::Incident;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SeverityStats {
    pub severity: String,
    pub count: usize,
    /// Incidents that got an IC / were resolved: the denominators of the means.
    pub acknowledged: usize,
    pub resolved: usize,
    /// Mean time to acknowledge, in seconds.
    pub mtta_seconds: Option<i64>,
    /// Mean time to resolve, in seconds.
    pub mttr_seconds: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Stats {
    pub window_seconds: i64,
    pub since: String,
    pub total: usize,
    /// Whether drills are counted (they are left out unless asked for).
    pub drills: bool,
    pub by_severity: Vec<SeverityStats>,
    /// "YYYY-MM" → severity → count.
    pub by_month: BTreeMap<String, BTreeMap<String, usize>>,
}

fn mean_seconds(samples: &[i64]) -> Option<i64> {
    if samples.is_empty() {
        None
    } else {
        let sum: i128 = samples.iter().map(|&s| i128::from(s)).sum();
        Some((sum / samples.len() as i128 / 1000) as i64)
    }
}

/// `severities` gives the order (policy order; unknown severities follow).
pub fn compute(incidents: &[Incident], severities: &[String], since: i64, now: i64) -> Stats {
    let in_window: Vec<&Incident> = incidents
        .iter()
        .filter(|i| i.declared_at >= since)
        .collect();
    let mut order: Vec<String> = severities.to_vec();
    for inc in &in_window {
        if !order.contains(&inc.severity) {
            order.push(inc.severity.clone());
        }
    }
    let by_severity = order
        .iter()
        .map(|sev| {
            let of: Vec<&&Incident> = in_window.iter().filter(|i| &i.severity == sev).collect();
            let tta: Vec<i64> = of
                .iter()
                .filter_map(|i| i.first_ic_at.map(|t| t - i.declared_at))
                .collect();
            let ttr: Vec<i64> = of
                .iter()
                .filter_map(|i| i.resolved_at.map(|t| t - i.declared_at))
                .collect();
            SeverityStats {
                severity: sev.clone(),
                count: of.len(),
                acknowledged: tta.len(),
                resolved: ttr.len(),
                mtta_seconds: mean_seconds(&tta),
                mttr_seconds: mean_seconds(&ttr),
            }
        })
        .collect();
    let mut by_month: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for inc in &in_window {
        let month = crate::clock::from_ms(inc.declared_at)
            .format("%Y-%m")
            .to_string();
        *by_month
            .entry(month)
            .or_default()
            .entry(inc.severity.clone())
            .or_default() += 1;
    }
    Stats {
        window_seconds: (now - since) / 1000,
        since: crate::clock::from_ms(since).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        total: in_window.len(),
        drills: false,
        by_severity,
        by_month,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::model::{Schedule, SlackRefs, Status};

    const MIN: i64 = 60_000;
    // 2026-10-15T00:00:00Z and 2026-11-10T00:00:00Z
    const OCT: i64 = 1_792_022_400_000;
    const NOV: i64 = 1_794_268_800_000;

    fn inc(
        id: &str,
        sev: &str,
        declared: i64,
        ic_after: Option<i64>,
        resolved_after: Option<i64>,
    ) -> Incident {
        Incident {
            id: id.into(),
            title: id.into(),
            description: String::new(),
            service: String::new(),
            impact: String::new(),
            severity: sev.into(),
            status: if resolved_after.is_some() {
                Status::Resolved
            } else {
                Status::Investigating
            },
            private: false,
            drill: false,
            reporter: "U1".into(),
            origin_channel: String::new(),
            declared_at: declared,
            first_ic_at: ic_after.map(|m| declared + m * MIN),
            mitigated_at: None,
            resolved_at: resolved_after.map(|m| declared + m * MIN),
            closed_at: None,
            last_update_at: None,
            resolve_summary: String::new(),
            roles: Default::default(),
            schedule: Schedule::default(),
            version: 1,
            slack: SlackRefs::default(),
        }
    }

    #[test]
    fn hand_computed_mtta_and_mttr() {
        let incidents = vec![
            // P1: MTTA (4 + 10) / 2 = 7 min; MTTR (60 + 120) / 2 = 90 min.
            inc("a", "P1", OCT, Some(4), Some(60)),
            inc("b", "P1", NOV, Some(10), Some(120)),
            // P1 still open, no IC: counts, but in neither mean.
            inc("c", "P1", NOV + MIN, None, None),
            // P0: MTTA 2 min, MTTR 45 min.
            inc("d", "P0", NOV + 2 * MIN, Some(2), Some(45)),
            // Before the window: ignored.
            inc("e", "P0", OCT - 86_400_000 * 40, Some(1), Some(1)),
        ];
        let sevs: Vec<String> = ["P0", "P1", "P2", "P3"].map(String::from).to_vec();
        let now = NOV + 86_400_000;
        let stats = compute(&incidents, &sevs, OCT - 86_400_000, now);
        assert_eq!(stats.total, 4);
        let p0 = &stats.by_severity[0];
        assert_eq!(
            (p0.count, p0.mtta_seconds, p0.mttr_seconds),
            (1, Some(120), Some(2700))
        );
        let p1 = &stats.by_severity[1];
        assert_eq!(
            (
                p1.count,
                p1.acknowledged,
                p1.resolved,
                p1.mtta_seconds,
                p1.mttr_seconds
            ),
            (3, 2, 2, Some(420), Some(5400))
        );
        assert_eq!(stats.by_severity[2].mtta_seconds, None);
        assert_eq!(stats.by_month["2026-10"]["P1"], 1);
        assert_eq!(stats.by_month["2026-11"]["P1"], 2);
        assert_eq!(stats.by_month["2026-11"]["P0"], 1);
    }
}
