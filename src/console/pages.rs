//! One handler per page: who is asking → the store (filtered for them) → a typed page
//! model → a compiled template that escapes every value unless told it is safe HTML (the
//! sanitised post-mortem and the server-drawn charts only).

use super::auth::{self, Visitor};
use super::session::Session;
use super::{charts, report, Console};
use crate::incident::model::{Incident, Status};
use crate::store::{ConsoleFilter, Viewer};
use askama::Template;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::HashMap;

/// Incidents per list page.
pub const PAGE_SIZE: i64 = 50;

/// The signed-in visitor as the layout shows them (name, and the logout form's token).
pub struct Who {
    pub name: String,
    pub csrf: String,
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage<'a> {
    who: Option<Who>,
    heading: &'a str,
    text: &'a str,
    sign_in_link: bool,
}

#[derive(Template)]
#[template(path = "off.html")]
struct OffPage {
    who: Option<Who>,
}

fn html<T: Template>(status: StatusCode, page: &T) -> Response {
    match page.render() {
        Ok(body) => (status, Html(body)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "console template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "page failed to render\n").into_response()
        }
    }
}

/// A page with a heading and one sentence (refusals, errors, signed out).
pub fn message_page(status: StatusCode, heading: &str, text: &str, sign_in_link: bool) -> Response {
    html(
        status,
        &MessagePage {
            who: None,
            heading,
            text,
            sign_in_link,
        },
    )
}

pub fn not_found() -> Response {
    message_page(
        StatusCode::NOT_FOUND,
        "Not found",
        "There is nothing here, or you may not see it.",
        false,
    )
}

fn unavailable(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "console query failed");
    message_page(
        StatusCode::SERVICE_UNAVAILABLE,
        "Unavailable",
        "The incident store did not answer. Please try again.",
        false,
    )
}

fn bad_request(text: &str) -> Response {
    message_page(StatusCode::BAD_REQUEST, "Bad request", text, false)
}

/// The gate in front of every page: the console must be on and the visitor signed in.
/// Returns the session, the refreshed cookie and the viewer for the store's filters.
async fn signed_in(
    console: &Console,
    headers: &HeaderMap,
    off: fn() -> Response,
) -> Result<(Session, Option<String>, Viewer), Response> {
    let (session, refresh) = match auth::visitor(console, headers) {
        Visitor::Off => return Err(off()),
        Visitor::SignedOut => return Err(Redirect::to("/auth/login").into_response()),
        Visitor::In { session, refresh } => (session, refresh),
    };
    let service = &console.service;
    let admin = service.policy.admins.contains(&session.user);
    let viewer = console
        .directory
        .viewer(&service.store, &session.user, admin)
        .await
        .map_err(unavailable)?;
    Ok((session, refresh, viewer))
}

fn who(s: &Session) -> Option<Who> {
    Some(Who {
        name: s.name.clone(),
        csrf: s.csrf.clone(),
    })
}

fn off_page() -> Response {
    html(StatusCode::OK, &OffPage { who: None })
}

/// "2026-11-22 14:05"
fn time(ms: i64) -> String {
    crate::clock::from_ms(ms)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

fn duration(ms: i64) -> String {
    report::human(Some(ms.max(0) / 1000))
}

fn channel_url(team: Option<&str>, inc: &Incident) -> Option<String> {
    let (team, channel) = (team?, inc.slack.channel_id.as_deref()?);
    Some(format!("https://app.slack.com/client/{team}/{channel}"))
}

/// Index of the severity in policy order, for its colour (0 = most severe).
fn severity_class(console: &Console, severity: &str) -> usize {
    console
        .service
        .policy
        .severities
        .iter()
        .position(|s| s.name == severity)
        .unwrap_or(9)
}

// ------------------------------------------------------------------------------ list

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

fn nonempty(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn is_on(v: &Option<String>) -> bool {
    matches!(v.as_deref(), Some("1" | "true" | "on" | "yes"))
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

// -------------------------------------------------------------------------- incident

struct Entry {
    at: String,
    actor: String,
    kind: String,
    text: String,
}

struct UpdateView {
    at: String,
    author: String,
    status: String,
    summary: String,
    impact: String,
    actions: String,
    next: String,
    eta: String,
}

struct ItemView {
    id: i64,
    text: String,
    owner: String,
    due: String,
    state: String,
}

#[derive(Template)]
#[template(path = "incident.html")]
struct IncidentPage {
    who: Option<Who>,
    id: String,
    title: String,
    severity: String,
    severity_class: usize,
    status: &'static str,
    private: bool,
    roles: Vec<(String, String)>,
    reporter: String,
    times: Vec<(&'static str, String)>,
    service: String,
    impact: String,
    description: String,
    channel_url: Option<String>,
    channel_name: String,
    timeline: Vec<Entry>,
    updates: Vec<UpdateView>,
    action_items: Vec<ItemView>,
    postmortem_html: String,
}

/// `GET /incidents/{id}` — 404 for an incident that does not exist or that the visitor
/// may not see (the two are indistinguishable on purpose).
pub async fn incident(
    State(console): State<Console>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let (session, refresh, viewer) = match signed_in(&console, &headers, not_found).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let service = &console.service;
    let store = &service.store;
    let inc = match store.console_incident(&viewer, &id).await {
        Ok(Some(i)) => i,
        Ok(None) => return auth::finish(not_found(), refresh),
        Err(e) => return unavailable(e),
    };
    let loaded = tokio::try_join!(
        store.timeline(&inc.id),
        store.updates(&inc.id),
        store.action_items(&inc.id)
    );
    let (timeline, updates, items) = match loaded {
        Ok(v) => v,
        Err(e) => return unavailable(e),
    };
    let postmortem = match service.postmortem(&inc).await {
        Ok(md) => super::markdown::to_safe_html(&md),
        Err(e) => return unavailable(e),
    };
    let mut people: Vec<String> = inc.roles.values().map(|h| h.user.clone()).collect();
    people.push(inc.reporter.clone());
    people.extend(timeline.iter().map(|e| e.actor.clone()));
    people.extend(updates.iter().map(|u| u.author.clone()));
    people.extend(items.iter().filter_map(|a| a.owner.clone()));
    people.sort();
    people.dedup();
    people.retain(|p| p.starts_with('U') || p.starts_with('W'));
    let names = console.directory.names(&people).await;
    let name = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_string());
    let roles = service
        .policy
        .roles
        .iter()
        .filter_map(|r| {
            inc.roles
                .get(&r.key)
                .map(|h| (r.name.clone(), name(&h.user)))
        })
        .collect();
    let mut times = vec![("Declared", time(inc.declared_at))];
    for (label, at) in [
        ("Acknowledged", inc.first_ic_at),
        ("Mitigated", inc.mitigated_at),
        ("Resolved", inc.resolved_at),
        ("Closed", inc.closed_at),
    ] {
        if let Some(at) = at {
            times.push((
                label,
                format!("{} (+{})", time(at), duration(at - inc.declared_at)),
            ));
        }
    }
    let team = console.directory.team_id().await;
    let page = IncidentPage {
        who: who(&session),
        severity_class: severity_class(&console, &inc.severity),
        status: inc.status.as_str(),
        private: inc.private,
        roles,
        reporter: name(&inc.reporter),
        times,
        channel_url: channel_url(team.as_deref(), &inc),
        channel_name: inc.slack.channel_name.clone().unwrap_or_default(),
        timeline: timeline
            .iter()
            .map(|e| Entry {
                at: time(e.at),
                actor: name(&e.actor),
                kind: e.kind.clone(),
                text: e.text.clone(),
            })
            .collect(),
        updates: updates
            .iter()
            .map(|u| UpdateView {
                at: time(u.at),
                author: name(&u.author),
                status: u.status.clone(),
                summary: u.summary.clone(),
                impact: u.impact.clone(),
                actions: u.actions_taken.clone(),
                next: u.next_steps.clone(),
                eta: u.eta.clone(),
            })
            .collect(),
        action_items: items
            .iter()
            .map(|a| ItemView {
                id: a.id,
                text: a.text.clone(),
                owner: a.owner.as_deref().map(&name).unwrap_or_else(|| "—".into()),
                due: a.due.clone().unwrap_or_else(|| "—".into()),
                state: if a.done { "done".into() } else { "open".into() },
            })
            .collect(),
        postmortem_html: postmortem,
        id: inc.id,
        title: inc.title,
        severity: inc.severity,
        service: inc.service,
        impact: inc.impact,
        description: inc.description,
    };
    auth::finish(html(StatusCode::OK, &page), refresh)
}

// --------------------------------------------------------------------------- reports

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
        return match super::csv::render(&r) {
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
