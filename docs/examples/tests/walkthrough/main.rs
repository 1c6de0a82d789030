//! The walkthrough's steps, performed and checked: one test binary.

mod challenges;
mod docs;
mod helpers;
mod new_endpoint;
