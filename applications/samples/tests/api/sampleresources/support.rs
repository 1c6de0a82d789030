//! Starting the app on a store the test owns.

use std::path::Path;

use serde_json::Value;
use sqlx::Connection;

use crate::helpers::{settings_for, shared_key, KeyServer, TestApp};
use samples::settings::{Backend, StoreSettings};
use samples::store::Store;

pub const COLLECTION: &str = "/api/sampleresources";

/// A running app, the store behind it, and where that store keeps its data.
pub struct StoreApp {
    pub app: TestApp,
    pub store: Store,
    /// Holds the SQLite directory until the test ends.
    pub _data_dir: Option<tempfile::TempDir>,
}

impl StoreApp {
    pub fn url(&self, path: &str) -> String {
        self.app.url(path)
    }

    pub fn item(&self, id: i64) -> String {
        self.url(&format!("{COLLECTION}/{id}"))
    }

    pub fn token(&self) -> String {
        self.app.token()
    }

    /// POSTs `body` as JSON with a valid token.
    pub async fn create(&self, body: &Value) -> reqwest::Response {
        self.app.client.post(self.url(COLLECTION))
            .bearer_auth(self.token())
            .json(body)
            .send().await.unwrap()
    }

    /// Creates a resource and returns its JSON.
    pub async fn created(&self, body: &Value) -> Value {
        let response = self.create(body).await;
        assert_eq!(response.status().as_u16(), 201, "{:?}", response.text().await);
        response.json().await.unwrap()
    }

    pub async fn get(&self, id: i64) -> reqwest::Response {
        self.app.client.get(self.item(id)).send().await.unwrap()
    }

    /// Every stored resource, read page by page (bounded to 100 pages).
    pub async fn all(&self) -> Vec<Value> {
        let mut items = Vec::new();
        for page in 0..100 {
            let url = format!("{}?limit=100&offset={}", self.url(COLLECTION), page * 100);
            let body: Value = self.app.client.get(url).send().await.unwrap()
                .json().await.unwrap();
            let batch = body["items"].as_array().unwrap().clone();
            let done = batch.len() < 100;
            items.extend(batch);
            if done {
                break;
            }
        }
        items
    }
}

/// The PostgreSQL server to test against, if one is configured.
fn postgres_url() -> Option<String> {
    let url = std::env::var("TEST_DATABASE_URL").or_else(|_| std::env::var("DATABASE_URL"));
    url.ok().filter(|url| url.starts_with("postgres"))
}

/// Settings for a store of this test's own: a fresh SQLite directory, or
/// a fresh schema in the configured PostgreSQL database.
pub async fn fresh_store_settings() -> (StoreSettings, Option<tempfile::TempDir>) {
    match postgres_url() {
        Some(url) => (StoreSettings::with_backend(fresh_schema(&url).await), None),
        None => sqlite_store_settings(),
    }
}

pub fn sqlite_store_settings() -> (StoreSettings, Option<tempfile::TempDir>) {
    let data_dir = tempfile::tempdir().unwrap();
    (StoreSettings::sqlite(data_dir.path()), Some(data_dir))
}

/// A new schema, and a URL whose connections use it, so that tests running
/// at the same time never see each other's rows.
async fn fresh_schema(url: &str) -> Backend {
    let schema = format!("test_{}", uuid::Uuid::new_v4().simple());
    let mut connection = sqlx::PgConnection::connect(url).await.unwrap();
    let statement = format!("CREATE SCHEMA {schema}");
    sqlx::raw_sql(sqlx::AssertSqlSafe(statement)).execute(&mut connection).await.unwrap();
    connection.close().await.unwrap();

    let separator = if url.contains('?') { '&' } else { '?' };
    let url = format!("{url}{separator}options=-c%20search_path%3D{schema}");
    Backend::Postgres { url: url.into() }
}

/// Starts the app on the store `settings` describe.
pub async fn spawn_on(settings: StoreSettings, data_dir: Option<tempfile::TempDir>) -> StoreApp {
    let store = Store::connect(&settings).await.expect("the store opens");
    spawn_with(store, data_dir).await
}

/// Starts the app on a store that is not touched first (it may be down).
pub async fn spawn_on_unchecked(settings: StoreSettings) -> StoreApp {
    spawn_with(Store::open(&settings).unwrap(), None).await
}

async fn spawn_with(store: Store, data_dir: Option<tempfile::TempDir>) -> StoreApp {
    let key = shared_key("key-1");
    let realm = KeyServer::start(vec![key.clone()]).await;
    let app = samples::build_with_store(&settings_for(&realm), store.clone())
        .expect("the samples app starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    actix_web::rt::spawn(app.run_until_stopped());

    let client = reqwest::Client::new();
    let app = TestApp { address, client, realm, key };
    StoreApp { app, store, _data_dir: data_dir }
}

/// Starts the app on a store of its own.
pub async fn spawn_store_app() -> StoreApp {
    let (settings, data_dir) = fresh_store_settings().await;
    spawn_on(settings, data_dir).await
}

/// The SQLite file of a store in `data_dir`.
pub fn sqlite_file(data_dir: &Path) -> std::path::PathBuf {
    data_dir.join(samples::store::SQLITE_FILE)
}
