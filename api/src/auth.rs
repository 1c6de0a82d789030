//! Token validation and the [`User`] extractor.
//!
//! A token is accepted when all of these hold ([RFC 7519 section 7.2],
//! [RFC 8725]):
//! - its header `alg` is in the allow-list (RS256 by default; `none` and
//!   HMAC are never accepted) and fits the key its `kid` names;
//! - the signature verifies with that key, taken from the realm's JWKS;
//! - `iss` is the realm URL or a configured accepted issuer;
//! - `exp` is present and not past, `nbf` and `iat` are not in the future,
//!   each with the configured leeway;
//! - `aud` names a configured audience, when audiences are configured;
//! - `typ`, when present, is `Bearer`: ID and refresh tokens are refused;
//! - `sub` is present.
//!
//! Validated tokens are remembered in a bounded cache keyed by the whole
//! token (compared in full on a hit), so a different token can never hit
//! another's entry.
//! An entry is dropped when its token expires and is not used once its
//! key has left the realm's key set. In front of that shared cache, each
//! worker thread keeps its own copies of the users it served last, held
//! to the same two rules.
//!
//! [RFC 7519 section 7.2]: https://www.rfc-editor.org/rfc/rfc7519#section-7.2
//! [RFC 8725]: https://www.rfc-editor.org/rfc/rfc8725

use std::cell::RefCell;
use std::collections::HashMap;
use std::future::{ready, Ready};
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, Validation};
use futures_util::future::{Either, LocalBoxFuture};
use serde::Deserialize;
use thread_local::ThreadLocal;

use crate::error::{ApiError, TokenRejection};
use crate::keys::{KeyCache, KeyLookupError, VerifyingKey};
use crate::metrics::Metrics;
use crate::settings::AuthSettings;

/// The longest token looked at; Keycloak's are 1–3 KiB.
const MAX_TOKEN_BYTES: usize = 16 * 1024;

/// The authenticated caller, as the controller sees it.
///
/// Use it as a handler argument. On an operation the spec secures, the
/// security check has already run and this is the user it accepted. On any
/// other handler it authenticates the request's bearer token itself.
///
/// ```no_run
/// use api::User;
///
/// async fn whoami(user: User) -> String {
///     format!("{} ({})", user.username(), user.id())
/// }
/// ```
#[derive(Debug, Clone)]
pub struct User(Arc<UserInfo>);

/// What a validated access token says about its subject.
#[derive(Debug, Clone)]
pub struct UserInfo {
    id: String,
    username: Option<String>,
    email: Option<String>,
    name: Option<String>,
    realm_roles: Vec<String>,
    client_roles: HashMap<String, Vec<String>>,
    claims: serde_json::Map<String, serde_json::Value>,
    verified: Verification,
}

/// What verified a token, for the validated-token cache to tell whether
/// the answer still holds.
#[derive(Clone)]
struct Verification {
    kid: Option<String>,
    /// The very key that verified the token: a hit needs the kid to still
    /// resolve to it, not merely to some key of the same name.
    key: Arc<VerifyingKey>,
    expires_at: u64,
}

impl std::fmt::Debug for Verification {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("Verification")
            .field("kid", &self.kid)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

impl User {
    /// The subject (`sub`): a stable, opaque user id.
    pub fn id(&self) -> &str {
        &self.0.id
    }

    /// `preferred_username`, or the subject id when absent.
    pub fn username(&self) -> &str {
        self.0.username.as_deref().unwrap_or(&self.0.id)
    }

    /// `email`, when the token carries it.
    pub fn email(&self) -> Option<&str> {
        self.0.email.as_deref()
    }

    /// `name` (given and family name), when the token carries it.
    pub fn name(&self) -> Option<&str> {
        self.0.name.as_deref()
    }

    /// Realm roles (`realm_access.roles`).
    pub fn realm_roles(&self) -> &[String] {
        &self.0.realm_roles
    }

    /// Client roles by client id (`resource_access.{client}.roles`).
    pub fn client_roles(&self) -> &HashMap<String, Vec<String>> {
        &self.0.client_roles
    }

    /// Whether the user holds the realm role `role`.
    pub fn has_realm_role(&self, role: &str) -> bool {
        self.0.realm_roles.iter().any(|held| held == role)
    }

    /// Whether the user holds `role` of client `client`.
    pub fn has_client_role(&self, client: &str, role: &str) -> bool {
        let roles = self.0.client_roles.get(client);
        roles.is_some_and(|roles| roles.iter().any(|held| held == role))
    }

    /// The realm roles of `required` that the user lacks.
    pub fn missing_realm_roles<'a>(&self, required: &'a [String]) -> Vec<&'a String> {
        required.iter().filter(|role| !self.has_realm_role(role)).collect()
    }

    /// Every claim of the token, for what the typed accessors do not cover.
    pub fn claims(&self) -> &serde_json::Map<String, serde_json::Value> {
        &self.0.claims
    }
}

#[derive(Deserialize)]
struct RoleList {
    #[serde(default)]
    roles: Vec<String>,
}

#[derive(Deserialize)]
struct KnownClaims {
    sub: Option<String>,
    typ: Option<String>,
    iat: Option<serde_json::Value>,
    preferred_username: Option<String>,
    email: Option<String>,
    name: Option<String>,
    realm_access: Option<RoleList>,
    #[serde(default)]
    resource_access: HashMap<String, RoleList>,
}

/// A key of the validated-token cache: the whole token, compared in full.
/// Bytes rather than text: a lookup precedes reading the credential.
///
/// Hashed on its last bytes only. Those are the signature, so two tokens
/// that pass validation (the only ones ever stored) differ there; two that
/// do not merely share a bucket and are still told apart by the full
/// comparison. Hashing the whole 1–3 KiB cost more than the rest of a
/// cache hit.
#[derive(PartialEq, Eq)]
struct TokenKey(Box<[u8]>);

/// A borrowed token to look up a [`TokenKey`] with.
struct TokenRef<'a>(&'a [u8]);

/// How many trailing bytes of a token are hashed.
const HASHED_TAIL_BYTES: usize = 32;

fn hash_tail<H: Hasher>(token: &[u8], state: &mut H) {
    token[token.len().saturating_sub(HASHED_TAIL_BYTES)..].hash(state);
}

impl Hash for TokenKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        hash_tail(&self.0, state);
    }
}

impl Hash for TokenRef<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        hash_tail(self.0, state);
    }
}

impl quick_cache::Equivalent<TokenKey> for TokenRef<'_> {
    fn equivalent(&self, key: &TokenKey) -> bool {
        *self.0 == *key.0
    }
}

/// How many users each worker thread keeps in front of the shared cache.
const NEAR_SLOTS: usize = 32;
const _: () = assert!(NEAR_SLOTS.is_power_of_two());

/// The longest token a worker keeps a copy for; longer ones are served
/// from the shared cache alone. A copy holds the parsed claims, which can
/// take a dozen times the token's size (thousands of one-letter roles),
/// so this bounds a thread's copies to about 2 MiB. Keycloak's access
/// tokens are 1–3 KiB.
const NEAR_MAX_TOKEN_BYTES: usize = 4 * 1024;

/// One worker thread's own copies of the users it served last, in front
/// of the shared cache.
///
/// A hit here takes no lock and touches no reference count that another
/// worker writes to, so workers serving the same token on different
/// cores do not pass its memory back and forth. Direct-mapped by the
/// token's last bytes: two tokens on one slot evict each other and fall
/// back to the shared cache.
///
/// An expired copy is dropped when its token comes again or another token
/// takes its slot, not on a timer: until then it stays in memory, unused,
/// as entries of the shared cache do.
struct NearCache {
    slots: Box<[Option<NearEntry>]>,
}

impl Default for NearCache {
    fn default() -> Self {
        Self { slots: (0..NEAR_SLOTS).map(|_| None).collect() }
    }
}

impl NearCache {
    /// This thread's copy of the user of `token`, if it holds one that is
    /// still good at `now` with the key set at `keys_version`. A copy
    /// that is not is dropped.
    fn get(&mut self, token: &[u8], keys_version: u64, now: u64) -> Option<User> {
        let slot = &mut self.slots[near_slot(token)];
        let entry = slot.as_ref().filter(|entry| *entry.token == *token)?;
        let expires_at = entry.user.0.verified.expires_at;
        if entry.keys_version == keys_version && now <= expires_at {
            return Some(entry.user.clone());
        }
        *slot = None;
        None
    }

    /// Keeps a copy of `user`, whose key was current at `keys_version`,
    /// for `token`, unless the token is too long; returns the user to
    /// hand out.
    fn keep(&mut self, token: &[u8], user: User, keys_version: u64) -> User {
        if token.len() > NEAR_MAX_TOKEN_BYTES {
            return user;
        }
        let own = User(Arc::new(UserInfo::clone(&user.0)));
        let entry = NearEntry { token: token.into(), user: own.clone(), keys_version };
        self.slots[near_slot(token)] = Some(entry);
        own
    }
}

struct NearEntry {
    token: Box<[u8]>,
    /// This thread's own copy of the user.
    user: User,
    /// The key-set version at which the user's key was last seen current.
    keys_version: u64,
}

/// The slot of `token` in a [`NearCache`]: its last 8 bytes (signature
/// bytes, for a valid token) times a large odd constant, top bits.
fn near_slot(token: &[u8]) -> usize {
    let tail = &token[token.len().saturating_sub(8)..];
    let mut bytes = [0u8; 8];
    bytes[..tail.len()].copy_from_slice(tail);
    let mixed = u64::from_le_bytes(bytes).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (mixed >> (u64::BITS - NEAR_SLOTS.trailing_zeros())) as usize
}

/// Checks tokens against the realm; shared by every worker.
pub struct Validator {
    settings: AuthSettings,
    keys: Arc<KeyCache>,
    /// Users by token. A user is one reference-counted value that also
    /// says what verified it, so a hit clones one pointer.
    cache: Option<quick_cache::sync::Cache<TokenKey, User>>,
    /// Per worker thread, in front of `cache`; used only when it is.
    near: ThreadLocal<RefCell<NearCache>>,
    metrics: Arc<Metrics>,
}

impl Validator {
    /// A validator for the realm in `settings`, reading keys from `keys`.
    pub fn new(settings: AuthSettings, keys: Arc<KeyCache>, metrics: Arc<Metrics>) -> Self {
        let size = settings.token_cache_size;
        let cache = (size > 0).then(|| quick_cache::sync::Cache::new(size));
        Self { settings, keys, cache, near: ThreadLocal::new(), metrics }
    }

    /// The realm named in `WWW-Authenticate` challenges.
    pub fn realm(&self) -> &str {
        &self.settings.realm
    }

    /// The key cache behind this validator.
    pub fn keys(&self) -> &Arc<KeyCache> {
        &self.keys
    }

    fn reject(&self, reason: TokenRejection, kid: Option<&str>, iss: Option<&str>) -> ApiError {
        tracing::debug!(reason = reason.reason(), ?kid, ?iss, "token rejected");
        self.metrics.auth_outcome(reason.reason());
        ApiError::InvalidToken { realm: self.settings.realm.clone(), reason }
    }

    /// Validates `token` and returns its user.
    pub async fn validate(&self, token: &str) -> Result<User, ApiError> {
        self.validate_credential(token.as_bytes(), |_| Ok(token)).await
    }

    /// Validates a token as it arrived, in bytes (a cookie value, say):
    /// bytes that are not text make a malformed token.
    pub(crate) async fn validate_raw(&self, raw: &[u8]) -> Result<User, ApiError> {
        let read = |raw| {
            let malformed = |_| self.reject(TokenRejection::Malformed, None, None);
            std::str::from_utf8(raw).map_err(malformed)
        };
        self.validate_credential(raw, read).await
    }

    /// Validates a credential as it arrived, `raw`, which `read` turns
    /// into a token or refuses. A credential found in the cache is byte for
    /// byte one that was read and checked before, so reading it and
    /// checking its syntax happen only on a miss.
    pub(crate) async fn validate_credential<'a>(
        &self,
        raw: &'a [u8],
        read: impl FnOnce(&'a [u8]) -> Result<&'a str, ApiError>,
    ) -> Result<User, ApiError> {
        if raw.len() > MAX_TOKEN_BYTES {
            return Err(self.reject(TokenRejection::Malformed, None, None));
        }
        if let Some(user) = self.cached(raw) {
            self.metrics.token_cache_hit();
            self.metrics.auth_outcome("ok");
            return Ok(user);
        }
        let token = read(raw)?;
        if !is_token68(token.as_bytes()) {
            return Err(self.reject(TokenRejection::Malformed, None, None));
        }

        let user = self.validate_uncached(token).await?;
        if let Some(cache) = &self.cache {
            cache.insert(TokenKey(raw.into()), user.clone());
        }
        self.metrics.auth_outcome("ok");
        Ok(user)
    }

    /// The user of `token` if it was validated before and the answer still
    /// holds: the token has not expired and its kid still resolves to the
    /// key that verified it.
    fn cached(&self, token: &[u8]) -> Option<User> {
        let shared = self.cache.as_ref()?;
        let now = now();
        // Read before the key check below, so that a replacement of the
        // key set that this check might miss still changes the version.
        let version = self.keys.version();
        let mut near = self.near.get_or_default().borrow_mut();
        if let Some(user) = near.get(token, version, now) {
            return Some(user);
        }

        let user = shared.get(&TokenRef(token))?;
        let verified = &user.0.verified;
        if now <= verified.expires_at
            && self.keys.resolves_to(verified.kid.as_deref(), &verified.key)
        {
            return Some(near.keep(token, user, version));
        }
        shared.remove(&TokenRef(token));
        None
    }

    async fn validate_uncached(&self, token: &str) -> Result<User, ApiError> {
        let header = jsonwebtoken::decode_header(token).map_err(|error| {
            let reason = match error.kind() {
                ErrorKind::InvalidAlgorithmName => TokenRejection::AlgorithmNotAllowed,
                _ => TokenRejection::Malformed,
            };
            self.reject(reason, None, None)
        })?;
        let kid = header.kid.as_deref();
        if !self.settings.algorithms.contains(&header.alg) {
            return Err(self.reject(TokenRejection::AlgorithmNotAllowed, kid, None));
        }

        let key = self.keys.get(kid).await.map_err(|error| match error {
            KeyLookupError::UnknownKid => self.reject(TokenRejection::UnknownKid, kid, None),
            KeyLookupError::Unavailable(retry_after) => {
                self.metrics.auth_outcome("keys_unavailable");
                ApiError::KeysUnavailable { retry_after }
            }
        })?;
        if !key.allows(header.alg) {
            return Err(self.reject(TokenRejection::AlgorithmNotAllowed, kid, None));
        }

        let validation = self.validation(header.alg);
        let data = jsonwebtoken::decode::<serde_json::Map<String, serde_json::Value>>(
            token, &key.key, &validation,
        )
        .map_err(|error| self.reject(rejection_of(error.kind()), kid, None))?;

        let claims = data.claims;
        let expires_at = claims.get("exp").and_then(|exp| exp.as_u64()).unwrap_or(0);
        let verified = Verification { kid: kid.map(str::to_owned), key, expires_at };
        self.user_from(claims, verified).map_err(|(reason, iss)| {
            self.reject(reason, kid, iss.as_deref())
        })
    }

    fn validation(&self, algorithm: Algorithm) -> Validation {
        let mut validation = Validation::new(algorithm);
        validation.leeway = self.settings.leeway.as_secs();
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.set_issuer(&self.settings.issuers);
        let mut required = vec!["exp", "iss", "sub"];
        if self.settings.audiences.is_empty() {
            validation.validate_aud = false;
        } else {
            validation.set_audience(&self.settings.audiences);
            required.push("aud");
        }
        validation.set_required_spec_claims(&required);
        validation
    }

    fn user_from(
        &self,
        claims: serde_json::Map<String, serde_json::Value>,
        verified: Verification,
    ) -> Result<User, (TokenRejection, Option<String>)> {
        // jsonwebtoken accepts an `iss` array with one matching member; an
        // access token's issuer is one string.
        let Some(iss) = claims.get("iss").and_then(|iss| iss.as_str()).map(str::to_owned) else {
            return Err((TokenRejection::WrongIssuer, None));
        };
        let iss = Some(iss);
        let known = KnownClaims::deserialize(serde_json::Value::Object(claims.clone()))
            .map_err(|_| (TokenRejection::MissingClaim, iss.clone()))?;

        if known.typ.as_deref().is_some_and(|typ| typ != "Bearer") {
            return Err((TokenRejection::WrongTokenType, iss));
        }
        if let Some(iat) = &known.iat {
            let iat = iat.as_u64().ok_or((TokenRejection::MissingClaim, iss.clone()))?;
            if iat > now() + self.settings.leeway.as_secs() {
                return Err((TokenRejection::NotYetValid, iss));
            }
        }
        let usable = |sub: &String| !sub.trim().is_empty() && !sub.chars().any(char::is_control);
        let id = known.sub.filter(usable);
        let id = id.ok_or((TokenRejection::MissingClaim, iss))?;

        let client_roles = known.resource_access.into_iter()
            .map(|(client, list)| (client, list.roles))
            .collect();
        Ok(User(Arc::new(UserInfo {
            id,
            username: known.preferred_username,
            email: known.email,
            name: known.name,
            realm_roles: known.realm_access.map(|list| list.roles).unwrap_or_default(),
            client_roles,
            claims,
            verified,
        })))
    }
}

fn rejection_of(kind: &ErrorKind) -> TokenRejection {
    match kind {
        ErrorKind::ExpiredSignature => TokenRejection::Expired,
        ErrorKind::ImmatureSignature => TokenRejection::NotYetValid,
        ErrorKind::InvalidIssuer => TokenRejection::WrongIssuer,
        ErrorKind::InvalidAudience => TokenRejection::WrongAudience,
        ErrorKind::InvalidSignature => TokenRejection::BadSignature,
        ErrorKind::InvalidAlgorithm | ErrorKind::InvalidAlgorithmName => {
            TokenRejection::AlgorithmNotAllowed
        }
        ErrorKind::MissingRequiredClaim(_) | ErrorKind::InvalidClaimFormat(_) => {
            TokenRejection::MissingClaim
        }
        _ => TokenRejection::Malformed,
    }
}

fn now() -> u64 {
    let elapsed = SystemTime::now().duration_since(UNIX_EPOCH);
    elapsed.map_or(0, |elapsed| elapsed.as_secs())
}

/// The bearer token of an `Authorization` header ([RFC 6750 section 2.1]).
///
/// `Ok(None)` when there is no such header or it uses another scheme
/// (Basic, say): no bearer credentials. `Err` when it says `Bearer` but
/// what follows is not one word of text. The scheme name is matched
/// without regard to case ([RFC 9110 section 11.1]). Whether that word is
/// a well-formed token is for [`Validator::validate`] to say.
///
/// Borrows the token: this runs over 1–3 KiB on every authenticated
/// request, and a general-purpose parser that copied the token out cost
/// more than the rest of the security check.
///
/// [RFC 6750 section 2.1]: https://www.rfc-editor.org/rfc/rfc6750#section-2.1
/// [RFC 9110 section 11.1]: https://www.rfc-editor.org/rfc/rfc9110#section-11.1
pub fn bearer_token(request: &HttpRequest) -> Result<Option<&str>, MalformedBearer> {
    bearer_credential(request)?.map(read_bearer).transpose()
}

/// The bytes after `Bearer ` in the `Authorization` header, trimmed and
/// not yet read: [`bearer_token`] without [`read_bearer`].
pub(crate) fn bearer_credential(request: &HttpRequest) -> Result<Option<&[u8]>, MalformedBearer> {
    let mut values = request.headers().get_all(header::AUTHORIZATION);
    let Some(value) = values.next() else {
        return Ok(None);
    };
    // Two credentials are ambiguous (RFC 6750 section 3.1, invalid_request).
    if values.next().is_some() {
        return Err(MalformedBearer);
    }
    let bytes = value.as_bytes();
    let scheme_end = bytes.iter().position(|&byte| !is_tchar(byte)).unwrap_or(bytes.len());
    let (scheme, rest) = bytes.split_at(scheme_end);
    if !scheme.eq_ignore_ascii_case(b"Bearer") {
        return Ok(None);
    }
    // The scheme and the token are separated by spaces (RFC 9110 section
    // 11.4); `Bearer`, `Bearer,` or a tab there is a malformed attempt.
    let Some(rest) = rest.strip_prefix(b" ") else {
        return Err(MalformedBearer);
    };
    let credential = rest.trim_ascii();
    if credential.is_empty() {
        return Err(MalformedBearer);
    }
    Ok(Some(credential))
}

/// The token in a bearer credential: one word of text.
pub(crate) fn read_bearer(credential: &[u8]) -> Result<&str, MalformedBearer> {
    // A fold rather than `contains`: no early exit, so it runs many bytes
    // at a time.
    let blank = credential.iter().fold(false, |any, &byte| any | (byte == b' ') | (byte == b'\t'));
    match std::str::from_utf8(credential) {
        Ok(token) if !blank => Ok(token),
        _ => Err(MalformedBearer),
    }
}

/// Whether `byte` may be part of an authentication scheme's name, a token
/// ([RFC 9110 section 5.6.2]).
///
/// [RFC 9110 section 5.6.2]: https://www.rfc-editor.org/rfc/rfc9110#section-5.6.2
fn is_tchar(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

/// Whether every byte belongs to token68 ([RFC 9110 section 11.2]), the
/// syntax of a bearer token.
///
/// Checks all bytes without stopping early, which lets the compiler test
/// many bytes at once. Allows `=` anywhere, not only as trailing padding:
/// a JWT has none, and a misplaced one fails the signature check.
///
/// [RFC 9110 section 11.2]: https://www.rfc-editor.org/rfc/rfc9110#section-11.2
fn is_token68(bytes: &[u8]) -> bool {
    bytes.iter().fold(true, |all, &byte| all & is_token68_byte(byte))
}

fn is_token68_byte(byte: u8) -> bool {
    let digit = byte.wrapping_sub(b'0') < 10;
    let letter = (byte | 0x20).wrapping_sub(b'a') < 26;
    let symbol = (byte == b'-') | (byte == b'.') | (byte == b'_') | (byte == b'~')
        | (byte == b'+') | (byte == b'/') | (byte == b'=');
    digit | letter | symbol
}

/// An `Authorization: Bearer` header whose value is not a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MalformedBearer;

type UserResult = Result<User, ApiError>;

impl FromRequest for User {
    type Error = ApiError;
    type Future = Either<Ready<UserResult>, LocalBoxFuture<'static, UserResult>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        // On a secured operation the gate has put the user here: no
        // allocation for the future on that path.
        if let Some(user) = request.extensions().get::<User>() {
            return Either::Left(ready(Ok(user.clone())));
        }
        let validator = request.app_data::<web::Data<Validator>>().cloned();
        let token = bearer_token(request).map(|token| token.map(str::to_owned));
        Either::Right(Box::pin(async move {
            let Some(validator) = validator else {
                return Err(ApiError::internal("the Validator is not registered as app data"));
            };
            let realm = validator.realm().to_owned();
            match token {
                Ok(Some(token)) => validator.validate(&token).await,
                Ok(None) => Err(ApiError::MissingCredentials { realm }),
                Err(MalformedBearer) => Err(ApiError::InvalidRequest { realm }),
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn token_of(values: &[&str]) -> Result<Option<String>, MalformedBearer> {
        let mut request = TestRequest::default();
        for value in values {
            request = request.append_header((header::AUTHORIZATION, *value));
        }
        let request = request.to_http_request();
        bearer_token(&request).map(|token| token.map(str::to_owned))
    }

    #[test]
    fn bearer_token_reads_the_token_after_the_scheme() {
        assert_eq!(token_of(&["Bearer a.b-c_d~e+f/g=="]), Ok(Some("a.b-c_d~e+f/g==".into())));
        assert_eq!(token_of(&["bearer abc"]), Ok(Some("abc".into())));
        assert_eq!(token_of(&["BEARER   abc  "]), Ok(Some("abc".into())));
    }

    #[test]
    fn bearer_token_sees_no_credentials_without_a_bearer_scheme() {
        assert_eq!(token_of(&[]), Ok(None));
        assert_eq!(token_of(&["Basic YWxpY2U6c2VjcmV0"]), Ok(None));
        assert_eq!(token_of(&["Basic"]), Ok(None));
        assert_eq!(token_of(&["Bearerx abc"]), Ok(None));
    }

    #[test]
    fn bearer_token_refuses_what_is_not_one_word() {
        for value in ["Bearer", "Bearer ", "Bearer    ", "Bearer two words", "Bearer a\tb",
            "Bearer\tabc", "Bearer,abc", "Bearer, abc", "bearer\"abc\""]
        {
            assert_eq!(token_of(&[value]), Err(MalformedBearer), "{value:?}");
        }
        assert_eq!(token_of(&["Bearer abc", "Bearer def"]), Err(MalformedBearer));
    }

    #[test]
    fn bearer_token_leaves_the_token_syntax_to_the_validator() {
        assert_eq!(token_of(&["Bearer a,b"]), Ok(Some("a,b".into())));
        assert!(!is_token68(b"a,b"));
        assert!(!is_token68("ab\u{e9}".as_bytes()));
        assert!(is_token68(b"eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl"));
    }

    #[test]
    fn tokens_sharing_a_tail_are_different_cache_keys() {
        let cache = quick_cache::sync::Cache::new(8);
        let tail = "s".repeat(HASHED_TAIL_BYTES);
        let token = |claims: &str| format!("header.{claims}.{tail}").into_bytes();
        cache.insert(TokenKey(token("claims-of-alice").into()), "alice");

        assert_eq!(cache.get(&TokenRef(&token("claims-of-alice"))), Some("alice"));
        assert_eq!(cache.get(&TokenRef(&token("claims-of-mallory"))), None);
        assert_eq!(cache.get(&TokenRef(tail.as_bytes())), None);
    }

    #[test]
    fn token68_bytes_are_exactly_the_rfc_set() {
        for byte in 0..=255u8 {
            let expected = byte.is_ascii_alphanumeric() || b"-._~+/=".contains(&byte);
            assert_eq!(is_token68_byte(byte), expected, "byte {byte:#04x}");
        }
    }
}
