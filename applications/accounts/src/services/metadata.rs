//! The realm's public documents: realm info, discovery and JWKS.

use serde::Serialize;

use super::Provider;
use crate::epoch_seconds;
use crate::error::AccountsError;

/// `GET /realms/{realm}`: Keycloak's `PublishedRealmRepresentation`.
#[derive(Debug, Serialize)]
pub struct RealmInfo {
    /// The realm's name.
    pub realm: String,
    /// The active RSA key, base64 DER SubjectPublicKeyInfo without PEM
    /// armour.
    pub public_key: String,
    /// Base URL of the OpenID Connect endpoints.
    #[serde(rename = "token-service")]
    pub token_service: String,
    /// URL of the account console.
    #[serde(rename = "account-service")]
    pub account_service: String,
    /// The realm's not-before policy, epoch seconds.
    #[serde(rename = "tokens-not-before")]
    pub tokens_not_before: i64,
}

/// One key of the JWKS (RFC 7517 §4).
///
/// Limitation: no `x5c`/`x5t`/`x5t#S256` members and no `use: "enc"`
/// RSA-OAEP key, both of which Keycloak publishes; a self-signed
/// certificate per key (e.g. with the `rcgen` crate) would add the first,
/// and token encryption support the second.
#[derive(Debug, Serialize)]
pub struct Jwk {
    /// Key id, as in token headers.
    pub kid: String,
    /// Always `RSA`.
    pub kty: &'static str,
    /// Always `RS256`.
    pub alg: &'static str,
    /// Always `sig`.
    #[serde(rename = "use")]
    pub usage: &'static str,
    /// Modulus, base64url.
    pub n: String,
    /// Exponent, base64url.
    pub e: String,
}

/// The JWKS document.
#[derive(Debug, Serialize)]
pub struct Jwks {
    /// Active key first, then passive keys.
    pub keys: Vec<Jwk>,
}

/// Grants the token endpoint implements.
const GRANT_TYPES: [&str; 3] = ["password", "client_credentials", "refresh_token"];

impl Provider {
    /// The realm's public info.
    pub fn realm_info(&self, realm: &str) -> Result<RealmInfo, AccountsError> {
        let realm = self.realm(realm)?;
        let base = format!("{}/realms/{}", self.base_url(), realm.name);
        Ok(RealmInfo {
            realm: realm.name.clone(),
            public_key: self.keys().active.public_key_der.clone(),
            token_service: format!("{base}/protocol/openid-connect"),
            account_service: format!("{base}/account"),
            tokens_not_before: realm.not_before,
        })
    }

    /// The signing keys to publish: active, then passive in their grace.
    pub fn jwks(&self, realm: &str) -> Result<Jwks, AccountsError> {
        self.realm(realm)?;
        let keys = self.keys();
        let published = keys.published(epoch_seconds()).map(|key| Jwk {
            kid: key.kid.clone(),
            kty: "RSA",
            alg: "RS256",
            usage: "sig",
            n: key.modulus.clone(),
            e: key.exponent.clone(),
        });
        Ok(Jwks {
            keys: published.collect(),
        })
    }

    /// OpenID Connect Discovery 1.0 metadata, naming only what this
    /// server implements, with Keycloak's paths.
    ///
    /// Limitation: `authorization_endpoint` is published because the
    /// specification requires it, but there is no browser login; that
    /// path answers 404. An authorization-code flow with a login form
    /// would lift this.
    pub fn openid_configuration(&self, realm: &str) -> Result<serde_json::Value, AccountsError> {
        self.realm(realm)?;
        let issuer = self.issuer();
        let endpoint = |path: &str| format!("{issuer}/protocol/openid-connect/{path}");
        Ok(serde_json::json!({
            "issuer": issuer,
            "authorization_endpoint": endpoint("auth"),
            "token_endpoint": endpoint("token"),
            "introspection_endpoint": endpoint("token/introspect"),
            "userinfo_endpoint": endpoint("userinfo"),
            "end_session_endpoint": endpoint("logout"),
            "jwks_uri": endpoint("certs"),
            "grant_types_supported": GRANT_TYPES,
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "userinfo_signing_alg_values_supported": ["none"],
            "token_endpoint_auth_methods_supported":
                ["client_secret_basic", "client_secret_post"],
            "introspection_endpoint_auth_methods_supported":
                ["client_secret_basic", "client_secret_post"],
            "claims_supported": [
                "aud", "sub", "iss", "auth_time", "name", "given_name",
                "family_name", "preferred_username", "email", "acr",
            ],
            "claim_types_supported": ["normal"],
            "claims_parameter_supported": false,
            "scopes_supported": [
                "openid", "profile", "email", "roles", "web-origins", "acr",
                "basic", "offline_access", "address", "phone",
                "microprofile-jwt",
            ],
            "request_parameter_supported": false,
            "request_uri_parameter_supported": false,
            "backchannel_logout_supported": false,
            "frontchannel_logout_supported": false,
        }))
    }
}
