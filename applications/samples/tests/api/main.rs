//! Integration tests of the samples app: the real server on 127.0.0.1:0
//! against a key server the tests run and control.

mod helpers;
mod keys;
mod sampleresources;
mod security;
mod startup;
