//! Typed settings shared by every app, built in layers.
//!
//! Defaults first, then an optional file named by `CONFIG_FILE` (TOML or
//! YAML, keys in lower case: `auth_url = "..."`), then environment variables
//! (`AUTH_URL=...`). Every value is checked at start-up and a bad one stops
//! the app with a message naming the variable; so does a file key that no
//! part of the app reads ([`check_config_file`]). Nothing else in the crate
//! reads the environment.
//!
//! | variable | default | meaning |
//! |---|---|---|
//! | `BIND_ADDR` | the app's own, on 127.0.0.1 | address and port to listen on |
//! | `AUTH_URL` | `http://localhost:8080` | identity provider base URL (include a legacy `/auth` prefix here) |
//! | `AUTH_REALM` | `samples` | realm name; the issuer is `{AUTH_URL}/realms/{AUTH_REALM}` |
//! | `AUTH_AUDIENCE` | unset: `aud` not checked | comma-separated accepted audiences |
//! | `AUTH_ISSUER` | the realm URL | comma-separated accepted issuers, when tokens are issued under another public name |
//! | `AUTH_LEEWAY_SECS` | `60` | clock-skew allowance on `exp`, `nbf` and `iat` |
//! | `AUTH_ALGORITHMS` | `RS256` | comma-separated accepted signature algorithms (asymmetric only) |
//! | `AUTH_JWKS_REFRESH_SECS` | `300` | scheduled key refresh interval |
//! | `AUTH_KID_COOLDOWN_SECS` | `10` | minimum time between two fetches caused by unknown `kid`s or failures |
//! | `AUTH_HTTP_TIMEOUT_SECS` | `5` | timeout of one request to the identity provider |
//! | `AUTH_TOKEN_CACHE_SIZE` | `10000` | validated tokens kept; `0` disables the cache |

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::str::FromStr;
use std::time::Duration;

use jsonwebtoken::{Algorithm, AlgorithmFamily};
use serde::de::DeserializeOwned;
use serde::Deserialize;

/// A setting that could not be used; the message names the variable.
#[derive(Debug, thiserror::Error)]
#[error("{variable}: {message}")]
pub struct SettingsError {
    /// The environment variable (or config-file key in upper case).
    pub variable: String,
    /// What is wrong with it.
    pub message: String,
}

impl SettingsError {
    fn new(variable: &str, message: impl Into<String>) -> Self {
        Self { variable: variable.to_owned(), message: message.into() }
    }
}

/// How tokens are validated: where the keys come from and which claims
/// are accepted.
#[derive(Debug, Clone)]
pub struct AuthSettings {
    /// Identity provider base URL without the realm, no trailing slash.
    pub url: String,
    /// The realm name.
    pub realm: String,
    /// Accepted audiences; empty means `aud` is not checked.
    pub audiences: Vec<String>,
    /// Accepted issuers; by default only the realm URL.
    pub issuers: Vec<String>,
    /// Clock-skew allowance on `exp`, `nbf` and `iat`.
    pub leeway: Duration,
    /// Accepted signature algorithms.
    pub algorithms: Vec<Algorithm>,
    /// Scheduled key refresh interval.
    pub jwks_refresh: Duration,
    /// Minimum time between fetches caused by unknown kids or failures.
    pub kid_cooldown: Duration,
    /// Timeout of one request to the identity provider.
    pub http_timeout: Duration,
    /// Number of validated tokens kept; zero disables the cache.
    pub token_cache_size: usize,
}

impl AuthSettings {
    /// Settings for `url` and `realm` with every other value at its default.
    pub fn new(url: impl Into<String>, realm: impl Into<String>) -> Self {
        let url = url.into().trim_end_matches('/').to_owned();
        let realm = realm.into();
        let issuers = vec![format!("{url}/realms/{realm}")];
        Self {
            url,
            realm,
            audiences: Vec::new(),
            issuers,
            leeway: Duration::from_secs(60),
            algorithms: vec![Algorithm::RS256],
            jwks_refresh: Duration::from_secs(300),
            kid_cooldown: Duration::from_secs(10),
            http_timeout: Duration::from_secs(5),
            token_cache_size: 10_000,
        }
    }

    /// The realm URL, `{url}/realms/{realm}`: the default issuer.
    pub fn realm_url(&self) -> String {
        format!("{}/realms/{}", self.url, self.realm)
    }

    /// The realm's JWKS URL.
    pub fn jwks_url(&self) -> String {
        format!("{}/protocol/openid-connect/certs", self.realm_url())
    }
}

/// Everything an app needs to start.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where to listen.
    pub bind_addr: SocketAddr,
    /// Token validation.
    pub auth: AuthSettings,
}

/// Reads the optional `CONFIG_FILE` and then the environment into `T`, the
/// raw (all-text) form of an app's settings; the caller checks the values.
/// Every app's settings go through here, so they share the same layers.
pub fn load_layers<T: DeserializeOwned>() -> Result<T, SettingsError> {
    let mut builder = config::Config::builder();
    if let Ok(path) = std::env::var("CONFIG_FILE") {
        if !std::path::Path::new(&path).is_file() {
            return Err(SettingsError::new("CONFIG_FILE", format!("no file at {path}")));
        }
        builder = builder.add_source(config::File::with_name(&path));
    }
    let environment = config::Environment::default().try_parsing(false);
    builder
        .add_source(environment)
        .build()
        .and_then(|layers| layers.try_deserialize())
        .map_err(|error| SettingsError::new("CONFIG_FILE", error.to_string()))
}

/// Where the identity provider is unless `AUTH_URL` says otherwise.
pub const DEFAULT_AUTH_URL: &str = "http://localhost:8080";

/// The `CONFIG_FILE` keys [`Settings::load`] reads.
pub const KEYS: &[&str] = &[
    "bind_addr",
    "auth_url",
    "auth_realm",
    "auth_audience",
    "auth_issuer",
    "auth_leeway_secs",
    "auth_algorithms",
    "auth_jwks_refresh_secs",
    "auth_kid_cooldown_secs",
    "auth_http_timeout_secs",
    "auth_token_cache_size",
];

/// Refuses a `CONFIG_FILE` holding a key that no part of the app reads,
/// such as a misspelt one, which would otherwise be silently ignored.
/// `known` lists the key sets of every settings type the app loads
/// ([`KEYS`] and the app's own). The environment is not checked: it holds
/// every other program's variables too.
pub fn check_config_file(known: &[&[&str]]) -> Result<(), SettingsError> {
    match std::env::var("CONFIG_FILE") {
        Ok(path) => check_file_keys(&path, known),
        Err(_) => Ok(()),
    }
}

fn check_file_keys(path: &str, known: &[&[&str]]) -> Result<(), SettingsError> {
    let problem = |message: String| SettingsError::new("CONFIG_FILE", message);
    let file = config::Config::builder()
        .add_source(config::File::with_name(path))
        .build()
        .map_err(|error| problem(error.to_string()))?;
    let table: BTreeMap<String, config::Value> = file.try_deserialize()
        .map_err(|error| problem(format!("{path}: {error}")))?;
    let is_known = |key: &str| known.iter().any(|keys| keys.contains(&key));
    let unknown: Vec<&str> =
        table.keys().map(String::as_str).filter(|key| !is_known(key)).collect();
    if unknown.is_empty() {
        return Ok(());
    }
    let mut expected: Vec<&str> = known.iter().flat_map(|keys| keys.iter().copied()).collect();
    expected.sort_unstable();
    Err(problem(format!(
        "{path}: unknown key(s) {}; the keys (lower case) are: {}",
        unknown.join(", "),
        expected.join(", "),
    )))
}

#[derive(Debug, Default, Deserialize)]
struct RawSettings {
    bind_addr: Option<String>,
    auth_url: Option<String>,
    auth_realm: Option<String>,
    auth_audience: Option<String>,
    auth_issuer: Option<String>,
    auth_leeway_secs: Option<String>,
    auth_algorithms: Option<String>,
    auth_jwks_refresh_secs: Option<String>,
    auth_kid_cooldown_secs: Option<String>,
    auth_http_timeout_secs: Option<String>,
    auth_token_cache_size: Option<String>,
}

impl Settings {
    /// Loads the layers (defaults, `CONFIG_FILE`, environment) and checks them.
    ///
    /// `default_bind` is the app's own default listening address.
    pub fn load(default_bind: &str) -> Result<Self, SettingsError> {
        Self::from_raw(load_layers()?, default_bind)
    }

    fn from_raw(raw: RawSettings, default_bind: &str) -> Result<Self, SettingsError> {
        let bind = raw.bind_addr.as_deref().unwrap_or(default_bind);
        let bind_addr = bind.parse().map_err(|_| {
            let message = format!("`{bind}` is not an IP address and port such as 127.0.0.1:8081");
            SettingsError::new("BIND_ADDR", message)
        })?;

        let url = raw.auth_url.as_deref().unwrap_or(DEFAULT_AUTH_URL);
        let realm = raw.auth_realm.as_deref().unwrap_or("samples");
        let mut auth = AuthSettings::new(check_url(url)?, check_realm(realm)?);

        if let Some(list) = raw.auth_audience {
            auth.audiences = split_list(&list);
        }
        if let Some(list) = raw.auth_issuer {
            auth.issuers = split_list(&list);
            if auth.issuers.is_empty() {
                return Err(SettingsError::new("AUTH_ISSUER", "lists no issuer"));
            }
        }
        if let Some(list) = raw.auth_algorithms {
            auth.algorithms = parse_algorithms(&list)?;
        }
        let seconds = |value: Option<String>, variable, default: Duration| {
            value.map_or(Ok(default), |text| parse_seconds(&text, variable))
        };
        auth.leeway = seconds(raw.auth_leeway_secs, "AUTH_LEEWAY_SECS", auth.leeway)?;
        auth.jwks_refresh =
            seconds(raw.auth_jwks_refresh_secs, "AUTH_JWKS_REFRESH_SECS", auth.jwks_refresh)?;
        auth.kid_cooldown =
            seconds(raw.auth_kid_cooldown_secs, "AUTH_KID_COOLDOWN_SECS", auth.kid_cooldown)?;
        auth.http_timeout =
            seconds(raw.auth_http_timeout_secs, "AUTH_HTTP_TIMEOUT_SECS", auth.http_timeout)?;
        if let Some(size) = raw.auth_token_cache_size {
            auth.token_cache_size = size.trim().parse().map_err(|_| {
                SettingsError::new("AUTH_TOKEN_CACHE_SIZE", format!("`{size}` is not a count"))
            })?;
        }
        Ok(Self { bind_addr, auth })
    }
}

fn check_url(url: &str) -> Result<&str, SettingsError> {
    let scheme_ok = url.starts_with("http://") || url.starts_with("https://");
    let host = url.split("://").nth(1).unwrap_or_default();
    if !scheme_ok || host.is_empty() || url.contains(['?', '#', ' ']) {
        let message = format!("`{url}` is not an http(s) base URL such as http://localhost:8080");
        return Err(SettingsError::new("AUTH_URL", message));
    }
    Ok(url)
}

fn check_realm(realm: &str) -> Result<&str, SettingsError> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "-_.".contains(c);
    if realm.is_empty() || !realm.chars().all(allowed) {
        let message = format!("`{realm}` is not a realm name (letters, digits, - _ .)");
        return Err(SettingsError::new("AUTH_REALM", message));
    }
    Ok(realm)
}

fn split_list(list: &str) -> Vec<String> {
    let items = list.split(',').map(str::trim).filter(|item| !item.is_empty());
    items.map(str::to_owned).collect()
}

fn parse_seconds(text: &str, variable: &str) -> Result<Duration, SettingsError> {
    let seconds: u64 = text.trim().parse().map_err(|_| {
        SettingsError::new(variable, format!("`{text}` is not a whole number of seconds"))
    })?;
    Ok(Duration::from_secs(seconds))
}

/// Only asymmetric algorithms: an HMAC "key" taken from a JWKS would be a
/// public value, and `none` is never a signature.
fn parse_algorithms(list: &str) -> Result<Vec<Algorithm>, SettingsError> {
    let variable = "AUTH_ALGORITHMS";
    let mut algorithms = Vec::new();
    for name in split_list(list) {
        let algorithm = Algorithm::from_str(&name)
            .map_err(|_| SettingsError::new(variable, format!("`{name}` is not known")))?;
        if algorithm.family() == AlgorithmFamily::Hmac {
            let message = format!("`{name}` is symmetric; only RS*, PS*, ES* and EdDSA");
            return Err(SettingsError::new(variable, message));
        }
        algorithms.push(algorithm);
    }
    if algorithms.is_empty() {
        return Err(SettingsError::new(variable, "lists no algorithm"));
    }
    Ok(algorithms)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(raw: RawSettings) -> Result<Settings, SettingsError> {
        Settings::from_raw(raw, "127.0.0.1:8081")
    }

    fn config_file(name: &str, text: &str) -> std::path::PathBuf {
        let path = std::env::temp_dir().join(format!("api-settings-{}-{name}", std::process::id()));
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn every_key_of_the_raw_settings_is_known() {
        let text: String = KEYS.iter().map(|key| format!("{key} = \"1\"\n")).collect();
        let path = config_file("all.toml", &text);

        let checked = check_file_keys(path.to_str().unwrap(), &[KEYS]);
        let raw: RawSettings = config::Config::builder()
            .add_source(config::File::from(path.as_path()))
            .build().unwrap().try_deserialize().unwrap();

        assert!(checked.is_ok(), "{checked:?}");
        assert!(raw.bind_addr.is_some() && raw.auth_token_cache_size.is_some());
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn a_misspelt_config_file_key_is_refused_by_name() {
        let path = config_file("typo.yaml", "auth_url: http://localhost:8080\nauth_audiance: x\n");

        let known: &[&[&str]] = &[KEYS, &["database_url"]];
        let error = check_file_keys(path.to_str().unwrap(), known).unwrap_err();

        assert_eq!(error.variable, "CONFIG_FILE");
        assert!(error.message.contains("unknown key(s) auth_audiance;"), "{}", error.message);
        assert!(error.message.contains("auth_audience"), "{}", error.message);
        assert!(error.message.contains("database_url"), "{}", error.message);
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn defaults_point_at_the_local_samples_realm() {
        let settings = load(RawSettings::default()).unwrap();

        let auth = settings.auth;
        assert_eq!(auth.realm_url(), "http://localhost:8080/realms/samples");
        assert_eq!(auth.issuers, vec![auth.realm_url()]);
        assert!(auth.audiences.is_empty());
        assert_eq!(auth.algorithms, vec![Algorithm::RS256]);
        assert_eq!(auth.leeway, Duration::from_secs(60));
    }

    #[test]
    fn a_legacy_auth_prefix_is_part_of_the_url() {
        let raw = RawSettings {
            auth_url: Some("https://sso.example.test/auth/".into()),
            ..Default::default()
        };

        let auth = load(raw).unwrap().auth;

        assert_eq!(auth.jwks_url(), concat!(
            "https://sso.example.test/auth/realms/samples",
            "/protocol/openid-connect/certs"
        ));
    }

    #[test]
    fn hmac_algorithms_are_refused_at_start_up() {
        let raw = RawSettings { auth_algorithms: Some("RS256,HS256".into()), ..Default::default() };

        let error = load(raw).unwrap_err();

        assert_eq!(error.variable, "AUTH_ALGORITHMS");
    }

    #[test]
    fn a_bad_number_names_its_variable() {
        let raw = RawSettings { auth_leeway_secs: Some("soon".into()), ..Default::default() };

        let error = load(raw).unwrap_err();

        assert_eq!(error.variable, "AUTH_LEEWAY_SECS");
    }

    #[test]
    fn a_realm_with_a_slash_is_refused() {
        let raw = RawSettings { auth_realm: Some("a/b".into()), ..Default::default() };

        assert_eq!(load(raw).unwrap_err().variable, "AUTH_REALM");
    }

    #[test]
    fn a_url_without_scheme_is_refused() {
        let raw = RawSettings { auth_url: Some("localhost:8080".into()), ..Default::default() };

        assert_eq!(load(raw).unwrap_err().variable, "AUTH_URL");
    }
}
