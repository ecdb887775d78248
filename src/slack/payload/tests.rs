//! Slack's documented examples, Enterprise Grid variants and malformed payloads.

use super::*;

fn form(json: &str) -> Vec<u8> {
    serde_urlencoded::to_string([("payload", json)])
        .unwrap()
        .into_bytes()
}

fn fixture_form(json: &str) -> Vec<u8> {
    form(json)
}

#[test]
fn slack_examples_parse() {
    let cmd = include_bytes!("../../../tests/fixtures/slack/slash-command.form");
    let f = parse_slash_command(cmd.trim_ascii()).unwrap();
    assert_eq!(f.user_id, "U2147483697");
    assert_eq!(f.channel_id, "C2147483705");
    assert_eq!(f.command, "/incident");
    assert_eq!(f.text, "declare P1 Checkout API returns 500s");

    let clicked = include_str!("../../../tests/fixtures/slack/block-actions.json");
    let Interaction::BlockActions {
        user,
        channel,
        message_ts,
        actions,
        ..
    } = parse_interaction(&fixture_form(clicked)).unwrap()
    else {
        panic!()
    };
    assert_eq!(user, "U2147483697");
    assert_eq!(channel.as_deref(), Some("C0INCIDENT"));
    assert_eq!(message_ts.as_deref(), Some("1700000000.000100"));
    assert_eq!(actions.len(), 1);
    assert_eq!(
        actions[0].value.as_deref(),
        Some("<the value the app gave the button>")
    );

    let submitted = include_str!("../../../tests/fixtures/slack/view-submission.json");
    let Interaction::ViewSubmission {
        view_id, values, ..
    } = parse_interaction(&fixture_form(submitted)).unwrap()
    else {
        panic!()
    };
    assert_eq!(view_id, "V0MODAL");
    assert_eq!(
        values.text("<block_id of a plain_text_input>").as_deref(),
        Some("Checkout API returns 500s")
    );
    assert_eq!(
        values.selected("<block_id of a static_select>").as_deref(),
        Some("P1")
    );
    assert!(values.checked("<block_id of a checkboxes>").is_empty());

    let shortcut = include_str!("../../../tests/fixtures/slack/message-action.json");
    assert_eq!(
        parse_interaction(&fixture_form(shortcut)).unwrap(),
        Interaction::MessageAction {
            user: "U2147483697".into(),
            channel: "C0INCIDENT".into(),
            callback_id: "<the callback_id of the shortcut in the app manifest>".into(),
            trigger_id: "13345224609.738474920.8088930838d88f008e0".into(),
            message_ts: "1700000090.000200".into(),
            message_user: "U0TECHLEAD".into(),
            message_text: "Rolled back deploy 1234; error rate falling".into(),
        }
    );

    let event = include_bytes!("../../../tests/fixtures/slack/event-callback.json");
    let EventBody::Callback { event_id, event } = parse_event(event).unwrap() else {
        panic!()
    };
    assert_eq!(event_id, "Ev0PV52K21");
    assert_eq!(event["type"], "reaction_added");
    let challenge = include_bytes!("../../../tests/fixtures/slack/url-verification.json");
    assert!(matches!(
        parse_event(challenge).unwrap(),
        EventBody::UrlVerification { .. }
    ));
}

#[test]
fn view_values_by_input_type() {
    let sub = r#"{"type":"view_submission","user":{"id":"U1"},"view":{"id":"V1","callback_id":"declare_incident","private_metadata":"C1",
          "state":{"values":{"title":{"value":{"type":"plain_text_input","value":" DB down "}},
          "severity":{"value":{"type":"static_select","selected_option":{"value":"P1"}}},
          "who":{"value":{"type":"users_select","selected_user":"U9"}},
          "empty":{"value":{"type":"plain_text_input","value":null}},
          "when":{"value":{"type":"datepicker","selected_date":"2026-11-22"}},
          "private":{"value":{"type":"checkboxes","selected_options":[{"value":"private"}]}}}}}}"#;
    let Interaction::ViewSubmission {
        values,
        callback_id,
        private_metadata,
        ..
    } = parse_interaction(&form(sub)).unwrap()
    else {
        panic!()
    };
    assert_eq!(callback_id, "declare_incident");
    assert_eq!(private_metadata, "C1");
    assert_eq!(values.text("title").as_deref(), Some("DB down"));
    assert_eq!(values.text("empty"), None);
    assert_eq!(values.text("when"), None);
    assert_eq!(values.selected("severity").as_deref(), Some("P1"));
    assert_eq!(values.checked("private"), vec!["private".to_string()]);
    assert_eq!(
        values.0["who"]["value"],
        FieldValue::User(Some("U9".into()))
    );
}

/// Enterprise Grid (and org-wide installs) add fields and send some as null or with
/// other shapes; none of them matters to warroom.
#[test]
fn enterprise_grid_fields_are_tolerated() {
    let click = r#"{"type":"block_actions","enterprise":{"id":"E0001","name":"Globular"},
          "is_enterprise_install":true,"team":null,
          "user":{"id":"W0ALICE","username":"alice","team_id":"T0002","enterprise_id":"E0001"},
          "container":{"type":"message","message_ts":"1.2","channel_id":"C1","is_ephemeral":false},
          "channel":{"id":"C1","name":"x"},"trigger_id":"t","message":null,
          "actions":[{"type":"static_select","action_id":"a","block_id":"b",
            "selected_option":{"text":{"type":"plain_text","text":"P1"},"value":"P1"},"action_ts":"1"}]}"#;
    let Interaction::BlockActions { user, actions, .. } = parse_interaction(&form(click)).unwrap()
    else {
        panic!()
    };
    assert_eq!(user, "W0ALICE");
    assert_eq!(actions[0].selected_option.as_deref(), Some("P1"));

    let cmd = b"token=x&team_id=T0002&enterprise_id=E0001&enterprise_name=Globular&is_enterprise_install=true&channel_id=C1&user_id=W0ALICE&command=%2Fincident&text=list&api_app_id=A1&some_future_field=1";
    assert_eq!(parse_slash_command(cmd).unwrap().user_id, "W0ALICE");

    let event = br#"{"token":"x","team_id":"T0002","enterprise_id":"E0001","context_team_id":null,
          "context_enterprise_id":"E0001","api_app_id":"A1","is_ext_shared_channel":true,
          "authorizations":[{"enterprise_id":"E0001","team_id":null,"user_id":"W0BOT","is_bot":true,"is_enterprise_install":true}],
          "event":{"type":"app_home_opened","user":"W0ALICE","tab":"home"},
          "type":"event_callback","event_id":"Ev1","event_time":1700000000,"event_context":"4-abc"}"#;
    let EventBody::Callback { event_id, .. } = parse_event(event).unwrap() else {
        panic!()
    };
    assert_eq!(event_id, "Ev1");
    assert_eq!(
        parse_event(br#"{"type":"app_rate_limited","team_id":"T1","minute_rate_limited":1}"#)
            .unwrap(),
        EventBody::Other("app_rate_limited".into())
    );
    assert_eq!(
        parse_interaction(&form(
            r#"{"type":"view_closed","enterprise":null,"view":{}}"#
        ))
        .unwrap(),
        Interaction::Other("view_closed".into())
    );
}

#[test]
fn malformed_is_an_error_not_a_panic() {
    let err = |body: &[u8]| parse_interaction(body).unwrap_err().0;
    assert!(err(b"payload=%7Bnot-json").contains("malformed interaction payload"));
    assert_eq!(err(b"nothing=1"), "interaction without a payload field");
    assert_eq!(
        err(&form(r#"{"type":"block_actions"}"#)),
        "block_actions without actions"
    );
    assert_eq!(
        err(&form(r#"{"type":"block_actions","actions":[]}"#)),
        "interaction payload without user.id"
    );
    assert_eq!(
        err(&form(
            r#"{"type":"view_submission","user":{"id":"U1"},"view":{"id":"V"}}"#
        )),
        "interaction payload without view.callback_id"
    );
    assert!(err(&form(
        r#"{"type":"block_actions","user":{"id":7},"actions":[]}"#
    ))
    .contains("invalid type"));
    assert!(parse_interaction(&form(r#"[1,2]"#)).is_err());
    assert!(parse_interaction(&form(r#"{"no":"type"}"#)).is_err());
    assert!(parse_slash_command(b"text=hi").is_err());
    assert!(parse_slash_command(b"user_id=U1&channel_id=").is_err());
    assert_eq!(parse_event(b"{}").unwrap_err().0, "event without type");
    assert!(parse_event(b"{\"type\":").is_err());
    assert!(parse_event(br#"{"type":"event_callback","event":{}}"#).is_err());
    assert_eq!(
        parse_event(br#"{"type":"url_verification","challenge":"abc"}"#).unwrap(),
        EventBody::UrlVerification {
            challenge: "abc".into()
        }
    );
}

#[test]
fn nul_bytes_never_reach_the_text() {
    let f = parse_slash_command(b"user_id=U1&channel_id=C1&text=declare%00 P1 x%00y").unwrap();
    assert_eq!(f.text, "declare P1 xy");
}
