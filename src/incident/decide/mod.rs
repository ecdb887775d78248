//! The incident domain: `decide(incident, action, ctx)` returns the new state, the
//! timeline entries, the effects (as intents) and the answer to the actor — or a typed
//! refusal. No I/O happens here; the caller commits everything in one transaction.
//!
//! One file per action family; each has table tests of its actions and refusals.

mod action_items;
mod alerts;
mod archive;
mod checklist;
mod declare;
mod escalation;
mod escalation_chain;
mod lifecycle;
mod roles;
mod severity;
mod status_page;
mod subscriptions;
mod tick;
mod updates;

#[cfg(test)]
pub(crate) mod fixtures;

pub use alerts::FiredAlert;
pub use checklist::{post_checklist, unchecked as checklist_unchecked};
pub use declare::{declare, DeclareRequest};
pub use subscriptions::notify_subscribers;
pub use tick::reminder_targets;
pub use updates::UpdateFields;

use super::effect::{Effect, Notice, PageAction};
use super::model::{ActionItem, Incident, Status, StatusUpdate, TimelineEntry};
use super::refusal::{Privileged, Refusal, Reply};
use super::status_page::StatusDraft;
use crate::policy::{Policy, Severity};

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
    /// Statuspage is configured: drafts can be published.
    pub statuspage: bool,
    /// The incident has already told the public (a status-page draft was published): its
    /// later status changes are offered as drafts whatever its severity is now, so the
    /// public page is never left saying "investigating" after a downgrade.
    pub public_story: bool,
}

/// The actor recorded for what warroom does by itself (reminders, targets, escalation).
pub const SYSTEM_ACTOR: &str = "warroom";

/// The actor recorded for the write API. Its callers hold the API token, which speaks for
/// the whole workspace, so it acts with an admin's rights.
pub const API_ACTOR: &str = "api";

impl Ctx<'_> {
    fn is_admin(&self) -> bool {
        self.actor == API_ACTOR || self.policy.admins.iter().any(|a| a == self.actor)
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
    /// Answer to the actor, when there is something to say.
    pub reply: Option<Reply>,
    /// A status-page draft edited or published.
    pub status_draft: Option<DraftChange>,
}

/// What happens to a stored status-page draft.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DraftChange {
    Edited {
        id: i64,
        text: String,
        by: String,
        at: i64,
    },
    Published {
        id: i64,
        by: String,
        at: i64,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActionItemChange {
    Add {
        text: String,
        owner: Option<String>,
        due: Option<String>,
        /// When the owner is reminded (owned items with a due date).
        remind_at: Option<i64>,
    },
    Done {
        id: i64,
    },
    /// Remind the owner of item `id` at `at` (`None`: not again).
    Remind {
        id: i64,
        at: Option<i64>,
    },
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
    /// "I'm on it" on a step of the escalation chain: the actor takes it, the chain stops.
    AcknowledgeEscalation,
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
    /// The scheduler found `item`'s reminder due: its owner gets a DM.
    ActionItemDue {
        item: ActionItem,
    },
    /// "Snooze" on that DM: remind again in `days`.
    SnoozeActionItem {
        item: ActionItem,
        days: u32,
    },
    /// The scheduler found something due at `ctx.now`.
    Tick,
    /// More alerts of the incident's alert group fired: they go on the timeline.
    AlertsFired {
        alerts: Vec<FiredAlert>,
    },
    /// The incident's alert group resolved: said in the channel, nothing else changes.
    AlertGroupResolved {
        alerts: Vec<String>,
    },
    /// "Edit" on a status-page draft, submitted: `draft` (loaded by the caller) gets `text`.
    EditStatusDraft {
        draft: StatusDraft,
        text: String,
    },
    /// "Publish" on a status-page draft.
    PublishStatusDraft {
        draft: StatusDraft,
    },
}

/// Collects what a decision produces.
struct Builder {
    incident: Incident,
    timeline: Vec<TimelineEntry>,
    effects: Vec<Effect>,
    update: Option<StatusUpdate>,
    action_items: Vec<ActionItemChange>,
    reply: Option<Reply>,
    status_draft: Option<DraftChange>,
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
            status_draft: None,
            actor: ctx.actor.to_string(),
            now: ctx.now,
        }
    }

    /// A timeline entry: plain text, people written as `@U…` (their ids are the data).
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
        // A drill exercises people, not the systems that listen for real incidents.
        if ctx.webhooks && !self.incident.drill {
            self.effects.push(Effect::Webhook {
                event: event.to_string(),
                detail,
            });
        }
    }

    /// Pages (or resolves the page) when PagerDuty is configured.
    fn page(&mut self, ctx: &Ctx, action: PageAction) {
        if ctx.paging && !self.incident.drill {
            self.effects.push(Effect::Page { action });
        }
    }

    fn say(&mut self, notice: Notice) {
        self.effects.push(Effect::Say { notice });
    }

    fn say_in_announcement_thread(&mut self, notice: Notice) {
        self.effects
            .push(Effect::SayInAnnouncementThread { notice });
    }

    fn tell(&mut self, user: &str, notice: Notice) {
        self.effects.push(Effect::Tell {
            user: user.to_string(),
            notice,
            channel: None,
        });
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
            status_draft: self.status_draft,
        }
    }
}

/// A user as timeline text shows them.
fn who(user: &str) -> String {
    format!("@{user}")
}

fn severity_of<'p>(policy: &'p Policy, inc: &Incident) -> Result<&'p Severity, Refusal> {
    policy
        .severity(&inc.severity)
        .ok_or_else(|| Refusal::SeverityGone {
            severity: inc.severity.clone(),
        })
}

/// Severity, resolve, close and taking a held role need the IC or an admin, once an IC exists.
fn require_commander(inc: &Incident, ctx: &Ctx, what: Privileged) -> Result<(), Refusal> {
    match inc.ic() {
        Some(ic) if ic != ctx.actor && !ctx.is_admin() => Err(Refusal::NotCommander {
            ic: ic.to_string(),
            what,
        }),
        _ => Ok(()),
    }
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
            | Action::ActionItemDue { .. }
            | Action::SnoozeActionItem { .. }
            // A resolution's draft can still be published after a quick close.
            | Action::EditStatusDraft { .. }
            | Action::PublishStatusDraft { .. }
    );
    if inc.status == Status::Closed && !post_incident {
        return Err(Refusal::IncidentClosed {
            incident: inc.id.clone(),
        });
    }
    let mut b = Builder::new(inc.clone(), ctx);
    match action {
        Action::SetStatus(status) => lifecycle::set_status(&mut b, *status, ctx)?,
        Action::SetSeverity(name) => severity::set_severity(&mut b, name, ctx)?,
        Action::AssignRole { role, user } => roles::assign_role(&mut b, role, user, ctx)?,
        Action::TakeRole { role } => roles::assign_role(&mut b, role, ctx.actor, ctx)?,
        Action::PostUpdate(fields) => updates::post_update(&mut b, fields, ctx)?,
        Action::Resolve { summary } => lifecycle::resolve(&mut b, summary, ctx)?,
        Action::Close { open_items } => lifecycle::close(&mut b, open_items, ctx)?,
        Action::Escalate { reason } => {
            escalation::escalate_manually(&mut b, reason.as_deref(), ctx)?
        }
        Action::AcknowledgeEscalation => escalation_chain::acknowledge(&mut b, ctx)?,
        Action::Snooze { minutes } => updates::snooze(&mut b, *minutes, ctx)?,
        Action::Note(text) => updates::note(&mut b, text),
        Action::AddActionItem { text, owner, due } => {
            action_items::add(&mut b, text, owner.as_deref(), *due, ctx)
        }
        Action::CompleteActionItem { item } => action_items::complete(&mut b, item, ctx)?,
        Action::ActionItemDue { item } => action_items::due(&mut b, item)?,
        Action::SnoozeActionItem { item, days } => action_items::snooze(&mut b, item, *days, ctx)?,
        Action::Tick => tick::tick(&mut b, ctx)?,
        Action::AlertsFired { alerts } => alerts::fired(&mut b, alerts),
        Action::AlertGroupResolved { alerts } => alerts::group_resolved(&mut b, alerts, ctx),
        Action::EditStatusDraft { draft, text } => status_page::edit(&mut b, draft, text, ctx)?,
        Action::PublishStatusDraft { draft } => status_page::publish(&mut b, draft, ctx)?,
    }
    Ok(b.done())
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;

    #[test]
    fn closed_incidents_refuse_everything_but_post_incident_work() {
        let policy = policy();
        let mut inc = incident();
        inc.status = Status::Closed;
        let refused = [
            Action::SetStatus(Status::Mitigating),
            Action::SetSeverity("P1".into()),
            Action::TakeRole { role: "ic".into() },
            Action::Resolve {
                summary: String::new(),
            },
            Action::Escalate { reason: None },
            Action::Snooze { minutes: 15 },
            Action::PostUpdate(UpdateFields::default()),
        ];
        for action in refused {
            assert_eq!(
                decide(&inc, &action, &ctx(&policy, BOB)).unwrap_err(),
                Refusal::IncidentClosed {
                    incident: inc.id.clone()
                },
                "{action:?}"
            );
        }
        for action in [Action::Note("late".into()), Action::Tick] {
            assert!(
                decide(&inc, &action, &ctx(&policy, BOB)).is_ok(),
                "{action:?}"
            );
        }
    }
}
