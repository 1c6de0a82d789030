//! Helpers of `tests/compose.rs`: reading the compose file, translating an
//! app's container environment to this machine, running the app's real
//! binary with it, and talking to the Keycloak that `scripts/keycloak.sh`
//! started.

pub mod app;
pub mod compose;
pub mod keycloak;
pub mod translate;

use std::path::{Path, PathBuf};

/// The repository root.
pub fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `path`, relative to the repository root.
pub fn repo_path(path: &str) -> PathBuf {
    repo_root().join(path)
}
