//! Operations of the `samples` tag.

use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

use actix_web::web::Json;
use api::{ApiError, User};
use serde::Serialize;

use crate::error::SamplesError;

/// Returns the current time in seconds since the epoch.
#[tracing::instrument(skip_all)]
pub async fn get_ping() -> Result<Json<u64>, ApiError> {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_err(ApiError::internal)?;

    Ok(Json(now.as_secs()))
}

/// Fails on purpose, to show how an unexpected error is answered.
#[tracing::instrument(skip_all)]
pub async fn get_error() -> Result<Json<()>, ApiError> {
    Err(SamplesError::Deliberate.into())
}

/// Returns "OK!" for a valid bearer token.
#[tracing::instrument(skip_all, fields(subject = user.id()))]
pub async fn get_valid(user: User) -> Json<&'static str> {
    Json("OK!")
}

/// Returns "OK!" for a valid token in the kc-access cookie.
#[tracing::instrument(skip_all, fields(subject = user.id()))]
pub async fn get_valid_cookie(user: User) -> Json<&'static str> {
    Json("OK!")
}

/// Returns "OK!" for a valid bearer token carrying the admin role.
#[tracing::instrument(skip_all, fields(subject = user.id()))]
pub async fn get_valid_admin(user: User) -> Json<&'static str> {
    Json("OK!")
}

/// The calling user, as the `User` extractor sees it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Me<'a> {
    id: &'a str,
    username: &'a str,
    email: Option<&'a str>,
    name: Option<&'a str>,
    realm_roles: &'a [String],
    client_roles: &'a HashMap<String, Vec<String>>,
}

/// Returns the calling user as the auth extractor sees it.
#[tracing::instrument(skip_all, fields(subject = user.id()))]
pub async fn get_me(user: User) -> Json<serde_json::Value> {
    let me = Me {
        id: user.id(),
        username: user.username(),
        email: user.email(),
        name: user.name(),
        realm_roles: user.realm_roles(),
        client_roles: user.client_roles(),
    };

    Json(serde_json::to_value(me).unwrap_or_default())
}
