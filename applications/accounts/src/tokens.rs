//! Token minting and checking, with Keycloak's claim sets.
//!
//! Access and ID tokens are RS256 JWTs signed with the active realm key
//! (`{"alg":"RS256","typ":"JWT","kid":...}`). Refresh tokens are HS512
//! JWTs signed with the realm's HMAC secret, as in Keycloak: clients must
//! treat them as opaque and their kid is not in the JWKS.
//!
//! Audience, as Keycloak computes it with its default client scopes:
//! first the client's `oidc-audience-mapper`s, then what the `roles`
//! scope's audience-resolve mapper adds: every *other* client for which
//! the subject holds a client role. Users with `default-roles-{realm}`
//! hold `account` roles, so `account` is usually in `aud`. `aud` is a
//! string when it has one value, an array when several, absent when none.

use std::collections::BTreeMap;

use aws_lc_rs::digest;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::error::AccountsError;
use crate::keys::KeySet;
use crate::realm::{Client, User};
use crate::sessions::Session;

/// Client scopes that Keycloak lists in the token's `scope` claim
/// (`include.in.token.scope`); `roles`, `web-origins`, `acr`, `basic` and
/// `service_account` apply silently.
const UNLISTED_SCOPES: [&str; 5] = ["acr", "basic", "roles", "service_account", "web-origins"];

/// The scopes granted to one token request: the client's default scopes
/// plus the optional ones requested.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GrantedScope {
    /// Whether `openid` was requested: an ID token is issued.
    pub openid: bool,
    /// Optional scopes requested, in request order.
    pub optional: Vec<String>,
    /// The client's default scopes.
    defaults: Vec<String>,
}

impl GrantedScope {
    /// Validates a requested `scope` parameter for `client`. Default
    /// scopes are always granted and may be named; a scope that is
    /// neither default nor optional for the client is refused with
    /// Keycloak's `invalid_scope`.
    pub fn parse(requested: Option<&str>, client: &Client) -> Result<Self, AccountsError> {
        let mut granted = Self {
            defaults: client.default_scopes.clone(),
            ..Self::default()
        };
        for scope in requested.unwrap_or("").split_whitespace() {
            if scope == "openid" {
                granted.openid = true;
            } else if client.optional_scopes.iter().any(|known| known == scope) {
                if !granted.optional.iter().any(|known| known == scope) {
                    granted.optional.push(scope.to_owned());
                }
            } else if !granted.defaults.iter().any(|known| known == scope) {
                let requested = requested.unwrap_or_default().to_owned();
                return Err(AccountsError::InvalidScope(requested));
            }
        }
        Ok(granted)
    }

    /// Whether a client scope applies to this grant.
    pub fn includes(&self, scope: &str) -> bool {
        self.defaults
            .iter()
            .chain(&self.optional)
            .any(|known| known == scope)
    }

    /// Whether every scope of `self` was also granted in `original`.
    pub fn is_within(&self, original: &Self) -> bool {
        (!self.openid || original.openid)
            && self
                .optional
                .iter()
                .all(|scope| original.optional.contains(scope))
    }

    /// Whether `offline_access` was requested.
    pub fn is_offline(&self) -> bool {
        self.optional.iter().any(|scope| scope == "offline_access")
    }

    /// The space-separated `scope` claim of access tokens and responses:
    /// `openid`, then the optional and default scopes Keycloak lists.
    pub fn claim(&self) -> String {
        let listed = self
            .optional
            .iter()
            .chain(&self.defaults)
            .map(String::as_str)
            .filter(|scope| !UNLISTED_SCOPES.contains(scope));
        self.with_openid(listed)
    }

    /// The `scope` claim of refresh tokens: every applied scope, listed
    /// or not, as Keycloak writes it.
    pub fn refresh_claim(&self) -> String {
        self.with_openid(
            self.optional
                .iter()
                .chain(&self.defaults)
                .map(String::as_str),
        )
    }

    /// `openid` first, then the other scopes sorted, which gives
    /// Keycloak's `"openid email profile"` for the default scopes.
    fn with_openid<'a>(&self, scopes: impl Iterator<Item = &'a str>) -> String {
        let mut others: Vec<&str> = scopes.collect();
        others.sort_unstable();
        others.dedup();
        let openid = self.openid.then_some("openid");
        openid
            .into_iter()
            .chain(others)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Whether a space-separated `scope` claim contains `scope`.
pub fn claim_contains(claim: &str, scope: &str) -> bool {
    claim.split_whitespace().any(|granted| granted == scope)
}

/// Roles in `realm_access` and in each `resource_access` entry.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RoleList {
    /// Role names.
    pub roles: Vec<String>,
}

/// Claims of an access token (`typ` "Bearer").
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessClaims {
    pub exp: u64,
    pub iat: u64,
    pub jti: String,
    pub iss: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<serde_json::Value>,
    pub sub: String,
    pub typ: String,
    pub azp: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acr: Option<String>,
    #[serde(rename = "allowed-origins", skip_serializing_if = "Option::is_none")]
    pub allowed_origins: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub realm_access: Option<RoleList>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_access: Option<BTreeMap<String, RoleList>>,
    pub scope: String,
    #[serde(rename = "clientHost", skip_serializing_if = "Option::is_none")]
    pub client_host: Option<String>,
    #[serde(flatten)]
    pub profile: ProfileClaims,
    #[serde(rename = "clientAddress", skip_serializing_if = "Option::is_none")]
    pub client_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
}

/// Claims of the `profile` and `email` scopes, shared by access tokens,
/// ID tokens and userinfo.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ProfileClaims {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_verified: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preferred_username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

impl ProfileClaims {
    /// The claims of a user that the `profile` and `email` scopes add.
    pub fn of(user: &User, scope: &GrantedScope) -> Self {
        let mut claims = Self::default();
        if scope.includes("profile") {
            claims.name = user.full_name();
            claims.preferred_username = Some(user.username.clone());
            claims.given_name = user.first_name.clone();
            claims.family_name = user.last_name.clone();
        }
        if scope.includes("email") {
            claims.email_verified = Some(user.email_verified);
            claims.email = user.email.clone();
        }
        claims
    }
}

/// Claims of an ID token (`typ` "ID").
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IdClaims {
    pub exp: u64,
    pub iat: u64,
    pub jti: String,
    pub iss: String,
    pub aud: serde_json::Value,
    pub sub: String,
    pub typ: String,
    pub azp: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    pub at_hash: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acr: Option<String>,
    #[serde(flatten)]
    pub profile: ProfileClaims,
}

/// Claims of a refresh token (`typ` "Refresh" or "Offline").
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RefreshClaims {
    pub exp: u64,
    pub iat: u64,
    pub jti: String,
    pub iss: String,
    pub aud: String,
    pub sub: String,
    pub typ: String,
    pub azp: String,
    pub sid: String,
    pub scope: String,
}

/// The grant a token comes from; Keycloak 26 prefixes access-token ids
/// with a code for it (opaque to clients, imitated for familiarity).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantKind {
    /// Resource-owner password credentials.
    Password,
    /// Client credentials.
    ClientCredentials,
    /// Refresh token.
    Refresh,
}

impl GrantKind {
    fn jti_prefix(self) -> &'static str {
        match self {
            Self::Password => "onrtro",
            Self::ClientCredentials => "trrtcc",
            Self::Refresh => "onrtrt",
        }
    }
}

/// Everything a token is minted from.
pub struct Grant<'a> {
    /// Which grant this is.
    pub kind: GrantKind,
    /// The realm's issuer URL.
    pub issuer: &'a str,
    /// Access-token lifetime in seconds.
    pub lifespan: u64,
    /// The requesting client.
    pub client: &'a Client,
    /// The subject: a user or a service account.
    pub user: &'a User,
    /// The login session, for user logins.
    pub session: Option<&'a Session>,
    /// The granted scopes.
    pub scope: &'a GrantedScope,
    /// IP address of the caller, for service-account tokens.
    pub client_address: Option<String>,
    /// Current time, epoch seconds.
    pub now: u64,
}

/// A JWT's `aud` value: a string for one audience, an array for several.
pub fn audience_value(audiences: &[String]) -> Option<serde_json::Value> {
    match audiences {
        [] => None,
        [one] => Some(one.clone().into()),
        many => Some(many.to_vec().into()),
    }
}

/// A new token id.
fn new_jti() -> String {
    uuid::Uuid::new_v4().to_string()
}

impl Grant<'_> {
    /// Builds the access-token claims; each group of claims appears only
    /// when its client scope applies, as with Keycloak's mappers.
    pub fn access_claims(&self) -> AccessClaims {
        let scope = self.scope;
        let (realm_access, resource_access) = self.role_claims();
        let origins = &self.client.web_origins;
        let is_service =
            self.user.service_account_client_id.is_some() && scope.includes("service_account");
        let address = self.client_address.clone().filter(|_| is_service);

        AccessClaims {
            exp: self.now + self.lifespan,
            iat: self.now,
            jti: format!("{}:{}", self.kind.jti_prefix(), new_jti()),
            iss: self.issuer.to_owned(),
            aud: audience_value(&self.access_audiences()),
            sub: self.user.id.clone(),
            typ: "Bearer".into(),
            azp: self.client.client_id.clone(),
            sid: self.session.map(|session| session.id.clone()),
            acr: scope.includes("acr").then(|| "1".to_owned()),
            allowed_origins: (scope.includes("web-origins") && !origins.is_empty())
                .then(|| origins.clone()),
            realm_access,
            resource_access,
            scope: scope.claim(),
            client_host: address.clone(),
            profile: ProfileClaims::of(self.user, scope),
            client_address: address,
            client_id: is_service.then(|| self.client.client_id.clone()),
        }
    }

    /// `realm_access` and `resource_access`, from the `roles` scope.
    fn role_claims(&self) -> (Option<RoleList>, Option<BTreeMap<String, RoleList>>) {
        if !self.scope.includes("roles") {
            return (None, None);
        }
        let roles = &self.user.roles;
        let realm_access = (!roles.realm.is_empty()).then(|| RoleList {
            roles: roles.realm.clone(),
        });
        let resource_access: BTreeMap<String, RoleList> = roles
            .client
            .iter()
            .map(|(client, roles)| {
                (
                    client.clone(),
                    RoleList {
                        roles: roles.clone(),
                    },
                )
            })
            .collect();
        (
            realm_access,
            (!resource_access.is_empty()).then_some(resource_access),
        )
    }

    /// Audience mappers first, then, with the `roles` scope, every other
    /// client the subject holds roles of (the audience-resolve mapper).
    fn access_audiences(&self) -> Vec<String> {
        let resolved = self
            .user
            .roles
            .client
            .keys()
            .filter(|_| self.scope.includes("roles"));
        let mut audiences = Vec::new();
        for audience in self.client.access_token_audiences.iter().chain(resolved) {
            let is_requester = *audience == self.client.client_id;
            if !is_requester && !audiences.contains(audience) {
                audiences.push(audience.clone());
            }
        }
        audiences
    }

    /// Builds the ID-token claims; `access_token` is hashed into `at_hash`.
    pub fn id_claims(&self, access_token: &str) -> IdClaims {
        let mut audiences = vec![self.client.client_id.clone()];
        for audience in &self.client.id_token_audiences {
            if !audiences.contains(audience) {
                audiences.push(audience.clone());
            }
        }
        IdClaims {
            exp: self.now + self.lifespan,
            iat: self.now,
            jti: new_jti(),
            iss: self.issuer.to_owned(),
            aud: audience_value(&audiences).expect("one audience at least"),
            sub: self.user.id.clone(),
            typ: "ID".into(),
            azp: self.client.client_id.clone(),
            sid: self.session.map(|session| session.id.clone()),
            at_hash: at_hash(access_token),
            acr: self.scope.includes("acr").then(|| "1".to_owned()),
            profile: ProfileClaims::of(self.user, self.scope),
        }
    }

    /// Builds refresh-token claims expiring at `expires_at`.
    pub fn refresh_claims(&self, session: &Session, expires_at: u64) -> RefreshClaims {
        let typ = if session.offline {
            "Offline"
        } else {
            "Refresh"
        };
        RefreshClaims {
            exp: expires_at,
            iat: self.now,
            jti: new_jti(),
            iss: self.issuer.to_owned(),
            aud: self.issuer.to_owned(),
            sub: self.user.id.clone(),
            typ: typ.into(),
            azp: self.client.client_id.clone(),
            sid: session.id.clone(),
            scope: self.scope.refresh_claim(),
        }
    }
}

/// OIDC Core §3.1.3.6: base64url of the left half of SHA-256 of the
/// access token's ASCII bytes.
pub fn at_hash(access_token: &str) -> String {
    let hash = digest::digest(&digest::SHA256, access_token.as_bytes());
    URL_SAFE_NO_PAD.encode(&hash.as_ref()[..16])
}

/// Signs claims with the active RSA key (RS256).
pub fn sign_rs256<T: Serialize>(claims: &T, keys: &KeySet) -> Result<String, AccountsError> {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(keys.active.kid.clone());
    jsonwebtoken::encode(&header, claims, keys.active.encoding_key())
        .map_err(|error| AccountsError::Internal(error.into()))
}

/// Signs refresh-token claims with the realm's HMAC key (HS512).
pub fn sign_refresh(claims: &RefreshClaims, keys: &KeySet) -> Result<String, AccountsError> {
    let mut header = Header::new(Algorithm::HS512);
    header.kid = Some(keys.hmac.kid.clone());
    jsonwebtoken::encode(&header, claims, keys.hmac.encoding_key())
        .map_err(|error| AccountsError::Internal(error.into()))
}

/// Why a token was not accepted; logged, never sent in full.
#[derive(Debug, thiserror::Error)]
pub enum TokenRejection {
    /// Not a JWT or no usable header.
    #[error("malformed token")]
    Malformed,
    /// The kid is not a published key.
    #[error("unknown kid")]
    UnknownKid,
    /// Signature, issuer, expiry or type is wrong.
    #[error("verification failed: {0}")]
    Invalid(String),
}

/// Verifies an access token: RS256 signature by a published key, issuer,
/// expiry (no leeway) and `typ` "Bearer".
pub fn verify_access(
    token: &str,
    keys: &KeySet,
    issuer: &str,
    now: u64,
) -> Result<AccessClaims, TokenRejection> {
    let header = jsonwebtoken::decode_header(token).map_err(|_| TokenRejection::Malformed)?;
    let kid = header.kid.ok_or(TokenRejection::UnknownKid)?;
    let key = keys
        .verifying_key(&kid, now)
        .ok_or(TokenRejection::UnknownKid)?;

    let claims: AccessClaims = jsonwebtoken::decode(
        token,
        key.decoding_key(),
        &validation(Algorithm::RS256, issuer),
    )
    .map_err(|error| TokenRejection::Invalid(error.to_string()))?
    .claims;
    if claims.typ != "Bearer" {
        return Err(TokenRejection::Invalid(format!("typ {}", claims.typ)));
    }
    Ok(claims)
}

/// Verifies a refresh token: HS512 with the realm secret, issuer, expiry
/// and `typ` "Refresh" or "Offline".
pub fn verify_refresh(
    token: &str,
    keys: &KeySet,
    issuer: &str,
) -> Result<RefreshClaims, TokenRejection> {
    let header = jsonwebtoken::decode_header(token).map_err(|_| TokenRejection::Malformed)?;
    if header.kid.as_deref() != Some(keys.hmac.kid.as_str()) {
        return Err(TokenRejection::UnknownKid);
    }

    let claims: RefreshClaims = jsonwebtoken::decode(
        token,
        keys.hmac.decoding_key(),
        &validation(Algorithm::HS512, issuer),
    )
    .map_err(|error| TokenRejection::Invalid(error.to_string()))?
    .claims;
    if claims.typ != "Refresh" && claims.typ != "Offline" {
        return Err(TokenRejection::Invalid(format!("typ {}", claims.typ)));
    }
    Ok(claims)
}

fn validation(algorithm: Algorithm, issuer: &str) -> Validation {
    let mut validation = Validation::new(algorithm);
    validation.set_issuer(&[issuer]);
    validation.validate_aud = false;
    validation.leeway = 0;
    validation
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::realm::Realm;

    fn scope(requested: Option<&str>) -> Result<GrantedScope, AccountsError> {
        let realm = Realm::embedded().unwrap();
        GrantedScope::parse(requested, realm.client("samples-web").unwrap())
    }

    #[test]
    fn default_scopes_are_listed_after_openid() {
        let scope = scope(Some("openid profile")).unwrap();

        assert_eq!(scope.claim(), "openid email profile");
    }

    #[test]
    fn no_scope_still_grants_the_defaults() {
        let scope = scope(None).unwrap();

        assert!(!scope.openid);
        assert!(scope.includes("roles"));
        assert_eq!(scope.claim(), "email profile");
    }

    #[test]
    fn refresh_tokens_list_every_applied_scope() {
        let scope = scope(Some("openid")).unwrap();

        assert_eq!(
            scope.refresh_claim(),
            "openid acr basic email profile roles web-origins"
        );
    }

    #[test]
    fn an_unknown_scope_is_refused() {
        let error = scope(Some("openid launch-missiles")).unwrap_err();

        assert_eq!(error.to_string(), "invalid scopes: openid launch-missiles");
    }

    #[test]
    fn a_narrower_scope_is_within_the_original() {
        let original = scope(Some("openid offline_access")).unwrap();
        let narrower = scope(Some("openid")).unwrap();

        assert!(narrower.is_within(&original));
        assert!(!original.is_within(&narrower));
    }

    #[test]
    fn one_audience_is_a_string_and_several_an_array() {
        let one = audience_value(&["a".into()]);
        let two = audience_value(&["a".into(), "b".into()]);

        assert_eq!(one, Some(serde_json::json!("a")));
        assert_eq!(two, Some(serde_json::json!(["a", "b"])));
        assert_eq!(audience_value(&[]), None);
    }

    #[test]
    fn at_hash_matches_the_oidc_example() {
        // OpenID Connect Core, Appendix A.3 / A.4 example values.
        let token = "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y";

        assert_eq!(at_hash(token), "77QmUPtjPfzWtF2AnpK9RQ");
    }
}
