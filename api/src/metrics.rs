//! Counters served at `/metrics` in the Prometheus text format.
//!
//! - `http_requests_total{operation, status}`: requests by operationId and status;
//! - `auth_outcomes_total{outcome}`: `ok` or a rejection reason;
//! - `auth_token_cache_hits_total`: validations answered from the cache;
//! - `auth_key_fetches_total` and `auth_key_fetch_failures_total`: requests
//!   to the identity provider for keys, and how many failed.

use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::registry::Registry;

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
