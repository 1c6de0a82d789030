//! docs/troubleshooting.md: each status and `WWW-Authenticate` value the
//! page lists is produced here and compared with the page, byte for byte.

use std::net::TcpListener;

use api::TokenRejection;
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{challenge, docs_page, spawn, TestSuite};

const PAGE: &str = "troubleshooting.md";

#[actix_web::test]
async fn no_token_is_a_401_with_a_bare_challenge() {
    let suite = samples_suite(|_| {}).await;

    let response = suite.get("/valid", None).await;

    assert_documented(
        response,
        StatusCode::UNAUTHORIZED,
        r#"Bearer realm="samples""#,
    )
    .await;
}

#[actix_web::test]
async fn a_malformed_authorization_header_is_a_400_invalid_request() {
    let suite = samples_suite(|_| {}).await;

    let response = reqwest::Client::new()
        .get(format!("{}/api/valid", suite.app_url))
        .header("Authorization", "Bearer two words")
        .send()
        .await
        .unwrap();

    let expected = concat!(
        r#"Bearer realm="samples", error="invalid_request", "#,
        r#"error_description="malformed bearer credentials""#
    );
    assert_documented(response, StatusCode::BAD_REQUEST, expected).await;
}

#[actix_web::test]
async fn another_issuer_is_a_401_invalid_token() {
    let public = "http://localhost:8080/realms/samples".to_owned();
    let suite = samples_suite(|auth| auth.issuers = vec![public]).await;
    let token = suite.token("alice").await;

    let response = suite.get("/valid", Some(&token)).await;

    let expected = invalid_token(TokenRejection::WrongIssuer);
    assert_documented(response, StatusCode::UNAUTHORIZED, &expected).await;
}

#[actix_web::test]
async fn another_audience_is_a_401_invalid_token() {
    let suite = samples_suite(|auth| auth.audiences = vec!["reports-api".into()]).await;
    let token = suite.token("alice").await;

    let response = suite.get("/valid", Some(&token)).await;

    let expected = invalid_token(TokenRejection::WrongAudience);
    assert_documented(response, StatusCode::UNAUTHORIZED, &expected).await;
}

#[actix_web::test]
async fn a_missing_role_is_a_403_insufficient_scope() {
    let suite = samples_suite(|_| {}).await;
    let token = suite.token("alice").await;

    let response = suite.get("/valid-admin", Some(&token)).await;

    let expected = r#"Bearer realm="samples", error="insufficient_scope", scope="admin""#;
    assert_documented(response, StatusCode::FORBIDDEN, expected).await;
}

#[actix_web::test]
async fn unreachable_keys_are_a_503_without_a_challenge() {
    let closed = closed_loopback_url();
    let suite = samples_suite(|auth| *auth = api::AuthSettings::new(closed, "samples")).await;
    let token = suite.token("alice").await;

    let response = suite.get("/valid", Some(&token)).await;

    assert!(response.headers().contains_key("retry-after"));
    assert_documented(response, StatusCode::SERVICE_UNAVAILABLE, "").await;
}

#[test]
fn every_rejection_reason_is_listed_with_its_exact_challenge() {
    let page = docs_page(PAGE);

    for reason in every_rejection() {
        let expected = invalid_token(reason);
        assert!(page.contains(&expected), "{PAGE} lacks `{expected}`");
    }
}

/// Every variant; the match fails to compile when one is added, so the
/// page cannot silently fall behind.
fn every_rejection() -> Vec<TokenRejection> {
    use TokenRejection::*;
    let all = vec![
        Malformed,
        AlgorithmNotAllowed,
        UnknownKid,
        BadSignature,
        Expired,
        NotYetValid,
        WrongIssuer,
        WrongAudience,
        WrongTokenType,
        MissingClaim,
    ];
    for reason in &all {
        match reason {
            Malformed | AlgorithmNotAllowed | UnknownKid | BadSignature | Expired | NotYetValid
            | WrongIssuer | WrongAudience | WrongTokenType | MissingClaim => {}
        }
    }
    all
}

fn invalid_token(reason: TokenRejection) -> String {
    format!(
        r#"Bearer realm="samples", error="invalid_token", error_description="{}""#,
        reason.description()
    )
}

/// Checks status and challenge, and that the page shows both the challenge
/// and the problem `type` of the body.
async fn assert_documented(response: reqwest::Response, status: StatusCode, expected: &str) {
    let page = docs_page(PAGE);
    assert_eq!(response.status(), status);
    assert_eq!(challenge(&response), expected);
    if !expected.is_empty() {
        assert!(page.contains(expected), "{PAGE} lacks `{expected}`");
    }

    let body: Value = response.json().await.unwrap();
    let kind = body["type"].as_str().unwrap();
    assert!(
        page.contains(kind),
        "{PAGE} lacks the problem type `{kind}`"
    );
}

async fn samples_suite(configure: impl FnOnce(&mut api::AuthSettings)) -> TestSuite {
    spawn(samples::SPEC, samples::operations(), configure).await
}

/// A loopback URL where nothing listens: a port just bound and released.
fn closed_loopback_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}
