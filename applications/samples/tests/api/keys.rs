//! The key cache against a realm whose keys change and whose server fails.

use std::time::Duration;

use futures_util::future::join_all;
use serde_json::json;

use crate::helpers::{
    assert_problem, claims, settings_for, shared_key, spawn_app, spawn_app_with, KeyServer,
};

#[actix_web::test]
async fn a_rotated_key_is_picked_up_without_restart() {
    let app = spawn_app().await;
    let old_token = app.token();
    assert_eq!(app.get_with_token("/api/valid", &old_token).await.status(), 200);

    let next = shared_key("key-2");
    app.realm.publish(vec![next.clone()]);
    let new_token = next.sign(&claims(&app.realm.issuer()));
    let response = app.get_with_token("/api/valid", &new_token).await;

    assert_eq!(response.status().as_u16(), 200);
    let response = app.get_with_token("/api/valid", &old_token).await;
    assert_problem(response, 401, "invalid-token").await;
}

#[actix_web::test]
async fn an_unknown_kid_is_rejected_after_one_refresh() {
    let app = spawn_app().await;
    app.get_with_token("/api/valid", &app.token()).await;
    let before = app.realm.jwks_fetches();

    let stranger = shared_key("stranger");
    let token = stranger.sign(&claims(&app.realm.issuer()));
    let response = app.get_with_token("/api/valid", &token).await;

    let challenge = assert_problem(response, 401, "invalid-token").await;
    assert!(challenge.contains("unknown key"), "{challenge}");
    assert_eq!(app.realm.jwks_fetches(), before + 1);
}

#[actix_web::test]
async fn a_warm_cache_keeps_serving_while_the_key_server_is_down() {
    let app = spawn_app().await;
    assert_eq!(app.get_with_token("/api/valid", &app.token()).await.status(), 200);

    app.realm.set_up(false);
    let fresh_token = app.token();
    let response = app.get_with_token("/api/valid", &fresh_token).await;

    assert_eq!(response.status().as_u16(), 200);
}

#[actix_web::test]
async fn a_cold_cache_answers_503_with_retry_after_when_keys_are_unobtainable() {
    let app = spawn_app_with(|settings| {
        settings.auth.kid_cooldown = Duration::from_secs(10);
        settings.auth.url = "http://127.0.0.1:9".into();
        settings.auth.issuers = vec!["http://127.0.0.1:9/realms/samples".into()];
    }).await;
    let token = app.key.sign(&claims("http://127.0.0.1:9/realms/samples"));

    let response = app.get_with_token("/api/valid", &token).await;

    let retry_after = response.headers().get("retry-after").cloned();
    let challenge = assert_problem(response, 503, "keys-unavailable").await;
    assert!(challenge.is_empty(), "a 503 carries no challenge");
    let seconds: u64 = retry_after.unwrap().to_str().unwrap().parse().unwrap();
    assert!((1..=10).contains(&seconds));
}

#[actix_web::test]
async fn the_realm_public_key_is_used_when_the_jwks_is_unusable_from_the_start() {
    let key = shared_key("key-1");
    let realm = KeyServer::start(vec![key.clone()]).await;
    realm.state.lock().unwrap().jwks_broken = true;
    let app = samples::build(&settings_for(&realm)).unwrap();
    let address = format!("http://127.0.0.1:{}", app.port());
    actix_web::rt::spawn(app.run_until_stopped());

    let token = key.sign(&claims(&realm.issuer()));
    let response = reqwest::Client::new().get(format!("{address}/api/valid"))
        .bearer_auth(token).send().await.unwrap();

    assert_eq!(response.status().as_u16(), 200);
    assert!(realm.state.lock().unwrap().realm_fetches >= 1);
}

#[actix_web::test]
async fn a_flood_of_unknown_kids_costs_at_most_one_fetch_per_cooldown() {
    let app = spawn_app_with(|settings| {
        settings.auth.kid_cooldown = Duration::from_secs(30);
    }).await;
    assert_eq!(app.get_with_token("/api/valid", &app.token()).await.status(), 200);
    let before = app.realm.jwks_fetches();

    let key = shared_key("flood");
    let requests = (0..100).map(|n| {
        let mut key = key.clone();
        key.kid = format!("random-{n}");
        let token = key.sign(&claims(&app.realm.issuer()));
        let request = app.client.get(app.url("/api/valid")).bearer_auth(token).send();
        async move { request.await.unwrap().status().as_u16() }
    });
    let statuses = join_all(requests).await;

    assert!(statuses.iter().all(|status| *status == 401));
    assert!(app.realm.jwks_fetches() - before <= 1, "fetches: {}", app.realm.jwks_fetches());
}

#[actix_web::test]
async fn concurrent_unknown_kids_share_one_refresh() {
    let app = spawn_app().await;
    assert_eq!(app.get_with_token("/api/valid", &app.token()).await.status(), 200);
    let before = app.realm.jwks_fetches();
    let next = shared_key("key-3");
    app.realm.publish(vec![app.key.clone(), next.clone()]);

    let token = next.sign(&claims(&app.realm.issuer()));
    let requests = (0..20).map(|_| {
        let request = app.client.get(app.url("/api/valid")).bearer_auth(&token).send();
        async move { request.await.unwrap().status().as_u16() }
    });
    let statuses = join_all(requests).await;

    assert!(statuses.iter().all(|status| *status == 200), "{statuses:?}");
    let fetches = app.realm.jwks_fetches() - before;
    assert!(fetches <= 2, "one refresh expected, saw {fetches}");
}

/// Sends `token` three times on one connection, so one worker: the first
/// validation fills the shared cache, the second makes the worker's own
/// copy, the third is answered from that copy.
async fn warm_every_cache(app: &crate::helpers::TestApp, token: &str) {
    for _ in 0..3 {
        assert_eq!(app.get_with_token("/api/valid", token).await.status(), 200);
    }
}

#[actix_web::test]
async fn a_cached_validation_never_outlives_its_token() {
    let app = spawn_app_with(|settings| {
        settings.auth.leeway = Duration::ZERO;
    }).await;
    let expiry = crate::helpers::now() + 2;
    let token = app.token_with(|claims| claims["exp"] = json!(expiry));
    warm_every_cache(&app, &token).await;

    tokio::time::sleep(Duration::from_millis(3100)).await;
    let response = app.get_with_token("/api/valid", &token).await;

    assert_problem(response, 401, "invalid-token").await;
}

#[actix_web::test]
async fn a_cached_validation_ends_when_its_kid_is_republished_with_another_key() {
    let app = spawn_app().await;
    let token = app.token();
    warm_every_cache(&app, &token).await;

    let mut impostor = shared_key("impostor");
    impostor.kid = app.key.kid.clone();
    impostor.jwk["kid"] = json!(app.key.kid);
    app.realm.publish(vec![impostor]);
    let unknown = shared_key("stranger").sign(&claims(&app.realm.issuer()));
    app.get_with_token("/api/valid", &unknown).await;
    let response = app.get_with_token("/api/valid", &token).await;

    assert_problem(response, 401, "invalid-token").await;
}

#[actix_web::test]
async fn a_jwks_outage_never_shrinks_a_warm_key_set_to_the_legacy_key() {
    let app = spawn_app().await;
    let second = shared_key("key-2");
    app.realm.publish(vec![app.key.clone(), second.clone()]);
    let second_token = second.sign(&claims(&app.realm.issuer()));
    assert_eq!(app.get_with_token("/api/valid", &second_token).await.status(), 200);

    app.realm.state.lock().unwrap().jwks_broken = true;
    let unknown = shared_key("stranger").sign(&claims(&app.realm.issuer()));
    app.get_with_token("/api/valid", &unknown).await;
    let first = app.get_with_token("/api/valid", &app.token()).await;
    let fresh_second = second.sign(&claims(&app.realm.issuer()));
    let second = app.get_with_token("/api/valid", &fresh_second).await;

    assert_eq!(first.status().as_u16(), 200);
    assert_eq!(second.status().as_u16(), 200);
}
