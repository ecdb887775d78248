//! What the unit tests of every method family share: a seeded workspace with three people
//! and #general (the bot not in it), and calls made through `dispatch` as the HTTP layer
//! makes them.

use serde_json::{json, Value};

use super::{ApiResult, Args, Workspace};

pub(super) const NOW: i64 = 1_700_000_000;

pub(super) fn ws() -> Workspace {
    let mut ws = Workspace::seeded("http://127.0.0.1:9", 7);
    ws.add_user("U1", "alice");
    ws.add_user("U2", "bob");
    ws.add_user("U3", "carol");
    ws.add_channel("C0GENERAL", "general", &["U1", "U2"], NOW);
    ws
}

fn args(value: Value) -> Args {
    value.as_object().cloned().unwrap_or_default()
}

pub(super) fn call(ws: &mut Workspace, method: &str, a: Value) -> ApiResult {
    ws.dispatch(method, &args(a), NOW)
}

pub(super) fn code_of(ws: &mut Workspace, method: &str, a: Value) -> &'static str {
    code(call(ws, method, a))
}

fn code(result: ApiResult) -> &'static str {
    match result {
        Ok(_) => "ok",
        Err(e) => e.code,
    }
}

pub(super) fn create(ws: &mut Workspace, name: &str) -> String {
    let out = call(ws, "conversations.create", json!({"name": name})).unwrap();
    out["channel"]["id"].as_str().unwrap().to_owned()
}

pub(super) fn post(ws: &mut Workspace, a: Value) -> String {
    let out = call(ws, "chat.postMessage", a).unwrap();
    out["ts"].as_str().unwrap().to_owned()
}
