//! Successful grants and the shape of their tokens.

use serde_json::json;

use crate::helpers::{
    decode_unverified, kids, spawn_app, text, verify_with_jwks, ADA, ALICE, SERVICE,
};

#[tokio::test]
async fn password_grant_returns_keycloak_shaped_tokens() {
    let app = spawn_app().await;

    let response = app.login(ALICE, "openid").await;

    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_eq!(response.headers()["pragma"], "no-cache");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 300);
    assert_eq!(body["refresh_expires_in"], 1800);
    assert_eq!(body["not-before-policy"], 0);
    assert_eq!(body["scope"], "openid email profile");
    for field in ["access_token", "refresh_token", "id_token", "session_state"] {
        assert!(body[field].is_string(), "{field} missing");
    }
}

#[tokio::test]
async fn access_token_claims_match_keycloak() {
    let app = spawn_app().await;
    let body = app.login_ok(ALICE, "openid").await;

    let claims = verify_with_jwks(
        text(&body, "access_token"),
        &app.jwks().await,
        &app.issuer(),
    )
    .expect("the access token verifies against the JWKS");

    assert_eq!(claims["iss"], app.issuer());
    assert_eq!(claims["aud"], json!(["samples-api", "account"]));
    assert_eq!(claims["typ"], "Bearer");
    assert_eq!(claims["azp"], "samples-web");
    assert_eq!(claims["sid"], body["session_state"]);
    assert_eq!(claims["acr"], "1");
    assert_eq!(claims["scope"], "openid email profile");
    assert_eq!(claims["preferred_username"], "alice");
    assert_eq!(claims["name"], "Alice User");
    assert_eq!(claims["email"], "alice@example.test");
    assert_eq!(claims["email_verified"], true);
    assert!(text(&claims, "jti").starts_with("onrtro:"));
    let realm_roles = claims["realm_access"]["roles"].as_array().unwrap();
    for role in [
        "default-roles-samples",
        "offline_access",
        "uma_authorization",
        "user",
    ] {
        assert!(realm_roles.contains(&json!(role)), "{role} missing");
    }
    assert_eq!(
        claims["resource_access"]["samples-api"]["roles"],
        json!(["reader"])
    );
    assert_eq!(
        claims["resource_access"]["account"]["roles"],
        json!(["view-profile", "manage-account", "manage-account-links"])
    );
    assert!(claims.get("nbf").is_none());
}

#[tokio::test]
async fn the_access_token_header_names_the_active_kid() {
    let app = spawn_app().await;
    let body = app.login_ok(ADA, "openid").await;

    let (header, _) = decode_unverified(text(&body, "access_token"));

    assert_eq!(header["alg"], "RS256");
    assert_eq!(header["typ"], "JWT");
    assert_eq!(kids(&app.jwks().await), [text(&header, "kid")]);
}

#[tokio::test]
async fn subject_ids_are_stable_across_logins_and_servers() {
    let first = spawn_app().await;
    let second = spawn_app().await;

    let one = first.login_ok(ALICE, "openid").await;
    let two = second.login_ok(ALICE, "openid").await;

    let (_, one) = decode_unverified(text(&one, "access_token"));
    let (_, two) = decode_unverified(text(&two, "access_token"));
    assert_eq!(one["sub"], two["sub"]);
}

#[tokio::test]
async fn id_token_is_issued_only_with_the_openid_scope() {
    let app = spawn_app().await;

    let with_openid = app.login_ok(ALICE, "openid").await;
    let without = app.login_ok(ALICE, "").await;

    let id_token = text(&with_openid, "id_token");
    let claims = verify_with_jwks(id_token, &app.jwks().await, &app.issuer()).unwrap();
    assert_eq!(claims["typ"], "ID");
    assert_eq!(claims["aud"], "samples-web");
    assert!(claims["at_hash"].is_string());
    assert!(without.get("id_token").is_none());
    assert_eq!(without["scope"], "email profile");
}

#[tokio::test]
async fn refresh_tokens_are_hs512_and_their_kid_is_not_published() {
    let app = spawn_app().await;
    let body = app.login_ok(ALICE, "openid").await;

    let (header, claims) = decode_unverified(text(&body, "refresh_token"));

    assert_eq!(header["alg"], "HS512");
    assert!(!kids(&app.jwks().await).contains(&text(&header, "kid").to_owned()));
    assert_eq!(claims["typ"], "Refresh");
    assert_eq!(claims["aud"], app.issuer());
    assert_eq!(claims["sid"], body["session_state"]);
}

#[tokio::test]
async fn client_credentials_returns_a_service_account_token() {
    let app = spawn_app().await;

    let body = app.service_token().await;

    assert!(body.get("refresh_token").is_none());
    assert!(body.get("session_state").is_none());
    assert_eq!(body["refresh_expires_in"], 0);
    assert_eq!(body["scope"], "email profile");
    let claims = verify_with_jwks(
        text(&body, "access_token"),
        &app.jwks().await,
        &app.issuer(),
    )
    .unwrap();
    assert_eq!(
        claims["preferred_username"],
        "service-account-samples-service"
    );
    assert_eq!(claims["client_id"], "samples-service");
    assert_eq!(claims["clientAddress"], "127.0.0.1");
    assert_eq!(claims["clientHost"], "127.0.0.1");
    assert_eq!(claims["azp"], "samples-service");
    assert_eq!(claims["aud"], json!(["samples-api", "account"]));
    assert_eq!(claims["email_verified"], false);
    assert!(claims.get("sid").is_none());
    assert!(text(&claims, "jti").starts_with("trrtcc:"));
}

#[tokio::test]
async fn client_credentials_accepts_http_basic_authentication() {
    let app = spawn_app().await;

    let response = app
        .client
        .post(app.oidc_url("samples", "token"))
        .basic_auth(SERVICE.0, Some(SERVICE.1))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn refresh_grant_returns_new_tokens_for_the_same_session() {
    let app = spawn_app().await;
    let login = app.login_ok(ALICE, "openid").await;

    let response = app
        .post_token(&[
            ("grant_type", "refresh_token"),
            ("client_id", "samples-web"),
            ("refresh_token", text(&login, "refresh_token")),
        ])
        .await;

    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["session_state"], login["session_state"]);
    assert_eq!(body["scope"], "openid email profile");
    assert!(body["id_token"].is_string());
    let claims = verify_with_jwks(
        text(&body, "access_token"),
        &app.jwks().await,
        &app.issuer(),
    )
    .unwrap();
    assert!(text(&claims, "jti").starts_with("onrtrt:"));
}
