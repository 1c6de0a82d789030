//! Thin handlers, one file per spec tag, named after their operationIds.

pub mod sampleresources;
pub mod samples;
