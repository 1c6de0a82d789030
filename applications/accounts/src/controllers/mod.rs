//! HTTP handlers, one file per endpoint group, on Keycloak's paths.

mod certs;
mod health;
mod introspect;
mod logout;
mod realms;
mod token;
mod userinfo;

use actix_web::{web, Route};

use crate::error::AccountsError;

/// Registers every route of the identity provider.
pub fn routes(config: &mut web::ServiceConfig) {
    const OIDC: &str = "/realms/{realm}/protocol/openid-connect";
    config
        .service(resource(
            "/health/ready",
            [web::get().to(health::get_ready)],
        ))
        .service(resource("/health/live", [web::get().to(health::get_live)]))
        .service(resource(
            "/realms/{realm}",
            [web::get().to(realms::get_realm)],
        ))
        .service(resource(
            "/realms/{realm}/.well-known/openid-configuration",
            [web::get().to(realms::get_openid_configuration)],
        ))
        .service(resource(
            &format!("{OIDC}/certs"),
            [web::get().to(certs::get_certs)],
        ))
        .service(resource(
            &format!("{OIDC}/token"),
            [web::post().to(token::post_token)],
        ))
        .service(resource(
            &format!("{OIDC}/token/introspect"),
            [web::post().to(introspect::post_introspect)],
        ))
        .service(resource(
            &format!("{OIDC}/userinfo"),
            [
                web::get().to(userinfo::get_userinfo),
                web::post().to(userinfo::post_userinfo),
            ],
        ))
        .service(resource(
            &format!("{OIDC}/logout"),
            [web::post().to(logout::post_logout)],
        ))
        .default_service(web::to(not_found));
}

/// A path with its routes; other methods get Keycloak's 405.
fn resource<const N: usize>(path: &str, routes: [Route; N]) -> actix_web::Resource {
    routes
        .into_iter()
        .fold(web::resource(path), |resource, route| resource.route(route))
        .default_service(web::to(method_not_allowed))
}

/// Any other path: Keycloak's 404 shape.
async fn not_found() -> Result<actix_web::HttpResponse, AccountsError> {
    Err(AccountsError::ResourceNotFound)
}

/// A known path with another method: Keycloak's 405 shape.
async fn method_not_allowed() -> Result<actix_web::HttpResponse, AccountsError> {
    Err(AccountsError::MethodNotAllowed)
}
