//! The `sampleresources` operations on a real store: SQLite in a temporary
//! directory, or PostgreSQL when `TEST_DATABASE_URL` (or `DATABASE_URL`)
//! names one.

mod crud;
mod durability;
mod input;
mod support;
