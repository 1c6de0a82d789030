//! The samples app: public, secured, cookie-secured and role-restricted
//! operations declared in `api/openapi.yaml`, and a secured CRUD resource
//! kept in SQLite or PostgreSQL.

pub mod controllers;
pub mod error;
pub mod services;
pub mod settings;
pub mod store;

use actix_web::web;
use api::{Application, Operations, Settings, StartupError};

use crate::controllers::{sampleresources, samples};
use crate::services::sampleresources::SampleResourceService;
use crate::store::Store;

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
        .bind("createSampleResource", sampleresources::create_sample_resource)
        .bind("listSampleResources", sampleresources::list_sample_resources)
        .bind("getSampleResource", sampleresources::get_sample_resource)
        .bind("updateSampleResource", sampleresources::update_sample_resource)
        .bind("deleteSampleResource", sampleresources::delete_sample_resource)
}

/// Checks the spec against the handlers and binds the server, keeping
/// sample resources in memory (tests and demos; see [`build_with_store`]).
pub fn build(settings: &Settings) -> Result<Application, StartupError> {
    build_with_store(settings, Store::in_memory())
}

/// Checks the spec against the handlers and binds the server, keeping
/// sample resources in `store`.
pub fn build_with_store(settings: &Settings, store: Store) -> Result<Application, StartupError> {
    let service = web::Data::new(SampleResourceService::new(store));
    Application::build(SPEC, operations(), settings, move |config| {
        config.app_data(service.clone());
    })
}
