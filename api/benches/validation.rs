//! The token validation path: first sight of a token (signature and claim
//! checks) against a token seen before (answered from the cache).
//!
//! Run with `cargo bench -p api --bench validation`; `scripts/bench.sh`
//! runs it together with the HTTP benchmark.

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
use criterion::{criterion_group, criterion_main, Criterion};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;

const ISSUER: &str = "http://127.0.0.1:9/realms/samples";

fn signing_key() -> (EncodingKey, serde_json::Value) {
    let pair = KeyPair::generate(KeySize::Rsa2048).unwrap();
    let pkcs8: Pkcs8V1Der = pair.as_der().unwrap();
    let pem = format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
        STANDARD.encode(pkcs8.as_ref())
    );
    let public = pair.public_key();
    let b64 = |bytes: &[u8]| URL_SAFE_NO_PAD.encode(bytes);
    let jwks = json!({"keys": [{
        "kid": "bench", "kty": "RSA", "alg": "RS256", "use": "sig",
        "n": b64(public.modulus().big_endian_without_leading_zero()),
        "e": b64(public.exponent().big_endian_without_leading_zero()),
    }]});
    (EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap(), jwks)
}

fn validator(cache_size: usize, jwks: serde_json::Value) -> Validator {
    let mut settings = AuthSettings::new("http://127.0.0.1:9", "samples");
    settings.token_cache_size = cache_size;
    let metrics = Arc::new(Metrics::default());
    let keys = Arc::new(KeyCache::new(&settings, metrics.clone()).unwrap());
    keys.install_jwks(jwks).unwrap();
    Validator::new(settings, keys, metrics)
}

fn token(key: &EncodingKey) -> String {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    let claims = json!({
        "exp": now + 3600, "iat": now, "iss": ISSUER, "aud": "account",
        "sub": "7d1b7a36-1111-4a6e-9d43-0a8d5c0c2a11", "typ": "Bearer",
        "azp": "samples-web", "preferred_username": "alice",
        "realm_access": {"roles": ["default-roles-samples", "user"]},
        "resource_access": {"account": {"roles": ["view-profile"]}},
        "email": "alice@example.test", "name": "Alice User", "scope": "openid email profile",
    });
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some("bench".into());
    jsonwebtoken::encode(&header, &claims, key).unwrap()
}

fn validation(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let (key, jwks) = signing_key();
    let token = token(&key);

    let uncached = validator(0, jwks.clone());
    c.bench_function("validate: first sight (signature + claims)", |b| {
        b.iter(|| runtime.block_on(uncached.validate(&token)).unwrap())
    });

    let cached = validator(10_000, jwks);
    runtime.block_on(cached.validate(&token)).unwrap();
    c.bench_function("validate: seen before (cache hit)", |b| {
        b.iter(|| runtime.block_on(cached.validate(&token)).unwrap())
    });
}

criterion_group!(benches, validation);
criterion_main!(benches);
