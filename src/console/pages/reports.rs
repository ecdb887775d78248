//! `GET /reports`: the response-time report, as a page or as CSV.

use super::super::auth;
use super::super::{charts, report, Console};
use super::{bad_request, html, is_on, nonempty, not_found, signed_in, unavailable, who, Who};
use crate::store::Viewer;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Deserialize, Default)]
pub struct ReportQuery {
    months: Option<String>,
    drills: Option<String>,
    format: Option<String>,
}

struct TargetRow {
    severity: String,
    count: usize,
    mtta: String,
    respond_target: String,
    mttr: String,
    resolve_target: String,
    respond_attainment: String,
    resolve_attainment: String,
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ReportPage {
    who: Option<Who>,
    months: u32,
    drills: bool,
    csv_link: String,
    total: usize,
    mtbf: String,
    severities: Vec<String>,
    month_rows: Vec<(String, Vec<usize>)>,
    targets: Vec<TargetRow>,
    open_items: Vec<(String, i64)>,
    chart_months: String,
    chart_times: String,
    chart_sla: String,
    chart_items: String,
}

/// `GET /reports?months=12[&drills=1][&format=csv]`
pub async fn reports(
    State(console): State<Console>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (session, refresh, viewer) = match signed_in(&console, &headers, not_found).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let q = ReportQuery {
        months: q.get("months").cloned(),
        drills: q.get("drills").cloned(),
        format: q.get("format").cloned(),
    };
    let months = match nonempty(&q.months).map(|m| m.parse::<u32>()) {
        None => 12,
        Some(Ok(m)) if (1..=report::MAX_MONTHS).contains(&m) => m,
        Some(_) => return bad_request("months must be a number from 1 to 36"),
    };
    let drills = is_on(&q.drills);
    let r = match build_report(&console, &viewer, months, drills).await {
        Ok(r) => r,
        Err(e) => return unavailable(e),
    };
    if q.format.as_deref() == Some("csv") {
        return match super::super::csv::render(&r) {
            Ok(body) => auth::finish(
                (
                    [
                        (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                        (
                            header::CONTENT_DISPOSITION,
                            "attachment; filename=\"warroom-report.csv\"",
                        ),
                    ],
                    body,
                )
                    .into_response(),
                refresh,
            ),
            Err(e) => unavailable(e),
        };
    }
    let page = ReportPage {
        who: who(&session),
        months,
        drills,
        csv_link: format!(
            "/reports?months={months}{}&format=csv",
            if drills { "&drills=1" } else { "" }
        ),
        total: r.stats.total,
        mtbf: report::human(r.mtbf_seconds),
        severities: r.severities.clone(),
        month_rows: r
            .month_labels
            .iter()
            .cloned()
            .zip(r.per_month.iter().cloned())
            .collect(),
        targets: r
            .targets
            .iter()
            .map(|t| TargetRow {
                severity: t.severity.clone(),
                count: t.count,
                mtta: report::human(t.mtta_seconds),
                respond_target: report::human(t.respond_target_seconds),
                mttr: report::human(t.mttr_seconds),
                resolve_target: report::human(t.resolve_target_seconds),
                respond_attainment: report::percent(t.respond_attainment),
                resolve_attainment: report::percent(t.resolve_attainment),
            })
            .collect(),
        open_items: r.open_items.clone(),
        chart_months: charts::incidents_per_month(&r),
        chart_times: charts::times_against_targets(&r),
        chart_sla: charts::sla_attainment(&r),
        chart_items: charts::open_action_items(&r),
    };
    auth::finish(html(StatusCode::OK, &page), refresh)
}

/// The report's figures for `viewer` (also used by the bench).
pub async fn build_report(
    console: &Console,
    viewer: &Viewer,
    months: u32,
    drills: bool,
) -> crate::store::StoreResult<report::Report> {
    let service = &console.service;
    let now = service.clock.now_ms();
    let since = report::window_start(now, months);
    let (incidents, open_items) = tokio::try_join!(
        service.store.console_incidents_since(viewer, since, drills),
        service.store.console_open_action_items(viewer, now, drills)
    )?;
    Ok(report::build(
        &incidents,
        &service.policy,
        months,
        drills,
        now,
        open_items,
    ))
}
