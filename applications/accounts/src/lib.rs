//! A development identity provider that speaks Keycloak's dialect.
//!
//! **Development only: never use it in production.** It serves one realm
//! read from a Keycloak realm export (by default the embedded
//! `realm/samples-realm.json`), on Keycloak's paths and with Keycloak's
//! token shapes, so any Keycloak client works against it unchanged:
//!
//! - `GET /realms/{realm}`, `/.well-known/openid-configuration`,
//!   `/protocol/openid-connect/certs`;
//! - `POST .../token` with the `password`, `client_credentials` and
//!   `refresh_token` grants;
//! - `GET|POST .../userinfo`, `POST .../token/introspect`,
//!   `POST .../logout`, `GET /health/ready`.
//!
//! Tokens are signed with an RSA key kept in a data directory; see
//! [`keys`] for storage and [`rotate_key`] for rotation.
//!
//! ```no_run
//! # async fn start() -> anyhow::Result<()> {
//! let mut settings = accounts::Settings::from_env()?;
//! settings.bind_addr = "127.0.0.1:0".parse()?;
//! let app = accounts::Application::build(settings).await?;
//! println!("issuer base: {}", app.base_url());
//! app.run_until_stopped().await?;
//! # Ok(())
//! # }
//! ```
#![warn(missing_docs)]
#![forbid(unsafe_code)]

mod controllers;
pub mod error;
mod extract;
mod form;
pub mod keys;
pub mod realm;
mod services;
mod sessions;
pub mod settings;
mod startup;
mod telemetry;
mod tokens;

pub use keys::rotate_key;
pub use settings::Settings;
pub use startup::Application;
pub use telemetry::init_tracing;

/// Seconds since the Unix epoch.
pub(crate) fn epoch_seconds() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}
