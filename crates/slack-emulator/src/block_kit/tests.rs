//! The rules on a typical card and on payloads breaking each kind of rule: lengths and counts,
//! unique ids, which text type goes where, and views.

use super::*;
use serde_json::json;

fn plain(t: &str) -> Value {
    json!({"type": "plain_text", "text": t})
}

fn one(blocks: Value) -> Vec<String> {
    check_blocks(&blocks, Surface::Message)
}

#[test]
fn a_typical_card_is_valid() {
    let blocks = json!([
        {"type": "header", "text": plain("INC-1: Checkout down")},
        {"type": "section", "text": {"type": "mrkdwn", "text": "*Severity:* P1"},
         "fields": [{"type": "mrkdwn", "text": "*IC:* <@U1>"}]},
        {"type": "divider"},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "declared"}]},
        {"type": "actions", "block_id": "role:1:ic", "elements": [
            {"type": "button", "action_id": "take", "text": plain("Take role"), "value": "1:ic"},
            {"type": "users_select", "action_id": "assign", "placeholder": plain("Assign")},
        ]},
    ]);
    assert_eq!(one(blocks), Vec::<String>::new());
}

#[test]
fn lengths_are_slacks() {
    let long = |n: usize| "x".repeat(n);
    assert!(
        one(json!([{"type": "section", "text": {"type": "mrkdwn", "text": long(3000)}}]))
            .is_empty()
    );
    let e = one(json!([{"type": "section", "text": {"type": "mrkdwn", "text": long(3001)}}]));
    assert_eq!(
        e,
        vec!["[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]"]
    );
    assert_eq!(
        one(json!([{"type": "header", "text": plain(&long(151))}])).len(),
        1
    );
    assert_eq!(
        one(json!([{"type": "actions", "elements": [
            {"type": "button", "action_id": "a", "text": plain(&long(76))}]}]))
        .len(),
        1
    );
    let options: Vec<Value> = (0..101)
        .map(|i| json!({"text": plain(&i.to_string()), "value": i.to_string()}))
        .collect();
    let e = one(json!([{"type": "actions", "elements": [
        {"type": "static_select", "action_id": "s", "placeholder": plain(&long(151)), "options": options}]}]));
    assert_eq!(e.len(), 2, "{e:?}");
    let blocks: Vec<Value> = (0..51).map(|_| json!({"type": "divider"})).collect();
    assert_eq!(
        one(Value::Array(blocks)),
        vec!["[ERROR] no more than 50 items allowed [json-pointer:/blocks]"]
    );
}

#[test]
fn ids_are_unique_and_bounded() {
    let e = one(json!([
        {"type": "divider", "block_id": "a"},
        {"type": "divider", "block_id": "a"},
        {"type": "actions", "block_id": "x".repeat(256), "elements": [
            {"type": "button", "action_id": "b", "text": plain("1")},
            {"type": "button", "action_id": "b", "text": plain("2")}]},
    ]));
    assert_eq!(e.len(), 3, "{e:?}");
    // The same action_id in two blocks is fine.
    assert!(one(json!([
        {"type": "actions", "elements": [{"type": "button", "action_id": "b", "text": plain("1")}]},
        {"type": "actions", "elements": [{"type": "button", "action_id": "b", "text": plain("1")}]},
    ]))
    .is_empty());
}

#[test]
fn text_types_where_each_is_allowed() {
    let mrkdwn = json!({"type": "mrkdwn", "text": "*x*"});
    assert_eq!(one(json!([{"type": "header", "text": mrkdwn}])).len(), 1);
    assert_eq!(
        one(json!([{"type": "actions", "elements": [{"type": "button", "action_id": "a", "text": mrkdwn}]}])).len(),
        1
    );
    assert!(one(json!([{"type": "section", "text": mrkdwn}])).is_empty());
    assert_eq!(one(json!([{"type": "section"}])).len(), 1);
    assert_eq!(
        one(json!([{"type": "section", "text": plain("")}])).len(),
        1
    );
    assert_eq!(one(json!([{"type": "carousel"}])).len(), 1);
    assert_eq!(
        one(
            json!([{"type": "input", "label": plain("x"), "element": {"type": "plain_text_input"}}])
        ),
        Vec::<String>::new()
    );
}

#[test]
fn views_have_short_labels_and_a_submit_for_inputs() {
    let view = json!({"type": "modal", "title": plain("Declare an incident"), "submit": plain("Declare"),
        "blocks": [{"type": "input", "block_id": "title", "label": plain("Title"),
            "element": {"type": "plain_text_input", "action_id": "v"}}]});
    assert!(check_view(&view).is_empty());
    assert_eq!(input_block_ids(&view), vec!["title"]);
    let mut long = view.clone();
    long["title"] = plain(&"x".repeat(25));
    assert_eq!(
        check_view(&long),
        vec!["[ERROR] must be less than 25 characters [json-pointer:/view/title/text]"]
    );
    let mut no_submit = view.clone();
    no_submit.as_object_mut().unwrap().remove("submit");
    assert_eq!(check_view(&no_submit).len(), 1);
    assert_eq!(check_view(&json!({"type": "home", "blocks": []})).len(), 2);
}
