//! Token introspection (RFC 7662), as Keycloak 26.7 answers it.
//!
//! Only confidential clients may introspect, and only tokens that name
//! them in `aud`; anything else, like an expired, forged or logged-out
//! token, is `{"active": false}` with status 200. An active token's
//! answer is its claims plus `client_id`, `username`, `token_type` and
//! `active`.

use serde_json::{json, Value};

use super::grants::TokenRequest;
use super::Provider;
use crate::epoch_seconds;
use crate::error::AccountsError;
use crate::realm::Client;
use crate::tokens::{self, claim_contains};

impl Provider {
    /// Introspects the `token` form field for the authenticated client.
    #[tracing::instrument(skip_all, fields(client_id = tracing::field::Empty))]
    pub fn introspect(&self, request: &TokenRequest) -> Result<Value, AccountsError> {
        let realm = self.realm(&request.realm)?;
        request.form.reject_duplicates()?;
        let client = request.credentials.authenticate(realm)?;
        tracing::Span::current().record("client_id", client.client_id.as_str());
        if client.public_client {
            return Err(AccountsError::PublicClientIntrospection);
        }
        let token = request.form.require("token")?;

        Ok(self
            .active_claims(token, client)
            .unwrap_or_else(|| json!({"active": false})))
    }

    /// The claims of an access token that is valid for `client`.
    fn active_claims(&self, token: &str, client: &Client) -> Option<Value> {
        let now = epoch_seconds();
        let claims = tokens::verify_access(token, &self.keys(), self.issuer(), now)
            .map_err(|rejection| tracing::debug!(reason = %rejection, "introspected token"))
            .ok()?;
        let audience_ok = match &claims.aud {
            Some(Value::String(one)) => *one == client.client_id,
            Some(Value::Array(many)) => many.iter().any(|aud| *aud == *client.client_id),
            _ => false,
        };
        if !audience_ok {
            return None;
        }
        if let Some(sid) = &claims.sid {
            let limits = self.session_limits(claim_contains(&claims.scope, "offline_access"));
            if !self.sessions().is_active(sid, limits, now) {
                return None;
            }
        }

        let mut answer = serde_json::to_value(&claims).ok()?;
        let fields = answer.as_object_mut()?;
        fields.insert("client_id".into(), claims.azp.clone().into());
        if let Some(username) = &claims.profile.preferred_username {
            fields.insert("username".into(), username.clone().into());
        }
        fields.insert("token_type".into(), "Bearer".into());
        fields.insert("active".into(), true.into());
        Some(answer)
    }
}
