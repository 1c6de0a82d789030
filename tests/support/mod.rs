//! Shared code of the cross-app and interop tests: identity providers (the
//! real Keycloak that `scripts/test` starts, or the in-process development
//! provider), samples apps started on `127.0.0.1:0`, and token helpers.
//!
//! Every server the tests start binds 127.0.0.1 port 0: the OS picks a
//! free port, so tests run in parallel, and nothing listens beyond this
//! machine.

// Each test binary compiles this module and uses a different part of it.
#![allow(dead_code)]

use std::path::Path;
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::Value;

/// The realm of the realm export that both providers serve.
pub const REALM: &str = "samples";

/// Development credentials from `applications/accounts/realm/`.
pub const ALICE: (&str, &str) = ("alice", "alice-dev-password");
pub const ADA: (&str, &str) = ("ada", "ada-dev-password");
pub const SERVICE: (&str, &str) = ("samples-service", "samples-service-dev-secret");
pub const PUBLIC_CLIENT: &str = "samples-web";

/// The audience the realm's audience mapper adds to user tokens.
pub const API_AUDIENCE: &str = "samples-api";

/// How long one request may take; a stuck server fails the test instead of
/// hanging it.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

/// The real Keycloak's base URL, from `KEYCLOAK_URL`.
///
/// Panics when it is unset: these tests must fail, never skip, when the
/// server they check is missing.
pub fn keycloak_url() -> String {
    match std::env::var("KEYCLOAK_URL") {
        Ok(url) if !url.trim().is_empty() => url.trim().trim_end_matches('/').to_owned(),
        _ => panic!("KEYCLOAK_URL is not set: run scripts/test, which starts Keycloak"),
    }
}

/// A variable `scripts/keycloak.sh` writes next to `KEYCLOAK_URL`.
pub fn keycloak_env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: run scripts/test, which exports keycloak.env")
    })
}

/// An HTTP client with a request timeout and no redirects.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("the HTTP client builds")
}

/// An identity provider serving the samples realm.
#[derive(Clone)]
pub struct Provider {
    /// Where requests go, e.g. `http://127.0.0.1:8080`.
    pub address: String,
    pub client: reqwest::Client,
}

impl Provider {
    /// The real Keycloak named by `KEYCLOAK_URL`.
    pub fn keycloak() -> Self {
        Self::at(&keycloak_url())
    }

    pub fn at(address: &str) -> Self {
        Self {
            address: address.trim_end_matches('/').to_owned(),
            client: http_client(),
        }
    }

    /// `{address}/realms/{realm}`.
    pub fn realm_url(&self, realm: &str) -> String {
        format!("{}/realms/{realm}", self.address)
    }

    /// URL of an OpenID Connect endpoint of the samples realm.
    pub fn oidc_url(&self, endpoint: &str) -> String {
        format!(
            "{}/protocol/openid-connect/{endpoint}",
            self.realm_url(REALM)
        )
    }

    /// Posts a form to a realm's token endpoint.
    pub async fn post_token_in(&self, realm: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let url = format!("{}/protocol/openid-connect/token", self.realm_url(realm));
        let request = self.client.post(url).form(form);
        request.send().await.expect("the token request is answered")
    }

    /// Posts a form to the samples realm's token endpoint.
    pub async fn post_token(&self, form: &[(&str, &str)]) -> reqwest::Response {
        self.post_token_in(REALM, form).await
    }

    /// Password grant of the public client that must succeed; the body.
    pub async fn login(&self, user: (&str, &str), scope: &str) -> Value {
        let form = [
            ("grant_type", "password"),
            ("client_id", PUBLIC_CLIENT),
            ("username", user.0),
            ("password", user.1),
            ("scope", scope),
        ];
        let response = self.post_token(&form).await;
        success_json(response, &format!("password grant of {}", user.0)).await
    }

    /// Client-credentials grant of the service client; the body.
    pub async fn service_login(&self) -> Value {
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", SERVICE.0),
            ("client_secret", SERVICE.1),
        ];
        let response = self.post_token(&form).await;
        success_json(response, "client_credentials grant").await
    }

    /// A fresh access token of `user` (scope `openid`).
    pub async fn access_token(&self, user: (&str, &str)) -> String {
        text(&self.login(user, "openid").await, "access_token").to_owned()
    }

    /// GET a URL under the provider and parse JSON; `Null` for no JSON.
    pub async fn get_json(&self, path: &str) -> (u16, Value) {
        let url = format!("{}{path}", self.address);
        let response = self.client.get(url).send().await.expect("GET is answered");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// The samples realm's JWKS.
    pub async fn jwks(&self) -> Value {
        let path = format!("/realms/{REALM}/protocol/openid-connect/certs");
        let (status, jwks) = self.get_json(&path).await;
        assert_eq!(status, 200, "JWKS of {}", self.address);
        jwks
    }
}

/// Asserts a 200 answer and returns its JSON body; the failure names what
/// was asked and the provider's `error` (never a token).
async fn success_json(response: reqwest::Response, what: &str) -> Value {
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    assert_eq!(status, 200, "{what} failed: error {}", body["error"]);
    body
}

/// A samples app running in this test's runtime.
pub struct SamplesApp {
    /// `http://127.0.0.1:{port}`.
    pub address: String,
    pub client: reqwest::Client,
}

/// Starts the samples app against `auth_url`'s samples realm, with
/// `adjust` applied to the auth settings, and waits (at most five
/// seconds) until its first key fetch has loaded keys.
pub async fn spawn_samples(
    auth_url: &str,
    adjust: impl FnOnce(&mut api::AuthSettings),
) -> SamplesApp {
    let mut auth = api::AuthSettings::new(auth_url, REALM);
    adjust(&mut auth);
    let settings = api::Settings {
        bind_addr: "127.0.0.1:0".parse().unwrap(),
        auth,
    };
    let app = samples::build(&settings).expect("the samples app starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    let keys = app.keys();
    actix_web::rt::spawn(app.run_until_stopped());

    assert!(
        keys.wait_until_loaded(Duration::from_secs(5)).await,
        "the samples app loaded no key from {auth_url}"
    );
    SamplesApp {
        address,
        client: http_client(),
    }
}

impl SamplesApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// GET `path` with `token` as a bearer token.
    pub async fn get_with_token(&self, path: &str, token: &str) -> reqwest::Response {
        let request = self.client.get(self.url(path)).bearer_auth(token);
        request.send().await.expect("the samples app answers")
    }

    /// GET `path` with `token` in the `kc-access` cookie.
    pub async fn get_with_cookie(&self, path: &str, token: &str) -> reqwest::Response {
        let cookie = format!("kc-access={token}");
        let request = self.client.get(self.url(path)).header("cookie", cookie);
        request.send().await.expect("the samples app answers")
    }

    /// GET `path` without credentials.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("the samples app answers")
    }

    /// The status of GET `path` with a bearer token.
    pub async fn status_with_token(&self, path: &str, token: &str) -> u16 {
        self.get_with_token(path, token).await.status().as_u16()
    }
}

/// Asserts a 200 answer whose body is the JSON string `"OK!"`.
pub async fn assert_ok(response: reqwest::Response) {
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.json::<String>().await.unwrap(), "OK!");
}

/// Asserts a problem+json refusal: status, problem type suffix (e.g.
/// `invalid-token`) and, when given, the RFC 6750 `error` of the challenge.
pub async fn assert_refused(
    response: reqwest::Response,
    status: u16,
    kind: &str,
    error: Option<&str>,
) {
    assert_eq!(response.status().as_u16(), status);
    let headers = response.headers();
    assert_eq!(headers["content-type"], "application/problem+json");
    let challenge = headers
        .get("www-authenticate")
        .map(|value| value.to_str().unwrap().to_owned())
        .unwrap_or_default();
    assert!(
        challenge.starts_with(r#"Bearer realm="samples""#),
        "{challenge}"
    );
    if let Some(error) = error {
        let expected = format!(r#"error="{error}""#);
        assert!(challenge.contains(&expected), "{challenge}");
    }
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["type"], format!("urn:samples:problem:{kind}"));
}

/// Asserts the 401 `invalid_token` refusal of a token.
pub async fn assert_invalid_token(response: reqwest::Response) {
    assert_refused(response, 401, "invalid-token", Some("invalid_token")).await;
}

/// Decodes a JWT's header and claims without checking the signature.
pub fn decode_unverified(token: &str) -> (Value, Value) {
    let mut parts = token.split('.');
    let mut next = || {
        let part = parts.next().expect("a JWT has three parts");
        let bytes = URL_SAFE_NO_PAD
            .decode(part)
            .expect("a JWT part is base64url");
        serde_json::from_slice::<Value>(&bytes).expect("a JWT part is JSON")
    };
    (next(), next())
}

/// The `kid` in a JWT's header.
pub fn kid_of(token: &str) -> String {
    text(&decode_unverified(token).0, "kid").to_owned()
}

/// The kids of a JWKS.
pub fn kids(jwks: &Value) -> Vec<String> {
    let keys = jwks["keys"].as_array().expect("a JWKS has keys");
    keys.iter().map(|key| text(key, "kid").to_owned()).collect()
}

/// A string field of a JSON object; panics naming the field (not the
/// value, which may be a token) when it is missing.
pub fn text<'a>(body: &'a Value, field: &str) -> &'a str {
    body[field]
        .as_str()
        .unwrap_or_else(|| panic!("`{field}` is missing or not a string"))
}

/// A temporary data directory for a development provider.
pub fn temp_data_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("suite-test-")
        .tempdir()
        .expect("a temp dir")
}

/// Starts the development identity provider in this test's runtime on
/// `127.0.0.1:0` with its key store in `data_dir`; returns its base URL
/// (the issuer prefix, `http://localhost:{port}`).
pub async fn spawn_dev_provider(data_dir: &Path) -> String {
    let settings = accounts::Settings {
        bind_addr: "127.0.0.1:0".parse().unwrap(),
        data_dir: data_dir.to_owned(),
        ..accounts::Settings::default()
    };
    let app = accounts::Application::build(settings)
        .await
        .expect("the dev provider starts");
    let base_url = app.base_url();
    actix_web::rt::spawn(app.run_until_stopped());
    base_url
}
