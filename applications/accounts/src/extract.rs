//! Request extractors for the `Authorization` header.

use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::http::header::AUTHORIZATION;
use actix_web::{FromRequest, HttpRequest};

/// The raw `Authorization` header value, if any; used for client
/// authentication with HTTP Basic.
#[derive(Debug, Default)]
pub struct Authorization(pub Option<String>);

impl FromRequest for Authorization {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let value = request
            .headers()
            .get(AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        ready(Ok(Self(value)))
    }
}

impl Authorization {
    /// The credentials of a `Bearer` header (RFC 6750 §2.1), if any.
    pub fn bearer(&self) -> Option<&str> {
        let (scheme, token) = self.0.as_deref()?.trim().split_once(' ')?;
        let token = token.trim();
        (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
    }

    /// The header value, for client authentication.
    pub fn as_deref(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bearer_header_yields_its_token() {
        let header = Authorization(Some("Bearer abc.def".into()));

        assert_eq!(header.bearer(), Some("abc.def"));
    }

    #[test]
    fn other_schemes_and_empty_tokens_yield_none() {
        assert_eq!(Authorization(Some("Basic abc".into())).bearer(), None);
        assert_eq!(Authorization(Some("Bearer ".into())).bearer(), None);
        assert_eq!(Authorization(None).bearer(), None);
    }
}
