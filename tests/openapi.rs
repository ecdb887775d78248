//! `GET /api/openapi.json` describes the API the running app serves: every path answers
//! with a status the document lists, and every JSON body has exactly the properties its
//! schema names (scripts/api-fuzz.sh then fuzzes the same document with schemathesis).

mod support;

use serde_json::Value;
use std::collections::BTreeSet;
use support::*;

/// The property names a schema gives an object: `$ref`s followed, `allOf`s united.
fn properties(doc: &Value, schema: &Value) -> BTreeSet<String> {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.trim_start_matches("#/components/schemas/");
        return properties(doc, &doc["components"]["schemas"][name]);
    }
    let mut names = BTreeSet::new();
    if let Some(parts) = schema["allOf"].as_array() {
        for part in parts {
            names.extend(properties(doc, part));
        }
    }
    if let Some(props) = schema["properties"].as_object() {
        names.extend(props.keys().cloned());
    }
    names
}

fn keys(value: &Value) -> BTreeSet<String> {
    value
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

both!(the_document_matches_what_the_api_serves, |b| async move {
    let mut h = Harness::start(b).await;
    let channel = h.declare(ALICE, "P1 Checkout returns 500s").await;
    h.command(ALICE, &channel, "action Add a canary").await;
    let list: Value = h.api("/api/incidents").await.json();
    let id = list["incidents"][0]["id"].as_str().unwrap().to_string();

    // Public while the API is on: no bearer token needed for the description itself.
    let reply = h.get("/api/openapi.json").await;
    assert_eq!(reply.status, 200);
    let doc: Value = reply.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );

    let paths = doc["paths"].as_object().unwrap();
    for (path, item) in paths {
        let op = &item["get"];
        let url = path.replace("{id}", &id);
        let reply = if path == "/api/openapi.json" {
            h.get(&url).await
        } else {
            // Without the token: refused as documented.
            assert_eq!(h.get(&url).await.status, 401, "{path} without a token");
            assert!(op["responses"]["401"].is_object(), "{path} documents 401");
            h.api(&url).await
        };
        assert_eq!(reply.status, 200, "{path}: {}", reply.body);
        let ok = &op["responses"]["200"]["content"];
        let Some(schema) = ok.get("application/json").map(|c| &c["schema"]) else {
            assert!(
                ok.get("text/markdown").is_some(),
                "{path}: 200 is JSON or Markdown"
            );
            continue;
        };
        if schema.is_null() {
            continue; // the document itself
        }
        let body: Value = reply.json();
        assert_eq!(keys(&body), properties(&doc, schema), "{path}");
        if path == "/api/incidents/{id}" {
            let item = &body["action_items"][0];
            let schema = &doc["components"]["schemas"]["ActionItemBody"];
            assert_eq!(keys(item), properties(&doc, schema), "action item");
            let roles_and_channel = &doc["components"]["schemas"]["IncidentBody"];
            assert_eq!(
                keys(&body["channel"]),
                properties(&doc, &roles_and_channel["properties"]["channel"])
            );
        }
        if path == "/api/incidents" {
            let schema = &doc["components"]["schemas"]["IncidentBody"];
            assert_eq!(keys(&body["incidents"][0]), properties(&doc, schema));
        }
    }

    // Errors have the documented shape.
    let reply = h.api("/api/incidents?limit=0").await;
    assert_eq!(reply.status, 400);
    assert_eq!(keys(&reply.json()), BTreeSet::from(["error".to_string()]));
    let reply = h.api("/api/incidents/INC-nope").await;
    assert_eq!(reply.status, 404);
    assert_eq!(keys(&reply.json()), BTreeSet::from(["error".to_string()]));
    let reply = h.api("/api/incidents?limit=many").await;
    assert_eq!(
        reply.status, 400,
        "a query that does not parse is a 400 too"
    );
    assert!(reply.json()["error"].is_string());

    // With the API off, so is its description.
    h.api_token = None;
    h.restart().await;
    assert_eq!(h.get("/api/openapi.json").await.status, 404);
    h.finish().await;
});
