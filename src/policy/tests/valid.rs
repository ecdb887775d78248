//! The built-in policy and files that parse.

use super::*;

#[test]
fn builtin_severities_match_spec() {
    let p = Policy::builtin();
    let names: Vec<&str> = p.severities.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["P0", "P1", "P2", "P3"]);

    let p0 = &p.severities[0];
    assert_eq!(p0.label, "Critical");
    assert_eq!(
        p0.description,
        "Complete outage, data loss or security breach"
    );
    assert_eq!(p0.update_every, secs(15 * 60));
    assert_eq!(p0.respond_within, secs(5 * 60));
    assert_eq!(p0.resolve_within, secs(3600));
    assert_eq!(p0.escalate_after, secs(30 * 60));
    assert!(p0.broadcast && p0.page);

    let p1 = &p.severities[1];
    assert_eq!(p1.label, "High");
    assert_eq!(
        p1.description,
        "Major functionality impaired or significant user impact"
    );
    assert_eq!(p1.update_every, secs(30 * 60));
    assert_eq!(p1.respond_within, secs(15 * 60));
    assert_eq!(p1.resolve_within, secs(4 * 3600));
    assert_eq!(p1.escalate_after, secs(2 * 3600));
    assert!(p1.broadcast && p1.page);

    let p2 = &p.severities[2];
    assert_eq!(p2.label, "Medium");
    assert_eq!(
        p2.description,
        "Partial functionality impaired or moderate user impact"
    );
    assert_eq!(p2.update_every, secs(2 * 3600));
    assert_eq!(p2.respond_within, secs(3600));
    assert_eq!(p2.resolve_within, secs(24 * 3600));
    assert_eq!(p2.escalate_after, None);
    assert!(!p2.broadcast && !p2.page);

    let p3 = &p.severities[3];
    assert_eq!(p3.label, "Low");
    assert_eq!(p3.description, "Minor issue with minimal user impact");
    assert_eq!(p3.update_every, None);
    assert_eq!(p3.respond_within, secs(4 * 3600));
    assert_eq!(p3.resolve_within, secs(7 * 86_400));
    assert_eq!(p3.escalate_after, None);
    assert!(!p3.broadcast && !p3.page);

    for s in &p.severities {
        assert_eq!(s.escalate_to, None);
        assert!(s.auto_invite.is_empty());
    }
}

#[test]
fn builtin_top_level_and_roles() {
    let p = Policy::builtin();
    assert_eq!(p.announce_channel, None);
    assert_eq!(p.channel_prefix, "incident");
    assert!(p.admins.is_empty());
    let roles: Vec<(&str, &str)> = p
        .roles
        .iter()
        .map(|r| (r.key.as_str(), r.name.as_str()))
        .collect();
    assert_eq!(
        roles,
        [
            ("ic", "Incident Commander"),
            ("tech", "Technical Lead"),
            ("comms", "Communications Lead"),
            ("scribe", "Scribe"),
        ]
    );
    assert_eq!(
        p.roles[0].duties,
        "Coordinate the response, make rollback and escalation decisions, communicate \
             with stakeholders, ensure documentation and lead the post-mortem."
    );
    for r in &p.roles {
        assert!(r.duties.ends_with('.'), "{}", r.duties);
        assert!(!r.duties.contains("  "), "{}", r.duties);
    }
    assert_eq!(Policy::default(), p);
}

#[test]
fn builtin_written_out_parses_to_builtin() {
    assert_eq!(parse(BUILTIN_AS_TOML).unwrap(), Policy::builtin());
}

#[test]
fn empty_file_gives_builtin() {
    assert_eq!(parse("").unwrap(), Policy::builtin());
    assert_eq!(parse("# just a comment\n\n").unwrap(), Policy::builtin());
}

#[test]
fn spec_example_parses() {
    let p = parse(DOCUMENTED_EXAMPLE).unwrap();
    assert_eq!(p.announce_channel.as_deref(), Some("C0123ANNOUNCE"));
    assert_eq!(p.channel_prefix, "incident");
    assert_eq!(p.admins, ["U0ADMIN"]);
    assert_eq!(
        p.severities,
        [Severity {
            name: "P0".into(),
            label: "Critical".into(),
            description: "Complete outage, data loss or security breach".into(),
            update_every: secs(900),
            respond_within: secs(300),
            resolve_within: secs(3600),
            escalate_after: secs(1800),
            escalate_to: Some("S0SENIOR".into()),
            auto_invite: vec!["U0ONCALL".into()],
            broadcast: true,
            page: true,
            escalation: Vec::new(),
            checklist: builtin_checklist(),
        }]
    );
    assert_eq!(
        p.roles,
        [RoleDef {
            key: "ic".into(),
            name: "Incident Commander".into(),
            duties: "Coordinate the response, decide, communicate with stakeholders".into(),
        }]
    );
}

#[test]
fn severities_without_roles_keep_default_roles_and_vice_versa() {
    let p = parse("[[severity]]\nname = \"SEV1\"\n").unwrap();
    assert_eq!(p.severities.len(), 1);
    assert_eq!(p.roles, Policy::builtin().roles);

    let p = parse("[[role]]\nkey = \"lead\"\n").unwrap();
    assert_eq!(p.severities, Policy::builtin().severities);
    assert_eq!(
        p.roles,
        [RoleDef {
            key: "lead".into(),
            name: "lead".into(),
            duties: String::new()
        }]
    );
}

#[test]
fn omitted_severity_fields_take_defaults() {
    let p = parse("[[severity]]\nname = \"SEV3\"\n").unwrap();
    assert_eq!(
        p.severities[0],
        Severity {
            name: "SEV3".into(),
            label: "SEV3".into(),
            description: String::new(),
            update_every: None,
            respond_within: None,
            resolve_within: None,
            escalate_after: None,
            escalate_to: None,
            auto_invite: Vec::new(),
            broadcast: false,
            page: false,
            escalation: Vec::new(),
            checklist: builtin_checklist(),
        }
    );
    assert_eq!(p.severities[0].display(), "SEV3");
    assert_eq!(p.severity_names(), ["SEV3"]);
}

const PROCESS_KEYS: &str = r#"archive_after = "3d"
timeline_reaction = ":memo:"

[digest]
day = "friday"
time = "16:30"
timezone = "Europe/Paris"

[statuspage.components]
api = "cmp_api"
"*" = "cmp_all"

[statuspage.status]
P1 = "partial_outage"

[alerts]
label = "priority"
default_severity = "P2"

[alerts.severities]
critical = "P1"
warning = "P2"

[[severity]]
name = "P1"
checklist = ["Customers told", "Root cause known"]

[[severity.escalation]]
after = "5m"
to = "U0LEAD"

[[severity.escalation]]
after = "15m"
to = "S0MANAGERS"

[[severity.escalation]]
after = "30m"
to = "pagerduty"

[[severity]]
name = "P2"
"#;

#[test]
fn process_keys_parse() {
    let p = parse(PROCESS_KEYS).unwrap();
    assert_eq!(p.archive_after, secs(3 * 86_400));
    assert_eq!(p.timeline_reaction, "memo");
    assert_eq!(p.digest.day, chrono::Weekday::Fri);
    assert_eq!(p.digest.time.format("%H:%M").to_string(), "16:30");
    assert_eq!(p.digest.timezone, chrono_tz::Europe::Paris);
    assert_eq!(p.statuspage.components_for("api"), ["cmp_api"]);
    assert_eq!(p.statuspage.components_for("billing"), ["cmp_all"]);
    assert_eq!(
        p.statuspage.component_status("P1", 0),
        ComponentStatus::PartialOutage
    );
    assert_eq!(
        p.statuspage.component_status("P2", 1),
        ComponentStatus::PartialOutage
    );
    assert_eq!(p.alerts.label, "priority");
    assert_eq!(p.alerts.default_severity.as_deref(), Some("P2"));
    assert_eq!(
        p.alerts.severities,
        [
            ("critical".to_string(), "P1".to_string()),
            ("warning".into(), "P2".into())
        ]
    );
    let p1 = p.severity("P1").unwrap();
    assert_eq!(p1.checklist, ["Customers told", "Root cause known"]);
    assert_eq!(
        p1.escalation,
        [
            EscalationStep {
                after: Duration::from_secs(300),
                to: EscalationTarget::User("U0LEAD".into())
            },
            EscalationStep {
                after: Duration::from_secs(900),
                to: EscalationTarget::Group("S0MANAGERS".into())
            },
            EscalationStep {
                after: Duration::from_secs(1800),
                to: EscalationTarget::PagerDuty
            },
        ]
    );
    assert_eq!(p.severity("P2").unwrap().checklist, builtin_checklist());
}

#[test]
fn process_key_defaults() {
    let p = Policy::builtin();
    assert_eq!(p.archive_after, Some(DEFAULT_ARCHIVE_AFTER));
    assert_eq!(p.timeline_reaction, "pushpin");
    assert_eq!(p.digest, Digest::default());
    assert_eq!(p.severities[0].checklist.len(), 7);
    assert!(p.severities.iter().all(|s| s.escalation.is_empty()));
    assert_eq!(
        parse("archive_after = \"0\"\n").unwrap().archive_after,
        None
    );
    assert_eq!(parse("archive_after = 0\n").unwrap().archive_after, None);
}

#[test]
fn durations_in_every_unit() {
    let p = parse(
        "[[severity]]\nname = \"X\"\nupdate_every = \"30s\"\nrespond_within = \"15m\"\n\
             resolve_within = \"7d\"\nescalate_after = \"1h 30m\"\n",
    )
    .unwrap();
    let s = &p.severities[0];
    assert_eq!(s.update_every, secs(30));
    assert_eq!(s.respond_within, secs(900));
    assert_eq!(s.resolve_within, secs(7 * 86_400));
    assert_eq!(s.escalate_after, secs(5400));
}

#[test]
fn inline_array_of_tables_is_accepted() {
    let p = parse("severity = [{ name = \"A\", page = true }, { name = \"B\" }]\n").unwrap();
    assert_eq!(p.severities.len(), 2);
    assert!(p.severities[0].page);
}
