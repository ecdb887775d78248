//! Declaring an incident: the record, its channel, card, announcement and page.

use super::{status_page, Builder, Ctx, Outcome};
use crate::incident::effect::{Effect, PageAction};
use crate::incident::model::{Incident, Schedule, SlackRefs, Status};
use crate::incident::refusal::Refusal;
use crate::incident::schedule;
use std::collections::BTreeMap;

pub struct DeclareRequest {
    pub title: String,
    pub severity: String,
    pub private: bool,
    /// A drill: labelled everywhere, no paging, webhooks or status page.
    pub drill: bool,
    pub reporter: String,
    pub origin_channel: String,
    pub description: String,
    pub service: String,
    pub impact: String,
}

/// Records a new incident. `id` was allocated by the store.
pub fn declare(id: String, req: DeclareRequest, ctx: &Ctx) -> Result<Outcome, Refusal> {
    let sev = ctx
        .policy
        .severity(&req.severity)
        .ok_or_else(|| Refusal::UnknownSeverity {
            given: req.severity.clone(),
        })?;
    let title = req.title.trim().to_string();
    if title.is_empty() {
        return Err(Refusal::NoTitle);
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
        drill: req.drill,
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
    // The reporter is a Slack user, except for declarations by the API or an alert hook.
    let mut invite: Vec<String> = Some(req.reporter.clone())
        .filter(|r| crate::incident::model::is_user_id(r))
        .into_iter()
        .collect();
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
    status_page::offer(&mut b, ctx, None, Status::Investigating);
    if !req.origin_channel.is_empty() {
        b.effects.push(Effect::DeclaredNotice {
            user: req.reporter,
            origin_channel: req.origin_channel,
        });
    }
    Ok(b.done())
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;

    fn request(severity: &str, title: &str, private: bool) -> DeclareRequest {
        DeclareRequest {
            title: title.into(),
            severity: severity.into(),
            private,
            drill: false,
            reporter: ALICE.into(),
            origin_channel: "C0GENERAL".into(),
            description: String::new(),
            service: String::new(),
            impact: String::new(),
        }
    }

    #[test]
    fn table() {
        let policy = policy();
        let id = || "INC-2026-11-22-001".to_string();
        // (severity, title, private) → effect kinds | refusal
        type Row<'a> = (&'a str, &'a str, bool, Result<Vec<&'a str>, Refusal>);
        let rows: Vec<Row> = vec![
            (
                "p0",
                " Checkout down ",
                false,
                Ok(vec![
                    "create_channel",
                    "invite",
                    "set_topic",
                    "post_card",
                    "pin_card",
                    "announce",
                    "page",
                    "webhook",
                    "offer_status_draft",
                    "declared_notice",
                ]),
            ),
            (
                "P2",
                "Slow search",
                true,
                Ok(vec![
                    "create_channel",
                    "invite",
                    "set_topic",
                    "post_card",
                    "pin_card",
                    "webhook",
                    "declared_notice",
                ]),
            ),
            (
                "P9",
                "x",
                false,
                Err(Refusal::UnknownSeverity { given: "P9".into() }),
            ),
            ("P1", "   ", false, Err(Refusal::NoTitle)),
        ];
        for (sev, title, private, expected) in rows {
            let got = declare(id(), request(sev, title, private), &ctx(&policy, ALICE));
            match (got, expected) {
                (Ok(o), Ok(kinds_expected)) => {
                    assert_eq!(kinds(&o.effects), kinds_expected, "{sev} {title}");
                    assert_eq!(o.incident.title, title.trim());
                    assert_eq!(o.incident.status, Status::Investigating);
                    assert_eq!(o.timeline.len(), 1);
                    assert!(o.timeline[0].text.starts_with("Declared "));
                    assert!(o.incident.schedule.next_nag_at.is_some());
                }
                (Err(r), Err(e)) => assert_eq!(r, e),
                (got, expected) => panic!("{sev} {title}: {got:?} vs {expected:?}"),
            }
        }
    }

    #[test]
    fn drills_page_nobody_and_call_no_webhook() {
        let policy = policy();
        let mut req = request("P0", "Game day", false);
        req.drill = true;
        let o = declare("INC-1".into(), req, &ctx(&policy, ALICE)).unwrap();
        assert!(o.incident.drill);
        assert_eq!(
            kinds(&o.effects),
            vec![
                "create_channel",
                "invite",
                "set_topic",
                "post_card",
                "pin_card",
                "announce",
                "offer_status_draft",
                "declared_notice"
            ]
        );
        // Later decisions on the drill do not page either.
        let mut inc = o.incident;
        inc.roles.clear();
        let resolved = crate::incident::decide::decide(
            &inc,
            &crate::incident::decide::Action::Resolve {
                summary: String::new(),
            },
            &ctx(&policy, ALICE),
        )
        .unwrap();
        assert!(!kinds(&resolved.effects).contains(&"page"));
        assert!(!kinds(&resolved.effects).contains(&"webhook"));
    }

    #[test]
    fn auto_invite_without_duplicates() {
        let mut policy = policy();
        policy.severities[0].auto_invite = vec![BOB.into(), ALICE.into()];
        let o = declare(
            "INC-1".into(),
            request("P0", "t", false),
            &ctx(&policy, ALICE),
        )
        .unwrap();
        assert_eq!(
            o.effects[1],
            Effect::Invite {
                users: vec![ALICE.into(), BOB.into()]
            }
        );
    }
}
