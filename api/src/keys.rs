//! The realm's signing keys: fetched, cached and refreshed.
//!
//! Keys come from the realm's JWKS; when that fails or lists no usable key,
//! from the realm's `public_key` (the legacy single-key field of
//! `GET /realms/{realm}`). Requests read the current key set without waiting
//! on the identity provider; only a request whose `kid` is unknown, or one
//! that arrives before any key was ever loaded, asks for a refresh.
//!
//! A refresh is single flight: concurrent requests that need one wait for
//! the same fetch. After any fetch, no unknown-kid fetch starts again within
//! the cooldown (`AUTH_KID_COOLDOWN_SECS`), so a flood of made-up kids costs
//! at most one fetch per cooldown window. A scheduled refresh runs every
//! `AUTH_JWKS_REFRESH_SECS`, with back-off after a failure. A successful
//! fetch replaces the whole set, so keys removed from the realm stop being
//! accepted. A failed fetch keeps the set it had: a warm cache still serves.
//!
//! Only keys for signatures are kept: `use` must be `sig` (or absent), the
//! key type must fit an accepted algorithm, and an `alg` given by the JWK
//! pins the only algorithm that key verifies. Header parameters such as
//! `jku`, `x5u` or `jwk` are never read: keys come from the realm alone.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use jsonwebtoken::jwk::{AlgorithmParameters, Jwk, PublicKeyUse};
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey};
use serde::Deserialize;
use tokio::sync::Mutex;

use crate::metrics::Metrics;
use crate::settings::AuthSettings;

/// The largest JWKS or realm document we read.
const MAX_DOCUMENT_BYTES: usize = 1024 * 1024;

/// One verification key and the algorithms it may verify.
pub struct VerifyingKey {
    /// The JWK's `kid`; `None` for the realm's `public_key`.
    pub kid: Option<String>,
    /// The algorithms this key may verify.
    pub algorithms: Vec<Algorithm>,
    /// The key itself.
    pub key: DecodingKey,
}

impl VerifyingKey {
    /// Whether this key may verify a signature made with `algorithm`.
    pub fn allows(&self, algorithm: Algorithm) -> bool {
        self.algorithms.contains(&algorithm)
    }
}

/// A snapshot of the realm's keys.
#[derive(Default)]
pub struct KeySet {
    by_kid: HashMap<String, Arc<VerifyingKey>>,
    fallback: Option<Arc<VerifyingKey>>,
}

impl KeySet {
    /// Whether the set is only the realm's legacy `public_key`.
    pub fn is_fallback(&self) -> bool {
        self.by_kid.is_empty() && self.fallback.is_some()
    }

    /// Whether no key was ever loaded.
    pub fn is_empty(&self) -> bool {
        self.by_kid.is_empty() && self.fallback.is_none()
    }

    /// The number of keys held.
    pub fn len(&self) -> usize {
        self.by_kid.len() + usize::from(self.fallback.is_some())
    }

    /// Whether `kid` resolves to a key of the set.
    pub fn contains(&self, kid: Option<&str>) -> bool {
        self.find(kid).is_some()
    }

    /// The key for `kid`. A token without a kid, or a set without kids,
    /// resolves only when the choice is unambiguous.
    fn find(&self, kid: Option<&str>) -> Option<Arc<VerifyingKey>> {
        self.find_ref(kid).cloned()
    }

    fn find_ref(&self, kid: Option<&str>) -> Option<&Arc<VerifyingKey>> {
        if let Some(key) = kid.and_then(|kid| self.by_kid.get(kid)) {
            return Some(key);
        }
        if self.by_kid.is_empty() {
            return self.fallback.as_ref();
        }
        match (kid, self.by_kid.len()) {
            (None, 1) => self.by_kid.values().next(),
            _ => None,
        }
    }
}

/// Why no key could be returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyLookupError {
    /// The realm has keys, none with this kid.
    UnknownKid,
    /// No key is held and none could be fetched; retry after the duration.
    Unavailable(Duration),
}

#[derive(Default)]
struct RefreshState {
    last_attempt: Option<Instant>,
    consecutive_failures: u32,
}

/// The realm's keys, shared by every worker.
pub struct KeyCache {
    http: reqwest::Client,
    jwks_url: String,
    realm_url: String,
    algorithms: Vec<Algorithm>,
    cooldown: Duration,
    refresh_interval: Duration,
    keys: ArcSwap<KeySet>,
    /// Counts replacements of `keys`; bumped after each one. Whoever saw
    /// a key current at version `v` knows it still is while the version
    /// reads `v`, without looking at the set.
    version: AtomicU64,
    refresh: Mutex<RefreshState>,
    metrics: Arc<Metrics>,
}

/// A fetch failure, for the log.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The request failed or timed out.
    #[error("request to {url} failed")]
    Http {
        /// The URL asked.
        url: String,
        /// The cause.
        #[source]
        source: reqwest::Error,
    },
    /// The answer was not a 2xx.
    #[error("{url} answered {status}")]
    Status {
        /// The URL asked.
        url: String,
        /// The status received.
        status: reqwest::StatusCode,
    },
    /// The answer was too large or not the expected JSON.
    #[error("{url} sent an unusable document: {reason}")]
    Document {
        /// The URL asked.
        url: String,
        /// What was wrong.
        reason: String,
    },
}

impl KeyCache {
    /// A cache for the realm in `settings`; nothing is fetched yet.
    pub fn new(settings: &AuthSettings, metrics: Arc<Metrics>) -> Result<Self, reqwest::Error> {
        // Redirects are not followed: keys come from the configured realm
        // only. TLS certificates are always verified.
        let http = reqwest::Client::builder()
            .timeout(settings.http_timeout)
            .connect_timeout(settings.http_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("samples-api/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            http,
            jwks_url: settings.jwks_url(),
            realm_url: settings.realm_url(),
            algorithms: settings.algorithms.clone(),
            cooldown: settings.kid_cooldown,
            refresh_interval: settings.jwks_refresh,
            keys: ArcSwap::from_pointee(KeySet::default()),
            version: AtomicU64::new(0),
            refresh: Mutex::new(RefreshState::default()),
            metrics,
        })
    }

    /// Replaces the key set with the usable keys of `jwks` (a JWKS
    /// document) without asking the identity provider; returns how many
    /// were kept. For fixed key sets, tests and benchmarks.
    pub fn install_jwks(&self, jwks: serde_json::Value) -> Result<usize, serde_json::Error> {
        let document: JwksDocument = serde_json::from_value(jwks)?;
        let set = self.keys_from_jwks(document);
        let count = set.len();
        self.replace(set);
        Ok(count)
    }

    fn replace(&self, set: KeySet) {
        self.keys.store(Arc::new(set));
        self.version.fetch_add(1, Ordering::Release);
    }

    /// How many times the key set was replaced. Read it before asking
    /// [`KeyCache::resolves_to`]: an answer stays true while this is
    /// unchanged.
    pub fn version(&self) -> u64 {
        self.version.load(Ordering::Acquire)
    }

    /// Whether `kid` still resolves to exactly `key`; never waits and
    /// takes no reference count (the validated-token cache asks this on
    /// every hit).
    pub fn resolves_to(&self, kid: Option<&str>, key: &Arc<VerifyingKey>) -> bool {
        let current = self.keys.load();
        current.find_ref(kid).is_some_and(|found| Arc::ptr_eq(found, key))
    }

    /// Waits until some key is loaded (by the scheduled first fetch, say),
    /// checking every 10 ms for at most `limit`; says whether one is.
    /// Starts no fetch itself. For tests and start-up scripts.
    pub async fn wait_until_loaded(&self, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        while self.keys.load().is_empty() {
            if Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        true
    }

    /// The current key set; never waits.
    pub fn snapshot(&self) -> Arc<KeySet> {
        self.keys.load_full()
    }

    /// The key for `kid`, refreshing once (single flight, rate-limited)
    /// when it is unknown or when no key was ever loaded.
    pub async fn get(&self, kid: Option<&str>) -> Result<Arc<VerifyingKey>, KeyLookupError> {
        if let Some(key) = self.keys.load().find(kid) {
            return Ok(key);
        }
        let arrived = Instant::now();

        let mut state = self.refresh.lock().await;
        let current = self.keys.load_full();
        if let Some(key) = current.find(kid) {
            return Ok(key);
        }
        // A fetch that started after this request arrived already saw what
        // the realm has now: trust its answer rather than fetch again.
        if let Some(last) = state.last_attempt {
            if last >= arrived || last.elapsed() < self.cooldown {
                return Err(self.miss(&current, &state));
            }
        }

        let reason = if current.is_empty() { "cold_start" } else { "unknown_kid" };
        self.refresh_locked(&mut state, reason).await;
        let current = self.keys.load_full();
        current.find(kid).ok_or_else(|| self.miss(&current, &state))
    }

    fn miss(&self, current: &KeySet, state: &RefreshState) -> KeyLookupError {
        if !current.is_empty() {
            return KeyLookupError::UnknownKid;
        }
        let waited = state.last_attempt.map_or(Duration::ZERO, |last| last.elapsed());
        let retry = self.cooldown.saturating_sub(waited).max(Duration::from_secs(1));
        KeyLookupError::Unavailable(retry)
    }

    /// Fetches now unless a fetch ran within the cooldown; returns whether
    /// the key set was replaced.
    pub async fn refresh(&self, reason: &'static str) -> bool {
        let mut state = self.refresh.lock().await;
        if let Some(last) = state.last_attempt {
            if last.elapsed() < self.cooldown {
                return false;
            }
        }
        self.refresh_locked(&mut state, reason).await
    }

    async fn refresh_locked(&self, state: &mut RefreshState, reason: &'static str) -> bool {
        state.last_attempt = Some(Instant::now());
        let fetched = self.fetch().await;
        self.metrics.key_fetch(fetched.is_err());
        match fetched {
            Ok(set) => {
                state.consecutive_failures = 0;
                let kids: Vec<&str> = set.by_kid.keys().map(String::as_str).collect();
                tracing::info!(reason, keys = set.len(), ?kids, "realm keys loaded");
                self.replace(set);
                true
            }
            Err(error) => {
                state.consecutive_failures += 1;
                let cached = self.keys.load().len();
                let failures = state.consecutive_failures;
                if cached == 0 {
                    tracing::error!(reason, failures, error = %error, source = ?error,
                        "realm keys unavailable and none cached");
                } else {
                    tracing::warn!(reason, failures, cached, error = %error,
                        "realm key refresh failed; cached keys in use");
                }
                false
            }
        }
    }

    /// Runs the scheduled refresh forever: one fetch now, then one every
    /// refresh interval, with back-off from the cooldown after failures.
    pub async fn run_scheduled_refresh(self: Arc<Self>) {
        let mut delay = Duration::ZERO;
        loop {
            tokio::time::sleep(delay).await;
            self.refresh("scheduled").await;
            let failures = self.refresh.lock().await.consecutive_failures;
            // Serving from the legacy public_key is degraded: retry the JWKS
            // on the failure schedule until it answers again.
            let degraded = self.keys.load().is_fallback();
            delay = if failures == 0 && !degraded {
                self.refresh_interval
            } else {
                let backoff = self.cooldown.max(Duration::from_secs(1));
                let factor = 1u32 << failures.clamp(1, 6);
                (backoff * factor).min(self.refresh_interval)
            };
        }
    }

    async fn fetch(&self) -> Result<KeySet, FetchError> {
        let jwks = self.fetch_document::<JwksDocument>(&self.jwks_url).await;
        let jwks_error = match jwks {
            Ok(document) => {
                let set = self.keys_from_jwks(document);
                if !set.is_empty() {
                    return Ok(set);
                }
                FetchError::Document { url: self.jwks_url.clone(), reason: "no usable key".into() }
            }
            Err(error) => error,
        };

        // A warm JWKS set is worth more than the single legacy key: keep it
        // and retry later rather than shrink the set.
        if !self.keys.load().by_kid.is_empty() {
            return Err(jwks_error);
        }
        tracing::warn!(error = %jwks_error, "JWKS unusable; trying the realm's public_key");
        let realm = self.fetch_document::<RealmDocument>(&self.realm_url).await?;
        let key = self.key_from_realm(realm).ok_or_else(|| FetchError::Document {
            url: self.realm_url.clone(),
            reason: "public_key is absent or not an RSA key".into(),
        })?;
        Ok(KeySet { fallback: Some(Arc::new(key)), ..Default::default() })
    }

    async fn fetch_document<T: for<'de> Deserialize<'de>>(
        &self,
        url: &str,
    ) -> Result<T, FetchError> {
        let http_error = |source| FetchError::Http { url: url.to_owned(), source };
        let document_error =
            |reason: String| FetchError::Document { url: url.to_owned(), reason };

        let mut response = self.http.get(url).send().await.map_err(http_error)?;
        let status = response.status();
        if !status.is_success() {
            return Err(FetchError::Status { url: url.to_owned(), status });
        }

        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(http_error)? {
            if body.len() + chunk.len() > MAX_DOCUMENT_BYTES {
                return Err(document_error("larger than 1 MiB".into()));
            }
            body.extend_from_slice(&chunk);
        }
        serde_json::from_slice(&body).map_err(|error| document_error(error.to_string()))
    }

    fn keys_from_jwks(&self, document: JwksDocument) -> KeySet {
        let mut set = KeySet::default();
        for value in document.keys {
            let kid = value.get("kid").and_then(|kid| kid.as_str()).map(str::to_owned);
            match self.key_from_jwk(value) {
                Ok(key) => match kid {
                    Some(kid) => {
                        set.by_kid.insert(kid, Arc::new(key));
                    }
                    None => tracing::warn!("JWK without kid skipped"),
                },
                Err(reason) => tracing::debug!(?kid, reason, "JWK skipped"),
            }
        }
        set
    }

    fn key_from_jwk(&self, value: serde_json::Value) -> Result<VerifyingKey, &'static str> {
        let jwk: Jwk = serde_json::from_value(value).map_err(|_| "not a supported JWK")?;
        match &jwk.common.public_key_use {
            None | Some(PublicKeyUse::Signature) => {}
            Some(_) => return Err("not a signature key"),
        }
        let family = match &jwk.algorithm {
            AlgorithmParameters::RSA(_) => AlgorithmFamily::Rsa,
            AlgorithmParameters::EllipticCurve(_) => AlgorithmFamily::Ec,
            AlgorithmParameters::OctetKeyPair(_) => AlgorithmFamily::Ed,
            AlgorithmParameters::OctetKey(_) => return Err("symmetric keys are never used"),
            _ => return Err("unsupported key type"),
        };
        let mut algorithms: Vec<Algorithm> =
            self.algorithms.iter().copied().filter(|alg| alg.family() == family).collect();
        if let Some(declared) = jwk.common.key_algorithm {
            let declared = Algorithm::try_from(declared).map_err(|_| "not a signature algorithm")?;
            algorithms.retain(|alg| *alg == declared);
        }
        if algorithms.is_empty() {
            return Err("no accepted algorithm fits this key");
        }
        let key = DecodingKey::from_jwk(&jwk).map_err(|_| "key material is invalid")?;
        Ok(VerifyingKey { kid: jwk.common.key_id, algorithms, key })
    }

    fn key_from_realm(&self, realm: RealmDocument) -> Option<VerifyingKey> {
        let body = realm.public_key?;
        let lines: Vec<&str> = body.as_bytes().chunks(64)
            .filter_map(|line| std::str::from_utf8(line).ok())
            .collect();
        let pem = format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
            lines.join("\n")
        );
        let key = DecodingKey::from_rsa_pem(pem.as_bytes()).ok()?;
        let algorithms: Vec<Algorithm> = self.algorithms.iter().copied()
            .filter(|alg| alg.family() == AlgorithmFamily::Rsa)
            .collect();
        if algorithms.is_empty() {
            return None;
        }
        Some(VerifyingKey { kid: None, algorithms, key })
    }
}

#[derive(Deserialize)]
struct JwksDocument {
    keys: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
struct RealmDocument {
    public_key: Option<String>,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn cache() -> KeyCache {
        let settings = AuthSettings::new("http://127.0.0.1:9", "samples");
        KeyCache::new(&settings, Arc::default()).unwrap()
    }

    // A real 2048-bit modulus is not needed to test selection: any
    // well-formed base64url value is accepted by from_jwk.
    fn rsa_jwk(kid: &str, use_: &str, alg: &str) -> serde_json::Value {
        json!({"kid": kid, "kty": "RSA", "use": use_, "alg": alg, "n": "sXch", "e": "AQAB"})
    }

    #[test]
    fn encryption_keys_are_skipped() {
        let document = JwksDocument {
            keys: vec![rsa_jwk("sig", "sig", "RS256"), rsa_jwk("enc", "enc", "RSA-OAEP")],
        };

        let set = cache().keys_from_jwks(document);

        assert!(set.contains(Some("sig")));
        assert!(!set.contains(Some("enc")));
    }

    #[test]
    fn symmetric_keys_are_never_loaded() {
        let oct = json!({"kid": "h", "kty": "oct", "k": "c2VjcmV0", "alg": "HS256"});
        let document = JwksDocument { keys: vec![oct] };

        let set = cache().keys_from_jwks(document);

        assert!(set.is_empty());
    }

    #[test]
    fn a_jwk_alg_outside_the_allow_list_is_skipped() {
        let document = JwksDocument { keys: vec![rsa_jwk("ps", "sig", "PS256")] };

        let set = cache().keys_from_jwks(document);

        assert!(set.is_empty());
    }

    #[test]
    fn a_token_without_kid_needs_an_unambiguous_key() {
        let document = JwksDocument {
            keys: vec![rsa_jwk("a", "sig", "RS256"), rsa_jwk("b", "sig", "RS256")],
        };

        let set = cache().keys_from_jwks(document);

        assert!(set.find(None).is_none());
        assert!(set.find(Some("a")).is_some());
    }
}
