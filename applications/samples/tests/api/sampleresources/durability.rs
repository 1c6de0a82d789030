//! Many writers at once, restarts, and a database that fails.

use std::time::Duration;

use serde_json::{json, Value};
use sqlx::{Connection, Executor};

use samples::settings::{Backend, StoreSettings};

use super::support::{
    fresh_store_settings, spawn_on, spawn_on_unchecked, spawn_store_app, sqlite_file,
    sqlite_store_settings, COLLECTION,
};
use crate::helpers::assert_problem;

const WRITERS: usize = 200;

#[actix_web::test]
async fn two_hundred_concurrent_creates_store_two_hundred_readable_rows() {
    let app = spawn_store_app().await;
    let client = app.app.client.clone();
    let (url, token) = (app.url(COLLECTION), app.token());

    let mut writers = tokio::task::JoinSet::new();
    for a in 0..WRITERS {
        let request = client.post(&url).bearer_auth(&token).json(&json!({"a": a}));
        writers.spawn(async move { request.send().await.unwrap().status().as_u16() });
    }
    let statuses = tokio::time::timeout(Duration::from_secs(60), writers.join_all())
        .await.expect("the writers finish within a minute");

    assert!(statuses.iter().all(|status| *status == 201), "{statuses:?}");
    let items = app.all().await;
    assert_eq!(items.len(), WRITERS);
    let mut numbers: Vec<i64> = items.iter().map(|item| item["a"].as_f64().unwrap() as i64)
        .collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (0..WRITERS as i64).collect::<Vec<_>>());
    for item in items {
        let response = app.get(item["id"].as_i64().unwrap()).await;
        assert_eq!(response.status().as_u16(), 200);
    }
}

#[actix_web::test]
async fn resources_survive_a_restart_on_the_same_data_directory() {
    let (settings, data_dir) = sqlite_store_settings();
    let first = spawn_on(settings.clone(), None).await;
    let created = first.created(&json!({"a": 7, "b": 8})).await;
    first.store.close().await;

    let second = spawn_on(settings, data_dir).await;

    let response = second.get(created["id"].as_i64().unwrap()).await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.json::<Value>().await.unwrap(), created);
}

#[actix_web::test]
async fn the_sqlite_file_is_created_on_first_start() {
    let (settings, data_dir) = sqlite_store_settings();
    let nested = data_dir.as_ref().unwrap().path().join("nested/samples");
    let settings = StoreSettings {
        backend: Backend::Sqlite { data_dir: nested.clone() },
        ..settings
    };

    let _app = spawn_on(settings, data_dir).await;

    assert!(sqlite_file(&nested).is_file());
}

#[actix_web::test]
async fn a_write_while_the_database_is_closed_returns_503_and_loses_nothing() {
    let (settings, data_dir) = fresh_store_settings().await;
    let app = spawn_on(settings.clone(), data_dir).await;
    let kept = app.created(&json!({"a": 1})).await;
    app.store.close().await;

    let response = app.create(&json!({"a": 2})).await;

    assert_eq!(response.headers()["retry-after"], "5");
    assert_problem(response, 503, "unavailable").await;
    let reopened = samples::store::Store::connect(&settings).await.unwrap();
    let page = reopened.list_sample_resources(samples::services::sampleresources::Page::new(
        None, None,
    )).await.unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(page[0].id, kept["id"].as_i64().unwrap());
}

#[actix_web::test]
async fn a_write_while_sqlite_is_locked_returns_503_and_loses_nothing() {
    let (mut settings, data_dir) = sqlite_store_settings();
    settings.timeout = Duration::from_secs(1);
    let path = sqlite_file(data_dir.as_ref().unwrap().path());
    let app = spawn_on(settings, data_dir).await;
    let kept = app.created(&json!({"a": 1})).await;

    // Another process's exclusive transaction holds the database.
    let url = format!("sqlite://{}", path.display());
    let mut other = sqlx::SqliteConnection::connect(&url).await.unwrap();
    other.execute("BEGIN EXCLUSIVE").await.unwrap();
    let during = app.create(&json!({"a": 2})).await;
    other.execute("ROLLBACK").await.unwrap();
    other.close().await.unwrap();

    assert_eq!(during.headers()["retry-after"], "5");
    assert_problem(during, 503, "unavailable").await;
    let items = app.all().await;
    assert_eq!(items, vec![kept]);
    assert_eq!(app.create(&json!({"a": 3})).await.status().as_u16(), 201);
}

/// Settings for PostgreSQL, as `userinfo`, at a loopback port that was
/// free a moment ago: nothing answers there.
fn unreachable_postgres(userinfo: &str, timeout: Duration) -> StoreSettings {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("postgres://{userinfo}@127.0.0.1:{port}/samples");
    let mut settings = StoreSettings::with_backend(Backend::Postgres { url: url.into() });
    settings.timeout = timeout;
    settings
}

#[actix_web::test]
async fn a_write_when_postgres_cannot_be_reached_returns_503() {
    let settings = unreachable_postgres("samples", Duration::from_secs(1));
    let app = spawn_on_unchecked(settings).await;

    let response = app.create(&json!({"a": 1})).await;

    assert_eq!(response.headers()["retry-after"], "5");
    assert_problem(response, 503, "unavailable").await;
}

#[actix_web::test]
async fn startup_names_why_postgres_cannot_be_reached() {
    let settings = unreachable_postgres("samples:secret-password", Duration::from_secs(2));

    let error = samples::store::Store::connect(&settings).await.unwrap_err();

    let message = format!("{:#}", anyhow::Error::new(error));
    assert!(message.to_lowercase().contains("refused"), "{message}");
    assert!(!message.contains("secret-password"), "{message}");
}
