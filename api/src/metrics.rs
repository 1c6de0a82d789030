//! Counters served at `/metrics` in the Prometheus text format.
//!
//! - `http_requests_total{operation, status}`: requests by operationId and status;
//! - `auth_outcomes_total{outcome}`: `ok` or a rejection reason;
//! - `auth_token_cache_hits_total`: validations answered from the cache;
//! - `auth_key_fetches_total` and `auth_key_fetch_failures_total`: requests
//!   to the identity provider for keys, and how many failed.

use std::sync::atomic::{AtomicU64, Ordering};

use crossbeam_utils::CachePadded;
use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::{self, Atomic};
use prometheus_client::metrics::family::Family;
use prometheus_client::registry::Registry;
use thread_local::ThreadLocal;

/// A counter's value kept as one part per thread, each on its own cache
/// line, and read as their sum.
///
/// Every request bumps a few counters. With one shared value per counter,
/// workers on different cores take turns owning its cache line, and on a
/// busy server that waiting cost more than the counting. A part is
/// written by its own thread only.
#[derive(Debug, Default)]
pub struct PerThread(ThreadLocal<CachePadded<AtomicU64>>);

impl Atomic<u64> for PerThread {
    fn inc(&self) -> u64 {
        self.inc_by(1)
    }

    /// Returns the previous value of this thread's part, not of the sum.
    fn inc_by(&self, v: u64) -> u64 {
        self.0.get_or_default().fetch_add(v, Ordering::Relaxed)
    }

    fn get(&self) -> u64 {
        self.0.iter().map(|part| part.load(Ordering::Relaxed)).sum()
    }
}

/// The counter type of every metric here.
type Counter = counter::Counter<u64, PerThread>;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    operation: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: &'static str,
}

/// The app's counters.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    outcomes: Family<OutcomeLabels, Counter>,
    /// The `ok` member of `outcomes`, kept apart: it is counted on every
    /// authenticated request, and a family lookup takes a lock.
    accepted: Counter,
    cache_hits: Counter,
    key_fetches: Counter,
    key_fetch_failures: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        let outcomes = Family::<OutcomeLabels, Counter>::default();
        let cache_hits = Counter::default();
        let key_fetches = Counter::default();
        let key_fetch_failures = Counter::default();
        registry.register("http_requests", "Requests by operation and status", requests.clone());
        registry.register("auth_outcomes", "Token checks by outcome", outcomes.clone());
        registry.register(
            "auth_token_cache_hits",
            "Token checks answered from the validated-token cache",
            cache_hits.clone(),
        );
        registry.register(
            "auth_key_fetches",
            "Requests to the identity provider for signing keys",
            key_fetches.clone(),
        );
        registry.register(
            "auth_key_fetch_failures",
            "Key requests to the identity provider that failed",
            key_fetch_failures.clone(),
        );
        let accepted = outcomes.get_or_create(&OutcomeLabels { outcome: "ok" }).clone();
        Self { registry, requests, outcomes, accepted, cache_hits, key_fetches, key_fetch_failures }
    }
}

impl Metrics {
    /// Counts one finished request.
    pub fn request(&self, operation: &str, status: u16) {
        let labels = RequestLabels { operation: operation.to_owned(), status };
        self.requests.get_or_create(&labels).inc();
    }

    /// Counts one token check by outcome (`ok` or a rejection reason).
    pub fn auth_outcome(&self, outcome: &'static str) {
        if outcome == "ok" {
            self.accepted.inc();
            return;
        }
        self.outcomes.get_or_create(&OutcomeLabels { outcome }).inc();
    }

    /// Counts one validation answered from the cache.
    pub fn token_cache_hit(&self) {
        self.cache_hits.inc();
    }

    /// Counts one key fetch, and whether it failed.
    pub fn key_fetch(&self, failed: bool) {
        self.key_fetches.inc();
        if failed {
            self.key_fetch_failures.inc();
        }
    }

    /// The number of key fetches so far.
    pub fn key_fetches(&self) -> u64 {
        self.key_fetches.get()
    }

    /// Renders every counter in the Prometheus text format.
    pub fn render(&self) -> String {
        let mut text = String::new();
        // Writing into a String cannot fail.
        let _ = encode(&mut text, &self.registry);
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_per_thread_counter_reads_as_the_sum_of_every_thread() {
        let counter = Counter::default();
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| {
                    for _ in 0..1000 {
                        counter.inc();
                    }
                });
            }
        });
        counter.inc_by(5);

        assert_eq!(counter.get(), 4005);
    }

    #[test]
    fn per_thread_counters_render_as_plain_counters() {
        let metrics = Metrics::default();
        metrics.request("getPing", 200);
        metrics.request("getPing", 200);
        metrics.auth_outcome("ok");

        let text = metrics.render();

        let requests = r#"http_requests_total{operation="getPing",status="200"} 2"#;
        assert!(text.contains(requests), "{text}");
        assert!(text.contains(r#"auth_outcomes_total{outcome="ok"} 1"#), "{text}");
    }
}
