//! Domain logic of the samples app, free of HTTP: controllers call these,
//! and these call the store.

pub mod sampleresources;
