//! Settings of the samples app's own store, built in the same layers as
//! [`api::Settings`]: defaults, the optional `CONFIG_FILE`, then the
//! environment. Nothing else in the crate reads the environment.
//!
//! | variable | default | meaning |
//! |---|---|---|
//! | `SAMPLES_DATA_DIR` | `./data/samples` | directory of the SQLite database `samples.db`, created on first start |
//! | `DATABASE_URL` | unset: SQLite in `SAMPLES_DATA_DIR` | a `postgres://` or `postgresql://` URL selects PostgreSQL instead |
//! | `SAMPLES_DB_MAX_CONNECTIONS` | `10` | connections in the pool |
//! | `SAMPLES_DB_TIMEOUT_SECS` | `5` | how long a request waits for a connection (and SQLite for a lock) before it is answered 503 |

use std::path::PathBuf;
use std::time::Duration;

use api::SettingsError;
use secrecy::SecretString;
use serde::Deserialize;

/// The `CONFIG_FILE` keys [`StoreSettings::load`] reads.
pub const KEYS: &[&str] =
    &["samples_data_dir", "database_url", "samples_db_max_connections", "samples_db_timeout_secs"];

/// Everything the samples app reads, in `api`'s layers: the shared
/// settings and the store's. A `CONFIG_FILE` key that neither reads (a
/// misspelt one, say) is refused rather than ignored.
pub fn load(default_bind: &str) -> Result<(api::Settings, StoreSettings), SettingsError> {
    api::settings::check_config_file(&[api::settings::KEYS, KEYS])?;
    Ok((api::Settings::load(default_bind)?, StoreSettings::load()?))
}

/// Where sample resources are kept.
#[derive(Debug, Clone)]
pub enum Backend {
    /// A SQLite database file, `samples.db`, in this directory.
    Sqlite {
        /// The data directory; created when missing.
        data_dir: PathBuf,
    },
    /// A PostgreSQL database; the URL may hold a password.
    Postgres {
        /// The `postgres://` URL.
        url: SecretString,
    },
    /// A SQLite database in memory, gone when the app stops (tests, demos).
    Memory,
}

/// The store's settings.
#[derive(Debug, Clone)]
pub struct StoreSettings {
    /// Where the data lives.
    pub backend: Backend,
    /// Connections in the pool.
    pub max_connections: u32,
    /// How long to wait for a connection or a lock.
    pub timeout: Duration,
}

impl StoreSettings {
    /// SQLite in `data_dir`, other values at their defaults.
    pub fn sqlite(data_dir: impl Into<PathBuf>) -> Self {
        Self::with_backend(Backend::Sqlite { data_dir: data_dir.into() })
    }

    /// Settings for `backend`, other values at their defaults.
    pub fn with_backend(backend: Backend) -> Self {
        Self { backend, max_connections: 10, timeout: Duration::from_secs(5) }
    }

    /// Loads the layers (defaults, `CONFIG_FILE`, environment) and checks them.
    pub fn load() -> Result<Self, SettingsError> {
        Self::from_raw(api::settings::load_layers()?)
    }

    fn from_raw(raw: RawSettings) -> Result<Self, SettingsError> {
        let data_dir = raw.samples_data_dir.unwrap_or_else(|| "./data/samples".into());
        let backend = match raw.database_url {
            Some(url) if !url.trim().is_empty() => postgres(url)?,
            _ if data_dir.trim().is_empty() => {
                return Err(problem("SAMPLES_DATA_DIR", "is empty"));
            }
            _ => Backend::Sqlite { data_dir: data_dir.into() },
        };

        let mut settings = Self::with_backend(backend);
        if let Some(count) = raw.samples_db_max_connections {
            settings.max_connections = count.trim().parse().ok().filter(|count| *count > 0)
                .ok_or_else(|| {
                    let message = format!("`{count}` is not a positive count");
                    problem("SAMPLES_DB_MAX_CONNECTIONS", message)
                })?;
        }
        if let Some(seconds) = raw.samples_db_timeout_secs {
            let parsed: u64 = seconds.trim().parse().ok().filter(|secs| *secs > 0)
                .ok_or_else(|| {
                    let message = format!("`{seconds}` is not a positive number of seconds");
                    problem("SAMPLES_DB_TIMEOUT_SECS", message)
                })?;
            settings.timeout = Duration::from_secs(parsed);
        }
        Ok(settings)
    }
}

#[derive(Debug, Default, Deserialize)]
struct RawSettings {
    samples_data_dir: Option<String>,
    database_url: Option<String>,
    samples_db_max_connections: Option<String>,
    samples_db_timeout_secs: Option<String>,
}

/// Only PostgreSQL URLs: the value itself is never echoed, as it may hold
/// a password.
fn postgres(url: String) -> Result<Backend, SettingsError> {
    let url = url.trim().to_owned();
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok(Backend::Postgres { url: url.into() });
    }
    let message = "must be a postgres:// URL; unset it to use SQLite in SAMPLES_DATA_DIR";
    Err(problem("DATABASE_URL", message))
}

fn problem(variable: &str, message: impl Into<String>) -> SettingsError {
    SettingsError { variable: variable.to_owned(), message: message.into() }
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    #[test]
    fn defaults_keep_sqlite_in_the_local_data_directory() {
        let settings = StoreSettings::from_raw(RawSettings::default()).unwrap();

        let Backend::Sqlite { data_dir } = settings.backend else { panic!("not SQLite") };
        assert_eq!(data_dir, PathBuf::from("./data/samples"));
        assert_eq!(settings.max_connections, 10);
        assert_eq!(settings.timeout, Duration::from_secs(5));
    }

    #[test]
    fn a_postgres_url_selects_postgres() {
        let url = "postgres://samples@127.0.0.1:5432/samples".to_owned();
        let raw = RawSettings { database_url: Some(url.clone()), ..Default::default() };

        let settings = StoreSettings::from_raw(raw).unwrap();

        let Backend::Postgres { url: chosen } = settings.backend else { panic!("not postgres") };
        assert_eq!(chosen.expose_secret(), url);
    }

    #[test]
    fn another_database_url_is_refused_without_echoing_it() {
        let url = "mysql://user:hunter2@127.0.0.1/db".to_owned();
        let raw = RawSettings { database_url: Some(url), ..Default::default() };

        let error = StoreSettings::from_raw(raw).unwrap_err();

        assert_eq!(error.variable, "DATABASE_URL");
        assert!(!error.to_string().contains("hunter2"));
    }

    #[test]
    fn a_zero_timeout_names_its_variable() {
        let raw = RawSettings { samples_db_timeout_secs: Some("0".into()), ..Default::default() };

        let error = StoreSettings::from_raw(raw).unwrap_err();

        assert_eq!(error.variable, "SAMPLES_DB_TIMEOUT_SECS");
    }
}
