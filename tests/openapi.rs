//! `GET /api/openapi.json` describes the API the running app serves: every route under
//! `/api` and `/hooks` is in it with its method (and nothing else is), every path answers
//! with a status the document lists, and every JSON body has exactly the properties its
//! schema names (scripts/api-fuzz.sh then fuzzes the same document with schemathesis).

mod support;

use serde_json::{json, Value};
use std::collections::BTreeSet;
use support::*;

const ALERTS_SECRET: &str = "openapi-alerts-secret";
/// The methods an OpenAPI path item can hold.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// (method, path) of every operation the document describes.
fn documented(doc: &Value) -> BTreeSet<(String, String)> {
    let mut ops = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in METHODS {
            if item.get(method).is_some() {
                ops.insert((method.to_string(), path.clone()));
            }
        }
    }
    ops
}

/// Sends `method path` with `bearer` (if any) and a JSON `body`.
async fn send(h: &Harness, method: &str, path: &str, bearer: Option<&str>, body: &str) -> Reply {
    let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
    let mut req = h
        .http
        .request(method, h.url(path))
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(bearer) = bearer {
        req = req.bearer_auth(bearer);
    }
    let res = req.send().await.unwrap();
    Reply {
        status: res.status().as_u16(),
        body: res.text().await.unwrap(),
    }
}

/// The schema the document gives the JSON body of `status` for `method path`.
fn response_schema<'a>(doc: &'a Value, method: &str, path: &str, status: u16) -> &'a Value {
    let response = &doc["paths"][path][method]["responses"][status.to_string()];
    assert!(
        response.is_object(),
        "{method} {path}: {status} is not documented"
    );
    &response["content"]["application/json"]["schema"]
}

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
        if item.get("get").is_none() {
            continue; // the writes and hooks: below
        }
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

    // The writes: refused without the token as documented, then each answer matches its
    // documented schema (in an order that keeps every one of them successful).
    let writes = [
        (
            "/api/incidents",
            r#"{"title": "Card payments declined", "severity": "P2"}"#,
            201,
        ),
        (
            "/api/incidents/{id}/updates",
            r#"{"text": "Rolled back", "status": "monitoring"}"#,
            200,
        ),
        (
            "/api/incidents/{id}/resolve",
            r#"{"summary": "The rollback fixed it"}"#,
            200,
        ),
    ];
    for (path, body, expected) in writes {
        let url = path.replace("{id}", &id);
        assert_eq!(
            send(&h, "post", &url, None, body).await.status,
            401,
            "{path}"
        );
        let reply = send(&h, "post", &url, Some(API_TOKEN), body).await;
        assert_eq!(reply.status, expected, "{path}: {}", reply.body);
        let schema = response_schema(&doc, "post", path, expected);
        assert_eq!(keys(&reply.json()), properties(&doc, schema), "{path}");
        let refused = send(&h, "post", &url, Some(API_TOKEN), "{\"nope\": 1}").await;
        assert_eq!(refused.status, 400, "{path}: {}", refused.body);
        let schema = response_schema(&doc, "post", path, 400);
        assert_eq!(
            keys(&refused.json()),
            properties(&doc, schema),
            "{path} 400"
        );
    }

    // With the API off, so is its description.
    h.api_token = None;
    h.restart().await;
    assert_eq!(h.get("/api/openapi.json").await.status, 404);
    h.finish().await;
});

both!(
    every_route_served_is_documented_with_its_method,
    |b| async move {
        let mut h = Harness::start(b).await;
        h.extra_env
            .push(("WARROOM_ALERTS_SECRET", ALERTS_SECRET.into()));
        h.restart().await;
        let doc: Value = h.get("/api/openapi.json").await.json();

        // What the router mounts under /api and /hooks, and what the document describes.
        let served: BTreeSet<(String, String)> = warroom::http::api_routes()
            .into_iter()
            .map(|(method, path)| (method.as_str().to_lowercase(), path.to_string()))
            .collect();
        assert!(served.iter().any(|(m, _)| m == "post"), "{served:?}");
        assert_eq!(documented(&doc), served, "document vs router");

        // And that list is what the app answers: each served method is routed (authorised, it
        // is not 404 or 405), and every other method on the same path is 405.
        for (_, path) in &served {
            let url = path.replace("{id}", "INC-20261122-999");
            let bearer = if path.starts_with("/hooks/") {
                ALERTS_SECRET
            } else {
                API_TOKEN
            };
            for method in ["get", "post", "put", "patch", "delete"] {
                let reply = send(&h, method, &url, Some(bearer), "{}").await;
                if served.contains(&(method.to_string(), path.clone())) {
                    assert!(
                        reply.status != 405 && (reply.status != 404 || path.contains("{id}")),
                        "{method} {path}: {} {}",
                        reply.status,
                        reply.body
                    );
                    assert!(
                        doc["paths"][path.as_str()][method]["responses"][reply.status.to_string()]
                            .is_object(),
                        "{method} {path}: {} is not documented",
                        reply.status
                    );
                } else {
                    assert_eq!(reply.status, 405, "{method} {path} is not served");
                }
            }
        }

        // The hooks take their own secret, described as such; a notification is answered
        // with the documented shape.
        for hook in ["/hooks/alertmanager", "/hooks/grafana"] {
            assert_eq!(
                doc["paths"][hook]["post"]["security"],
                json!([{"alerts": []}]),
                "{hook}"
            );
            assert_eq!(
                send(&h, "post", hook, Some(API_TOKEN), "{}").await.status,
                401
            );
        }
        let notification = json!({
            "version": "4", "status": "firing", "receiver": "warroom",
            "groupKey": "{}:{alertname=\"DiskFull\"}",
            "groupLabels": {"alertname": "DiskFull"},
            "commonLabels": {"alertname": "DiskFull", "service": "storage"},
            "commonAnnotations": {"summary": "Disk full"},
            "alerts": [{"status": "firing", "labels": {"alertname": "DiskFull"},
                "annotations": {"summary": "Disk full"}, "startsAt": "2026-11-30T00:00:00Z",
                "fingerprint": "d15cf011"}]
        })
        .to_string();
        let reply = send(
            &h,
            "post",
            "/hooks/alertmanager",
            Some(ALERTS_SECRET),
            &notification,
        )
        .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        let schema = response_schema(&doc, "post", "/hooks/alertmanager", 201);
        assert_eq!(keys(&reply.json()), properties(&doc, schema));
        h.finish().await;
    }
);
