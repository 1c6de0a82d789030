//! Token introspection.

use actix_web::http::header::CACHE_CONTROL;
use actix_web::{web, HttpResponse};

use crate::error::AccountsError;
use crate::extract::Authorization;
use crate::services::grants::TokenRequest;
use crate::services::Provider;

/// `POST .../protocol/openid-connect/token/introspect`: whether a token
/// is active, and its claims when it is.
#[tracing::instrument(skip_all, fields(realm = %realm))]
pub async fn post_introspect(
    realm: web::Path<String>,
    authorization: Authorization,
    body: web::Payload,
    provider: web::Data<Provider>,
) -> Result<HttpResponse, AccountsError> {
    let request =
        TokenRequest::read(realm.into_inner(), authorization.as_deref(), body, None).await?;

    let answer = provider.introspect(&request)?;

    Ok(HttpResponse::Ok()
        .insert_header((CACHE_CONTROL, "no-cache"))
        .json(answer))
}
