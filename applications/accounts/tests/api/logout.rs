//! Back-channel logout with a refresh token.

use crate::helpers::{spawn_app, text, TestApp, ADA};

async fn logout(app: &TestApp, refresh_token: &str) -> reqwest::Response {
    app.client
        .post(app.oidc_url("samples", "logout"))
        .form(&[
            ("client_id", "samples-web"),
            ("refresh_token", refresh_token),
        ])
        .send()
        .await
        .unwrap()
}

async fn refresh(app: &TestApp, refresh_token: &str) -> reqwest::Response {
    app.post_token(&[
        ("grant_type", "refresh_token"),
        ("client_id", "samples-web"),
        ("refresh_token", refresh_token),
    ])
    .await
}

#[tokio::test]
async fn logout_answers_204_and_the_refresh_token_stops_working() {
    let app = spawn_app().await;
    let login = app.login_ok(ADA, "openid").await;
    let refresh_token = text(&login, "refresh_token");

    let response = logout(&app, refresh_token).await;

    assert_eq!(response.status(), 204);
    let response = refresh(&app, refresh_token).await;
    assert_eq!(response.status(), 400);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        body,
        serde_json::json!({"error": "invalid_grant", "error_description": "Session not active"})
    );
}

#[tokio::test]
async fn logging_out_twice_succeeds_like_keycloak() {
    let app = spawn_app().await;
    let login = app.login_ok(ADA, "openid").await;
    let refresh_token = text(&login, "refresh_token");
    logout(&app, refresh_token).await;

    let again = logout(&app, refresh_token).await;

    assert_eq!(again.status(), 204);
}

#[tokio::test]
async fn logout_ends_only_its_own_session() {
    let app = spawn_app().await;
    let first = app.login_ok(ADA, "openid").await;
    let second = app.login_ok(ADA, "openid").await;

    logout(&app, text(&first, "refresh_token")).await;

    let response = refresh(&app, text(&second, "refresh_token")).await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn logout_with_a_forged_refresh_token_is_refused() {
    let app = spawn_app().await;

    let response = logout(&app, "not-a-token").await;

    assert_eq!(response.status(), 400);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant");
}
