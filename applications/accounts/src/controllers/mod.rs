//! HTTP handlers, one file per endpoint group, on Keycloak's paths.

mod certs;
mod health;
mod logout;
mod realms;
mod token;
mod userinfo;

use actix_web::web;

use crate::error::AccountsError;

/// Registers every route of the identity provider.
pub fn routes(config: &mut web::ServiceConfig) {
    const OIDC: &str = "/realms/{realm}/protocol/openid-connect";
    config
        .route("/health/ready", web::get().to(health::get_ready))
        .route("/health/live", web::get().to(health::get_live))
        .route("/realms/{realm}", web::get().to(realms::get_realm))
        .route(
            "/realms/{realm}/.well-known/openid-configuration",
            web::get().to(realms::get_openid_configuration),
        )
        .route(&format!("{OIDC}/certs"), web::get().to(certs::get_certs))
        .route(&format!("{OIDC}/token"), web::post().to(token::post_token))
        .route(&format!("{OIDC}/userinfo"), web::get().to(userinfo::get_userinfo))
        .route(&format!("{OIDC}/userinfo"), web::post().to(userinfo::post_userinfo))
        .route(&format!("{OIDC}/logout"), web::post().to(logout::post_logout))
        .default_service(web::to(not_found));
}

/// Any other path or method: Keycloak's 404 shape.
async fn not_found() -> Result<actix_web::HttpResponse, AccountsError> {
    Err(AccountsError::ResourceNotFound)
}
