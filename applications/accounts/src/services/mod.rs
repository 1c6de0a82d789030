//! Domain logic of the identity provider, with no HTTP in it.
//!
//! Controllers turn requests into the inputs here and the results into
//! responses; everything a Keycloak client can observe (claims, errors,
//! documents) is decided in this module tree.

pub mod clients;
pub mod grants;
pub mod introspection;
pub mod metadata;
pub mod userinfo;

use std::sync::Arc;

use crate::error::AccountsError;
use crate::keys::{KeySet, KeyStore};
use crate::realm::Realm;
use crate::sessions::{SessionLimits, Sessions};

/// Offline sessions end after 30 days without a refresh, Keycloak's
/// default `offlineSessionIdleTimeout`, and have no maximum lifespan.
const OFFLINE_SESSION_IDLE: u64 = 30 * 24 * 3600;

/// The identity provider: one realm, its keys and its login sessions.
pub struct Provider {
    realm: Realm,
    keys: KeyStore,
    sessions: Sessions,
    base_url: String,
    issuer: String,
}

impl Provider {
    /// A provider for `realm` whose issuer lives under `base_url`.
    pub fn new(realm: Realm, keys: KeyStore, base_url: String) -> Self {
        let issuer = format!("{base_url}/realms/{}", realm.name);
        Self {
            realm,
            keys,
            sessions: Sessions::default(),
            base_url,
            issuer,
        }
    }

    /// The realm named in a request path, or Keycloak's 404.
    pub fn realm(&self, name: &str) -> Result<&Realm, AccountsError> {
        if name == self.realm.name {
            Ok(&self.realm)
        } else {
            Err(AccountsError::RealmNotFound)
        }
    }

    /// The fixed frontend base URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The issuer, `{base_url}/realms/{realm}`.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The current keys; picks up rotations.
    pub fn keys(&self) -> Arc<KeySet> {
        self.keys.current()
    }

    fn sessions(&self) -> &Sessions {
        &self.sessions
    }

    /// The idle and maximum lifespans of an online or offline session.
    fn session_limits(&self, offline: bool) -> SessionLimits {
        if offline {
            SessionLimits {
                idle: OFFLINE_SESSION_IDLE,
                max: None,
            }
        } else {
            SessionLimits {
                idle: self.realm.sso_session_idle_timeout,
                max: Some(self.realm.sso_session_max_lifespan),
            }
        }
    }
}
