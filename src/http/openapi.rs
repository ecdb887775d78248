//! `GET /api/openapi.json`: the OpenAPI 3.1 description of `/api/*` and `/hooks/*`,
//! generated (utoipa) from the handlers' annotations and the types they read and send.

use super::alert_hooks::{__path_alertmanager, __path_grafana, HookAnswer, Notification};
use super::api::{__path_detail, __path_list, __path_postmortem, __path_stats};
use super::bodies::{ApiError, IncidentBody, IncidentDetail, IncidentPage, RefusedBody, StatsBody};
use super::write_api::{
    __path_declare, __path_post_update, __path_resolve, NewIncident, NewUpdate, Resolution,
};
use super::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::OpenApi;

/// This document. Public while the API is enabled (it describes, it does not disclose);
/// 404 like the rest of `/api/*` when no token is configured.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "meta",
    security(()),
    responses(
        (status = 200, description = "The OpenAPI document of /api", content_type = "application/json"),
    )
)]
pub async fn openapi(State(state): State<AppState>) -> Response {
    if state.api_token.is_none() {
        return StatusCode::NOT_FOUND.into_response();
    }
    Json(ApiDoc::openapi()).into_response()
}

/// The OpenAPI 3.1 description of `/api/*`.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "warroom API",
        description = "JSON about incidents for dashboards and tooling, a write API for tools \
            that are not Slack, and the alert hooks.\n\n\
            Enabled by setting `WARROOM_API_TOKEN`; without it every `/api/*` path answers 404. \
            Every `/api/*` path but this document needs `Authorization: Bearer <WARROOM_API_TOKEN>`; \
            the writes act as `api` with an admin's rights, and an `Idempotency-Key` makes a retry \
            safe. The `/hooks/*` paths need `Authorization: Bearer <WARROOM_ALERTS_SECRET>` and \
            answer 404 without that secret configured. \
            Errors are `{\"error\": \"…\"}` with a one-line reason, except where a path says \
            text/plain. `GET /api/incidents` pages with `limit` and the `next_cursor` of the \
            previous page, until `next_cursor` is null."
    ),
    paths(
        list, detail, postmortem, stats, declare, post_update, resolve, alertmanager, grafana,
        openapi
    ),
    components(schemas(
        ApiError, IncidentPage, IncidentBody, IncidentDetail, StatsBody, RefusedBody, NewIncident,
        NewUpdate, Resolution, Notification, HookAnswer
    )),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags(
        (name = "incidents", description = "Incidents, newest first"),
        (name = "stats", description = "Response-time figures"),
        (name = "write", description = "Declare, update and resolve from outside Slack"),
        (name = "hooks", description = "Alertmanager and Grafana notifications"),
        (name = "meta", description = "This description"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("The value of WARROOM_API_TOKEN"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "alerts",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("The value of WARROOM_ALERTS_SECRET"))
                    .build(),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_covers_every_route_with_auth() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        let paths: Vec<&String> = doc["paths"].as_object().unwrap().keys().collect();
        assert_eq!(
            paths,
            [
                "/api/incidents",
                "/api/incidents/{id}",
                "/api/incidents/{id}/postmortem.md",
                "/api/incidents/{id}/resolve",
                "/api/incidents/{id}/updates",
                "/api/openapi.json",
                "/api/stats",
                "/hooks/alertmanager",
                "/hooks/grafana",
            ]
        );
        for hook in ["/hooks/alertmanager", "/hooks/grafana"] {
            assert_eq!(
                doc["paths"][hook]["post"]["security"],
                serde_json::json!([{"alerts": []}]),
                "{hook} takes the alerts secret, not the API token"
            );
        }
        assert_eq!(
            doc["components"]["securitySchemes"]["alerts"]["scheme"],
            "bearer"
        );
        assert_eq!(
            doc["components"]["securitySchemes"]["bearer"]["scheme"],
            "bearer"
        );
        assert_eq!(doc["security"][0]["bearer"], serde_json::json!([]));
        assert_eq!(
            doc["paths"]["/api/openapi.json"]["get"]["security"],
            serde_json::json!([{}]),
            "the document itself is public"
        );
    }
}
