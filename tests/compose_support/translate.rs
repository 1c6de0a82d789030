//! Turning an app's container environment into one that runs on this
//! machine, changing only the names that exist inside the compose network.
//!
//! Compose has two names for Keycloak: the public one in every token's
//! `iss` (`localhost:8080`, from `KC_HOSTNAME`) and the internal one the
//! apps fetch keys from (`keycloak:8080`). The test Keycloak answers on
//! both `127.0.0.1:PORT` and `localhost:PORT` and puts
//! `http://127.0.0.1:PORT` in `iss` (`scripts/keycloak.sh` pins it), so:
//!
//! | compose | here |
//! |---|---|
//! | public `localhost:8080` | `127.0.0.1:PORT` |
//! | internal `keycloak:8080` | `localhost:PORT` |
//! | `BIND_ADDR=0.0.0.0:8081` | `127.0.0.1:0` (loopback, a free port) |
//! | `DATABASE_URL=…@postgres:5432/…` | the test's PostgreSQL URL, or unset (SQLite) |

use std::collections::BTreeMap;

/// The names to put in place of the compose network's.
#[derive(Debug, Clone)]
pub struct Translation {
    /// Keycloak's internal authority in the compose file (`keycloak:8080`).
    pub compose_internal: String,
    /// Keycloak's public authority in the compose file (`localhost:8080`).
    pub compose_public: String,
    /// The PostgreSQL service's name in the compose file.
    pub compose_postgres: String,
    /// The test Keycloak's port.
    pub keycloak_port: u16,
    /// The test's PostgreSQL URL, when there is one.
    pub database_url: Option<String>,
}

impl Translation {
    /// What the internal name becomes: `localhost:PORT`.
    pub fn internal(&self) -> String {
        format!("localhost:{}", self.keycloak_port)
    }

    /// What the public name becomes: `127.0.0.1:PORT`.
    pub fn public(&self) -> String {
        format!("127.0.0.1:{}", self.keycloak_port)
    }

    /// The environment to run the app with here.
    pub fn apply(&self, compose: &BTreeMap<String, String>) -> BTreeMap<String, String> {
        let mut here = BTreeMap::new();
        for (name, value) in compose {
            if let Some(value) = self.value(name, value) {
                here.insert(name.clone(), value);
            }
        }
        here
    }

    fn value(&self, name: &str, value: &str) -> Option<String> {
        match name {
            "BIND_ADDR" => Some("127.0.0.1:0".to_owned()),
            "DATABASE_URL" if self.is_compose_postgres(value) => self.database_url.clone(),
            _ => Some(self.rename_keycloak(value)),
        }
    }

    fn is_compose_postgres(&self, url: &str) -> bool {
        let host = format!("@{}:", self.compose_postgres);
        url.starts_with("postgres") && url.contains(&host)
    }

    /// Both names in one pass, so that a port that happens to be 8080
    /// cannot turn one replacement into input for the other.
    fn rename_keycloak(&self, value: &str) -> String {
        let mut out = String::new();
        let mut rest = value;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix(&self.compose_internal) {
                out.push_str(&self.internal());
                rest = after;
            } else if let Some(after) = rest.strip_prefix(&self.compose_public) {
                out.push_str(&self.public());
                rest = after;
            } else {
                let next = rest.chars().next().expect("rest is not empty");
                out.push(next);
                rest = &rest[next.len_utf8()..];
            }
        }
        out
    }
}
