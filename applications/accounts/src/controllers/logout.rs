//! Back-channel logout with a refresh token.

use actix_web::http::header::CACHE_CONTROL;
use actix_web::{web, HttpResponse};

use crate::error::AccountsError;
use crate::extract::Authorization;
use crate::services::grants::TokenRequest;
use crate::services::Provider;

/// `POST .../protocol/openid-connect/logout` with `refresh_token` and
/// client authentication: ends the session, answers 204.
#[tracing::instrument(skip_all, fields(realm = %realm))]
pub async fn post_logout(
    realm: web::Path<String>,
    authorization: Authorization,
    body: web::Payload,
    provider: web::Data<Provider>,
) -> Result<HttpResponse, AccountsError> {
    let request =
        TokenRequest::read(realm.into_inner(), authorization.as_deref(), body, None).await?;

    provider.logout(&request)?;

    Ok(HttpResponse::NoContent()
        .insert_header((CACHE_CONTROL, "no-cache"))
        .finish())
}
