//! Realm info and OpenID Connect discovery.

use actix_web::http::header::CACHE_CONTROL;
use actix_web::{web, HttpResponse};

use crate::error::AccountsError;
use crate::services::Provider;

/// Keycloak's caching header for the discovery document.
const DISCOVERY_CACHE_CONTROL: &str = "no-cache, must-revalidate, no-transform, no-store";

/// `GET /realms/{realm}`: the realm's public info.
#[tracing::instrument(skip_all, fields(realm = %realm))]
pub async fn get_realm(
    realm: web::Path<String>,
    provider: web::Data<Provider>,
) -> Result<HttpResponse, AccountsError> {
    let info = provider.realm_info(&realm)?;

    Ok(HttpResponse::Ok()
        .insert_header((CACHE_CONTROL, "no-cache"))
        .json(info))
}

/// `GET /realms/{realm}/.well-known/openid-configuration`.
#[tracing::instrument(skip_all, fields(realm = %realm))]
pub async fn get_openid_configuration(
    realm: web::Path<String>,
    provider: web::Data<Provider>,
) -> Result<HttpResponse, AccountsError> {
    let configuration = provider.openid_configuration(&realm)?;

    Ok(HttpResponse::Ok()
        .insert_header((CACHE_CONTROL, DISCOVERY_CACHE_CONTROL))
        .json(configuration))
}
