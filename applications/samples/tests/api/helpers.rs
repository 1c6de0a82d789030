//! `spawn_app()` and a local realm key server for the integration tests.
//!
//! Every server binds 127.0.0.1:0: tests run in parallel, so each gets its
//! own free port, and nothing listens beyond this machine.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use actix_web::{web, HttpResponse};
use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::KeyPair as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

pub const REALM: &str = "samples";

/// An RSA signing key of the test realm.
#[derive(Clone)]
pub struct TestKey {
    pub kid: String,
    pub encoding: EncodingKey,
    pub jwk: Value,
    /// The public key as base64 DER SubjectPublicKeyInfo (`public_key`).
    pub public_der: String,
}

impl TestKey {
    pub fn generate(kid: &str) -> Self {
        let pair = KeyPair::generate(KeySize::Rsa2048).expect("RSA key generation");
        let pkcs8 = AsDer::<aws_lc_rs::encoding::Pkcs8V1Der>::as_der(&pair).unwrap();
        let pem = pem("PRIVATE KEY", pkcs8.as_ref());
        let public = pair.public_key();
        let spki = AsDer::<aws_lc_rs::encoding::PublicKeyX509Der>::as_der(public).unwrap();
        let b64 = |bytes: &[u8]| URL_SAFE_NO_PAD.encode(bytes);
        let jwk = json!({
            "kid": kid, "kty": "RSA", "alg": "RS256", "use": "sig",
            "n": b64(public.modulus().big_endian_without_leading_zero()),
            "e": b64(public.exponent().big_endian_without_leading_zero()),
        });
        Self {
            kid: kid.to_owned(),
            encoding: EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap(),
            jwk,
            public_der: STANDARD.encode(spki.as_ref()),
        }
    }

    /// Signs `claims` with this key and its kid.
    pub fn sign(&self, claims: &Value) -> String {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding).unwrap()
    }
}

fn pem(label: &str, der: &[u8]) -> String {
    let body = STANDARD.encode(der);
    let lines: Vec<&str> =
        body.as_bytes().chunks(64).map(|c| std::str::from_utf8(c).unwrap()).collect();
    format!("-----BEGIN {label}-----\n{}\n-----END {label}-----\n", lines.join("\n"))
}

/// What the key server publishes, and what it has been asked.
#[derive(Default)]
pub struct RealmState {
    pub keys: Vec<TestKey>,
    pub up: bool,
    pub jwks_fetches: usize,
    pub realm_fetches: usize,
    /// Serve the JWKS as an error, so only `public_key` works.
    pub jwks_broken: bool,
}

/// A local stand-in for the realm's key endpoints.
pub struct KeyServer {
    pub base_url: String,
    pub state: Arc<Mutex<RealmState>>,
}

impl KeyServer {
    pub async fn start(keys: Vec<TestKey>) -> Self {
        let state = Arc::new(Mutex::new(RealmState { keys, up: true, ..Default::default() }));
        let data = web::Data::from(state.clone());
        let server = actix_web::HttpServer::new(move || {
            actix_web::App::new()
                .app_data(data.clone())
                .route("/realms/{realm}/protocol/openid-connect/certs", web::get().to(jwks))
                .route("/realms/{realm}", web::get().to(realm_info))
        })
        .workers(1)
        .bind("127.0.0.1:0")
        .unwrap();
        let port = server.addrs()[0].port();
        actix_web::rt::spawn(server.run());
        Self { base_url: format!("http://127.0.0.1:{port}"), state }
    }

    pub fn issuer(&self) -> String {
        format!("{}/realms/{REALM}", self.base_url)
    }

    pub fn set_up(&self, up: bool) {
        self.state.lock().unwrap().up = up;
    }

    pub fn publish(&self, keys: Vec<TestKey>) {
        self.state.lock().unwrap().keys = keys;
    }

    pub fn jwks_fetches(&self) -> usize {
        self.state.lock().unwrap().jwks_fetches
    }
}

async fn jwks(state: web::Data<Mutex<RealmState>>) -> HttpResponse {
    let mut state = state.lock().unwrap();
    state.jwks_fetches += 1;
    if !state.up || state.jwks_broken {
        return HttpResponse::ServiceUnavailable().finish();
    }
    let keys: Vec<Value> = state.keys.iter().map(|key| key.jwk.clone()).collect();
    HttpResponse::Ok().json(json!({ "keys": keys }))
}

async fn realm_info(state: web::Data<Mutex<RealmState>>) -> HttpResponse {
    let mut state = state.lock().unwrap();
    state.realm_fetches += 1;
    if !state.up {
        return HttpResponse::ServiceUnavailable().finish();
    }
    let public_key = state.keys.first().map(|key| key.public_der.clone());
    HttpResponse::Ok().json(json!({ "realm": REALM, "public_key": public_key }))
}

pub fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

/// Keycloak-shaped access-token claims for `issuer`, valid for 5 minutes.
pub fn claims(issuer: &str) -> Value {
    let now = now();
    json!({
        "exp": now + 300, "iat": now, "jti": uuid::Uuid::new_v4().to_string(),
        "iss": issuer, "aud": "account", "sub": "7d1b7a36-1111-4a6e-9d43-0a8d5c0c2a11",
        "typ": "Bearer", "azp": "samples-web", "sid": "s-1",
        "realm_access": {"roles": ["default-roles-samples", "user"]},
        "resource_access": {"account": {"roles": ["view-profile"]}},
        "scope": "openid email profile", "email_verified": true,
        "name": "Alice User", "preferred_username": "alice",
        "given_name": "Alice", "family_name": "User", "email": "alice@example.test",
    })
}

/// A running samples app and its key server.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub realm: KeyServer,
    pub key: TestKey,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// A valid token for the default user.
    pub fn token(&self) -> String {
        self.key.sign(&claims(&self.realm.issuer()))
    }

    /// A token with `change` applied to the default claims.
    pub fn token_with(&self, change: impl FnOnce(&mut Value)) -> String {
        let mut claims = claims(&self.realm.issuer());
        change(&mut claims);
        self.key.sign(&claims)
    }

    pub async fn get_with_token(&self, path: &str, token: &str) -> reqwest::Response {
        self.client.get(self.url(path)).bearer_auth(token).send().await.unwrap()
    }
}

/// Settings for an app against `realm`; tests adjust what they exercise.
pub fn settings_for(realm: &KeyServer) -> api::Settings {
    let mut auth = api::AuthSettings::new(&realm.base_url, REALM);
    auth.kid_cooldown = Duration::from_millis(0);
    api::Settings { bind_addr: "127.0.0.1:0".parse().unwrap(), auth }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts the key server and the app, with `adjust` applied to settings.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut api::Settings)) -> TestApp {
    let key = shared_key("key-1");
    let realm = KeyServer::start(vec![key.clone()]).await;
    let mut settings = settings_for(&realm);
    adjust(&mut settings);
    let app = samples::build(&settings).expect("the samples app starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    let keys = app.keys();
    actix_web::rt::spawn(app.run_until_stopped());
    // Let the scheduled first fetch finish, so that tests counting fetches
    // or changing keys start from a loaded cache (at most one second).
    keys.wait_until_loaded(Duration::from_secs(1)).await;
    TestApp { address, client: reqwest::Client::new(), realm, key }
}

/// RSA keys are slow to make; tests share a few, by name.
pub fn shared_key(name: &str) -> TestKey {
    static KEYS: Mutex<Vec<TestKey>> = Mutex::new(Vec::new());
    let mut keys = KEYS.lock().unwrap();
    if let Some(key) = keys.iter().find(|key| key.kid == name) {
        return key.clone();
    }
    let key = TestKey::generate(name);
    keys.push(key.clone());
    key
}

/// Asserts a problem+json answer with this status and problem type suffix.
pub async fn assert_problem(response: reqwest::Response, status: u16, kind: &str) -> String {
    assert_eq!(response.status().as_u16(), status);
    let media = response.headers()["content-type"].to_str().unwrap().to_owned();
    assert_eq!(media, "application/problem+json");
    let challenge = response.headers().get("www-authenticate")
        .map(|value| value.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["type"], format!("urn:samples:problem:{kind}"));
    assert_eq!(body["status"], status);
    challenge
}
