//! A development identity provider and an app built from a given spec, both
//! on 127.0.0.1:0 (tests run in parallel and each gets free ports; nothing
//! listens beyond this machine).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use actix_web::dev::ServerHandle;
use api::{AuthSettings, Operations, Settings};
use reqwest::Response;
use serde_json::Value;

pub const REALM: &str = "samples";

/// The development identity provider and one app. The identity provider
/// stops on drop; the app stops with the test's runtime.
pub struct TestSuite {
    pub idp_url: String,
    pub app_url: String,
    idp: ServerHandle,
    data_dir: PathBuf,
}

/// Starts the identity provider, then the app from `spec` and `handlers`;
/// `configure` may change the app's auth settings first.
pub async fn spawn(
    spec: &str,
    handlers: Operations,
    configure: impl FnOnce(&mut AuthSettings),
) -> TestSuite {
    let data_dir = fresh_directory();
    let idp = start_identity_provider(&data_dir).await;
    let (idp_url, idp_handle) = (idp.base_url(), idp.handle());
    tokio::spawn(idp.run_until_stopped());

    let mut auth = AuthSettings::new(&idp_url, REALM);
    configure(&mut auth);
    let settings = Settings {
        bind_addr: "127.0.0.1:0".parse().unwrap(),
        auth,
    };
    let app = walkthrough::build(spec, handlers, &settings).expect("the app starts");
    let app_url = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());

    TestSuite {
        idp_url,
        app_url,
        idp: idp_handle,
        data_dir,
    }
}

async fn start_identity_provider(data_dir: &Path) -> accounts::Application {
    let settings = accounts::Settings {
        bind_addr: "127.0.0.1:0".parse().unwrap(),
        data_dir: data_dir.to_owned(),
        ..Default::default()
    };
    accounts::Application::build(settings)
        .await
        .expect("the identity provider starts")
}

impl TestSuite {
    /// An access token of `username` (password `{username}-dev-password`).
    pub async fn token(&self, username: &str) -> String {
        let password = format!("{username}-dev-password");
        let url = format!(
            "{}/realms/{REALM}/protocol/openid-connect/token",
            self.idp_url
        );
        let form = [
            ("grant_type", "password"),
            ("client_id", "samples-web"),
            ("username", username),
            ("password", password.as_str()),
        ];

        let response = reqwest::Client::new()
            .post(&url)
            .form(&form)
            .send()
            .await
            .unwrap();

        let body: Value = response.json().await.unwrap();
        body["access_token"]
            .as_str()
            .expect("an access token")
            .to_owned()
    }

    /// `GET {app}/api{path}`, with `Authorization: Bearer` when given.
    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        let mut request = reqwest::Client::new().get(format!("{}/api{path}", self.app_url));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap()
    }
}

impl Drop for TestSuite {
    fn drop(&mut self) {
        drop(self.idp.stop(false));
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

/// The `WWW-Authenticate` value of `response`, or "" without one.
pub fn challenge(response: &Response) -> String {
    let value = response.headers().get("www-authenticate");
    value
        .map(|value| value.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// `docs/<page>`, read.
pub fn docs_page(page: &str) -> String {
    let path = docs_dir().join(page);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
}

/// The repository's `docs/` directory.
pub fn docs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("docs/examples has a parent")
        .into()
}

fn fresh_directory() -> PathBuf {
    static COUNT: AtomicU32 = AtomicU32::new(0);
    let count = COUNT.fetch_add(1, Ordering::Relaxed);
    let name = format!("walkthrough-test-{}-{count}", std::process::id());
    let directory = std::env::temp_dir().join(name);
    std::fs::create_dir_all(&directory).unwrap();
    directory
}
