//! The code of the walkthrough in `docs/`, compiled and tested.
//!
//! `docs/adding-an-endpoint.md` adds a secured operation to the samples
//! app in three steps: YAML under `paths:`, a controller copied from
//! `samples.rs`, and one `bind` line. This crate performs the same steps on
//! the real samples app, its spec text and its handlers, without editing
//! it:
//!
//! - [`NEW_OPERATION`] is the YAML the page adds, and [`spec`] adds it;
//! - [`greetings`] is the controller the page shows;
//! - [`operations`] is the samples app's bindings plus the new one.
//!
//! The tests in `tests/walkthrough/` run the result against the
//! development identity provider, and check that every Rust block in
//! `docs/*.md` is a part of a file of this crate, so the code the docs show
//! is code that compiles.

pub mod greetings;
pub mod roles;

use actix_web::web;
use api::{Application, Operations, Settings, StartupError};
use samples::services::sampleresources::SampleResourceService;
use samples::store::Store;

/// The operation the walkthrough adds, as it goes under `paths:`.
pub const NEW_OPERATION: &str = include_str!("../new-operation.yaml");

/// The samples spec with [`NEW_OPERATION`] as its first path: the edit a
/// developer makes to `applications/samples/api/openapi.yaml`.
pub fn spec() -> String {
    let paths = "\npaths:\n";
    let start = samples::SPEC
        .find(paths)
        .expect("the samples spec has paths")
        + paths.len();
    let (head, tail) = samples::SPEC.split_at(start);
    format!("{head}{NEW_OPERATION}{tail}")
}

/// The samples app's handlers with the new one bound to its operationId.
#[rustfmt::skip] // one binding per line, as in the samples app and the docs
pub fn operations() -> Operations {
    samples::operations()
        .bind("getGreeting", greetings::get_greeting)
}

/// Builds the samples app from `spec` and `handlers`, with its resources in
/// memory, as `samples::build` does with the real spec.
pub fn build(
    spec: &str,
    handlers: Operations,
    settings: &Settings,
) -> Result<Application, StartupError> {
    let service = web::Data::new(SampleResourceService::new(Store::in_memory()));
    Application::build(spec, handlers, settings, move |config| {
        config.app_data(service.clone());
    })
}
