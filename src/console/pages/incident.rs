//! `GET /incidents/{id}`: one incident, its timeline, updates, action items and post-mortem.

use super::super::auth;
use super::super::Console;
use super::{
    channel_url, duration, html, not_found, severity_class, signed_in, time, unavailable, who, Who,
};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

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
    /// The post-mortem canvas in Slack, once `/incident postmortem` made it.
    canvas_url: Option<String>,
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
        Ok(md) => super::super::markdown::to_safe_html(&md),
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
        // Only a Slack https address becomes a link (it came from Slack's answer).
        canvas_url: inc
            .slack
            .postmortem_url
            .clone()
            .filter(|u| u.starts_with("https://")),
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
