//! Files that do not parse: each error names the file, the line and the reason.

use super::*;

#[test]
fn process_key_errors_name_the_line() {
    let cases = [
            ("archive_after = \"soon\"\n", "policy.toml:1: bad duration \"soon\" for archive_after"),
            ("timeline_reaction = \"<!channel>\"\n", "policy.toml:1: timeline_reaction \"<!channel>\" must be an emoji name"),
            ("[digest]\nday = \"someday\"\n", "policy.toml:2: day \"someday\" in [digest] must be a weekday"),
            ("[digest]\ntime = \"9am\"\n", "policy.toml:2: time \"9am\" in [digest] must be HH:MM"),
            ("[digest]\ntimezone = \"Mars/Olympus\"\n", "policy.toml:2: timezone \"Mars/Olympus\" in [digest] is not an IANA time zone"),
            ("[digest]\nweekday = \"monday\"\n", "policy.toml:2: unknown key \"weekday\" in [digest]"),
            ("[statuspage.status]\nP9 = \"major_outage\"\n", "policy.toml:2: statuspage.status names severity \"P9\", which is not defined"),
            ("[statuspage.status]\nP1 = \"on_fire\"\n", "policy.toml:2: statuspage.status.P1 \"on_fire\" must be one of"),
            ("[alerts]\ndefault_severity = \"P7\"\n", "policy.toml:2: default_severity names severity \"P7\""),
            ("[alerts.severities]\ncritical = \"SEV0\"\n", "policy.toml:2: alerts.severities names severity \"SEV0\""),
            ("[[severity]]\nname = \"P1\"\n[[severity.escalation]]\nafter = \"5m\"\nto = \"#ops\"\n", "policy.toml:5: to \"#ops\" must be a user id"),
            ("[[severity]]\nname = \"P1\"\n[[severity.escalation]]\nto = \"U0LEAD\"\n", "policy.toml:3: [[severity.escalation]] step has no `after`"),
            ("[[severity]]\nname = \"P1\"\n[[severity.escalation]]\nafter = \"5m\"\nwho = \"U0LEAD\"\n", "unknown key \"who\" in [[severity.escalation]]"),
            ("[[severity]]\nname = \"P1\"\nchecklist = [\"ok\", \"\"]\n", "policy.toml:3: checklist items must not be empty"),
        ];
    for (text, expected) in cases {
        let got = err(text);
        assert!(
            got.contains(expected),
            "for {text:?}:\n got {got}\nwant {expected}"
        );
    }
}

#[test]
fn unknown_key_in_severity() {
    let text = "announce_channel = \"C1\"\n\n[[severity]]\nname = \"P0\"\nlabel = \"Critical\"\n\
                    \nupdate_evry = \"15m\"\n";
    assert_eq!(
        err(text),
        "policy.toml:7: unknown key \"update_evry\" in [[severity]]"
    );
}

#[test]
fn unknown_key_in_role_and_top_level() {
    assert_eq!(
        err("[[role]]\nkey = \"ic\"\nduty = \"x\"\n"),
        "policy.toml:3: unknown key \"duty\" in [[role]]"
    );
    assert_eq!(
        err("channel_prefix = \"inc\"\nannounce = \"C1\"\n"),
        "policy.toml:2: unknown key \"announce\" at top level"
    );
    assert_eq!(
        err("severity = [{ name = \"A\" },\n  { name = \"B\", colour = \"red\" }]\n"),
        "policy.toml:2: unknown key \"colour\" in [[severity]]"
    );
}

#[test]
fn bad_duration() {
    let text = "[[severity]]\nname = \"P0\"\nlabel = \"Critical\"\ndescription = \"x\"\n\
                    respond_within = \"5m\"\nresolve_within = \"1h\"\n\n# cadence\n\
                    update_every = \"15 minuets\"\n";
    let e = err(text);
    assert!(
        e.starts_with("policy.toml:9: bad duration \"15 minuets\" for update_every: "),
        "{e}"
    );
    assert!(e.contains("unknown time unit"), "{e}");

    assert_eq!(
        err("[[severity]]\nname = \"P0\"\nescalate_after = 30\n"),
        "policy.toml:3: escalate_after must be a duration string such as \"15m\", \
             not an integer"
    );
    let e = err("[[severity]]\nname = \"P0\"\nresolve_within = \"soon\"\n");
    assert!(
        e.starts_with("policy.toml:3: bad duration \"soon\" for resolve_within: "),
        "{e}"
    );
    let e = err("[[severity]]\nname = \"P0\"\nrespond_within = \"\"\n");
    assert!(
        e.starts_with("policy.toml:3: bad duration \"\" for respond_within: "),
        "{e}"
    );
}

#[test]
fn zero_duration_is_rejected() {
    assert_eq!(
        err("[[severity]]\nname = \"P0\"\nupdate_every = \"0s\"\n"),
        "policy.toml:3: update_every must be longer than zero, not \"0s\""
    );
}

#[test]
fn duplicate_severity_name() {
    let mut text = String::new();
    text.push_str("[[severity]]\nname = \"P0\"\nlabel = \"Critical\"\n\n");
    text.push_str("[[severity]]\nname = \"P1\"\nlabel = \"High\"\n\n");
    text.push_str("[[severity]]\nname = \"P2\"\nlabel = \"Medium\"\n\n");
    // line 13 is the header, line 14 the duplicate name
    text.push_str("[[severity]]\nname = \"P1\"\n");
    assert_eq!(err(&text), "policy.toml:14: duplicate severity name \"P1\"");
}

#[test]
fn duplicate_severity_name_ignores_case() {
    assert_eq!(
        err("[[severity]]\nname = \"P1\"\n[[severity]]\nname = \"p1\"\n"),
        "policy.toml:4: duplicate severity name \"p1\""
    );
}

#[test]
fn no_severities() {
    assert_eq!(err("severity = []\n"), "policy.toml: no severities defined");
    assert_eq!(err("role = []\n"), "policy.toml: no roles defined");
}

#[test]
fn toml_syntax_errors_have_lines() {
    let e = err("channel_prefix = \"inc\"\nadmins = [\"U1\"\n\n[[severity]]\n");
    assert!(e.starts_with("policy.toml:4: "), "{e}");
    let e = err("channel_prefix = \"inc\"\nadmins = \n");
    assert!(
        e.starts_with("policy.toml:2: invalid string; expected"),
        "{e}"
    );
    assert!(!e.contains('\n'), "{e}");
    let e = err("a = \"unterminated\n");
    assert!(e.starts_with("policy.toml:1: "), "{e}");
    let e = err("[[severity]]\nname = \"P0\"\nname = \"P1\"\n");
    assert!(e.starts_with("policy.toml:3: duplicate key `name`"), "{e}");
}

#[test]
fn wrong_types_name_the_key() {
    assert_eq!(
        err("[[severity]]\nname = \"P0\"\nbroadcast = \"yes\"\n"),
        "policy.toml:3: broadcast must be true or false, not a string"
    );
    assert_eq!(
        err("[[severity]]\nname = 0\n"),
        "policy.toml:2: name must be a string, not an integer"
    );
    assert_eq!(
        err("admins = \"U1\"\n"),
        "policy.toml:1: admins must be a list of strings, not a string"
    );
    assert_eq!(
        err("\nadmins = [\"U1\", 2]\n"),
        "policy.toml:2: admins must be a list of strings, but contains an integer"
    );
    assert_eq!(
        err("[severity]\nname = \"P0\"\n"),
        "policy.toml:1: [severity] must be written [[severity]]"
    );
}

#[test]
fn missing_required_keys() {
    assert_eq!(
        err("[[severity]]\nname = \"P0\"\n\n[[severity]]\nlabel = \"High\"\n"),
        "policy.toml:4: [[severity]] entry has no name"
    );
    assert_eq!(
        err("[[role]]\nname = \"Lead\"\n"),
        "policy.toml:1: [[role]] entry has no key"
    );
}

#[test]
fn severity_name_rules() {
    assert_eq!(
        err("[[severity]]\nname = \"\"\n"),
        "policy.toml:2: severity name must not be empty"
    );
    assert_eq!(
        err("[[severity]]\nname = \"P 1\"\n"),
        "policy.toml:2: severity name \"P 1\" must not contain whitespace"
    );
    assert_eq!(
        err("[[severity]]\nname = \"P1\"\nlabel = \" \"\n"),
        "policy.toml:3: label must not be empty"
    );
}

#[test]
fn role_key_rules() {
    assert_eq!(
        err("[[role]]\nkey = \"IC\"\n"),
        "policy.toml:2: role key \"IC\" must be lowercase a-z, 0-9 and _ only"
    );
    assert_eq!(
        err("[[role]]\nkey = \"on-call\"\n"),
        "policy.toml:2: role key \"on-call\" must be lowercase a-z, 0-9 and _ only"
    );
    assert_eq!(
        err("[[role]]\nkey = \"\"\n"),
        "policy.toml:2: role key \"\" must be lowercase a-z, 0-9 and _ only"
    );
    assert_eq!(
        err("[[role]]\nkey = \"ic\"\n\n[[role]]\nkey = \"ic\"\nname = \"Other\"\n"),
        "policy.toml:5: duplicate role key \"ic\""
    );
    assert_eq!(
        err("[[role]]\nkey = \"ic\"\nname = \"\"\n"),
        "policy.toml:3: role name must not be empty"
    );
    let p = parse("[[role]]\nkey = \"on_call_2\"\nname = \"On-call\"\n").unwrap();
    assert_eq!(p.roles[0].key, "on_call_2");
}

#[test]
fn escalate_to_must_be_user_or_group() {
    for ok in ["U0SENIOR", "W123", "S0SENIOR"] {
        let p = parse(&format!(
            "[[severity]]\nname = \"P0\"\nescalate_to = \"{ok}\"\n"
        ))
        .unwrap();
        assert_eq!(p.severities[0].escalate_to.as_deref(), Some(ok));
    }
    for bad in ["C0123", "@oncall", "", "U", "s0senior"] {
        let e = err(&format!(
            "[[severity]]\nname = \"P0\"\nescalate_to = \"{bad}\"\n"
        ));
        assert_eq!(
            e,
            format!(
                "policy.toml:3: escalate_to \"{bad}\" must be a user id (U… or W…) \
                     or a user group id (S…)"
            )
        );
    }
}

#[test]
fn user_id_lists_are_checked() {
    assert_eq!(
        err("admins = [\"U1\", \"alice\"]\n"),
        "policy.toml:1: admins entry \"alice\" is not a Slack user id (U… or W…)"
    );
    assert_eq!(
        err("[[severity]]\nname = \"P0\"\nauto_invite = [\"S0GROUP\"]\n"),
        "policy.toml:3: auto_invite entry \"S0GROUP\" is not a Slack user id (U… or W…)"
    );
    let p = parse("admins = [\"U1\", \"W2\"]\n").unwrap();
    assert_eq!(p.admins, ["U1", "W2"]);
}

#[test]
fn channel_prefix_rules() {
    for ok in ["inc", "incident", "sev-ops_2", "a", "abcdefghijklmnopqrst"] {
        let p = parse(&format!("channel_prefix = \"{ok}\"\n")).unwrap();
        assert_eq!(p.channel_prefix, ok);
    }
    for bad in [
        "",
        "Incident",
        "inc ident",
        "inc#",
        "abcdefghijklmnopqrstu",
        "é",
    ] {
        assert_eq!(
            err(&format!("\nchannel_prefix = \"{bad}\"\n")),
            format!(
                "policy.toml:2: channel_prefix \"{bad}\" must be 1–20 characters of \
                     lowercase a-z, 0-9, - and _"
            )
        );
    }
}

#[test]
fn announce_channel_rules() {
    for ok in ["C0123ANNOUNCE", "G01ABC"] {
        let p = parse(&format!("announce_channel = \"{ok}\"\n")).unwrap();
        assert_eq!(p.announce_channel.as_deref(), Some(ok));
    }
    for bad in ["#incidents", "incidents", "", "C", "U0123", "D0123"] {
        assert_eq!(
            err(&format!("announce_channel = \"{bad}\"\n")),
            format!(
                "policy.toml:1: announce_channel \"{bad}\" is not a channel id \
                     (C… or G…, e.g. \"C0123ANNOUNCE\")"
            )
        );
    }
}

#[test]
fn lookups_ignore_case() {
    let p = Policy::builtin();
    assert_eq!(p.severity("p1").map(|s| s.label.as_str()), Some("High"));
    assert_eq!(p.severity("P1").map(|s| s.label.as_str()), Some("High"));
    assert_eq!(p.severity(" p0 ").map(|s| s.name.as_str()), Some("P0"));
    assert!(p.severity("P4").is_none());
    assert!(p.severity("").is_none());
    assert_eq!(
        p.role("IC").map(|r| r.name.as_str()),
        Some("Incident Commander")
    );
    assert_eq!(p.role("comms").map(|r| r.key.as_str()), Some("comms"));
    assert_eq!(p.role("Scribe").map(|r| r.key.as_str()), Some("scribe"));
    assert!(p.role("lead").is_none());

    let p = parse("[[severity]]\nname = \"Sev-One\"\n").unwrap();
    assert!(p.severity("sev-one").is_some());
    assert!(p.severity("SEV-ONE").is_some());
}

#[test]
fn display_and_help_lines() {
    let p = Policy::builtin();
    assert_eq!(p.severities[1].display(), "P1 High");
    assert_eq!(
        p.severity_names(),
        [
            "P0 Critical — Complete outage, data loss or security breach",
            "P1 High — Major functionality impaired or significant user impact",
            "P2 Medium — Partial functionality impaired or moderate user impact",
            "P3 Low — Minor issue with minimal user impact",
        ]
    );
}

#[test]
fn error_accessors_and_display() {
    let e = parse("[[severity]]\nname = \"P0\"\nupdate_evry = \"1m\"\n").unwrap_err();
    assert_eq!(e.path(), "policy.toml");
    assert_eq!(e.line(), Some(3));
    assert_eq!(e.reason(), "unknown key \"update_evry\" in [[severity]]");

    let e = parse("severity = []").unwrap_err();
    assert_eq!(e.line(), None);
    assert_eq!(e.reason(), "no severities defined");
}

#[test]
fn line_numbers_handle_crlf() {
    let text = "channel_prefix = \"inc\"\r\n\r\n[[severity]]\r\nname = \"P0\"\r\nbogus = 1\r\n";
    assert_eq!(
        err(text),
        "policy.toml:5: unknown key \"bogus\" in [[severity]]"
    );
}

#[test]
fn load_reads_files_and_reports_read_errors() {
    let dir = std::env::temp_dir().join(format!("warroom-policy-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();

    let good = dir.join("good.toml");
    std::fs::write(&good, DOCUMENTED_EXAMPLE).unwrap();
    let p = Policy::load(&good).unwrap();
    assert_eq!(p.severities[0].escalate_to.as_deref(), Some("S0SENIOR"));

    let bad = dir.join("bad.toml");
    std::fs::write(
        &bad,
        "[[severity]]\nname = \"P0\"\nupdate_every = \"15 minuets\"\n",
    )
    .unwrap();
    let e = Policy::load(&bad).unwrap_err();
    assert_eq!(e.path(), bad.display().to_string());
    assert!(
        e.to_string()
            .starts_with(&format!("{}:3: bad duration", bad.display())),
        "{e}"
    );

    let missing = dir.join("missing.toml");
    let e = Policy::load(&missing).unwrap_err();
    assert!(matches!(
        e,
        PolicyError::Read {
            kind: std::io::ErrorKind::NotFound,
            ..
        }
    ));
    assert!(
        e.to_string()
            .starts_with(&format!("{}: cannot read policy file: ", missing.display())),
        "{e}"
    );
    assert_eq!(e.line(), None);

    std::fs::remove_dir_all(&dir).unwrap();
}
