//! The token endpoint's grants and the logout endpoint.
//!
//! The checks run in Keycloak's order, so that a request that is wrong
//! in several ways gets the error Keycloak would give: repeated
//! parameters, then `grant_type`, then client authentication, then what
//! the grant itself needs.

use std::net::IpAddr;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use secrecy::SecretString;
use serde::Serialize;

use super::clients::{secrets_match, ClientCredentials};
use super::Provider;
use crate::epoch_seconds;
use crate::error::AccountsError;
use crate::form::Form;
use crate::realm::{Client, Realm, User};
use crate::sessions::Session;
use crate::tokens::{self, Grant, GrantKind, GrantedScope, RefreshClaims};

/// A request to the token or logout endpoint.
#[derive(Debug)]
pub struct TokenRequest {
    /// The realm named in the path.
    pub realm: String,
    /// The form body.
    pub form: Form,
    /// The client credentials presented.
    pub credentials: ClientCredentials,
    /// The caller's address (`clientAddress` of service-account tokens).
    pub peer: Option<IpAddr>,
}

impl TokenRequest {
    /// Reads the form body and the client credentials (form fields or
    /// HTTP Basic) of a token-endpoint style request.
    pub async fn read(
        realm: String,
        authorization: Option<&str>,
        body: actix_web::web::Payload,
        peer: Option<IpAddr>,
    ) -> Result<Self, AccountsError> {
        let form = crate::form::read_form(body).await?;
        let credentials = ClientCredentials::from_request(authorization, &form)?;
        Ok(Self { realm, form, credentials, peer })
    }
}

/// A successful token response, field for field Keycloak's
/// `AccessTokenResponse`.
#[derive(Debug, Serialize)]
pub struct TokenResponse {
    /// The access token.
    pub access_token: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// Seconds until the refresh token expires; 0 when there is none.
    pub refresh_expires_in: u64,
    /// The refresh token, when the grant issues one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// The ID token, when `openid` was requested.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    /// The realm's not-before policy.
    #[serde(rename = "not-before-policy")]
    pub not_before_policy: i64,
    /// The session id, when the grant started a session.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_state: Option<String>,
    /// The granted scopes.
    pub scope: String,
}

impl Provider {
    /// Answers a token request with the grant its `grant_type` names.
    #[tracing::instrument(
        skip_all,
        fields(grant_type = tracing::field::Empty, client_id = tracing::field::Empty)
    )]
    pub fn token(&self, request: &TokenRequest) -> Result<TokenResponse, AccountsError> {
        let realm = self.realm(&request.realm)?;
        request.form.reject_duplicates()?;
        let grant_type = request.form.get("grant_type").ok_or_else(|| {
            AccountsError::InvalidRequest("Missing form parameter: grant_type".into())
        })?;
        let span = tracing::Span::current();
        span.record("grant_type", grant_type);
        if !["password", "client_credentials", "refresh_token"].contains(&grant_type) {
            return Err(AccountsError::UnsupportedGrantType);
        }

        let client = request.credentials.authenticate(realm)?;
        span.record("client_id", client.client_id.as_str());
        match grant_type {
            "password" => self.password_grant(realm, client, &request.form),
            "client_credentials" => self.client_credentials_grant(realm, client, request),
            _ => self.refresh_grant(realm, client, &request.form),
        }
    }

    /// Resource-owner password credentials (RFC 6749 §4.3).
    fn password_grant(
        &self,
        realm: &Realm,
        client: &Client,
        form: &Form,
    ) -> Result<TokenResponse, AccountsError> {
        if !client.direct_access_grants {
            return Err(AccountsError::DirectGrantsDisabled);
        }
        let scope = GrantedScope::parse(form.get("scope"), client)?;
        let user = authenticate_user(realm, form)?;
        if scope.is_offline() && !user.roles.realm.iter().any(|role| role == "offline_access") {
            return Err(AccountsError::InvalidScope(
                form.get("scope").unwrap_or("").into(),
            ));
        }

        let now = epoch_seconds();
        let session = Session {
            id: new_session_id(),
            user_id: user.id.clone(),
            client_id: client.client_id.clone(),
            started_at: now,
            last_refresh: now,
            offline: scope.is_offline(),
        };
        let session = self
            .sessions()
            .start(session, |existing| self.session_limits(existing.offline));
        tracing::info!(sub = %user.id, sid = %session.id, "user logged in");

        let grant = Grant {
            kind: GrantKind::Password,
            session: Some(&session),
            ..self.grant(realm, client, user, &scope, now)
        };
        self.respond(realm, &grant)
    }

    /// Client credentials (RFC 6749 §4.4): a token for the client's
    /// service account. No session and no refresh token, as in Keycloak's
    /// default client settings.
    fn client_credentials_grant(
        &self,
        realm: &Realm,
        client: &Client,
        request: &TokenRequest,
    ) -> Result<TokenResponse, AccountsError> {
        if client.public_client {
            return Err(AccountsError::PublicClientServiceAccount);
        }
        if !client.service_accounts {
            return Err(AccountsError::ServiceAccountsDisabled);
        }
        let scope = GrantedScope::parse(request.form.get("scope"), client)?;
        let user = realm
            .service_account(&client.client_id)
            .filter(|user| user.enabled)
            .ok_or(AccountsError::ServiceAccountsDisabled)?;

        let now = epoch_seconds();
        let grant = Grant {
            kind: GrantKind::ClientCredentials,
            client_address: request.peer.map(|ip| ip.to_string()),
            ..self.grant(realm, client, user, &scope, now)
        };
        self.respond(realm, &grant)
    }

    /// Refresh (RFC 6749 §6): new tokens for a live session.
    fn refresh_grant(
        &self,
        realm: &Realm,
        client: &Client,
        form: &Form,
    ) -> Result<TokenResponse, AccountsError> {
        let token = form.require("refresh_token")?;
        let claims = self.check_refresh_token(token, client)?;
        let original = GrantedScope::parse(Some(&claims.scope), client)
            .map_err(|_| AccountsError::InvalidRefreshToken)?;
        let scope = match form.get("scope") {
            None => original,
            Some(requested) => {
                let narrowed = GrantedScope::parse(Some(requested), client)?;
                if !narrowed.is_within(&original) {
                    return Err(AccountsError::InvalidScope(requested.to_owned()));
                }
                narrowed
            }
        };

        let now = epoch_seconds();
        let limits = self.session_limits(claims.typ == "Offline");
        let session = self
            .sessions()
            .refresh(&claims.sid, limits, now)
            .filter(|session| session.user_id == claims.sub)
            .ok_or(AccountsError::SessionNotActive)?;
        let user = realm
            .user_by_id(&claims.sub)
            .filter(|user| user.enabled)
            .ok_or(AccountsError::InvalidRefreshToken)?;

        let grant = Grant {
            kind: GrantKind::Refresh,
            session: Some(&session),
            ..self.grant(realm, client, user, &scope, now)
        };
        self.respond(realm, &grant)
    }

    /// Ends the session of a refresh token (Keycloak's back-channel
    /// logout with `refresh_token` and client authentication).
    #[tracing::instrument(skip_all, fields(client_id = tracing::field::Empty))]
    pub fn logout(&self, request: &TokenRequest) -> Result<(), AccountsError> {
        let realm = self.realm(&request.realm)?;
        request.form.reject_duplicates()?;
        let client = request.credentials.authenticate(realm)?;
        tracing::Span::current().record("client_id", client.client_id.as_str());

        let token = request.form.require("refresh_token")?;
        let claims = self.check_refresh_token(token, client)?;

        // Like Keycloak, logging out an ended session again succeeds.
        if self.sessions().end(&claims.sid) {
            tracing::info!(sub = %claims.sub, sid = %claims.sid, "user logged out");
        }
        Ok(())
    }

    /// Verifies a refresh token and that it was issued to `client`.
    fn check_refresh_token(
        &self,
        token: &str,
        client: &Client,
    ) -> Result<RefreshClaims, AccountsError> {
        let claims =
            tokens::verify_refresh(token, &self.keys(), self.issuer()).map_err(|rejection| {
                tracing::debug!(reason = %rejection, "refresh token rejected");
                AccountsError::InvalidRefreshToken
            })?;
        if claims.azp != client.client_id {
            return Err(AccountsError::RefreshTokenClientMismatch);
        }
        Ok(claims)
    }

    /// A password grant with no session; callers override the rest.
    fn grant<'a>(
        &'a self,
        realm: &Realm,
        client: &'a Client,
        user: &'a User,
        scope: &'a GrantedScope,
        now: u64,
    ) -> Grant<'a> {
        Grant {
            kind: GrantKind::Password,
            issuer: self.issuer(),
            lifespan: realm.access_token_lifespan,
            client,
            user,
            session: None,
            scope,
            client_address: None,
            now,
        }
    }

    /// Mints the tokens of a grant and shapes Keycloak's response.
    fn respond(&self, realm: &Realm, grant: &Grant) -> Result<TokenResponse, AccountsError> {
        let keys = self.keys();
        let access_token = tokens::sign_rs256(&grant.access_claims(), &keys)?;
        let id_token = match grant.scope.openid {
            true => Some(tokens::sign_rs256(&grant.id_claims(&access_token), &keys)?),
            false => None,
        };
        let (refresh_token, refresh_expires_in) = match grant.session {
            Some(session) => {
                let limits = self.session_limits(session.offline);
                let expires_at = limits.expiry(session, grant.now);
                let claims = grant.refresh_claims(session, expires_at);
                let lifetime = if session.offline {
                    0
                } else {
                    expires_at - grant.now
                };
                (Some(tokens::sign_refresh(&claims, &keys)?), lifetime)
            }
            None => (None, 0),
        };

        Ok(TokenResponse {
            access_token,
            expires_in: realm.access_token_lifespan,
            refresh_expires_in,
            refresh_token,
            token_type: "Bearer",
            id_token,
            not_before_policy: realm.not_before,
            session_state: grant.session.map(|session| session.id.clone()),
            scope: grant.scope.claim(),
        })
    }
}

/// A session id like Keycloak 26's: 18 random bytes, base64url.
fn new_session_id() -> String {
    let bytes = uuid::Uuid::new_v4().into_bytes();
    let more = uuid::Uuid::new_v4().into_bytes();
    URL_SAFE_NO_PAD.encode([&bytes[..], &more[..2]].concat())
}

/// Finds the user by username or e-mail and checks the password.
/// Unknown users and wrong passwords get the same answer.
fn authenticate_user<'r>(realm: &'r Realm, form: &Form) -> Result<&'r User, AccountsError> {
    let login = form
        .get("username")
        .ok_or(AccountsError::InvalidUserCredentials)?;
    let password = SecretString::from(form.get("password").unwrap_or_default());

    let user = realm.user_for_login(login);
    let expected = user.and_then(|user| user.password.as_ref());
    let matches = match expected {
        Some(expected) => secrets_match(&password, expected),
        None => false,
    };
    let user = user
        .filter(|_| matches)
        .ok_or(AccountsError::InvalidUserCredentials)?;

    if !user.enabled {
        return Err(AccountsError::AccountDisabled);
    }
    if !user.required_actions.is_empty() {
        return Err(AccountsError::AccountNotFullySetUp);
    }
    Ok(user)
}
