//! `GET /`: the incident list, filtered and paged.

use super::super::auth;
use super::super::Console;
use super::{
    bad_request, channel_url, duration, html, is_on, nonempty, off_page, severity_class, signed_in,
    unavailable, who, Who, PAGE_SIZE,
};
use crate::incident::model::Status;
use crate::store::ConsoleFilter;
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    status: Option<String>,
    severity: Option<String>,
    from: Option<String>,
    to: Option<String>,
    q: Option<String>,
    drills: Option<String>,
    page: Option<String>,
}

struct Row {
    id: String,
    title: String,
    severity: String,
    severity_class: usize,
    status: &'static str,
    private: bool,
    ic: String,
    age: String,
    channel_url: Option<String>,
    channel_name: String,
}

#[derive(Template)]
#[template(path = "list.html")]
struct ListPage {
    who: Option<Who>,
    statuses: Vec<String>,
    severities: Vec<String>,
    status: String,
    severity: String,
    from: String,
    to: String,
    q: String,
    drills: bool,
    rows: Vec<Row>,
    total: i64,
    page: i64,
    pages: i64,
    prev: Option<String>,
    next: Option<String>,
}

/// Midnight UTC of a `YYYY-MM-DD` date, or the sentence telling what is wrong.
fn day_start(text: &str, name: &str) -> Result<i64, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc().timestamp_millis())
        .ok_or_else(|| format!("{name} must be a date like 2026-11-01"))
}

/// `GET /` — the incident list.
pub async fn list(
    State(console): State<Console>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let (session, refresh, viewer) = match signed_in(&console, &headers, off_page).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let q: ListQuery = serde_urlencoded::from_str(raw.as_deref().unwrap_or("")).unwrap_or_default();
    let status = nonempty(&q.status);
    if let Some(s) = &status {
        if Status::parse(s).is_none() {
            return bad_request("status must be one of investigating, identified, mitigating, monitoring, resolved, closed");
        }
    }
    let from = match nonempty(&q.from).map(|f| day_start(&f, "from")).transpose() {
        Ok(v) => v,
        Err(reason) => return bad_request(&reason),
    };
    // `to` is a whole day: up to the start of the next one.
    let to = match nonempty(&q.to).map(|t| day_start(&t, "to")).transpose() {
        Ok(v) => v.map(|t| t + 86_400_000),
        Err(reason) => return bad_request(&reason),
    };
    let page = match nonempty(&q.page).map(|p| p.parse::<i64>()) {
        None => 1,
        Some(Ok(p)) if (1..=1_000_000).contains(&p) => p,
        Some(_) => return bad_request("page must be a positive number"),
    };
    let filter = ConsoleFilter {
        status: status.clone(),
        severity: nonempty(&q.severity),
        from,
        to,
        q: nonempty(&q.q),
        drills: is_on(&q.drills),
    };
    let service = &console.service;
    let (incidents, total) = match service
        .store
        .console_incidents(&viewer, &filter, (page - 1) * PAGE_SIZE, PAGE_SIZE)
        .await
    {
        Ok(v) => v,
        Err(e) => return unavailable(e),
    };
    let team = console.directory.team_id().await;
    let ics: Vec<String> = incidents
        .iter()
        .filter_map(|i| i.roles.get("ic").map(|h| h.user.clone()))
        .collect();
    let names = console.directory.names(&ics).await;
    let now = service.clock.now_ms();
    let rows = incidents
        .iter()
        .map(|i| Row {
            id: i.id.clone(),
            title: i.title.clone(),
            severity: i.severity.clone(),
            severity_class: severity_class(&console, &i.severity),
            status: i.status.as_str(),
            private: i.private,
            ic: i
                .roles
                .get("ic")
                .map(|h| {
                    names
                        .get(&h.user)
                        .cloned()
                        .unwrap_or_else(|| h.user.clone())
                })
                .unwrap_or_else(|| "—".into()),
            age: match i.resolved_at {
                Some(r) => format!("resolved in {}", duration(r - i.declared_at)),
                None => format!("open {}", duration(now - i.declared_at)),
            },
            channel_url: channel_url(team.as_deref(), i),
            channel_name: i.slack.channel_name.clone().unwrap_or_default(),
        })
        .collect();
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let link = |p: i64| {
        let mut params: Vec<(&str, String)> = Vec::new();
        for (k, v) in [
            ("status", &q.status),
            ("severity", &q.severity),
            ("from", &q.from),
            ("to", &q.to),
            ("q", &q.q),
            ("drills", &q.drills),
        ] {
            if let Some(v) = nonempty(v) {
                params.push((k, v));
            }
        }
        params.push(("page", p.to_string()));
        format!(
            "/?{}",
            serde_urlencoded::to_string(&params).unwrap_or_default()
        )
    };
    let page_model = ListPage {
        who: who(&session),
        statuses: [
            Status::Investigating,
            Status::Identified,
            Status::Mitigating,
            Status::Monitoring,
            Status::Resolved,
            Status::Closed,
        ]
        .iter()
        .map(|s| s.as_str().to_string())
        .collect(),
        severities: service
            .policy
            .severities
            .iter()
            .map(|s| s.name.clone())
            .collect(),
        status: status.unwrap_or_default(),
        severity: filter.severity.clone().unwrap_or_default(),
        from: nonempty(&q.from).unwrap_or_default(),
        to: nonempty(&q.to).unwrap_or_default(),
        q: filter.q.clone().unwrap_or_default(),
        drills: filter.drills,
        rows,
        total,
        page,
        pages,
        prev: (page > 1).then(|| link(page - 1)),
        next: (page < pages).then(|| link(page + 1)),
    };
    auth::finish(html(StatusCode::OK, &page_model), refresh)
}
