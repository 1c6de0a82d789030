//! The userinfo endpoint.

use actix_web::http::header::{CACHE_CONTROL, PRAGMA};
use actix_web::{web, HttpResponse};

use crate::error::AccountsError;
use crate::extract::Authorization;
use crate::form::read_form;
use crate::services::Provider;

/// `GET .../protocol/openid-connect/userinfo` with a bearer token.
#[tracing::instrument(skip_all, fields(realm = %realm))]
pub async fn get_userinfo(
    realm: web::Path<String>,
    authorization: Authorization,
    provider: web::Data<Provider>,
) -> Result<HttpResponse, AccountsError> {
    let info = provider.userinfo(&realm, authorization.bearer())?;

    Ok(no_cache(info))
}

/// `POST .../protocol/openid-connect/userinfo`: the token in the header
/// or in an `access_token` form field (RFC 6750 §2.2).
#[tracing::instrument(skip_all, fields(realm = %realm))]
pub async fn post_userinfo(
    realm: web::Path<String>,
    authorization: Authorization,
    body: web::Payload,
    provider: web::Data<Provider>,
) -> Result<HttpResponse, AccountsError> {
    let form = read_form(body).await?;
    let token = authorization.bearer().or_else(|| form.get("access_token"));

    let info = provider.userinfo(&realm, token)?;

    Ok(no_cache(info))
}

/// The userinfo response, not cached, as Keycloak sends it.
fn no_cache(info: crate::services::userinfo::UserInfo) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CACHE_CONTROL, "no-cache"))
        .insert_header((PRAGMA, "no-cache"))
        .json(info)
}
