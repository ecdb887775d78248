//! The incident domain: `decide(incident, action, ctx)` returns the new state, the
//! timeline entries, the Slack effects and the answer to the actor — or a refusal that
//! explains itself. No I/O happens here; the caller commits everything in one transaction.

use super::effect::Effect;
use super::model::{
    ActionItem, Incident, RoleHolder, Schedule, SlackRefs, Status, StatusUpdate, TimelineEntry,
    COMMS_ROLE, IC_ROLE,
};
use super::render::{self, mention_target};
use super::schedule;
use crate::integrations::PageAction;
use crate::policy::{Policy, Severity};
use std::collections::BTreeMap;

/// Who acts, when, under which policy.
pub struct Ctx<'a> {
    pub policy: &'a Policy,
    pub now: i64,
    /// Slack user id, or [`SYSTEM_ACTOR`] for the scheduler.
    pub actor: &'a str,
    /// PagerDuty is configured: page severities with `page = true`.
    pub paging: bool,
    /// The outbound webhook is configured.
    pub webhooks: bool,
}

/// The actor recorded for what warroom does by itself (reminders, targets, escalation).
pub const SYSTEM_ACTOR: &str = "warroom";

impl Ctx<'_> {
    fn is_admin(&self) -> bool {
        self.policy.admins.iter().any(|a| a == self.actor)
    }
}

/// Everything one decision produces; committed atomically by the store.
#[derive(Debug)]
pub struct Outcome {
    pub incident: Incident,
    pub timeline: Vec<TimelineEntry>,
    pub effects: Vec<Effect>,
    pub update: Option<StatusUpdate>,
    /// Action items to add or mark done.
    pub action_items: Vec<ActionItemChange>,
    /// Ephemeral answer to the actor, when there is something to say.
    pub reply: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActionItemChange {
    Add {
        text: String,
        owner: Option<String>,
        due: Option<String>,
    },
    Done {
        id: i64,
    },
}

/// A command refused, with the reason shown to the actor; nothing changes.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Refusal(pub String);

/// Fields of the update template (seeds/001).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UpdateFields {
    pub status: Option<Status>,
    pub summary: String,
    pub impact: String,
    pub actions_taken: String,
    pub next_steps: String,
    pub eta: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    SetStatus(Status),
    SetSeverity(String),
    /// Assign `user` to `role` (command or user-select).
    AssignRole {
        role: String,
        user: String,
    },
    /// The actor takes `role` ("Take role" button).
    TakeRole {
        role: String,
    },
    PostUpdate(UpdateFields),
    Resolve {
        summary: String,
    },
    /// Close; `open_items` are the action items still open, listed in the closing message.
    Close {
        open_items: Vec<ActionItem>,
    },
    Escalate {
        reason: Option<String>,
    },
    Snooze {
        minutes: u32,
    },
    Note(String),
    AddActionItem {
        text: String,
        owner: Option<String>,
        due: Option<chrono::NaiveDate>,
    },
    /// Mark `item` (loaded by the caller) done.
    CompleteActionItem {
        item: ActionItem,
    },
    /// The scheduler found something due at `ctx.now`.
    Tick,
}

pub struct DeclareRequest {
    pub title: String,
    pub severity: String,
    pub private: bool,
    pub reporter: String,
    pub origin_channel: String,
    pub description: String,
    pub service: String,
    pub impact: String,
}

struct Builder {
    incident: Incident,
    timeline: Vec<TimelineEntry>,
    effects: Vec<Effect>,
    update: Option<StatusUpdate>,
    action_items: Vec<ActionItemChange>,
    reply: Option<String>,
    actor: String,
    now: i64,
}

impl Builder {
    fn new(incident: Incident, ctx: &Ctx) -> Builder {
        Builder {
            incident,
            timeline: Vec::new(),
            effects: Vec::new(),
            update: None,
            action_items: Vec::new(),
            reply: None,
            actor: ctx.actor.to_string(),
            now: ctx.now,
        }
    }
    fn record(&mut self, kind: &str, text: String) {
        self.timeline.push(TimelineEntry {
            at: self.now,
            actor: self.actor.clone(),
            kind: kind.to_string(),
            text,
        });
    }
    /// The outbound webhook, when configured.
    fn notify(&mut self, ctx: &Ctx, event: &str, detail: serde_json::Value) {
        if ctx.webhooks {
            self.effects.push(Effect::Webhook {
                event: event.to_string(),
                detail,
            });
        }
    }

    /// Pages (or resolves the page) when PagerDuty is configured.
    fn page(&mut self, ctx: &Ctx, action: PageAction) {
        if ctx.paging {
            self.effects.push(Effect::Page { action });
        }
    }

    fn post(&mut self, text: String) {
        self.effects.push(Effect::Post { text, blocks: None });
    }
    /// Card, topic and announcement all show state: refresh them after a change.
    fn refresh_views(&mut self) {
        self.effects.push(Effect::SetTopic);
        self.effects.push(Effect::UpdateCard);
        if !self.incident.private {
            self.effects.push(Effect::UpdateAnnouncement);
        }
    }
    fn done(self) -> Outcome {
        Outcome {
            incident: self.incident,
            timeline: self.timeline,
            effects: self.effects,
            update: self.update,
            action_items: self.action_items,
            reply: self.reply,
        }
    }
}

fn severity_of<'p>(policy: &'p Policy, inc: &Incident) -> Result<&'p Severity, Refusal> {
    policy.severity(&inc.severity).ok_or_else(|| {
        Refusal(format!(
            "Severity {} is no longer in the policy; re-grade with `/incident severity <{}>`.",
            inc.severity,
            severity_list(policy)
        ))
    })
}

pub fn severity_list(policy: &Policy) -> String {
    policy
        .severities
        .iter()
        .map(|s| s.name.as_str())
        .collect::<Vec<_>>()
        .join("|")
}

pub fn role_list(policy: &Policy) -> String {
    policy
        .roles
        .iter()
        .map(|r| r.key.as_str())
        .collect::<Vec<_>>()
        .join("|")
}

/// Records a new incident. `id` was allocated by the store.
pub fn declare(id: String, req: DeclareRequest, ctx: &Ctx) -> Result<Outcome, Refusal> {
    let sev = ctx.policy.severity(&req.severity).ok_or_else(|| {
        Refusal(format!(
            "Unknown severity `{}`. Choose one of: {}.",
            req.severity,
            severity_list(ctx.policy)
        ))
    })?;
    let title = req.title.trim().to_string();
    if title.is_empty() {
        return Err(Refusal("An incident needs a title.".into()));
    }
    let mut incident = Incident {
        id,
        title,
        description: req.description,
        service: req.service,
        impact: req.impact,
        severity: sev.name.clone(),
        status: Status::Investigating,
        private: req.private,
        reporter: req.reporter.clone(),
        origin_channel: req.origin_channel.clone(),
        declared_at: ctx.now,
        first_ic_at: None,
        mitigated_at: None,
        resolved_at: None,
        closed_at: None,
        last_update_at: None,
        resolve_summary: String::new(),
        roles: BTreeMap::new(),
        schedule: Schedule::default(),
        version: 0,
        slack: SlackRefs::default(),
    };
    schedule::rebase(&mut incident, sev, ctx.now);
    let mut b = Builder::new(incident, ctx);
    b.record(
        "declared",
        format!("Declared {} {}: {}", sev.name, sev.label, b.incident.title),
    );
    let mut invite = vec![req.reporter.clone()];
    for user in &sev.auto_invite {
        if !invite.contains(user) {
            invite.push(user.clone());
        }
    }
    b.effects.push(Effect::CreateChannel);
    b.effects.push(Effect::Invite { users: invite });
    b.effects.push(Effect::SetTopic);
    b.effects.push(Effect::PostCard);
    b.effects.push(Effect::PinCard);
    if !req.private && ctx.policy.announce_channel.is_some() {
        b.effects.push(Effect::Announce);
    }
    if sev.page {
        b.page(ctx, PageAction::Trigger);
    }
    b.notify(ctx, "incident.declared", serde_json::json!({}));
    if !req.origin_channel.is_empty() {
        b.effects.push(Effect::DeclaredNotice {
            user: req.reporter,
            origin_channel: req.origin_channel,
        });
    }
    Ok(b.done())
}

/// Applies `action` to `inc`.
pub fn decide(inc: &Incident, action: &Action, ctx: &Ctx) -> Result<Outcome, Refusal> {
    // Post-incident work (notes, action items) goes on after close.
    let post_incident = matches!(
        action,
        Action::Note(_)
            | Action::Tick
            | Action::AddActionItem { .. }
            | Action::CompleteActionItem { .. }
    );
    if inc.status == Status::Closed && !post_incident {
        return Err(Refusal(format!(
            "{} is closed; closed incidents don't change. Declare a new one if the problem is back.",
            inc.id
        )));
    }
    let mut b = Builder::new(inc.clone(), ctx);
    match action {
        Action::SetStatus(status) => set_status(&mut b, *status, ctx)?,
        Action::SetSeverity(name) => set_severity(&mut b, name, ctx)?,
        Action::AssignRole { role, user } => assign_role(&mut b, role, user, ctx)?,
        Action::TakeRole { role } => assign_role(&mut b, role, ctx.actor, ctx)?,
        Action::PostUpdate(fields) => post_update(&mut b, fields, ctx)?,
        Action::Resolve { summary } => resolve(&mut b, summary, ctx)?,
        Action::Close { open_items } => close(&mut b, open_items, ctx)?,
        Action::Escalate { reason } => escalate_manually(&mut b, reason.as_deref(), ctx)?,
        Action::Snooze { minutes } => snooze(&mut b, *minutes, ctx)?,
        Action::Note(text) => {
            b.record("note", text.clone());
            b.reply = Some("Added to the timeline.".into());
        }
        Action::AddActionItem { text, owner, due } => {
            add_action_item(&mut b, text, owner.as_deref(), *due, ctx)
        }
        Action::CompleteActionItem { item } => complete_action_item(&mut b, item, ctx)?,
        Action::Tick => tick(&mut b, ctx)?,
    }
    Ok(b.done())
}

/// Severity, resolve, close and taking a held role need the IC or an admin, once an IC exists.
fn require_commander(inc: &Incident, ctx: &Ctx, what: &str) -> Result<(), Refusal> {
    match inc.ic() {
        Some(ic) if ic != ctx.actor && !ctx.is_admin() => Err(Refusal(format!(
            "Only the Incident Commander (<@{ic}>) or a warroom admin can {what}. Ask <@{ic}>, or ask them to hand over the role."
        ))),
        _ => Ok(()),
    }
}

fn set_status(b: &mut Builder, status: Status, ctx: &Ctx) -> Result<(), Refusal> {
    if status == Status::Resolved {
        return resolve(b, "", ctx);
    }
    if status == Status::Closed {
        return close(b, &[], ctx);
    }
    let from = b.incident.status;
    if from == status {
        return Err(Refusal(format!("{} is already {}.", b.incident.id, status)));
    }
    b.incident.status = status;
    if matches!(status, Status::Mitigating | Status::Monitoring)
        && b.incident.mitigated_at.is_none()
    {
        b.incident.mitigated_at = Some(ctx.now);
    }
    if from == Status::Resolved {
        // Reopened: the clocks of its severity run again from now.
        b.incident.resolved_at = None;
        let sev = severity_of(ctx.policy, &b.incident)?;
        schedule::rebase(&mut b.incident, sev, ctx.now);
        b.record("reopened", format!("Reopened as {}", status.title()));
    } else {
        b.record(
            "status",
            format!("Status {} → {}", from.title(), status.title()),
        );
    }
    b.post(format!(
        "{} Status changed to *{}* by <@{}>",
        status.emoji(),
        status.title(),
        ctx.actor
    ));
    let pages = ctx
        .policy
        .severity(&b.incident.severity)
        .is_some_and(|s| s.page);
    if from == Status::Resolved && pages {
        b.page(ctx, PageAction::Trigger);
    }
    b.notify(
        ctx,
        "incident.status_changed",
        serde_json::json!({"from": from, "to": status}),
    );
    b.refresh_views();
    Ok(())
}

fn set_severity(b: &mut Builder, name: &str, ctx: &Ctx) -> Result<(), Refusal> {
    let sev = ctx.policy.severity(name).ok_or_else(|| {
        Refusal(format!(
            "Unknown severity `{name}`. Choose one of: {}.",
            severity_list(ctx.policy)
        ))
    })?;
    require_commander(&b.incident, ctx, "change the severity")?;
    if sev.name == b.incident.severity {
        return Err(Refusal(format!(
            "{} is already {}.",
            b.incident.id, sev.name
        )));
    }
    let from = std::mem::replace(&mut b.incident.severity, sev.name.clone());
    if b.incident.status.is_open() {
        schedule::rebase(&mut b.incident, sev, ctx.now);
    }
    b.record(
        "severity",
        format!("Severity {from} → {} {}", sev.name, sev.label),
    );
    let cadence = match sev.update_every {
        Some(d) => format!(
            " Updates are now due every {}.",
            humantime::format_duration(d)
        ),
        None => " No update cadence at this severity.".to_string(),
    };
    b.post(format!(
        ":rotating_light: Severity changed {from} → *{} {}* by <@{}>.{cadence}",
        sev.name, sev.label, ctx.actor
    ));
    if sev.page && b.incident.status.is_open() {
        b.page(ctx, PageAction::Trigger);
    }
    b.notify(
        ctx,
        "incident.severity_changed",
        serde_json::json!({"from": from, "to": sev.name}),
    );
    b.refresh_views();
    Ok(())
}

fn assign_role(b: &mut Builder, role: &str, user: &str, ctx: &Ctx) -> Result<(), Refusal> {
    let def = ctx.policy.role(role).ok_or_else(|| {
        Refusal(format!(
            "Unknown role `{role}`. Roles: {}.",
            role_list(ctx.policy)
        ))
    })?;
    if !b.incident.status.is_open() {
        return Err(Refusal(format!(
            "{} is {}; roles no longer change.",
            b.incident.id, b.incident.status
        )));
    }
    let previous = b.incident.holder(&def.key).map(str::to_string);
    if previous.as_deref() == Some(user) {
        return Err(Refusal(format!(
            "<@{user}> already holds {} on {}.",
            def.name, b.incident.id
        )));
    }
    if previous.is_some() {
        require_commander(&b.incident, ctx, &format!("take over {}", def.name))?;
    }
    b.incident.roles.insert(
        def.key.clone(),
        RoleHolder {
            user: user.to_string(),
            since: ctx.now,
        },
    );
    if def.key == IC_ROLE {
        if b.incident.first_ic_at.is_none() {
            b.incident.first_ic_at = Some(ctx.now);
        }
        b.incident.schedule.next_nag_at = None;
    }
    let by = if user == ctx.actor {
        String::new()
    } else {
        format!(" (assigned by <@{}>)", ctx.actor)
    };
    match &previous {
        Some(prev) => {
            b.record(
                "handover",
                format!("{} handed over from <@{prev}> to <@{user}>", def.name),
            );
            b.post(format!(
                ":handshake: *{}* handed over from <@{prev}> to <@{user}>{by}",
                def.name
            ));
        }
        None => {
            b.record("role", format!("<@{user}> is {}", def.name));
            b.post(format!(":raised_hand: <@{user}> is now *{}*{by}", def.name));
        }
    }
    b.effects.push(Effect::Invite {
        users: vec![user.to_string()],
    });
    b.effects.push(Effect::Ephemeral {
        user: user.to_string(),
        text: format!(
            "You are now the *{}* of {}. Your duties: {}",
            def.name, b.incident.id, def.duties
        ),
        channel: None,
    });
    b.effects.push(Effect::SetTopic);
    b.effects.push(Effect::UpdateCard);
    if def.key == IC_ROLE && !b.incident.private {
        b.effects.push(Effect::UpdateAnnouncement);
    }
    Ok(())
}

fn post_update(b: &mut Builder, fields: &UpdateFields, ctx: &Ctx) -> Result<(), Refusal> {
    if !b.incident.status.is_open() {
        return Err(Refusal(format!(
            "{} is {}; no more updates are due.",
            b.incident.id, b.incident.status
        )));
    }
    let sev = severity_of(ctx.policy, &b.incident)?;
    if let Some(status) = fields.status {
        if status != b.incident.status && status.is_open() {
            let from = b.incident.status;
            b.incident.status = status;
            if matches!(status, Status::Mitigating | Status::Monitoring)
                && b.incident.mitigated_at.is_none()
            {
                b.incident.mitigated_at = Some(ctx.now);
            }
            b.record(
                "status",
                format!("Status {} → {}", from.title(), status.title()),
            );
        }
    }
    schedule::on_update(&mut b.incident, sev, ctx.now);
    b.incident.last_update_at = Some(ctx.now);
    let update = StatusUpdate {
        at: ctx.now,
        author: ctx.actor.to_string(),
        status: b.incident.status.as_str().to_string(),
        summary: fields.summary.trim().to_string(),
        impact: fields.impact.trim().to_string(),
        actions_taken: fields.actions_taken.trim().to_string(),
        next_steps: fields.next_steps.trim().to_string(),
        eta: fields.eta.trim().to_string(),
    };
    let text = render::update_text(&b.incident, &update);
    b.record("update", render::update_one_line(&update));
    b.post(text.clone());
    if sev.broadcast && !b.incident.private {
        b.effects.push(Effect::PostInAnnouncementThread { text });
    }
    b.update = Some(update);
    b.refresh_views();
    Ok(())
}

fn resolve(b: &mut Builder, summary: &str, ctx: &Ctx) -> Result<(), Refusal> {
    require_commander(&b.incident, ctx, "resolve the incident")?;
    if b.incident.status == Status::Resolved {
        return Err(Refusal(format!("{} is already resolved.", b.incident.id)));
    }
    let inc = &mut b.incident;
    inc.status = Status::Resolved;
    inc.resolved_at = Some(ctx.now);
    if inc.mitigated_at.is_none() {
        inc.mitigated_at = Some(ctx.now);
    }
    let summary = summary.trim();
    if !summary.is_empty() {
        inc.resolve_summary = summary.to_string();
    }
    schedule::stop(&mut inc.schedule);
    let duration = render::duration_between(inc.declared_at, ctx.now);
    b.record(
        "resolved",
        if summary.is_empty() {
            "Resolved".to_string()
        } else {
            format!("Resolved: {summary}")
        },
    );
    let mut text = format!(
        ":white_check_mark: *Resolved* by <@{}> after {duration}.",
        ctx.actor
    );
    if !summary.is_empty() {
        text.push_str(&format!("\n>{summary}"));
    }
    text.push_str(
        "\nReminders have stopped. Run `/incident close` when the follow-up work is done.",
    );
    b.post(text.clone());
    let broadcast = ctx
        .policy
        .severity(&b.incident.severity)
        .is_some_and(|s| s.broadcast);
    if broadcast && !b.incident.private {
        b.effects.push(Effect::PostInAnnouncementThread { text });
    }
    // Resolving a page that was never triggered is a no-op for PagerDuty.
    b.page(ctx, PageAction::Resolve);
    b.notify(
        ctx,
        "incident.resolved",
        serde_json::json!({"summary": b.incident.resolve_summary}),
    );
    b.refresh_views();
    Ok(())
}

fn close(b: &mut Builder, open_items: &[ActionItem], ctx: &Ctx) -> Result<(), Refusal> {
    require_commander(&b.incident, ctx, "close the incident")?;
    if b.incident.status != Status::Resolved {
        return Err(Refusal(format!(
            "{} is {}: resolve it first with `/incident resolve [summary]`.",
            b.incident.id, b.incident.status
        )));
    }
    b.incident.status = Status::Closed;
    b.incident.closed_at = Some(ctx.now);
    schedule::stop(&mut b.incident.schedule);
    b.record("closed", "Closed".into());
    let mut text = format!(":lock: *Closed* by <@{}>.", ctx.actor);
    if open_items.is_empty() {
        text.push_str(" No open action items.");
    } else {
        text.push_str(&format!(" {} action item(s) still open:", open_items.len()));
        for item in open_items {
            text.push_str(&format!("\n• {}", render::action_item_line(item)));
        }
    }
    b.post(text);
    b.notify(
        ctx,
        "incident.status_changed",
        serde_json::json!({"from": Status::Resolved, "to": Status::Closed}),
    );
    b.refresh_views();
    Ok(())
}

fn escalate_manually(b: &mut Builder, reason: Option<&str>, ctx: &Ctx) -> Result<(), Refusal> {
    if !b.incident.status.is_open() {
        return Err(Refusal(format!(
            "{} is {}; there is nothing to escalate.",
            b.incident.id, b.incident.status
        )));
    }
    let sev = severity_of(ctx.policy, &b.incident)?;
    if sev.escalate_to.is_none() {
        return Err(Refusal(format!(
            "No escalation target is configured for {} (`escalate_to` in the policy). Page someone directly and note it with `/incident note`.",
            sev.name
        )));
    }
    let n = b
        .incident
        .schedule
        .escalations
        .iter()
        .filter(|c| c.starts_with("manual"))
        .count();
    let cause = format!("manual:{}", n + 1);
    let why = match reason {
        Some(r) => format!("<@{}> escalated: {r}", ctx.actor),
        None => format!("<@{}> escalated", ctx.actor),
    };
    escalate(b, sev, &cause, &why);
    Ok(())
}

fn add_action_item(
    b: &mut Builder,
    text: &str,
    owner: Option<&str>,
    due: Option<chrono::NaiveDate>,
    ctx: &Ctx,
) {
    let due = due.map(|d| d.format("%Y-%m-%d").to_string());
    let mut line = format!("Action item: {text}");
    if let Some(o) = owner {
        line.push_str(&format!(" (owner <@{o}>)"));
    }
    if let Some(d) = &due {
        line.push_str(&format!(" due {d}"));
    }
    b.record("action_item", line.clone());
    b.post(format!(":memo: {line} — added by <@{}>", ctx.actor));
    if let Some(o) = owner {
        if o != ctx.actor {
            b.effects.push(Effect::Ephemeral {
                user: o.to_string(),
                text: format!(
                    "<@{}> gave you an action item on {}: {text}{}",
                    ctx.actor,
                    b.incident.id,
                    due.as_deref()
                        .map(|d| format!(" (due {d})"))
                        .unwrap_or_default()
                ),
                channel: None,
            });
        }
    }
    b.action_items.push(ActionItemChange::Add {
        text: text.to_string(),
        owner: owner.map(str::to_string),
        due,
    });
}

fn complete_action_item(b: &mut Builder, item: &ActionItem, ctx: &Ctx) -> Result<(), Refusal> {
    if item.incident_id != b.incident.id {
        return Err(Refusal(format!(
            "Action item #{} belongs to {}.",
            item.id, item.incident_id
        )));
    }
    if item.done {
        return Err(Refusal(format!(
            "Action item #{} is already done.",
            item.id
        )));
    }
    b.record(
        "action_item_done",
        format!("Action item #{} done: {}", item.id, item.text),
    );
    b.post(format!(
        ":white_check_mark: Action item #{} done: {} — <@{}>",
        item.id, item.text, ctx.actor
    ));
    b.action_items.push(ActionItemChange::Done { id: item.id });
    Ok(())
}

/// Mentions `escalate_to` in the channel and the announcement thread, once per cause.
fn escalate(b: &mut Builder, sev: &Severity, cause: &str, why: &str) {
    let Some(target) = sev.escalate_to.as_deref() else {
        return;
    };
    if b.incident.schedule.escalations.iter().any(|c| c == cause) {
        return;
    }
    b.incident.schedule.escalations.push(cause.to_string());
    let text = format!(
        ":rotating_light: *Escalation* {}: {} — {why}.",
        b.incident.id,
        mention_target(target)
    );
    b.record("escalated", format!("Escalated to {target}: {why}"));
    b.post(text.clone());
    if !b.incident.private {
        b.effects.push(Effect::PostInAnnouncementThread { text });
    }
}

fn snooze(b: &mut Builder, minutes: u32, ctx: &Ctx) -> Result<(), Refusal> {
    if !b.incident.status.is_open() {
        return Err(Refusal(format!(
            "{} is {}; there are no reminders to snooze.",
            b.incident.id, b.incident.status
        )));
    }
    if b.incident.schedule.next_update_due_at.is_none() {
        return Err(Refusal(format!(
            "{} has no update cadence at {}.",
            b.incident.id, b.incident.severity
        )));
    }
    let until = ctx.now + i64::from(minutes) * 60_000;
    b.incident.schedule.next_update_due_at = Some(until);
    b.record(
        "snoozed",
        format!("Update reminder snoozed for {minutes} min"),
    );
    b.post(format!(
        ":zzz: <@{}> snoozed the update reminder until {}.",
        ctx.actor,
        render::hhmm(until)
    ));
    b.effects.push(Effect::UpdateCard);
    Ok(())
}

/// Whatever is due at `ctx.now` fires once; due times move on from now, so a long
/// downtime yields one catch-up notice per cause, never a burst.
fn tick(b: &mut Builder, ctx: &Ctx) -> Result<(), Refusal> {
    let now = ctx.now;
    let due = |t: Option<i64>| t.is_some_and(|t| t <= now);
    if !b.incident.status.is_open() {
        schedule::stop(&mut b.incident.schedule);
        return Ok(());
    }
    let sev = severity_of(ctx.policy, &b.incident)?.clone();

    if due(b.incident.schedule.next_update_due_at) {
        let every = sev.update_every.map(schedule::ms);
        b.incident.schedule.next_update_due_at = every.map(|e| now + e);
        b.incident.schedule.ignored_reminders += 1;
        let who = reminder_targets(&b.incident);
        b.record("reminder", "Update reminder".into());
        b.effects.push(Effect::Post {
            text: render::reminder_text(&b.incident, &who),
            blocks: Some(render::reminder_blocks(&b.incident, &who)),
        });
        if b.incident.schedule.ignored_reminders >= 2 {
            escalate(
                b,
                &sev,
                "reminders",
                "two update reminders in a row went unanswered",
            );
        }
    }
    if due(b.incident.schedule.next_nag_at) {
        b.incident.schedule.next_nag_at = if b.incident.roles.contains_key(IC_ROLE) {
            None
        } else {
            schedule::nag_interval(&sev).map(|d| now + schedule::ms(d))
        };
        if !b.incident.roles.contains_key(IC_ROLE) {
            b.record("nag", "No Incident Commander yet".into());
            b.effects.push(Effect::Post {
                text: render::no_ic_text(&b.incident),
                blocks: Some(render::no_ic_blocks(&b.incident)),
            });
        }
    }
    if due(b.incident.schedule.target_warn_at) {
        b.incident.schedule.target_warn_at = None;
        if let Some(target) = sev.resolve_within {
            b.record(
                "target_warning",
                format!(
                    "80% of the {} resolution target used",
                    humantime::format_duration(target)
                ),
            );
            b.post(format!(
                ":hourglass_flowing_sand: {} has used 80% of its {} resolution target for {} (due {}).",
                b.incident.id,
                humantime::format_duration(target),
                sev.name,
                b.incident
                    .schedule
                    .target_breach_at
                    .map(render::hhmm)
                    .unwrap_or_default()
            ));
        }
    }
    if due(b.incident.schedule.target_breach_at) {
        b.incident.schedule.target_breach_at = None;
        if let Some(target) = sev.resolve_within {
            b.record(
                "target_breached",
                format!(
                    "{} resolution target breached",
                    humantime::format_duration(target)
                ),
            );
            b.post(format!(
                ":red_circle: {} breached its {} resolution target for {}.",
                b.incident.id,
                humantime::format_duration(target),
                sev.name
            ));
        }
    }
    if due(b.incident.schedule.escalate_at) {
        b.incident.schedule.escalate_at = None;
        if let Some(after) = sev.escalate_after {
            let why = format!("unresolved after {}", humantime::format_duration(after));
            escalate(b, &sev, "timer", &why);
        }
    }
    if !b.effects.is_empty() {
        b.effects.push(Effect::UpdateCard);
    }
    Ok(())
}

/// The IC and the comms lead, or the reporter when neither is assigned.
pub fn reminder_targets(inc: &Incident) -> Vec<String> {
    let mut who: Vec<String> = [IC_ROLE, COMMS_ROLE]
        .iter()
        .filter_map(|r| inc.holder(r).map(str::to_string))
        .collect();
    who.dedup();
    if who.is_empty() {
        who.push(inc.reporter.clone());
    }
    who
}
