//! Client authentication at the token and logout endpoints.
//!
//! A client identifies itself with HTTP Basic (`client_secret_basic`,
//! RFC 6749 §2.3.1) or with `client_id` and `client_secret` form fields
//! (`client_secret_post`); Basic wins when both are sent, as in Keycloak.
//! Public clients send only their id. Secrets are compared in constant
//! time, on SHA-256 digests so that their lengths do not leak either.

use aws_lc_rs::{constant_time, digest};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use secrecy::{ExposeSecret, SecretString};

use crate::error::AccountsError;
use crate::form::Form;
use crate::realm::{Client, Realm};

/// The client id and secret a request presented.
#[derive(Debug, Default)]
pub struct ClientCredentials {
    /// The presented client id.
    pub client_id: Option<String>,
    /// The presented secret; redacted in `Debug`.
    pub secret: Option<SecretString>,
}

impl ClientCredentials {
    /// Reads credentials from an `Authorization` header value, falling
    /// back to the form fields.
    pub fn from_request(authorization: Option<&str>, form: &Form) -> Result<Self, AccountsError> {
        if let Some(value) = authorization {
            if let Some(credentials) = parse_basic(value)? {
                return Ok(credentials);
            }
        }
        Ok(Self {
            client_id: form.get("client_id").map(str::to_owned),
            secret: form.get("client_secret").map(SecretString::from),
        })
    }

    /// Authenticates the client against the realm.
    pub fn authenticate<'r>(&self, realm: &'r Realm) -> Result<&'r Client, AccountsError> {
        let client_id = self
            .client_id
            .as_deref()
            .ok_or(AccountsError::MissingClientId)?;
        let client = realm
            .client(client_id)
            .filter(|client| client.enabled)
            .ok_or(AccountsError::InvalidClient)?;
        if client.bearer_only {
            return Err(AccountsError::BearerOnlyClient);
        }
        if client.public_client {
            return Ok(client);
        }

        let presented = self
            .secret
            .as_ref()
            .ok_or(AccountsError::MissingClientSecret)?;
        let expected = client
            .secret
            .as_ref()
            .ok_or(AccountsError::InvalidClientCredentials)?;
        if secrets_match(presented, expected) {
            Ok(client)
        } else {
            Err(AccountsError::InvalidClientCredentials)
        }
    }
}

/// Compares two secrets in constant time.
pub fn secrets_match(presented: &SecretString, expected: &SecretString) -> bool {
    let presented = digest::digest(&digest::SHA256, presented.expose_secret().as_bytes());
    let expected = digest::digest(&digest::SHA256, expected.expose_secret().as_bytes());
    constant_time::verify_slices_are_equal(presented.as_ref(), expected.as_ref()).is_ok()
}

/// Parses `Basic base64(id:secret)`; other schemes give `None`.
fn parse_basic(value: &str) -> Result<Option<ClientCredentials>, AccountsError> {
    let Some((scheme, encoded)) = value.trim().split_once(' ') else {
        return Ok(None);
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return Ok(None);
    }

    let invalid = || AccountsError::InvalidRequest("Invalid authorization header".into());
    let decoded = STANDARD.decode(encoded.trim()).map_err(|_| invalid())?;
    let decoded = String::from_utf8(decoded).map_err(|_| invalid())?;
    let (id, secret) = decoded.split_once(':').ok_or_else(invalid)?;
    Ok(Some(ClientCredentials {
        client_id: Some(percent_decode(id)).filter(|id| !id.is_empty()),
        secret: Some(SecretString::from(percent_decode(secret))),
    }))
}

/// Undoes the form encoding RFC 6749 §2.3.1 applies to Basic
/// credentials; malformed escapes are kept as they are.
fn percent_decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let escaped = bytes
            .get(index + 1..index + 3)
            .filter(|_| bytes[index] == b'%')
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match (bytes[index], escaped) {
            (_, Some(byte)) => {
                decoded.push(byte);
                index += 3;
            }
            (b'+', None) => {
                decoded.push(b' ');
                index += 1;
            }
            (byte, None) => {
                decoded.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic(id: &str, secret: &str) -> String {
        format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")))
    }

    fn realm() -> Realm {
        Realm::embedded().unwrap()
    }

    #[test]
    fn basic_credentials_win_over_form_fields() {
        let form = Form::parse(b"client_id=other&client_secret=x");

        let credentials =
            ClientCredentials::from_request(Some(&basic("samples-service", "s%3Ak")), &form)
                .unwrap();

        assert_eq!(credentials.client_id.as_deref(), Some("samples-service"));
        assert_eq!(credentials.secret.unwrap().expose_secret(), "s:k");
    }

    #[test]
    fn a_confidential_client_with_the_right_secret_authenticates() {
        let form =
            Form::parse(b"client_id=samples-service&client_secret=samples-service-dev-secret");
        let credentials = ClientCredentials::from_request(None, &form).unwrap();

        let realm = realm();
        let client = credentials.authenticate(&realm).unwrap();

        assert_eq!(client.client_id, "samples-service");
    }

    #[test]
    fn a_wrong_secret_is_refused() {
        let header = basic("samples-service", "guess");
        let credentials = ClientCredentials::from_request(Some(&header), &Form::default()).unwrap();

        let error = credentials.authenticate(&realm()).unwrap_err();

        assert!(matches!(error, AccountsError::InvalidClientCredentials));
    }

    #[test]
    fn a_public_client_needs_no_secret() {
        let form = Form::parse(b"client_id=samples-web");
        let credentials = ClientCredentials::from_request(None, &form).unwrap();

        assert!(credentials.authenticate(&realm()).is_ok());
    }

    #[test]
    fn an_unknown_client_is_refused() {
        let form = Form::parse(b"client_id=nobody");
        let credentials = ClientCredentials::from_request(None, &form).unwrap();

        let error = credentials.authenticate(&realm()).unwrap_err();

        assert!(matches!(error, AccountsError::InvalidClient));
    }

    #[test]
    fn garbage_basic_credentials_are_a_bad_request() {
        let result = ClientCredentials::from_request(Some("Basic !!!"), &Form::default());

        assert!(matches!(result, Err(AccountsError::InvalidRequest(_))));
    }

    #[test]
    fn a_bearer_header_falls_back_to_the_form() {
        let form = Form::parse(b"client_id=samples-web");

        let credentials = ClientCredentials::from_request(Some("Bearer abc"), &form).unwrap();

        assert_eq!(credentials.client_id.as_deref(), Some("samples-web"));
    }
}
