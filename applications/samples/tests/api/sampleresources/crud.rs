//! Creating, reading, replacing, listing and deleting, and who may.

use serde_json::{json, Value};

use super::support::{spawn_store_app, COLLECTION};
use crate::helpers::{assert_problem, claims};

#[actix_web::test]
async fn create_returns_201_with_the_resource_and_its_location() {
    let app = spawn_store_app().await;

    let response = app.create(&json!({"a": 1.5, "b": -2})).await;

    assert_eq!(response.status().as_u16(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let body: Value = response.json().await.unwrap();
    let id = body["id"].as_i64().unwrap();
    assert!(id >= 1);
    assert_eq!(location, format!("{COLLECTION}/{id}"));
    assert_eq!(body["a"], 1.5);
    assert_eq!(body["b"], -2.0);
}

#[actix_web::test]
async fn create_records_the_callers_subject_as_created_by() {
    let app = spawn_store_app().await;
    let token = app.app.token_with(|claims| claims["sub"] = json!("subject-of-bob"));

    let response = app.app.client.post(app.url(COLLECTION))
        .bearer_auth(token).json(&json!({"a": 1})).send().await.unwrap();

    let created: Value = response.json().await.unwrap();
    let id = created["id"].as_i64().unwrap();
    let read: Value = app.get(id).await.json().await.unwrap();
    assert_eq!(read["createdBy"], "subject-of-bob");
}

#[actix_web::test]
async fn get_returns_the_stored_resource_without_a_token() {
    let app = spawn_store_app().await;
    let created = app.created(&json!({"a": 3})).await;
    let id = created["id"].as_i64().unwrap();

    let response = app.get(id).await;

    assert_eq!(response.status().as_u16(), 200);
    let read: Value = response.json().await.unwrap();
    assert_eq!(read, created);
    assert!(read.get("b").is_none(), "an absent b stays absent: {read}");
    let subject = claims("issuer")["sub"].clone();
    assert_eq!(read["createdBy"], subject);
}

#[actix_web::test]
async fn get_returns_404_for_an_id_never_stored() {
    let app = spawn_store_app().await;

    let response = app.get(987_654).await;

    assert_problem(response, 404, "not-found").await;
}

#[actix_web::test]
async fn put_replaces_the_numbers_and_returns_202() {
    let app = spawn_store_app().await;
    let created = app.created(&json!({"a": 1, "b": 2})).await;
    let id = created["id"].as_i64().unwrap();

    let response = app.app.client.put(app.item(id))
        .bearer_auth(app.token()).json(&json!({"a": 10})).send().await.unwrap();

    assert_eq!(response.status().as_u16(), 202);
    let replaced: Value = response.json().await.unwrap();
    assert_eq!(replaced["a"], 10.0);
    assert!(replaced.get("b").is_none(), "b was cleared: {replaced}");
    assert_eq!(replaced["createdBy"], created["createdBy"]);
    let read: Value = app.get(id).await.json().await.unwrap();
    assert_eq!(read, replaced);
}

#[actix_web::test]
async fn put_returns_404_for_an_unknown_id() {
    let app = spawn_store_app().await;

    let response = app.app.client.put(app.item(4242))
        .bearer_auth(app.token()).json(&json!({"a": 1})).send().await.unwrap();

    assert_problem(response, 404, "not-found").await;
    assert!(app.all().await.is_empty());
}

#[actix_web::test]
async fn delete_returns_204_and_the_resource_is_gone() {
    let app = spawn_store_app().await;
    let id = app.created(&json!({"a": 1})).await["id"].as_i64().unwrap();

    let response = app.app.client.delete(app.item(id))
        .bearer_auth(app.token()).send().await.unwrap();

    assert_eq!(response.status().as_u16(), 204);
    assert_problem(app.get(id).await, 404, "not-found").await;
}

#[actix_web::test]
async fn delete_returns_404_for_an_unknown_id() {
    let app = spawn_store_app().await;

    let response = app.app.client.delete(app.item(77))
        .bearer_auth(app.token()).send().await.unwrap();

    assert_problem(response, 404, "not-found").await;
}

#[actix_web::test]
async fn list_pages_through_resources_oldest_first() {
    let app = spawn_store_app().await;
    for a in 0..5 {
        app.created(&json!({"a": a})).await;
    }

    let url = format!("{}?limit=2&offset=1", app.url(COLLECTION));
    let response = app.app.client.get(url).send().await.unwrap();

    assert_eq!(response.status().as_u16(), 200);
    let page: Value = response.json().await.unwrap();
    let numbers: Vec<f64> = page["items"].as_array().unwrap().iter()
        .map(|item| item["a"].as_f64().unwrap()).collect();
    assert_eq!(numbers, vec![1.0, 2.0]);
    assert_eq!((page["limit"].clone(), page["offset"].clone()), (json!(2), json!(1)));
}

#[actix_web::test]
async fn list_defaults_to_twenty_items_from_the_start() {
    let app = spawn_store_app().await;
    for a in 0..21 {
        app.created(&json!({"a": a})).await;
    }

    let page: Value = app.app.client.get(app.url(COLLECTION)).send().await.unwrap()
        .json().await.unwrap();

    assert_eq!(page["items"].as_array().unwrap().len(), 20);
    assert_eq!((page["limit"].clone(), page["offset"].clone()), (json!(20), json!(0)));
}

#[actix_web::test]
async fn writes_without_a_token_return_401_with_a_challenge() {
    let app = spawn_store_app().await;
    let id = app.created(&json!({"a": 1})).await["id"].as_i64().unwrap();
    let client = &app.app.client;

    let requests = [
        client.post(app.url(COLLECTION)).json(&json!({"a": 2})),
        client.put(app.item(id)).json(&json!({"a": 2})),
        client.delete(app.item(id)),
    ];

    for request in requests {
        let response = request.send().await.unwrap();
        let challenge = assert_problem(response, 401, "authentication-required").await;
        assert_eq!(challenge, r#"Bearer realm="samples""#);
    }
    let read: Value = app.get(id).await.json().await.unwrap();
    assert_eq!(read["a"], 1.0);
    assert_eq!(app.all().await.len(), 1);
}

#[actix_web::test]
async fn a_write_without_a_token_is_401_even_when_the_body_is_invalid() {
    let app = spawn_store_app().await;

    let response = app.app.client.post(app.url(COLLECTION))
        .header("content-type", "text/plain").body("nonsense").send().await.unwrap();

    assert_problem(response, 401, "authentication-required").await;
}

#[actix_web::test]
async fn a_write_with_a_rejected_token_returns_401_invalid_token() {
    let app = spawn_store_app().await;
    let expired = app.app.token_with(|claims| claims["exp"] = json!(1_000));

    let response = app.app.client.post(app.url(COLLECTION))
        .bearer_auth(expired).json(&json!({"a": 1})).send().await.unwrap();

    let challenge = assert_problem(response, 401, "invalid-token").await;
    assert!(challenge.contains(r#"error="invalid_token""#), "{challenge}");
    assert!(app.all().await.is_empty());
}

#[actix_web::test]
async fn an_undeclared_method_returns_405_naming_the_allowed_ones() {
    let app = spawn_store_app().await;

    let response = app.app.client.patch(app.item(1)).send().await.unwrap();

    let allow = response.headers()["allow"].to_str().unwrap().to_owned();
    assert_eq!(allow, "GET, PUT, DELETE, HEAD");
    assert_problem(response, 405, "method-not-allowed").await;
}

#[actix_web::test]
async fn put_and_delete_return_403_for_another_user_and_200s_for_an_admin() {
    let app = spawn_store_app().await;
    let id = app.created(&json!({"a": 1})).await["id"].as_i64().unwrap();
    let bob = app.app.token_with(|claims| claims["sub"] = json!("another-user"));
    let ada = app.app.token_with(|claims| {
        claims["sub"] = json!("an-admin");
        claims["realm_access"]["roles"] = json!(["user", "admin"]);
    });

    let put = app.app.client.put(app.item(id))
        .bearer_auth(&bob).json(&json!({"a": 9})).send().await.unwrap();
    let delete = app.app.client.delete(app.item(id)).bearer_auth(&bob).send().await.unwrap();

    assert_problem(put, 403, "forbidden").await;
    assert_problem(delete, 403, "forbidden").await;
    assert_eq!(app.get(id).await.json::<Value>().await.unwrap()["a"], 1.0);
    let admin_put = app.app.client.put(app.item(id))
        .bearer_auth(&ada).json(&json!({"a": 9})).send().await.unwrap();
    let admin_delete = app.app.client.delete(app.item(id)).bearer_auth(&ada).send().await.unwrap();
    assert_eq!(admin_put.status().as_u16(), 202);
    assert_eq!(admin_delete.status().as_u16(), 204);
}
