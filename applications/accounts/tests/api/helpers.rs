//! Starting the server and talking to it.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;
use tempfile::TempDir;

use accounts::{Application, Settings};

/// Development credentials from the embedded realm export.
pub const ALICE: (&str, &str) = ("alice", "alice-dev-password");
pub const ADA: (&str, &str) = ("ada", "ada-dev-password");
pub const SERVICE: (&str, &str) = ("samples-service", "samples-service-dev-secret");
pub const PUBLIC_CLIENT: &str = "samples-web";

/// A running server and a client for it.
pub struct TestApp {
    /// Where requests go: `http://127.0.0.1:{port}`.
    pub address: String,
    /// The issuer base the server was configured with.
    pub base_url: String,
    /// The data directory; kept alive as long as the app.
    pub data_dir: Arc<TempDir>,
    pub client: reqwest::Client,
}

/// Starts a server with a fresh data directory and a one-hour key grace.
pub async fn spawn_app() -> TestApp {
    let data_dir = Arc::new(tempfile::tempdir().expect("temp dir"));
    spawn_app_in(data_dir, Duration::from_secs(3600)).await
}

/// Starts a server on an existing data directory, as after a restart.
pub async fn spawn_app_in(data_dir: Arc<TempDir>, key_grace: Duration) -> TestApp {
    // Port 0 on loopback: the OS picks a free port, so tests can run in
    // parallel, and nothing is reachable from outside the machine.
    let settings = Settings {
        bind_addr: "127.0.0.1:0".parse().unwrap(),
        data_dir: data_dir.path().to_owned(),
        key_grace,
        ..Settings::default()
    };
    let app = Application::build(settings).await.expect("server builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let base_url = app.base_url();
    tokio::spawn(app.run_until_stopped());

    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    TestApp {
        address,
        base_url,
        data_dir,
        client,
    }
}

impl TestApp {
    /// The issuer of the samples realm.
    pub fn issuer(&self) -> String {
        format!("{}/realms/samples", self.base_url)
    }

    /// URL of an OpenID Connect endpoint of `realm`.
    pub fn oidc_url(&self, realm: &str, endpoint: &str) -> String {
        format!(
            "{}/realms/{realm}/protocol/openid-connect/{endpoint}",
            self.address
        )
    }

    /// Posts a form to the samples realm's token endpoint.
    pub async fn post_token(&self, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.oidc_url("samples", "token"))
            .form(form)
            .send()
            .await
            .expect("token request sent")
    }

    /// Password grant for the public client.
    pub async fn login(&self, user: (&str, &str), scope: &str) -> reqwest::Response {
        self.post_token(&[
            ("grant_type", "password"),
            ("client_id", PUBLIC_CLIENT),
            ("username", user.0),
            ("password", user.1),
            ("scope", scope),
        ])
        .await
    }

    /// Password grant that must succeed; returns the response body.
    pub async fn login_ok(&self, user: (&str, &str), scope: &str) -> Value {
        let response = self.login(user, scope).await;
        assert_eq!(response.status(), 200, "login of {} failed", user.0);
        response.json().await.unwrap()
    }

    /// Client-credentials grant that must succeed.
    pub async fn service_token(&self) -> Value {
        let response = self
            .post_token(&[
                ("grant_type", "client_credentials"),
                ("client_id", SERVICE.0),
                ("client_secret", SERVICE.1),
            ])
            .await;
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    /// GET a path of the server and parse JSON.
    pub async fn get_json(&self, path: &str) -> (u16, Value) {
        let response = self
            .client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// The samples realm's JWKS.
    pub async fn jwks(&self) -> Value {
        let (status, jwks) = self
            .get_json("/realms/samples/protocol/openid-connect/certs")
            .await;
        assert_eq!(status, 200);
        jwks
    }

    /// Polls the JWKS until `kid` is published: at most 50 tries, 100 ms
    /// apart.
    pub async fn wait_for_kid(&self, kid: &str) -> Value {
        for _ in 0..50 {
            let jwks = self.jwks().await;
            if kids(&jwks).contains(&kid.to_owned()) {
                return jwks;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("kid {kid} never appeared in the JWKS");
    }

    /// The data directory's path.
    pub fn data_path(&self) -> &Path {
        self.data_dir.path()
    }
}

/// The kids of a JWKS.
pub fn kids(jwks: &Value) -> Vec<String> {
    jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|key| key["kid"].as_str().unwrap().to_owned())
        .collect()
}

/// Decodes a JWT's header and claims without checking the signature.
pub fn decode_unverified(token: &str) -> (Value, Value) {
    let mut parts = token.split('.');
    let mut next = || {
        let part = parts.next().expect("three JWT parts");
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
    };
    (next(), next())
}

/// Verifies an RS256 token against the JWK with its kid, as a resource
/// server would; returns the claims.
pub fn verify_with_jwks(token: &str, jwks: &Value, issuer: &str) -> Result<Value, String> {
    let (header, _) = decode_unverified(token);
    let kid = header["kid"].as_str().ok_or("no kid")?;
    let jwk = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|key| key["kid"] == kid)
        .ok_or_else(|| format!("kid {kid} not in JWKS"))?;
    let key =
        DecodingKey::from_rsa_components(jwk["n"].as_str().unwrap(), jwk["e"].as_str().unwrap())
            .map_err(|error| error.to_string())?;
    verify_with_key(token, &key, issuer)
}

/// Verifies an RS256 token with a given key.
pub fn verify_with_key(token: &str, key: &DecodingKey, issuer: &str) -> Result<Value, String> {
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(&[issuer]);
    validation.validate_aud = false;
    jsonwebtoken::decode::<Value>(token, key, &validation)
        .map(|data| data.claims)
        .map_err(|error| error.to_string())
}

/// A field of a JSON body as a string.
pub fn text<'a>(body: &'a Value, field: &str) -> &'a str {
    body[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field} missing in {body}"))
}
