//! The token endpoint.

use actix_web::http::header::{CACHE_CONTROL, PRAGMA};
use actix_web::{web, HttpRequest, HttpResponse};

use crate::error::AccountsError;
use crate::extract::Authorization;
use crate::services::grants::TokenRequest;
use crate::services::Provider;

/// `POST .../protocol/openid-connect/token`: password, client-credentials
/// and refresh grants.
#[tracing::instrument(skip_all, fields(realm = %realm))]
pub async fn post_token(
    realm: web::Path<String>,
    authorization: Authorization,
    request: HttpRequest,
    body: web::Payload,
    provider: web::Data<Provider>,
) -> Result<HttpResponse, AccountsError> {
    let peer = request.peer_addr().map(|address| address.ip());
    let token_request =
        TokenRequest::read(realm.into_inner(), authorization.as_deref(), body, peer).await?;

    let response = provider.token(&token_request)?;

    Ok(HttpResponse::Ok()
        .insert_header((CACHE_CONTROL, "no-store"))
        .insert_header((PRAGMA, "no-cache"))
        .json(response))
}
