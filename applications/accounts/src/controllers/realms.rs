//! Realm info and OpenID Connect discovery.

use actix_web::{web, HttpResponse};

use crate::error::AccountsError;
use crate::services::Provider;

/// `GET /realms/{realm}`: the realm's public info.
#[tracing::instrument(skip_all, fields(realm = %realm))]
pub async fn get_realm(
    realm: web::Path<String>,
    provider: web::Data<Provider>,
) -> Result<HttpResponse, AccountsError> {
    let info = provider.realm_info(&realm)?;

    Ok(HttpResponse::Ok().json(info))
}

/// `GET /realms/{realm}/.well-known/openid-configuration`.
#[tracing::instrument(skip_all, fields(realm = %realm))]
pub async fn get_openid_configuration(
    realm: web::Path<String>,
    provider: web::Data<Provider>,
) -> Result<HttpResponse, AccountsError> {
    let configuration = provider.openid_configuration(&realm)?;

    Ok(HttpResponse::Ok().json(configuration))
}
