//! Form bodies of the OpenID Connect endpoints.
//!
//! Bodies are read by hand rather than with actix's `Form` extractor so
//! that an oversized or malformed body becomes a Keycloak-shaped error
//! instead of actix's plain-text one, and so that repeated parameters can
//! be refused as Keycloak does (`400 invalid_request`).

use actix_web::web;
use futures_util::StreamExt;

use crate::error::AccountsError;

/// Largest form body accepted: 64 KiB.
pub const MAX_FORM_BYTES: usize = 64 * 1024;

/// The decoded parameters of an `application/x-www-form-urlencoded` body.
#[derive(Debug, Default)]
pub struct Form {
    pairs: Vec<(String, String)>,
}

impl Form {
    /// Decodes a form body. Invalid percent-escapes and bytes that are
    /// not UTF-8 decode lossily rather than failing.
    pub fn parse(body: &[u8]) -> Self {
        let pairs = form_urlencoded::parse(body)
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect();
        Self { pairs }
    }

    /// The value of a parameter; an empty value counts as absent.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
            .filter(|value| !value.is_empty())
    }

    /// The value of a required parameter, or Keycloak's
    /// `Missing parameter: {name}` error.
    pub fn require(&self, name: &str) -> Result<&str, AccountsError> {
        self.get(name)
            .ok_or_else(|| AccountsError::InvalidRequest(format!("Missing parameter: {name}")))
    }

    /// Refuses the form when any parameter appears more than once.
    pub fn reject_duplicates(&self) -> Result<(), AccountsError> {
        let mut seen = std::collections::HashSet::with_capacity(self.pairs.len());
        for (name, _) in &self.pairs {
            if !seen.insert(name.as_str()) {
                let message = "duplicated parameter".to_owned();
                tracing::debug!(parameter = %name, "duplicated form parameter");
                return Err(AccountsError::InvalidRequest(message));
            }
        }
        Ok(())
    }
}

/// Reads a form body of at most [`MAX_FORM_BYTES`] and decodes it.
pub async fn read_form(mut payload: web::Payload) -> Result<Form, AccountsError> {
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|error| {
            tracing::debug!(error = %error, "unreadable request body");
            AccountsError::InvalidRequest("Unreadable request body".into())
        })?;
        if body.len() + chunk.len() > MAX_FORM_BYTES {
            return Err(AccountsError::BodyTooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Form::parse(&body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_values_count_as_absent() {
        let form = Form::parse(b"scope=&grant_type=password");

        assert_eq!(form.get("scope"), None);
        assert_eq!(form.get("grant_type"), Some("password"));
    }

    #[test]
    fn percent_escapes_and_plus_decode() {
        let form = Form::parse(b"password=a%26b+c");

        assert_eq!(form.get("password"), Some("a&b c"));
    }

    #[test]
    fn a_repeated_parameter_is_refused() {
        let form = Form::parse(b"scope=a&grant_type=x&scope=b");

        let error = form.reject_duplicates().unwrap_err();

        assert!(matches!(error, AccountsError::InvalidRequest(_)));
    }

    #[test]
    fn garbage_decodes_without_failing() {
        let form = Form::parse(b"%%%&=\xff\xfe&&==");

        assert!(form.get("grant_type").is_none());
    }

    #[test]
    fn a_missing_parameter_names_it() {
        let error = Form::default().require("username").unwrap_err();

        assert_eq!(
            error.to_string(),
            "invalid request: Missing parameter: username"
        );
    }
}
