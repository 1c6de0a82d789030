//! The samples app's errors; each converts into the shared `ApiError`,
//! which maps it to HTTP in one place.

use api::ApiError;

/// What can go wrong in the samples app.
#[derive(Debug, thiserror::Error)]
pub enum SamplesError {
    /// The `/error` operation fails on purpose with this.
    #[error("the error sample failed on purpose")]
    Deliberate,
}

impl From<SamplesError> for ApiError {
    fn from(error: SamplesError) -> Self {
        match error {
            SamplesError::Deliberate => ApiError::internal(error),
        }
    }
}
