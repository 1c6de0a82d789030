//! Integration tests of the development identity provider: each test
//! starts the real server on 127.0.0.1:0 with its own data directory.

mod helpers;
mod keys;
mod logout;
mod metadata;
mod token;
mod token_errors;
mod userinfo;
