//! The shared crate of the sample apps: an OpenAPI document in, a secured
//! actix-web service out.
//!
//! - [`spec`] reads the document: operations, their `operationId` and the
//!   effective `security` of each;
//! - [`server`] binds handlers to operations by `operationId`, refuses to
//!   start when the two disagree, and enforces each operation's security
//!   before its handler runs;
//! - [`auth`] validates Keycloak-issued access tokens and gives handlers
//!   the caller as a [`User`];
//! - [`keys`] keeps the realm's signing keys;
//! - [`error`] maps every failure to `application/problem+json`.
//!
//! ```no_run
//! use api::{Application, Operations, Settings, User};
//!
//! /// Returns "OK!" for a valid token.
//! async fn get_valid(_user: User) -> &'static str {
//!     "OK!"
//! }
//!
//! # async fn run() -> anyhow::Result<()> {
//! let spec = include_str!("../../applications/samples/api/openapi.yaml");
//! # let spec = "";
//! let operations = Operations::new().bind("getValid", get_valid);
//! let settings = Settings::load("127.0.0.1:8081")?;
//! let app = Application::build(spec, operations, &settings, |_| {})?;
//! app.run_until_stopped().await?;
//! # Ok(())
//! # }
//! ```
#![warn(missing_docs)]
#![forbid(unsafe_code)]

pub mod auth;
pub mod docs;
pub mod error;
pub mod extract;
pub mod keys;
pub mod metrics;
pub mod server;
pub mod settings;
pub mod spec;
pub mod telemetry;
pub mod validation;

pub use auth::{User, Validator};
pub use error::{ApiError, TokenRejection};
pub use server::{Application, Operations, StartupError};
pub use settings::{AuthSettings, Settings, SettingsError};
pub use spec::{ApiSpec, SpecError};
