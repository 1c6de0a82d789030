//! The token validation path: first sight of a token (signature and claim
//! checks) against a token seen before (answered from the cache).
//!
//! Run with `cargo bench -p api --bench validation`; `scripts/bench.sh`
//! runs it together with the HTTP benchmark.

#[path = "../tests/common/signing.rs"]
mod signing;

use criterion::{criterion_group, criterion_main, Criterion};

use signing::{validator, SigningKey};

fn validation(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let key = SigningKey::generate("bench");
    let token = key.token();

    let uncached = validator(key.jwks.clone(), 0, |_| {});
    c.bench_function("validate: first sight (signature + claims)", |b| {
        b.iter(|| runtime.block_on(uncached.validate(&token)).unwrap())
    });

    let cached = validator(key.jwks.clone(), 10_000, |_| {});
    runtime.block_on(cached.validate(&token)).unwrap();
    c.bench_function("validate: seen before (cache hit)", |b| {
        b.iter(|| runtime.block_on(cached.validate(&token)).unwrap())
    });
}

criterion_group!(benches, validation);
criterion_main!(benches);
