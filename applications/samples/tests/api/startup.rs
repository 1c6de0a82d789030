//! The app refuses to start when its spec and handlers disagree.

use api::{Application, Operations};

use crate::helpers::{settings_for, KeyServer};

async fn ok() -> &'static str {
    "OK!"
}

#[actix_web::test]
async fn startup_fails_listing_every_unbound_and_unknown_operation() {
    let realm = KeyServer::start(vec![]).await;
    let operations = Operations::new()
        .bind("getPing", ok)
        .bind("getValid", ok)
        .bind("deleteEverything", ok);

    let result = Application::build(samples::SPEC, operations, &settings_for(&realm), |_| {});

    let message = result.err().expect("start-up must fail").to_string();
    for id in ["getError", "getValidCookie", "getValidAdmin", "getMe"] {
        assert!(message.contains(&format!("`{id}`")), "{id} missing from: {message}");
    }
    assert!(message.contains("handler for `deleteEverything` matches no operation"));
}

#[actix_web::test]
async fn startup_fails_on_an_unsupported_security_scheme() {
    let realm = KeyServer::start(vec![]).await;
    let spec = samples::SPEC.replace(
        "      type: http\n      scheme: bearer\n",
        "      type: http\n      scheme: basic\n",
    );

    let result = Application::build(&spec, samples::operations(), &settings_for(&realm), |_| {});

    let message = result.err().expect("start-up must fail").to_string();
    assert!(message.contains("security scheme `bearerAuth` is not supported"), "{message}");
}

#[actix_web::test]
async fn the_served_spec_is_the_embedded_contract() {
    let app = crate::helpers::spawn_app().await;

    let served: serde_json::Value = app.client.get(app.url("/api/openapi.json"))
        .send().await.unwrap().json().await.unwrap();
    let docs = app.client.get(app.url("/api/ui/")).send().await.unwrap();

    let embedded: serde_json::Value = yaml_serde::from_str(samples::SPEC).unwrap();
    assert_eq!(served, embedded);
    assert_eq!(docs.status().as_u16(), 200);
}

/// Also starts an app whose path parameter schema sits inline under a
/// templated path, which a schema reference must percent-encode.
#[actix_web::test]
async fn a_concrete_path_wins_over_a_templated_one() {
    let spec = r#"
openapi: 3.1.0
info: {title: routing, version: "1"}
servers: [{url: /api}]
paths:
  /items/{id}:
    get:
      operationId: getItem
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: one item}}
  /items/~latest:
    get:
      operationId: getLatestItem
      responses: {"200": {description: the newest item}}
"#;
    let operations = Operations::new()
        .bind("getItem", || async { "item" })
        .bind("getLatestItem", || async { "latest" });
    let address = serve(spec, operations).await;

    let get = |path: &str| reqwest::get(format!("{address}{path}"));
    assert_eq!(get("/api/items/~latest").await.unwrap().text().await.unwrap(), "latest");
    assert_eq!(get("/api/items/7").await.unwrap().text().await.unwrap(), "item");
}

/// A `$ref` fragment is percent-encoded (RFC 6901 section 6); the request
/// checks must read it decoded, as the schema validator does.
#[actix_web::test]
async fn percent_encoded_references_resolve() {
    let spec = r##"
openapi: 3.1.0
info: {title: references, version: "1"}
servers: [{url: /api}]
paths:
  /orders/{id}:
    get:
      operationId: getOrder
      parameters:
        - {name: id, in: path, required: true, schema: {$ref: "#/components/schemas/Order%20Number"}}
      responses: {"200": {description: one order}}
  /parcels/{id}:
    get:
      operationId: getParcel
      parameters: [{$ref: "#/components/parameters/Parcel%20Number"}]
      responses: {"200": {description: one parcel}}
components:
  schemas:
    Order Number: {type: integer, minimum: 1}
  parameters:
    Parcel Number: {name: id, in: path, required: true, schema: {type: integer}}
"##;
    let operations = Operations::new()
        .bind("getOrder", || async { "order" })
        .bind("getParcel", || async { "parcel" });
    let address = serve(spec, operations).await;

    let status = |path: &str| {
        let url = format!("{address}{path}");
        async move { reqwest::get(url).await.unwrap().status().as_u16() }
    };
    assert_eq!(status("/api/orders/7").await, 200);
    assert_eq!(status("/api/orders/0").await, 400);
    assert_eq!(status("/api/parcels/7").await, 200);
    assert_eq!(status("/api/parcels/seven").await, 400);
}

/// Starts an app for `spec` (its operations public) and returns its base URL.
async fn serve(spec: &str, operations: Operations) -> String {
    let realm = KeyServer::start(vec![]).await;
    let app = Application::build(spec, operations, &settings_for(&realm), |_| {}).unwrap();
    let address = format!("http://127.0.0.1:{}", app.port());
    actix_web::rt::spawn(app.run_until_stopped());
    address
}
