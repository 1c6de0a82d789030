//! Health checks, as Keycloak serves them with `--health-enabled`.

use actix_web::HttpResponse;
use serde_json::json;

/// Readiness: the server answers once keys and realm are loaded.
pub async fn get_ready() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "UP", "checks": []}))
}

/// Liveness.
pub async fn get_live() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "UP", "checks": []}))
}
