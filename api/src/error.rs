//! Errors of the shared crate and their one mapping to HTTP.
//!
//! Every error response is `application/problem+json` ([RFC 9457]) with a
//! `type`, `title`, `status` and a `detail` that is safe to show a client.
//! What the log needs (a rejection reason, a fetch error chain) is logged
//! where the error becomes a response, never put in the body.
//!
//! Authentication failures also carry the RFC 6750 challenge:
//!
//! | condition | status | `WWW-Authenticate` |
//! |---|---|---|
//! | no credentials | 401 | `Bearer realm="…"` |
//! | a malformed `Authorization: Bearer` | 400 | `… error="invalid_request"` |
//! | a bad token | 401 | `… error="invalid_token", error_description="…"` |
//! | a missing role | 403 | `… error="insufficient_scope", scope="…"` |
//! | keys unobtainable | 503 | none, with `Retry-After` |
//!
//! The last row is a design choice: when no key can be had, the token was
//! never judged, so answering 401 would tell a client with a good token to
//! throw it away. 503 with `Retry-After` tells it to come back.
//!
//! [RFC 9457]: https://www.rfc-editor.org/rfc/rfc9457

use std::fmt;
use std::time::Duration;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

/// Media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Why a token was not accepted; the `error_description` a client sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenRejection {
    /// Not three base64url parts, or a header or claims set that is not JSON.
    Malformed,
    /// The header names an algorithm outside the allow-list (`none`, HMAC...).
    AlgorithmNotAllowed,
    /// The header's `kid` is not among the realm's signing keys.
    UnknownKid,
    /// The signature does not verify with the key the header names.
    BadSignature,
    /// `exp` is in the past (beyond the leeway).
    Expired,
    /// `nbf` or `iat` is in the future (beyond the leeway).
    NotYetValid,
    /// `iss` is not the realm or an accepted issuer.
    WrongIssuer,
    /// `aud` names none of the accepted audiences.
    WrongAudience,
    /// `typ` is present and is not `Bearer` (an ID or refresh token).
    WrongTokenType,
    /// A required claim (`exp`, `iss`, `sub`) is absent or of the wrong type.
    MissingClaim,
}

impl TokenRejection {
    /// A short, safe description for `error_description` and the log.
    pub fn description(self) -> &'static str {
        match self {
            Self::Malformed => "the token is malformed",
            Self::AlgorithmNotAllowed => "the token's algorithm is not accepted",
            Self::UnknownKid => "the token was signed by an unknown key",
            Self::BadSignature => "the token's signature is invalid",
            Self::Expired => "the token has expired",
            Self::NotYetValid => "the token is not valid yet",
            Self::WrongIssuer => "the token was issued by another issuer",
            Self::WrongAudience => "the token is meant for another audience",
            Self::WrongTokenType => "the token is not an access token",
            Self::MissingClaim => "the token lacks a required claim",
        }
    }

    /// A stable machine name, used as a log field and a metrics label.
    pub fn reason(self) -> &'static str {
        match self {
            Self::Malformed => "malformed",
            Self::AlgorithmNotAllowed => "algorithm_not_allowed",
            Self::UnknownKid => "unknown_kid",
            Self::BadSignature => "bad_signature",
            Self::Expired => "expired",
            Self::NotYetValid => "not_yet_valid",
            Self::WrongIssuer => "wrong_issuer",
            Self::WrongAudience => "wrong_audience",
            Self::WrongTokenType => "wrong_token_type",
            Self::MissingClaim => "missing_claim",
        }
    }
}

impl fmt::Display for TokenRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.description())
    }
}

/// The error type of the shared crate; apps convert theirs into it.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request carried no credentials for any accepted scheme.
    #[error("authentication is required")]
    MissingCredentials {
        /// The realm named in the challenge.
        realm: String,
    },
    /// A credential was present and was rejected.
    #[error("invalid token: {reason}")]
    InvalidToken {
        /// The realm named in the challenge.
        realm: String,
        /// Why the token was rejected.
        reason: TokenRejection,
    },
    /// The `Authorization: Bearer` header is malformed ([RFC 6750 section
    /// 3.1] `invalid_request`).
    ///
    /// [RFC 6750 section 3.1]: https://www.rfc-editor.org/rfc/rfc6750#section-3.1
    #[error("malformed bearer credentials")]
    InvalidRequest {
        /// The realm named in the challenge.
        realm: String,
    },
    /// The token is valid but lacks a role the operation requires.
    #[error("a required role is missing: {}", roles.join(" "))]
    InsufficientRole {
        /// The realm named in the challenge.
        realm: String,
        /// The roles the operation requires.
        roles: Vec<String>,
    },
    /// The caller is authenticated but may not act on this resource (for
    /// example, it belongs to someone else).
    #[error("forbidden: {detail}")]
    Forbidden {
        /// Safe to show the client.
        detail: String,
    },
    /// No signing key could be had from the identity provider.
    #[error("the identity provider's keys are unavailable")]
    KeysUnavailable {
        /// When a retry makes sense.
        retry_after: Duration,
    },
    /// The request is invalid; `detail` names the offending field.
    #[error("bad request: {detail}")]
    BadRequest {
        /// Safe to show the client.
        detail: String,
    },
    /// The addressed resource does not exist.
    #[error("not found: {detail}")]
    NotFound {
        /// Safe to show the client.
        detail: String,
    },
    /// The method is not declared for this path.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// The body is larger than the documented limit.
    #[error("payload too large: {detail}")]
    PayloadTooLarge {
        /// Safe to show the client.
        detail: String,
    },
    /// The body's media type is not one the operation accepts.
    #[error("unsupported media type: {detail}")]
    UnsupportedMediaType {
        /// Safe to show the client.
        detail: String,
    },
    /// A dependency (a database) is down; nothing was changed.
    #[error("service unavailable: {detail}")]
    Unavailable {
        /// Safe to show the client.
        detail: String,
        /// When a retry makes sense.
        retry_after: Duration,
    },
    /// Our fault. The source goes to the log, never to the client.
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl ApiError {
    /// Wraps any error as an internal one.
    pub fn internal(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self::Internal(error.into())
    }

    /// A 400 naming the offending input.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::BadRequest { detail: detail.into() }
    }

    fn problem(&self) -> (&'static str, &'static str, String) {
        match self {
            Self::MissingCredentials { .. } => (
                "authentication-required",
                "Authentication required",
                "This operation needs an access token: a bearer token, or the cookie its \
                 spec names."
                    .into(),
            ),
            Self::InvalidToken { reason, .. } => {
                ("invalid-token", "Invalid token", capitalise(reason.description()))
            }
            Self::InvalidRequest { .. } => (
                "invalid-request",
                "Invalid request",
                "The Authorization header must be `Bearer <token>`.".into(),
            ),
            Self::InsufficientRole { roles, .. } => (
                "insufficient-role",
                "Forbidden",
                format!("This operation requires the role(s): {}.", roles.join(", ")),
            ),
            Self::Forbidden { detail } => ("forbidden", "Forbidden", detail.clone()),
            Self::KeysUnavailable { .. } => (
                "keys-unavailable",
                "Identity provider unavailable",
                "Tokens cannot be checked right now; retry later.".into(),
            ),
            Self::BadRequest { detail } => ("bad-request", "Bad request", detail.clone()),
            Self::NotFound { detail } => ("not-found", "Not found", detail.clone()),
            Self::MethodNotAllowed => (
                "method-not-allowed",
                "Method not allowed",
                "This path does not declare that method.".into(),
            ),
            Self::PayloadTooLarge { detail } => {
                ("payload-too-large", "Payload too large", detail.clone())
            }
            Self::UnsupportedMediaType { detail } => {
                ("unsupported-media-type", "Unsupported media type", detail.clone())
            }
            Self::Unavailable { detail, .. } => {
                ("unavailable", "Service unavailable", detail.clone())
            }
            Self::Internal(_) => (
                "internal",
                "Internal server error",
                "The server failed to handle the request; it has been logged.".into(),
            ),
        }
    }

    /// The RFC 6750 challenge, with comma-separated parameters as in its
    /// section 3 (strict clients cannot parse space-separated ones).
    fn challenge(&self) -> Option<String> {
        let (realm, params): (&str, Vec<(&str, String)>) = match self {
            Self::MissingCredentials { realm } => (realm, vec![]),
            Self::InvalidToken { realm, reason } => (realm, vec![
                ("error", "invalid_token".to_owned()),
                ("error_description", reason.description().to_owned()),
            ]),
            Self::InvalidRequest { realm } => (realm, vec![
                ("error", "invalid_request".to_owned()),
                ("error_description", "malformed bearer credentials".to_owned()),
            ]),
            Self::InsufficientRole { realm, roles } => (realm, vec![
                ("error", "insufficient_scope".to_owned()),
                ("scope", roles.join(" ")),
            ]),
            _ => return None,
        };
        let mut challenge = format!("Bearer realm={}", quoted(realm));
        for (name, value) in params {
            challenge.push_str(&format!(", {name}={}", quoted(&value)));
        }
        Some(challenge)
    }

    fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::KeysUnavailable { retry_after } | Self::Unavailable { retry_after, .. } => {
                Some(*retry_after)
            }
            _ => None,
        }
    }
}

fn quoted(value: &str) -> String {
    let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{escaped}\"")
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).chain(['.']).collect(),
        None => String::new(),
    }
}

/// The problem+json body ([RFC 9457 section 3]).
///
/// [RFC 9457 section 3]: https://www.rfc-editor.org/rfc/rfc9457#section-3
#[derive(Debug, Serialize)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind of problem.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong with this request; safe to show the client.
    pub detail: String,
}

/// The URI prefix of every problem `type` this project answers with.
pub const PROBLEM_TYPE_PREFIX: &str = "urn:samples:problem:";

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::MissingCredentials { .. } | Self::InvalidToken { .. } => {
                StatusCode::UNAUTHORIZED
            }
            Self::InsufficientRole { .. } | Self::Forbidden { .. } => StatusCode::FORBIDDEN,
            Self::KeysUnavailable { .. } | Self::Unavailable { .. } => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Self::BadRequest { .. } | Self::InvalidRequest { .. } => StatusCode::BAD_REQUEST,
            Self::NotFound { .. } => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        if let Self::Internal(source) = self {
            tracing::error!(error = %source, error.chain = ?source, "request failed");
        }

        let (kind, title, detail) = self.problem();
        let body = Problem {
            kind: format!("{PROBLEM_TYPE_PREFIX}{kind}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail,
        };

        let mut response = HttpResponse::build(status);
        response.content_type(PROBLEM_JSON);
        response.insert_header((header::CACHE_CONTROL, "no-store"));
        if let Some(challenge) = self.challenge() {
            response.insert_header((header::WWW_AUTHENTICATE, challenge));
        }
        if let Some(after) = self.retry_after() {
            let seconds = after.as_secs().max(1).to_string();
            if let Ok(value) = HeaderValue::from_str(&seconds) {
                response.insert_header((header::RETRY_AFTER, value));
            }
        }
        response.json(body)
    }
}

#[cfg(test)]
mod tests {
    use actix_web::body::to_bytes;

    use super::*;

    fn challenge_of(error: &ApiError) -> String {
        let response = error.error_response();
        let value = response.headers().get(header::WWW_AUTHENTICATE);
        value.map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
    }

    #[test]
    fn missing_credentials_challenge_has_no_error_code() {
        let error = ApiError::MissingCredentials { realm: "samples".into() };

        let challenge = challenge_of(&error);

        assert_eq!(challenge, r#"Bearer realm="samples""#);
    }

    #[test]
    fn invalid_token_challenge_names_the_error_and_reason() {
        let reason = TokenRejection::Expired;
        let error = ApiError::InvalidToken { realm: "samples".into(), reason };

        let challenge = challenge_of(&error);

        assert!(challenge.contains(r#"error="invalid_token""#), "{challenge}");
        assert!(challenge.contains("the token has expired"), "{challenge}");
    }

    #[test]
    fn insufficient_role_is_403_with_the_scope_named() {
        let roles = vec!["admin".to_owned()];
        let error = ApiError::InsufficientRole { realm: "samples".into(), roles };

        let challenge = challenge_of(&error);

        assert_eq!(error.status_code(), StatusCode::FORBIDDEN);
        assert!(challenge.contains(r#"error="insufficient_scope""#));
        assert!(challenge.contains(r#"scope="admin""#));
    }

    #[actix_web::test]
    async fn internal_errors_leak_nothing_of_their_source() {
        let error = ApiError::internal("database password is hunter2");

        let response = error.error_response();
        let body = to_bytes(response.into_body()).await.unwrap();

        let text = String::from_utf8(body.to_vec()).unwrap();
        assert!(!text.contains("hunter2"));
        assert!(text.contains("urn:samples:problem:internal"));
    }

    #[test]
    fn keys_unavailable_is_503_with_retry_after_and_no_challenge() {
        let error = ApiError::KeysUnavailable { retry_after: Duration::from_secs(7) };

        let response = error.error_response();

        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers().get(header::RETRY_AFTER).unwrap(), "7");
        assert!(response.headers().get(header::WWW_AUTHENTICATE).is_none());
    }
}
