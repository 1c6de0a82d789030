//! Settings of the development identity provider.
//!
//! Built in two layers: defaults, then `ACCOUNTS_*` environment variables.
//! This is the only module that reads the environment.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;

/// Default listen address: loopback only, never every interface.
pub const DEFAULT_BIND_ADDR: &str = "127.0.0.1:8080";

/// Default directory of the key store.
pub const DEFAULT_DATA_DIR: &str = "./data/accounts";

/// Default time a rotated-out key stays in the JWKS: one hour.
pub const DEFAULT_KEY_GRACE: Duration = Duration::from_secs(3600);

/// Typed settings of the identity provider.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Address to listen on; port 0 picks a free port
    /// (`ACCOUNTS_BIND_ADDR`, default `127.0.0.1:8080`).
    pub bind_addr: SocketAddr,
    /// Fixed frontend base URL that prefixes the issuer
    /// (`ACCOUNTS_PUBLIC_URL`, default `http://localhost:{port}`).
    ///
    /// It is never derived from the request's `Host` header, as in
    /// Keycloak's hostname v2 with a fixed hostname.
    pub public_url: Option<String>,
    /// Realm export to serve (`ACCOUNTS_REALM_FILE`); `None` serves the
    /// embedded `realm/samples-realm.json`.
    pub realm_file: Option<PathBuf>,
    /// Directory of the key store (`ACCOUNTS_DATA_DIR`, default
    /// `./data/accounts`).
    pub data_dir: PathBuf,
    /// How long a rotated-out key is still published in the JWKS
    /// (`ACCOUNTS_KEY_GRACE_SECS`, default 3600).
    pub key_grace: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            bind_addr: DEFAULT_BIND_ADDR.parse().expect("valid literal"),
            public_url: None,
            realm_file: None,
            data_dir: PathBuf::from(DEFAULT_DATA_DIR),
            key_grace: DEFAULT_KEY_GRACE,
        }
    }
}

impl Settings {
    /// Loads the defaults, then applies the `ACCOUNTS_*` variables.
    ///
    /// Fails with a message naming the variable whose value is invalid.
    pub fn from_env() -> anyhow::Result<Self> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Same as [`Settings::from_env`], reading variables through `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let mut settings = Self::default();

        if let Some(value) = lookup("ACCOUNTS_BIND_ADDR") {
            settings.bind_addr = value
                .parse()
                .with_context(|| format!("ACCOUNTS_BIND_ADDR is not host:port: {value:?}"))?;
        }
        if let Some(value) = lookup("ACCOUNTS_PUBLIC_URL") {
            settings.public_url = Some(parse_public_url(&value)?);
        }
        if let Some(value) = lookup("ACCOUNTS_REALM_FILE") {
            settings.realm_file = Some(PathBuf::from(value));
        }
        if let Some(value) = lookup("ACCOUNTS_DATA_DIR") {
            settings.data_dir = PathBuf::from(value);
        }
        if let Some(value) = lookup("ACCOUNTS_KEY_GRACE_SECS") {
            let seconds: u64 = value
                .parse()
                .with_context(|| format!("ACCOUNTS_KEY_GRACE_SECS is not seconds: {value:?}"))?;
            settings.key_grace = Duration::from_secs(seconds);
        }
        Ok(settings)
    }
}

/// Checks that a public URL is an absolute http(s) URL and drops any
/// trailing slash, so that issuers never hold `//`.
pub fn parse_public_url(value: &str) -> anyhow::Result<String> {
    let trimmed = value.trim().trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("http://")
        .or_else(|| trimmed.strip_prefix("https://"));
    match rest {
        Some(host) if !host.is_empty() => Ok(trimmed.to_owned()),
        _ => anyhow::bail!("ACCOUNTS_PUBLIC_URL must be an absolute http(s) URL: {value:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings_from(pairs: &[(&str, &str)]) -> anyhow::Result<Settings> {
        Settings::from_lookup(|name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value.to_string())
        })
    }

    #[test]
    fn defaults_listen_on_loopback_only() {
        let settings = settings_from(&[]).unwrap();

        assert!(settings.bind_addr.ip().is_loopback());
        assert_eq!(settings.bind_addr.port(), 8080);
        assert_eq!(settings.key_grace, DEFAULT_KEY_GRACE);
    }

    #[test]
    fn variables_override_the_defaults() {
        let settings = settings_from(&[
            ("ACCOUNTS_BIND_ADDR", "127.0.0.1:0"),
            ("ACCOUNTS_PUBLIC_URL", "http://localhost:9999/"),
            ("ACCOUNTS_KEY_GRACE_SECS", "5"),
            ("ACCOUNTS_DATA_DIR", "/tmp/somewhere"),
        ])
        .unwrap();

        assert_eq!(settings.bind_addr.port(), 0);
        assert_eq!(
            settings.public_url.as_deref(),
            Some("http://localhost:9999")
        );
        assert_eq!(settings.key_grace, Duration::from_secs(5));
        assert_eq!(settings.data_dir, PathBuf::from("/tmp/somewhere"));
    }

    #[test]
    fn an_invalid_value_names_its_variable() {
        let error = settings_from(&[("ACCOUNTS_KEY_GRACE_SECS", "soon")]).unwrap_err();

        assert!(error.to_string().contains("ACCOUNTS_KEY_GRACE_SECS"));
    }

    #[test]
    fn a_relative_public_url_is_rejected() {
        let error = settings_from(&[("ACCOUNTS_PUBLIC_URL", "localhost")]).unwrap_err();

        assert!(error.to_string().contains("ACCOUNTS_PUBLIC_URL"));
    }
}
