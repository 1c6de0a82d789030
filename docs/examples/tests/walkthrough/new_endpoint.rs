//! docs/adding-an-endpoint.md and docs/roles.md, step by step.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{challenge, spawn};

#[actix_web::test]
async fn the_new_operation_greets_a_caller_with_a_valid_token() {
    let suite = spawn(&walkthrough::spec(), walkthrough::operations(), |_| {}).await;
    let token = suite.token("alice").await;

    let response = suite.get("/greeting", Some(&token)).await;

    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({"message": "Hello, alice!"}));
}

#[actix_web::test]
async fn the_new_operation_answers_401_with_a_challenge_without_a_token() {
    let suite = spawn(&walkthrough::spec(), walkthrough::operations(), |_| {}).await;

    let response = suite.get("/greeting", None).await;

    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(challenge(&response), r#"Bearer realm="samples""#);
}

#[actix_web::test]
async fn requiring_the_admin_role_lets_ada_in_and_keeps_alice_out() {
    let spec = admin_only_spec();
    let suite = spawn(&spec, walkthrough::operations(), |_| {}).await;
    let (ada, alice) = (suite.token("ada").await, suite.token("alice").await);

    let as_ada = suite.get("/greeting", Some(&ada)).await;
    let as_alice = suite.get("/greeting", Some(&alice)).await;

    assert_eq!(as_ada.status(), StatusCode::OK);
    assert_eq!(as_alice.status(), StatusCode::FORBIDDEN);
    let expected = r#"Bearer realm="samples", error="insufficient_scope", scope="admin""#;
    assert_eq!(challenge(&as_alice), expected);
}

#[actix_web::test]
async fn a_handler_bound_without_its_operation_stops_start_up() {
    let settings = offline_settings();

    let error = walkthrough::build(samples::SPEC, walkthrough::operations(), &settings)
        .err()
        .expect("start-up fails");

    let message = error.to_string();
    assert!(
        message.contains("handler for `getGreeting` matches no operation"),
        "{message}"
    );
}

#[actix_web::test]
async fn an_operation_without_a_handler_stops_start_up() {
    let settings = offline_settings();

    let error = walkthrough::build(&walkthrough::spec(), samples::operations(), &settings)
        .err()
        .expect("start-up fails");

    let message = error.to_string();
    assert!(
        message.contains("`getGreeting` (GET /greeting) has no handler"),
        "{message}"
    );
}

#[test]
fn the_roles_page_shows_the_edit_this_test_makes() {
    let roles = crate::helpers::docs_page("roles.md");

    assert!(
        roles.contains("        - bearerAuth: [admin]\n"),
        "roles.md shows the edit"
    );
}

/// Settings that are never used to reach anything: start-up fails first.
fn offline_settings() -> api::Settings {
    let auth = api::AuthSettings::new("http://127.0.0.1:9", crate::helpers::REALM);
    api::Settings {
        bind_addr: "127.0.0.1:0".parse().unwrap(),
        auth,
    }
}

/// The new operation with `security: [bearerAuth: [admin]]`, as
/// docs/roles.md asks.
fn admin_only_spec() -> String {
    let open = "      security:\n        - bearerAuth: []\n";
    let admin = "      security:\n        - bearerAuth: [admin]\n";
    let operation = walkthrough::NEW_OPERATION.replacen(open, admin, 1);
    assert_ne!(
        operation,
        walkthrough::NEW_OPERATION,
        "the operation has the open form"
    );
    walkthrough::spec().replacen(walkthrough::NEW_OPERATION, &operation, 1)
}
