//! The samples app: public, secured, cookie-secured and role-restricted
//! operations declared in `api/openapi.yaml`.

pub mod controllers;
pub mod error;

use api::{Application, Operations, Settings, StartupError};

use crate::controllers::samples;

/// The app's contract, embedded at build time.
pub const SPEC: &str = include_str!("../api/openapi.yaml");

/// Where the app listens when `BIND_ADDR` is not set.
pub const DEFAULT_BIND_ADDR: &str = "127.0.0.1:8081";

/// Handlers by operationId.
pub fn operations() -> Operations {
    Operations::new()
        .bind("getPing", samples::get_ping)
        .bind("getError", samples::get_error)
        .bind("getValid", samples::get_valid)
        .bind("getValidCookie", samples::get_valid_cookie)
        .bind("getValidAdmin", samples::get_valid_admin)
        .bind("getMe", samples::get_me)
}

/// Checks the spec against the handlers and binds the server.
pub fn build(settings: &Settings) -> Result<Application, StartupError> {
    Application::build(SPEC, operations(), settings, |_| {})
}
