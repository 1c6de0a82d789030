//! The validated-token cache, with each worker's copies in front of it,
//! holds a token's answer only while it would still be given.
//!
//! Every test validates a token three times first: the first sight fills
//! the shared cache, the second copies the user into this thread's slots,
//! the third is answered from them.

#[path = "common/signing.rs"]
mod signing;

use std::time::Duration;

use api::{ApiError, TokenRejection, Validator};
use serde_json::json;

use signing::{now, validator, SigningKey};

async fn accepted_three_times(validator: &Validator, token: &str) {
    for _ in 0..3 {
        let user = validator.validate(token).await.expect("a valid token");
        assert_eq!(user.username(), "alice");
    }
}

fn rejection(result: Result<api::User, ApiError>) -> TokenRejection {
    match result {
        Err(ApiError::InvalidToken { reason, .. }) => reason,
        other => panic!("expected an invalid-token rejection, got {other:?}"),
    }
}

/// Accepts the token `make` signs three times, republishes the kid with
/// another key, and expects the token refused.
async fn refused_once_its_kid_is_republished(make: impl Fn(&SigningKey) -> String) {
    let key = SigningKey::generate("k1");
    let validator = validator(key.jwks.clone(), 100, |_| {});
    let token = make(&key);
    accepted_three_times(&validator, &token).await;

    let impostor = SigningKey::generate("k1");
    validator.keys().install_jwks(impostor.jwks.clone()).unwrap();

    let result = validator.validate(&token).await;
    assert_eq!(rejection(result), TokenRejection::BadSignature);
}

#[actix_web::test]
async fn a_copy_ends_when_its_kid_is_republished_with_another_key() {
    refused_once_its_kid_is_republished(SigningKey::token).await;
}

#[actix_web::test]
async fn a_token_too_long_to_copy_is_held_to_the_same_rules() {
    let padding = json!({"padding": "x".repeat(5000)});
    refused_once_its_kid_is_republished(|key| key.token_with(now() + 3600, padding.clone())).await;
}

#[actix_web::test]
async fn a_copy_survives_a_refresh_that_keeps_its_key() {
    let key = SigningKey::generate("k1");
    let validator = validator(key.jwks.clone(), 100, |_| {});
    let token = key.token();
    accepted_three_times(&validator, &token).await;

    validator.keys().install_jwks(key.jwks.clone()).unwrap();

    accepted_three_times(&validator, &token).await;
}

#[actix_web::test]
async fn a_copy_never_outlives_its_token() {
    let key = SigningKey::generate("k1");
    let validator = validator(key.jwks.clone(), 100, |settings| {
        settings.leeway = Duration::ZERO;
    });
    let token = key.token_expiring_at(now() + 1);
    accepted_three_times(&validator, &token).await;

    tokio::time::sleep(Duration::from_millis(2100)).await;

    let result = validator.validate(&token).await;
    assert_eq!(rejection(result), TokenRejection::Expired);
}

#[actix_web::test]
async fn a_token_altered_before_its_tail_never_hits_a_copy() {
    let key = SigningKey::generate("k1");
    let validator = validator(key.jwks.clone(), 100, |_| {});
    let token = key.token();
    accepted_three_times(&validator, &token).await;

    // Same length and same last bytes (the slot), another payload byte.
    let payload = token.find('.').unwrap() + 5;
    let mut altered = token.clone().into_bytes();
    altered[payload] = if altered[payload] == b'A' { b'B' } else { b'A' };
    let altered = String::from_utf8(altered).unwrap();

    let result = validator.validate(&altered).await;
    assert!(matches!(result, Err(ApiError::InvalidToken { .. })), "{result:?}");
}

#[actix_web::test]
async fn validators_on_one_thread_never_share_copies() {
    let key = SigningKey::generate("k1");
    let trusting = validator(key.jwks.clone(), 100, |_| {});
    let token = key.token();
    accepted_three_times(&trusting, &token).await;

    let stranger = SigningKey::generate("k1");
    let other = validator(stranger.jwks.clone(), 100, |_| {});

    let result = other.validate(&token).await;
    assert_eq!(rejection(result), TokenRejection::BadSignature);
}
