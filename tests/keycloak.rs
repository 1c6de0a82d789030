//! The samples app against the real Keycloak that `scripts/test` starts
//! (`KEYCLOAK_URL`), with the realm export the development provider also
//! serves. Each test starts its own samples app on 127.0.0.1:0.
//!
//! Key rotation changes the shared server, so it lives in its own test
//! binary, `keycloak_rotation.rs`; cargo runs test binaries one at a time.

mod support;

use support::{
    assert_invalid_token, assert_ok, assert_refused, keycloak_url, spawn_samples, text, Provider,
    ADA, ALICE, API_AUDIENCE,
};

#[actix_web::test]
async fn valid_accepts_a_keycloak_password_grant_token_in_the_header() {
    let keycloak = Provider::keycloak();
    let app = spawn_samples(&keycloak_url(), |_| {}).await;
    let token = keycloak.access_token(ALICE).await;

    let response = app.get_with_token("/api/valid", &token).await;

    assert_ok(response).await;
}

#[actix_web::test]
async fn valid_cookie_accepts_a_keycloak_token_in_the_kc_access_cookie() {
    let keycloak = Provider::keycloak();
    let app = spawn_samples(&keycloak_url(), |_| {}).await;
    let token = keycloak.access_token(ALICE).await;

    let response = app.get_with_cookie("/api/valid-cookie", &token).await;

    assert_ok(response).await;
}

#[actix_web::test]
async fn me_shows_what_the_app_reads_from_a_keycloak_token() {
    let keycloak = Provider::keycloak();
    let app = spawn_samples(&keycloak_url(), |_| {}).await;
    let token = keycloak.access_token(ALICE).await;

    let response = app.get_with_token("/api/me", &token).await;

    assert_eq!(response.status().as_u16(), 200);
    let me: serde_json::Value = response.json().await.unwrap();
    assert_eq!(me["username"], "alice");
    assert!(
        me["realmRoles"]
            .as_array()
            .unwrap()
            .contains(&"user".into()),
        "{me}"
    );
    assert_eq!(
        me["clientRoles"]["samples-api"],
        serde_json::json!(["reader"])
    );
}

#[actix_web::test]
async fn valid_accepts_a_service_account_token_with_the_user_role() {
    let keycloak = Provider::keycloak();
    let app = spawn_samples(&keycloak_url(), |_| {}).await;
    let body = keycloak.service_login().await;

    let response = app
        .get_with_token("/api/valid", text(&body, "access_token"))
        .await;

    assert_ok(response).await;
}

#[actix_web::test]
async fn valid_admin_refuses_a_service_account_token_with_403() {
    let keycloak = Provider::keycloak();
    let app = spawn_samples(&keycloak_url(), |_| {}).await;
    let body = keycloak.service_login().await;

    let response = app
        .get_with_token("/api/valid-admin", text(&body, "access_token"))
        .await;

    assert_refused(
        response,
        403,
        "insufficient-role",
        Some("insufficient_scope"),
    )
    .await;
}

#[actix_web::test]
async fn valid_refuses_a_keycloak_id_token_as_invalid() {
    let keycloak = Provider::keycloak();
    let app = spawn_samples(&keycloak_url(), |_| {}).await;
    let body = keycloak.login(ALICE, "openid").await;

    let response = app
        .get_with_token("/api/valid", text(&body, "id_token"))
        .await;

    assert_invalid_token(response).await;
}

#[actix_web::test]
async fn valid_refuses_a_keycloak_refresh_token_as_invalid() {
    let keycloak = Provider::keycloak();
    let app = spawn_samples(&keycloak_url(), |_| {}).await;
    let body = keycloak.login(ALICE, "openid").await;

    let response = app
        .get_with_token("/api/valid", text(&body, "refresh_token"))
        .await;

    assert_invalid_token(response).await;
}

#[actix_web::test]
async fn valid_admin_refuses_alice_who_lacks_the_admin_role() {
    let keycloak = Provider::keycloak();
    let app = spawn_samples(&keycloak_url(), |_| {}).await;
    let token = keycloak.access_token(ALICE).await;

    let response = app.get_with_token("/api/valid-admin", &token).await;

    assert_refused(
        response,
        403,
        "insufficient-role",
        Some("insufficient_scope"),
    )
    .await;
}

#[actix_web::test]
async fn valid_admin_accepts_ada_who_has_the_admin_role() {
    let keycloak = Provider::keycloak();
    let app = spawn_samples(&keycloak_url(), |_| {}).await;
    let token = keycloak.access_token(ADA).await;

    let response = app.get_with_token("/api/valid-admin", &token).await;

    assert_ok(response).await;
}

#[actix_web::test]
async fn valid_accepts_the_mapped_audience_when_audiences_are_checked() {
    let keycloak = Provider::keycloak();
    let app = spawn_samples(&keycloak_url(), |auth| {
        auth.audiences = vec![API_AUDIENCE.to_owned()];
    })
    .await;
    let token = keycloak.access_token(ALICE).await;

    let response = app.get_with_token("/api/valid", &token).await;

    assert_ok(response).await;
}

#[actix_web::test]
async fn valid_refuses_a_keycloak_token_for_an_audience_it_lacks() {
    let keycloak = Provider::keycloak();
    let app = spawn_samples(&keycloak_url(), |auth| {
        auth.audiences = vec!["another-api".to_owned()];
    })
    .await;
    let token = keycloak.access_token(ALICE).await;

    let response = app.get_with_token("/api/valid", &token).await;

    assert_invalid_token(response).await;
}

#[actix_web::test]
async fn valid_refuses_a_token_of_another_issuer_name() {
    // Keycloak pins its issuer to 127.0.0.1; an app configured with
    // `localhost` reaches the same server but expects another `iss`.
    let keycloak = Provider::keycloak();
    let localhost_url = keycloak_url().replace("127.0.0.1", "localhost");
    let app = spawn_samples(&localhost_url, |_| {}).await;
    let token = keycloak.access_token(ALICE).await;

    let response = app.get_with_token("/api/valid", &token).await;

    assert_invalid_token(response).await;
}
