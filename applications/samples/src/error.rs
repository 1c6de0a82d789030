//! The samples app's errors; each converts into the shared `ApiError`,
//! which maps it to HTTP in one place.

use std::time::Duration;

use api::ApiError;

/// How long a client is asked to wait after the store failed.
const STORE_RETRY_AFTER: Duration = Duration::from_secs(5);

/// What can go wrong in the samples app.
#[derive(Debug, thiserror::Error)]
pub enum SamplesError {
    /// The `/error` operation fails on purpose with this.
    #[error("the error sample failed on purpose")]
    Deliberate,
    /// No sample resource has this id.
    #[error("sample resource {id} not found")]
    SampleResourceNotFound {
        /// The id asked for.
        id: i64,
    },
    /// The caller neither created the resource nor is an administrator.
    #[error("sample resource {id} belongs to another user")]
    NotOwner {
        /// The id asked for.
        id: i64,
    },
    /// The database could not be reached or refused the statement; nothing
    /// was changed.
    #[error("the sample resources store is unavailable")]
    StoreUnavailable(#[source] sqlx::Error),
    /// The database schema could not be brought up to date.
    #[error("the sample resources store could not be migrated")]
    StoreMigration(#[source] sqlx::migrate::MigrateError),
    /// The SQLite data directory could not be created.
    #[error("cannot create the data directory {path}")]
    DataDirectory {
        /// The directory.
        path: std::path::PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

impl From<SamplesError> for ApiError {
    fn from(error: SamplesError) -> Self {
        match error {
            SamplesError::Deliberate => ApiError::internal(error),
            SamplesError::SampleResourceNotFound { id } => ApiError::NotFound {
                detail: format!("No sample resource has the id {id}."),
            },
            SamplesError::NotOwner { id } => ApiError::Forbidden {
                detail: format!(
                    "Only its creator or an administrator may change sample resource {id}."
                ),
            },
            SamplesError::StoreUnavailable(_)
            | SamplesError::StoreMigration(_)
            | SamplesError::DataDirectory { .. } => {
                // Logged here, where it becomes a response, and only here.
                tracing::error!(error = %error, error.chain = ?error, "store unavailable");
                ApiError::Unavailable {
                    detail: "The sample resources store is unavailable; retry later.".into(),
                    retry_after: STORE_RETRY_AFTER,
                }
            }
        }
    }
}
