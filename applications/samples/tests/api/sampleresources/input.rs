//! Input the spec does not allow: refused with a problem naming it, and
//! never stored.

use serde_json::{json, Value};

use super::support::{spawn_store_app, StoreApp, COLLECTION};
use crate::helpers::assert_problem;

/// Sends `body` with `content_type` to POST, with a valid token.
async fn post_raw(app: &StoreApp, content_type: &str, body: String) -> reqwest::Response {
    app.app.client.post(app.url(COLLECTION))
        .bearer_auth(app.token())
        .header("content-type", content_type)
        .body(body)
        .send().await.unwrap()
}

/// Asserts a 400 whose detail mentions `needle`.
async fn assert_bad_request(response: reqwest::Response, needle: &str) {
    assert_eq!(response.status().as_u16(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["type"], "urn:samples:problem:bad-request");
    let detail = body["detail"].as_str().unwrap();
    assert!(detail.contains(needle), "`{needle}` not in: {detail}");
}

#[actix_web::test]
async fn create_returns_400_naming_each_invalid_field_and_stores_nothing() {
    let app = spawn_store_app().await;
    let cases = [
        (json!({"a": "one"}), "/a"),
        (json!({"a": 1, "b": "two"}), "/b"),
        (json!({"a": 1, "b": null}), "/b"),
        (json!({"b": 1}), "\"a\""),
        (json!({"a": 1, "c": 3}), "'c'"),
        (json!([1, 2]), "object"),
    ];

    for (body, needle) in cases {
        let response = app.create(&body).await;
        assert_bad_request(response, needle).await;
    }
    assert!(app.all().await.is_empty());
}

#[actix_web::test]
async fn create_returns_400_for_malformed_json() {
    let app = spawn_store_app().await;

    let response = post_raw(&app, "application/json", r#"{"a": 1"#.into()).await;

    assert_bad_request(response, "not valid JSON").await;
    assert!(app.all().await.is_empty());
}

#[actix_web::test]
async fn create_returns_400_for_an_empty_body() {
    let app = spawn_store_app().await;

    let response = post_raw(&app, "application/json", String::new()).await;

    assert_bad_request(response, "body is required").await;
}

#[actix_web::test]
async fn create_returns_413_for_a_body_over_64_kib() {
    let app = spawn_store_app().await;
    let padding = " ".repeat(api::extract::MAX_JSON_BYTES);
    let body = format!(r#"{{"a": 1{padding}}}"#);

    let response = post_raw(&app, "application/json", body).await;

    assert_problem(response, 413, "payload-too-large").await;
    assert!(app.all().await.is_empty());
}

#[actix_web::test]
async fn create_returns_415_for_a_body_that_is_not_json() {
    let app = spawn_store_app().await;

    let response = post_raw(&app, "text/plain", r#"{"a": 1}"#.into()).await;

    assert_problem(response, 415, "unsupported-media-type").await;
    assert!(app.all().await.is_empty());
}

#[actix_web::test]
async fn put_returns_400_and_keeps_the_stored_numbers() {
    let app = spawn_store_app().await;
    let created = app.created(&json!({"a": 1, "b": 2})).await;
    let id = created["id"].as_i64().unwrap();

    let response = app.app.client.put(app.item(id))
        .bearer_auth(app.token()).json(&json!({"a": true})).send().await.unwrap();

    assert_bad_request(response, "/a").await;
    let read: Value = app.get(id).await.json().await.unwrap();
    assert_eq!(read, created);
}

#[actix_web::test]
async fn put_returns_415_and_413_before_touching_the_store() {
    let app = spawn_store_app().await;
    let id = app.created(&json!({"a": 1})).await["id"].as_i64().unwrap();
    let request = || app.app.client.put(app.item(id)).bearer_auth(app.token());

    let wrong_type = request().header("content-type", "application/xml")
        .body("<a>2</a>").send().await.unwrap();
    let too_large = request().header("content-type", "application/json")
        .body(vec![b' '; api::extract::MAX_JSON_BYTES + 1]).send().await.unwrap();

    assert_problem(wrong_type, 415, "unsupported-media-type").await;
    assert_problem(too_large, 413, "payload-too-large").await;
    let read: Value = app.get(id).await.json().await.unwrap();
    assert_eq!(read["a"], 1.0);
}

#[actix_web::test]
async fn ids_that_are_not_positive_64_bit_integers_return_400() {
    let app = spawn_store_app().await;
    let ids = ["abc", "0", "-1", "1.5", "9223372036854775808", "1e3"];

    for id in ids {
        let url = format!("{}/{id}", app.url(COLLECTION));
        let get = app.app.client.get(&url).send().await.unwrap();
        let delete = app.app.client.delete(&url).bearer_auth(app.token())
            .send().await.unwrap();
        assert_bad_request(get, "sampleresourceId").await;
        assert_bad_request(delete, "sampleresourceId").await;
    }
}

#[actix_web::test]
async fn paging_outside_its_declared_limits_returns_400() {
    let app = spawn_store_app().await;
    let queries = [
        ("limit=0", "limit"), ("limit=101", "limit"), ("limit=ten", "limit"),
        ("offset=-1", "offset"), ("offset=x", "offset"),
    ];

    for (query, name) in queries {
        let url = format!("{}?{query}", app.url(COLLECTION));
        let response = app.app.client.get(url).send().await.unwrap();
        assert_bad_request(response, name).await;
    }
}
