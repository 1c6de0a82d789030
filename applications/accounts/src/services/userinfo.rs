//! The userinfo endpoint (OpenID Connect Core §5.3).

use serde::Serialize;

use super::Provider;
use crate::epoch_seconds;
use crate::error::{AccountsError, BearerErrorCode};
use crate::tokens::{self, claim_contains, GrantedScope, ProfileClaims};

/// Claims about the token's subject.
#[derive(Debug, Serialize)]
pub struct UserInfo {
    /// The subject id.
    pub sub: String,
    /// Profile and e-mail claims.
    #[serde(flatten)]
    pub profile: ProfileClaims,
}

impl Provider {
    /// Checks an access token and returns its subject's claims. The token
    /// must carry the `openid` scope (Keycloak 20+) and, for user logins,
    /// its session must still be alive.
    #[tracing::instrument(skip_all, fields(sub = tracing::field::Empty))]
    pub fn userinfo(&self, realm: &str, token: Option<&str>) -> Result<UserInfo, AccountsError> {
        let realm = self.realm(realm)?;
        let refuse = |code, description: &str| AccountsError::Bearer {
            realm: realm.name.clone(),
            code,
            description: description.to_owned(),
        };
        let token = token.ok_or_else(|| AccountsError::BearerMissing {
            realm: realm.name.clone(),
        })?;

        let now = epoch_seconds();
        let claims = tokens::verify_access(token, &self.keys(), self.issuer(), now).map_err(
            |rejection| {
                tracing::debug!(reason = %rejection, "access token rejected");
                refuse(BearerErrorCode::InvalidToken, "Token verification failed")
            },
        )?;
        tracing::Span::current().record("sub", claims.sub.as_str());
        if !claim_contains(&claims.scope, "openid") {
            return Err(refuse(
                BearerErrorCode::InsufficientScope,
                "Missing openid scope",
            ));
        }
        if let Some(sid) = &claims.sid {
            let offline = claim_contains(&claims.scope, "offline_access");
            let limits = self.session_limits(offline);
            if !self.sessions().is_active(sid, limits, now) {
                let description = "user_session_not_found";
                return Err(refuse(BearerErrorCode::InvalidToken, description));
            }
        }

        let user = realm
            .user_by_id(&claims.sub)
            .filter(|user| user.enabled)
            .ok_or_else(|| refuse(BearerErrorCode::InvalidToken, "User not found"))?;
        let scope = realm
            .client(&claims.azp)
            .and_then(|client| GrantedScope::parse(Some(&claims.scope), client).ok())
            .unwrap_or_default();
        Ok(UserInfo {
            sub: user.id.clone(),
            profile: ProfileClaims::of(user, &scope),
        })
    }
}
