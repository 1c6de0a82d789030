//! The realm's JSON Web Key Set.

use actix_web::http::header::CACHE_CONTROL;
use actix_web::{web, HttpResponse};

use crate::error::AccountsError;
use crate::services::Provider;

/// `GET .../protocol/openid-connect/certs`: the published signing keys,
/// with `Cache-Control: no-cache` as Keycloak sends it.
#[tracing::instrument(skip_all, fields(realm = %realm))]
pub async fn get_certs(
    realm: web::Path<String>,
    provider: web::Data<Provider>,
) -> Result<HttpResponse, AccountsError> {
    let jwks = provider.jwks(&realm)?;

    Ok(HttpResponse::Ok()
        .insert_header((CACHE_CONTROL, "no-cache"))
        .json(jwks))
}
