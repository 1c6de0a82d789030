//! A realm's signing key for tests and benchmarks of the validator: an
//! RS256 key generated on the spot, its JWKS, and tokens it signs.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use api::keys::KeyCache;
use api::metrics::Metrics;
use api::{AuthSettings, Validator};
use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der};
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::KeyPair as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;

/// The realm every validator made here checks tokens against; port 9
/// (discard) because nothing is ever fetched from it.
pub const ISSUER: &str = "http://127.0.0.1:9/realms/samples";

/// A signing key published under `kid`.
pub struct SigningKey {
    kid: String,
    key: EncodingKey,
    /// The JWKS that publishes this key alone.
    pub jwks: serde_json::Value,
}

impl SigningKey {
    /// A new RSA 2048 key.
    pub fn generate(kid: &str) -> Self {
        let pair = KeyPair::generate(KeySize::Rsa2048).unwrap();
        let pkcs8: Pkcs8V1Der = pair.as_der().unwrap();
        let pem = format!(
            "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
            STANDARD.encode(pkcs8.as_ref())
        );
        let public = pair.public_key();
        let b64 = |bytes: &[u8]| URL_SAFE_NO_PAD.encode(bytes);
        let jwks = json!({"keys": [{
            "kid": kid, "kty": "RSA", "alg": "RS256", "use": "sig",
            "n": b64(public.modulus().big_endian_without_leading_zero()),
            "e": b64(public.exponent().big_endian_without_leading_zero()),
        }]});
        let key = EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap();
        Self { kid: kid.to_owned(), key, jwks }
    }

    /// An access token for alice, like Keycloak's, expiring at `exp`.
    pub fn token_expiring_at(&self, exp: u64) -> String {
        self.token_with(exp, json!({}))
    }

    /// As [`SigningKey::token_expiring_at`], with the claims of `extra`
    /// added.
    pub fn token_with(&self, exp: u64, extra: serde_json::Value) -> String {
        let mut claims = json!({
            "exp": exp, "iat": now(), "iss": ISSUER, "aud": "account",
            "sub": "7d1b7a36-1111-4a6e-9d43-0a8d5c0c2a11", "typ": "Bearer",
            "azp": "samples-web", "preferred_username": "alice",
            "realm_access": {"roles": ["default-roles-samples", "user"]},
            "resource_access": {"account": {"roles": ["view-profile"]}},
            "email": "alice@example.test", "name": "Alice User",
            "scope": "openid email profile",
        });
        claims.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, &claims, &self.key).unwrap()
    }

    /// An access token for alice that expires in an hour.
    pub fn token(&self) -> String {
        self.token_expiring_at(now() + 3600)
    }
}

/// A validator for the realm at [`ISSUER`] holding the keys of `jwks`, with
/// a validated-token cache of `cache_size` entries (0: none), as set up
/// by `adjust`.
pub fn validator(
    jwks: serde_json::Value,
    cache_size: usize,
    adjust: impl FnOnce(&mut AuthSettings),
) -> Validator {
    let mut settings = AuthSettings::new("http://127.0.0.1:9", "samples");
    settings.token_cache_size = cache_size;
    adjust(&mut settings);
    let metrics = Arc::new(Metrics::default());
    let keys = Arc::new(KeyCache::new(&settings, metrics.clone()).unwrap());
    keys.install_jwks(jwks).unwrap();
    Validator::new(settings, keys, metrics)
}

pub fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}
