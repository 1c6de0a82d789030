//! Realm info, discovery, JWKS and unknown realms.

use jsonwebtoken::DecodingKey;
use serde_json::json;

use crate::helpers::{spawn_app, text, verify_with_key, TestApp, ALICE};

#[tokio::test]
async fn jwks_publishes_one_rs256_signing_key() {
    let app = spawn_app().await;

    let response = app
        .client
        .get(app.oidc_url("samples", "certs"))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-cache");
    let jwks: serde_json::Value = response.json().await.unwrap();
    let keys = jwks["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0]["kty"], "RSA");
    assert_eq!(keys[0]["alg"], "RS256");
    assert_eq!(keys[0]["use"], "sig");
    assert_eq!(keys[0]["e"], "AQAB");
    assert_eq!(text(&keys[0], "kid").len(), 43);
}

#[tokio::test]
async fn realm_public_key_verifies_tokens_when_wrapped_as_pem() {
    let app = spawn_app().await;
    let login = app.login_ok(ALICE, "openid").await;

    let (status, info) = app.get_json("/realms/samples").await;

    assert_eq!(status, 200);
    let base = app.issuer();
    assert_eq!(info["realm"], "samples");
    assert_eq!(
        info["token-service"],
        format!("{base}/protocol/openid-connect")
    );
    assert_eq!(info["account-service"], format!("{base}/account"));
    assert_eq!(info["tokens-not-before"], 0);
    let pem = format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        text(&info, "public_key")
    );
    let key = DecodingKey::from_rsa_pem(pem.as_bytes()).unwrap();
    assert!(verify_with_key(text(&login, "access_token"), &key, &base).is_ok());
}

#[tokio::test]
async fn discovery_names_keycloaks_endpoints() {
    let app = spawn_app().await;

    let (status, config) = app
        .get_json("/realms/samples/.well-known/openid-configuration")
        .await;

    assert_eq!(status, 200);
    let endpoint = |path: &str| format!("{}/protocol/openid-connect/{path}", app.issuer());
    assert_eq!(config["issuer"], app.issuer());
    assert_eq!(config["token_endpoint"], endpoint("token"));
    assert_eq!(config["jwks_uri"], endpoint("certs"));
    assert_eq!(config["userinfo_endpoint"], endpoint("userinfo"));
    assert_eq!(config["end_session_endpoint"], endpoint("logout"));
}

#[tokio::test]
async fn the_issuer_ignores_the_host_header() {
    let app = spawn_app().await;

    let config: serde_json::Value = app
        .client
        .get(format!(
            "{}/realms/samples/.well-known/openid-configuration",
            app.address
        ))
        .header("host", "attacker.invalid")
        .header("x-forwarded-host", "attacker.invalid")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    assert_eq!(config["issuer"], app.issuer());
    assert!(app.issuer().starts_with("http://localhost:"));
}

#[tokio::test]
async fn an_unknown_realm_is_404_realm_does_not_exist() {
    let app = spawn_app().await;
    let expected = json!({"error": "Realm does not exist"});

    for path in [
        "/realms/nope",
        "/realms/nope/.well-known/openid-configuration",
        "/realms/nope/protocol/openid-connect/certs",
    ] {
        let (status, body) = app.get_json(path).await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(body, expected, "{path}");
    }
    let response = app
        .client
        .post(app.oidc_url("nope", "token"))
        .form(&[("grant_type", "password")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(
        response.json::<serde_json::Value>().await.unwrap(),
        expected
    );
}

#[tokio::test]
async fn readiness_reports_up() {
    let app = spawn_app().await;

    let (status, body) = app.get_json("/health/ready").await;

    assert_eq!(status, 200);
    assert_eq!(body["status"], "UP");
}

#[tokio::test]
async fn an_unknown_path_is_a_json_404() {
    let app = spawn_app().await;

    let (status, body) = app.get_json("/realms/samples/nothing/here").await;

    assert_eq!(status, 404);
    assert!(body["error"].is_string());
}

#[tokio::test]
async fn introspection_by_the_audience_client_returns_the_claims() {
    let app = spawn_app().await;
    let login = app.login_ok(ALICE, "openid").await;

    let answer = introspect(&app, ("samples-api", "samples-api-dev-secret"), &login).await;

    assert_eq!(answer["active"], true);
    assert_eq!(answer["client_id"], "samples-web");
    assert_eq!(answer["username"], "alice");
    assert_eq!(answer["token_type"], "Bearer");
    assert_eq!(answer["iss"], app.issuer());
}

#[tokio::test]
async fn introspection_by_a_client_outside_the_audience_is_inactive() {
    let app = spawn_app().await;
    let login = app.login_ok(ALICE, "openid").await;

    let answer = introspect(&app, ("samples-service", "samples-service-dev-secret"), &login).await;

    assert_eq!(answer, json!({"active": false}));
}

/// Asks the introspection endpoint, as `client` (id, secret), about the
/// access token of `login`.
async fn introspect(
    app: &TestApp,
    (client, secret): (&str, &str),
    login: &serde_json::Value,
) -> serde_json::Value {
    app.client
        .post(app.oidc_url("samples", "token/introspect"))
        .basic_auth(client, Some(secret))
        .form(&[("token", text(login, "access_token"))])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}
