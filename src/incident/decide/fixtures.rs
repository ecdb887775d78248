//! Shared test data for the decision tables: a policy, an incident, a context.

use super::Ctx;
use crate::incident::model::{Incident, RoleHolder, Schedule, SlackRefs, Status};
use crate::policy::Policy;

pub const ALICE: &str = "U0ALICE";
pub const BOB: &str = "U0BOB";
pub const CAROL: &str = "U0CAROL";
pub const ADMIN: &str = "U0ADMIN";
/// 2026-11-22T14:00:00Z
pub const NOW: i64 = 1_795_356_000_000;
pub const MIN: i64 = 60_000;

/// The built-in policy with an admin and an escalation group on P0/P1.
pub fn policy() -> Policy {
    let mut policy = Policy::builtin();
    policy.admins = vec![ADMIN.to_string()];
    policy.announce_channel = Some("C0ANNOUNCE".into());
    for sev in policy.severities.iter_mut() {
        if sev.name == "P0" || sev.name == "P1" {
            sev.escalate_to = Some("S0SENIOR".to_string());
        }
    }
    policy
}

/// A public P1, declared by Alice ten minutes ago, no IC, no schedule.
pub fn incident() -> Incident {
    Incident {
        id: "INC-2026-11-22-001".into(),
        title: "Checkout down".into(),
        description: String::new(),
        service: String::new(),
        impact: String::new(),
        severity: "P1".into(),
        status: Status::Investigating,
        private: false,
        drill: false,
        reporter: ALICE.into(),
        origin_channel: "C0GENERAL".into(),
        declared_at: NOW - 10 * MIN,
        first_ic_at: None,
        mitigated_at: None,
        resolved_at: None,
        closed_at: None,
        last_update_at: None,
        resolve_summary: String::new(),
        roles: Default::default(),
        schedule: Schedule::default(),
        version: 1,
        slack: SlackRefs::default(),
    }
}

/// The same incident with Bob as Incident Commander.
pub fn with_ic(mut inc: Incident, user: &str) -> Incident {
    inc.roles.insert(
        "ic".into(),
        RoleHolder {
            user: user.into(),
            since: NOW - 5 * MIN,
        },
    );
    inc.first_ic_at = Some(NOW - 5 * MIN);
    inc
}

pub fn ctx<'a>(policy: &'a Policy, actor: &'a str) -> Ctx<'a> {
    Ctx {
        policy,
        now: NOW,
        actor,
        paging: true,
        webhooks: true,
        statuspage: true,
        public_story: false,
    }
}

/// The kinds of the outcome's effects, in order (for compact table rows).
pub fn kinds(effects: &[crate::incident::Effect]) -> Vec<&'static str> {
    effects.iter().map(|e| e.kind().as_str()).collect()
}
