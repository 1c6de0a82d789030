//! Refused token requests: Keycloak's statuses and error bodies.

use serde_json::{json, Value};

use crate::helpers::{spawn_app, text, TestApp, ALICE, SERVICE};

async fn error_of(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

fn keycloak_error(error: &str, description: &str) -> Value {
    json!({"error": error, "error_description": description})
}

/// Asserts Keycloak's error answer: this status and this JSON body.
async fn assert_keycloak_error(
    response: reqwest::Response,
    status: u16,
    error: &str,
    description: &str,
) {
    let (actual, body) = error_of(response).await;
    assert_eq!(actual, status);
    assert_eq!(body, keycloak_error(error, description));
}

async fn post_raw(app: &TestApp, body: impl Into<reqwest::Body>) -> reqwest::Response {
    app.client
        .post(app.oidc_url("samples", "token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_wrong_password_is_400_invalid_grant() {
    let app = spawn_app().await;

    let (status, body) = error_of(app.login((ALICE.0, "wrong"), "openid").await).await;

    assert_eq!(status, 400);
    assert_eq!(
        body,
        keycloak_error("invalid_grant", "Invalid user credentials")
    );
}

#[tokio::test]
async fn an_unknown_user_gets_the_same_answer_as_a_wrong_password() {
    let app = spawn_app().await;

    let (status, body) = error_of(app.login(("mallory", "x"), "openid").await).await;

    assert_eq!(status, 400);
    assert_eq!(
        body,
        keycloak_error("invalid_grant", "Invalid user credentials")
    );
}

#[tokio::test]
async fn client_credentials_on_a_public_client_is_401_unauthorized_client() {
    let app = spawn_app().await;

    let response = app
        .post_token(&[
            ("grant_type", "client_credentials"),
            ("client_id", "samples-web"),
        ])
        .await;

    assert_keycloak_error(
        response,
        401,
        "unauthorized_client",
        "Public client not allowed to retrieve service account",
    )
    .await;
}

#[tokio::test]
async fn a_wrong_client_secret_is_401_unauthorized_client() {
    let app = spawn_app().await;

    let response = app
        .post_token(&[
            ("grant_type", "client_credentials"),
            ("client_id", SERVICE.0),
            ("client_secret", "guess"),
        ])
        .await;

    assert_keycloak_error(
        response,
        401,
        "unauthorized_client",
        "Invalid client or Invalid client credentials",
    )
    .await;
}

#[tokio::test]
async fn an_unknown_client_is_401_invalid_client() {
    let app = spawn_app().await;

    let response = app
        .post_token(&[
            ("grant_type", "client_credentials"),
            ("client_id", "nobody"),
        ])
        .await;

    assert_keycloak_error(
        response,
        401,
        "invalid_client",
        "Invalid client or Invalid client credentials",
    )
    .await;
}

#[tokio::test]
async fn password_grant_on_a_client_without_direct_grants_is_refused() {
    let app = spawn_app().await;

    let response = app
        .post_token(&[
            ("grant_type", "password"),
            ("client_id", SERVICE.0),
            ("client_secret", SERVICE.1),
            ("username", ALICE.0),
            ("password", ALICE.1),
        ])
        .await;

    assert_keycloak_error(
        response,
        400,
        "unauthorized_client",
        "Client not allowed for direct access grants",
    )
    .await;
}

#[tokio::test]
async fn a_missing_or_unknown_grant_type_is_refused() {
    let app = spawn_app().await;

    let missing = error_of(app.post_token(&[("client_id", "samples-web")]).await).await;
    let unknown = error_of(app.post_token(&[("grant_type", "magic")]).await).await;

    assert_eq!(missing.0, 400);
    assert_eq!(
        missing.1,
        keycloak_error("invalid_request", "Missing form parameter: grant_type")
    );
    assert_eq!(unknown.0, 400);
    assert_eq!(
        unknown.1,
        keycloak_error("unsupported_grant_type", "Unsupported grant_type")
    );
}

#[tokio::test]
async fn duplicated_parameters_are_400_invalid_request() {
    let app = spawn_app().await;

    let response = app
        .post_token(&[
            ("grant_type", "password"),
            ("client_id", "samples-web"),
            ("username", ALICE.0),
            ("password", ALICE.1),
            ("password", "other"),
        ])
        .await;

    assert_keycloak_error(response, 400, "invalid_request", "duplicated parameter").await;
}

#[tokio::test]
async fn a_malformed_body_is_a_400_not_a_500() {
    let app = spawn_app().await;

    let (status, body) = error_of(post_raw(&app, "%%%&&==grant_type\u{0}%zz").await).await;

    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_request");
}

#[tokio::test]
async fn a_body_that_is_not_utf8_is_a_400() {
    let app = spawn_app().await;

    let (status, body) = error_of(post_raw(&app, vec![0xff, 0xfe, b'=', 0x80]).await).await;

    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_request");
}

#[tokio::test]
async fn a_body_over_64_kib_is_413() {
    let app = spawn_app().await;
    let huge = format!("grant_type=password&pad={}", "a".repeat(100 * 1024));

    let (status, body) = error_of(post_raw(&app, huge).await).await;

    assert_eq!(status, 413);
    assert_eq!(body, json!({"error": "HTTP 413 Request Entity Too Large"}));
}

#[tokio::test]
async fn get_on_the_token_endpoint_is_405() {
    let app = spawn_app().await;

    let (status, body) = app
        .get_json("/realms/samples/protocol/openid-connect/token")
        .await;

    assert_eq!(status, 405);
    assert_eq!(body, json!({"error": "HTTP 405 Method Not Allowed"}));
}

#[tokio::test]
async fn refreshing_with_another_clients_token_is_refused() {
    let app = spawn_app().await;
    let login = app.login_ok(ALICE, "openid").await;

    let response = app
        .post_token(&[
            ("grant_type", "refresh_token"),
            ("client_id", SERVICE.0),
            ("client_secret", SERVICE.1),
            ("refresh_token", text(&login, "refresh_token")),
        ])
        .await;

    assert_keycloak_error(
        response,
        400,
        "invalid_grant",
        "Invalid refresh token. Token client and authorized client don't match",
    )
    .await;
}

#[tokio::test]
async fn a_forged_refresh_token_is_refused() {
    let app = spawn_app().await;

    let response = app
        .post_token(&[
            ("grant_type", "refresh_token"),
            ("client_id", "samples-web"),
            ("refresh_token", "eyJhbGciOiJIUzUxMiJ9.e30.c2ln"),
        ])
        .await;

    assert_keycloak_error(response, 400, "invalid_grant", "Invalid refresh token").await;
}

#[tokio::test]
async fn an_unknown_scope_is_400_invalid_scope() {
    let app = spawn_app().await;

    let (status, body) = error_of(app.login(ALICE, "openid nonsense").await).await;

    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_scope");
}
