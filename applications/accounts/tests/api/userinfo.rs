//! The userinfo endpoint and its RFC 6750 challenges.

use serde_json::json;

use crate::helpers::{spawn_app, text, TestApp, ALICE};

async fn userinfo(app: &TestApp, token: Option<&str>) -> reqwest::Response {
    let mut request = app.client.get(app.oidc_url("samples", "userinfo"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

fn challenge(response: &reqwest::Response) -> &str {
    response.headers()["www-authenticate"].to_str().unwrap()
}

#[tokio::test]
async fn userinfo_returns_the_users_claims() {
    let app = spawn_app().await;
    let login = app.login_ok(ALICE, "openid").await;

    let response = userinfo(&app, Some(text(&login, "access_token"))).await;

    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    let (_, claims) = crate::helpers::decode_unverified(text(&login, "access_token"));
    assert_eq!(
        body,
        json!({
            "sub": claims["sub"],
            "email_verified": true,
            "name": "Alice User",
            "preferred_username": "alice",
            "given_name": "Alice",
            "family_name": "User",
            "email": "alice@example.test",
        })
    );
}

#[tokio::test]
async fn userinfo_accepts_post_with_the_token_in_the_form() {
    let app = spawn_app().await;
    let login = app.login_ok(ALICE, "openid").await;

    let response = app
        .client
        .post(app.oidc_url("samples", "userinfo"))
        .form(&[("access_token", text(&login, "access_token"))])
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn userinfo_without_a_token_is_401_with_a_bare_challenge() {
    let app = spawn_app().await;

    let response = userinfo(&app, None).await;

    assert_eq!(response.status(), 401);
    assert_eq!(challenge(&response), r#"Bearer realm="samples""#);
}

#[tokio::test]
async fn userinfo_with_a_forged_token_is_401_invalid_token() {
    let app = spawn_app().await;

    let response = userinfo(&app, Some("eyJhbGciOiJSUzI1NiJ9.e30.c2ln")).await;

    assert_eq!(response.status(), 401);
    let expected = concat!(
        r#"Bearer realm="samples", error="invalid_token", "#,
        r#"error_description="Token verification failed""#,
    );
    assert_eq!(challenge(&response), expected);
}

#[tokio::test]
async fn userinfo_without_the_openid_scope_is_403_insufficient_scope() {
    let app = spawn_app().await;
    let service = app.service_token().await;

    let response = userinfo(&app, Some(text(&service, "access_token"))).await;

    assert_eq!(response.status(), 403);
    assert!(challenge(&response).contains(r#"error="insufficient_scope""#));
}

#[tokio::test]
async fn userinfo_after_logout_is_401() {
    let app = spawn_app().await;
    let login = app.login_ok(ALICE, "openid").await;
    app.client
        .post(app.oidc_url("samples", "logout"))
        .form(&[
            ("client_id", "samples-web"),
            ("refresh_token", text(&login, "refresh_token")),
        ])
        .send()
        .await
        .unwrap();

    let response = userinfo(&app, Some(text(&login, "access_token"))).await;

    assert_eq!(response.status(), 401);
    assert!(challenge(&response).contains("user_session_not_found"));
}
