//! Placeholder until the suite runner lands.
fn main() {}
