//! `/reports?format=csv`: the report's figures as CSV (the same `Report` the page charts),
//! one section per table, with a `section` column so a spreadsheet can filter on it.

use super::report::Report;

pub fn render(r: &Report) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["section", "key", "severity", "metric", "value"])?;
    for (m, counts) in r.month_labels.iter().zip(&r.per_month) {
        for (sev, n) in r.severities.iter().zip(counts) {
            w.write_record(["incidents_per_month", m, sev, "count", &n.to_string()])?;
        }
    }
    let opt = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    let pct = |v: Option<f64>| v.map(|v| format!("{v:.1}")).unwrap_or_default();
    for t in &r.targets {
        let rows = [
            ("count", t.count.to_string()),
            ("mtta_seconds", opt(t.mtta_seconds)),
            ("respond_target_seconds", opt(t.respond_target_seconds)),
            ("respond_within_target_percent", pct(t.respond_attainment)),
            ("mttr_seconds", opt(t.mttr_seconds)),
            ("resolve_target_seconds", opt(t.resolve_target_seconds)),
            ("resolve_within_target_percent", pct(t.resolve_attainment)),
        ];
        for (metric, value) in rows {
            w.write_record(["severity", "", &t.severity, metric, &value])?;
        }
    }
    w.write_record(["window", "", "", "incidents", &r.stats.total.to_string()])?;
    w.write_record(["window", "", "", "mtbf_seconds", &opt(r.mtbf_seconds)])?;
    for (age, n) in &r.open_items {
        w.write_record(["open_action_items", age, "", "count", &n.to_string()])?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
