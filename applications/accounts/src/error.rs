//! Errors of the identity provider, in Keycloak's wire format.
//!
//! Unlike the sample apps, which answer with `application/problem+json`,
//! this crate imitates Keycloak so that Keycloak clients work unchanged:
//! OAuth errors are `{"error": ..., "error_description": ...}` with the
//! status Keycloak uses for each case (which is not always the one
//! RFC 6749 suggests: a wrong client secret is `401 unauthorized_client`).
//! The userinfo endpoint adds an RFC 6750 `WWW-Authenticate` challenge.
//!
//! Every variant maps to its response here, in the one `ResponseError`
//! impl. The description is written for the client; internal causes
//! (`Internal`) are logged and never sent.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

/// Everything a request to the identity provider can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AccountsError {
    /// The path names a realm this server does not serve.
    #[error("realm does not exist")]
    RealmNotFound,
    /// No route matches the path.
    #[error("no such resource")]
    ResourceNotFound,
    /// The path exists but not with this method.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// A required parameter is missing or a parameter is repeated.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The request body is larger than the endpoint accepts.
    #[error("request body too large")]
    BodyTooLarge,
    /// `grant_type` names a grant this server does not implement.
    #[error("unsupported grant type")]
    UnsupportedGrantType,
    /// The request names no client.
    #[error("missing client id")]
    MissingClientId,
    /// The client is unknown or disabled.
    #[error("invalid client")]
    InvalidClient,
    /// A confidential client sent no secret.
    #[error("client secret not provided")]
    MissingClientSecret,
    /// A confidential client sent a wrong secret.
    #[error("invalid client credentials")]
    InvalidClientCredentials,
    /// A bearer-only client asked for a token.
    #[error("bearer-only client")]
    BearerOnlyClient,
    /// The client may not use the password grant.
    #[error("direct access grants disabled")]
    DirectGrantsDisabled,
    /// A public client asked for a service-account token.
    #[error("public client asked for a service account")]
    PublicClientServiceAccount,
    /// A public client tried to introspect a token.
    #[error("public client may not introspect")]
    PublicClientIntrospection,
    /// The client has no service account.
    #[error("service accounts disabled")]
    ServiceAccountsDisabled,
    /// Unknown user or wrong password.
    #[error("invalid user credentials")]
    InvalidUserCredentials,
    /// The user exists but is disabled.
    #[error("account disabled")]
    AccountDisabled,
    /// The user has required actions pending.
    #[error("account not fully set up")]
    AccountNotFullySetUp,
    /// The requested scope names a scope the client cannot have.
    #[error("invalid scopes: {0}")]
    InvalidScope(String),
    /// The refresh token is malformed, forged or expired.
    #[error("invalid refresh token")]
    InvalidRefreshToken,
    /// The refresh token belongs to another client.
    #[error("refresh token issued to another client")]
    RefreshTokenClientMismatch,
    /// The session of the refresh token has ended.
    #[error("session not active")]
    SessionNotActive,
    /// The userinfo request carried no bearer token (RFC 6750 §3.1: a
    /// challenge without an error code).
    #[error("no bearer token")]
    BearerMissing {
        /// Realm named in the challenge.
        realm: String,
    },
    /// The userinfo request's token was refused (RFC 6750 §3.1).
    #[error("bearer token refused: {description}")]
    Bearer {
        /// Realm named in the challenge.
        realm: String,
        /// RFC 6750 error code.
        code: BearerErrorCode,
        /// Short explanation for the client.
        description: String,
    },
    /// A failure on our side; the cause is logged, not sent.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

/// RFC 6750 §3.1 error codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BearerErrorCode {
    /// 400: the request is malformed.
    InvalidRequest,
    /// 401: the token is missing, expired, revoked or forged.
    InvalidToken,
    /// 403: the token lacks a required scope.
    InsufficientScope,
}

impl BearerErrorCode {
    fn as_str(self) -> &'static str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::InvalidToken => "invalid_token",
            Self::InsufficientScope => "insufficient_scope",
        }
    }

    fn status(self) -> StatusCode {
        match self {
            Self::InvalidRequest => StatusCode::BAD_REQUEST,
            Self::InvalidToken => StatusCode::UNAUTHORIZED,
            Self::InsufficientScope => StatusCode::FORBIDDEN,
        }
    }
}

/// The body of every OAuth error response.
#[derive(Debug, Serialize)]
struct OAuthErrorBody<'a> {
    error: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_description: Option<&'a str>,
}

impl AccountsError {
    /// The OAuth error code, status and client-safe description.
    fn parts(&self) -> (StatusCode, &str, Option<String>) {
        use StatusCode as S;
        let text = |value: &str| Some(value.to_owned());
        match self {
            Self::RealmNotFound => (S::NOT_FOUND, "Realm does not exist", None),
            Self::ResourceNotFound => (
                S::NOT_FOUND,
                "Unable to find matching target resource method",
                None,
            ),
            Self::MethodNotAllowed => (S::METHOD_NOT_ALLOWED, "HTTP 405 Method Not Allowed", None),
            Self::InvalidRequest(why) => (S::BAD_REQUEST, "invalid_request", text(why)),
            Self::BodyTooLarge => (
                S::PAYLOAD_TOO_LARGE,
                "HTTP 413 Request Entity Too Large",
                None,
            ),
            Self::UnsupportedGrantType => (
                S::BAD_REQUEST,
                "unsupported_grant_type",
                text("Unsupported grant_type"),
            ),
            Self::MissingClientId | Self::InvalidClient => (
                S::UNAUTHORIZED,
                "invalid_client",
                text("Invalid client or Invalid client credentials"),
            ),
            Self::MissingClientSecret | Self::InvalidClientCredentials => (
                S::UNAUTHORIZED,
                "unauthorized_client",
                text("Invalid client or Invalid client credentials"),
            ),
            Self::BearerOnlyClient => (
                S::BAD_REQUEST,
                "invalid_client",
                text("Bearer-only not allowed"),
            ),
            Self::DirectGrantsDisabled => (
                S::BAD_REQUEST,
                "unauthorized_client",
                text("Client not allowed for direct access grants"),
            ),
            Self::PublicClientServiceAccount => (
                S::UNAUTHORIZED,
                "unauthorized_client",
                text("Public client not allowed to retrieve service account"),
            ),
            Self::PublicClientIntrospection => {
                (S::FORBIDDEN, "invalid_request", text("Client not allowed."))
            }
            Self::ServiceAccountsDisabled => (
                S::UNAUTHORIZED,
                "unauthorized_client",
                text("Client not enabled to retrieve service account"),
            ),
            Self::InvalidUserCredentials => (
                S::BAD_REQUEST,
                "invalid_grant",
                text("Invalid user credentials"),
            ),
            Self::AccountDisabled => (S::BAD_REQUEST, "invalid_grant", text("Account disabled")),
            Self::AccountNotFullySetUp => (
                S::BAD_REQUEST,
                "invalid_grant",
                text("Account is not fully set up"),
            ),
            Self::InvalidScope(scopes) => (
                S::BAD_REQUEST,
                "invalid_scope",
                Some(format!("Invalid scopes: {scopes}")),
            ),
            Self::InvalidRefreshToken => (
                S::BAD_REQUEST,
                "invalid_grant",
                text("Invalid refresh token"),
            ),
            Self::RefreshTokenClientMismatch => (
                S::BAD_REQUEST,
                "invalid_grant",
                text("Invalid refresh token. Token client and authorized client don't match"),
            ),
            Self::SessionNotActive => (S::BAD_REQUEST, "invalid_grant", text("Session not active")),
            Self::BearerMissing { .. } => (S::UNAUTHORIZED, "invalid_request", None),
            Self::Bearer {
                code, description, ..
            } => (code.status(), code.as_str(), Some(description.clone())),
            Self::Internal(_) => (
                S::INTERNAL_SERVER_ERROR,
                "unknown_error",
                text("For more on this error consult the server log."),
            ),
        }
    }
}

impl ResponseError for AccountsError {
    fn status_code(&self) -> StatusCode {
        self.parts().0
    }

    fn error_response(&self) -> HttpResponse {
        let (status, error, description) = self.parts();
        match self {
            Self::Internal(cause) => {
                tracing::error!(error = format!("{cause:#}"), "request failed");
            }
            _ => tracing::debug!(reason = %self, status = status.as_u16(), "request refused"),
        }

        let mut response = HttpResponse::build(status);
        response
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .insert_header((header::PRAGMA, "no-cache"));

        // Keycloak's userinfo puts the error in the challenge only and
        // sends an empty body.
        let challenge = match self {
            Self::BearerMissing { realm } => Some(bearer_challenge(realm, None)),
            Self::Bearer {
                realm,
                code,
                description,
            } => Some(bearer_challenge(realm, Some((*code, description)))),
            _ => None,
        };
        if let Some(challenge) = challenge {
            return response
                .insert_header((header::WWW_AUTHENTICATE, challenge))
                .content_type("text/plain;charset=utf-8")
                .finish();
        }
        let body = OAuthErrorBody {
            error,
            error_description: description.as_deref(),
        };
        response.json(body)
    }
}

/// Builds an RFC 6750 §3 challenge, with an error code and description
/// when a token was presented. Quotes, backslashes and non-printable
/// characters cannot appear in a quoted-string here, so they are dropped.
pub fn bearer_challenge(realm: &str, error: Option<(BearerErrorCode, &str)>) -> HeaderValue {
    let clean = |value: &str| -> String {
        value
            .chars()
            .filter(|c| *c != '"' && *c != '\\' && (' '..='~').contains(c))
            .collect()
    };
    let mut value = format!(r#"Bearer realm="{}""#, clean(realm));
    if let Some((code, description)) = error {
        value.push_str(&format!(
            r#", error="{}", error_description="{}""#,
            code.as_str(),
            clean(description),
        ));
    }
    HeaderValue::from_str(&value).expect("printable ASCII is a valid header")
}

impl From<crate::keys::KeyError> for AccountsError {
    fn from(error: crate::keys::KeyError) -> Self {
        Self::Internal(error.into())
    }
}

#[cfg(test)]
mod tests {
    use actix_web::body::to_bytes;

    use super::*;

    async fn body_of(error: AccountsError) -> (StatusCode, serde_json::Value) {
        let response = error.error_response();
        let status = response.status();
        let bytes = to_bytes(response.into_body()).await.unwrap();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    #[actix_web::test]
    async fn a_wrong_secret_is_401_unauthorized_client_like_keycloak() {
        let (status, body) = body_of(AccountsError::InvalidClientCredentials).await;

        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["error"], "unauthorized_client");
    }

    #[actix_web::test]
    async fn an_unknown_realm_has_no_description() {
        let (status, body) = body_of(AccountsError::RealmNotFound).await;

        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(body, serde_json::json!({"error": "Realm does not exist"}));
    }

    #[actix_web::test]
    async fn internal_causes_are_not_sent() {
        let cause = anyhow::anyhow!("disk on fire at /secret/path");

        let (status, body) = body_of(AccountsError::Internal(cause)).await;

        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!body.to_string().contains("/secret/path"));
    }

    #[test]
    fn a_missing_token_gets_a_challenge_without_error_code() {
        let value = bearer_challenge("samples", None);

        assert_eq!(value.to_str().unwrap(), r#"Bearer realm="samples""#);
    }

    #[test]
    fn challenges_drop_quotes_from_descriptions() {
        let value = bearer_challenge(
            "samples",
            Some((BearerErrorCode::InvalidToken, r#"bad "token""#)),
        );

        assert_eq!(
            value.to_str().unwrap(),
            r#"Bearer realm="samples", error="invalid_token", error_description="bad token""#
        );
    }
}
