//! The realm: users, clients and roles read from a Keycloak realm export.
//!
//! The export (Keycloak's `--import-realm` format) is the single source of
//! users, clients and roles, so that the same file configures this
//! provider and a real Keycloak. Keycloak creates some roles by itself in
//! every realm (`default-roles-{realm}`, `offline_access`,
//! `uma_authorization` and the `account` client's roles); they are added
//! here too unless the file defines them.
//!
//! Limitation: only plain-text password credentials (`value`) are read;
//! hashed credentials from a full export (`secretData`) would need
//! Keycloak's PBKDF2 and Argon2 verifiers. `${VAR}` placeholders are not
//! resolved. A client's `defaultClientScopes` and `optionalClientScopes`
//! are honoured for the built-in scopes only: the realm's `clientScopes`
//! definitions and their protocol mappers are not read, so a custom scope
//! is listed in `scope` but adds no claims; parsing `clientScopes` would
//! lift this.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::Path;

use secrecy::SecretString;
use serde::Deserialize;
use uuid::Uuid;

/// The realm export compiled into the binary, used when no file is set.
pub const EMBEDDED_REALM: &str = include_str!("../realm/samples-realm.json");

/// Namespace of the user ids derived when the export gives none.
const USER_ID_NAMESPACE: Uuid = Uuid::from_u128(0x6d1b_4a0e_9c3f_5b2a_8e47_0f19_c2d8_a356);

/// Keycloak's defaults for lifespans the export leaves out (seconds).
const DEFAULT_ACCESS_TOKEN_LIFESPAN: u64 = 300;
const DEFAULT_SSO_SESSION_IDLE: u64 = 1800;
const DEFAULT_SSO_SESSION_MAX: u64 = 36000;

/// Default client scopes of a client in a new Keycloak realm.
const DEFAULT_CLIENT_SCOPES: [&str; 6] =
    ["web-origins", "acr", "profile", "roles", "basic", "email"];

/// Optional client scopes of a client in a new Keycloak realm.
const OPTIONAL_CLIENT_SCOPES: [&str; 5] = [
    "address",
    "phone",
    "offline_access",
    "microprofile-jwt",
    "organization",
];

/// The built-in client that holds the account-console roles.
pub const ACCOUNT_CLIENT: &str = "account";

/// Why a realm export could not be used.
#[derive(Debug, thiserror::Error)]
pub enum RealmError {
    /// The file could not be read.
    #[error("cannot read the realm file {path}")]
    Unreadable {
        /// The file that was read.
        path: String,
        /// The I/O failure.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a realm export.
    #[error("the realm file is not a valid realm export")]
    Malformed(#[source] serde_json::Error),
    /// The file is a realm export that breaks a rule of this provider.
    #[error("the realm file is invalid: {0}")]
    Invalid(String),
}

/// A realm, ready to answer token requests.
#[derive(Debug)]
pub struct Realm {
    /// The realm's name, the `{realm}` path segment.
    pub name: String,
    /// Access-token lifetime in seconds (`accessTokenLifespan`).
    pub access_token_lifespan: u64,
    /// Idle timeout of a login session in seconds.
    pub sso_session_idle_timeout: u64,
    /// Maximum lifetime of a login session in seconds.
    pub sso_session_max_lifespan: u64,
    /// The realm's not-before policy (`notBefore`), epoch seconds.
    pub not_before: i64,
    clients: BTreeMap<String, Client>,
    users: Vec<User>,
    roles: RoleCatalog,
}

/// A client of the realm, as the token endpoint sees it.
#[derive(Debug)]
pub struct Client {
    /// The client's `clientId`.
    pub client_id: String,
    /// Disabled clients are refused.
    pub enabled: bool,
    /// Public clients do not authenticate.
    pub public_client: bool,
    /// Bearer-only clients cannot obtain tokens.
    pub bearer_only: bool,
    /// The secret of a confidential client.
    pub secret: Option<SecretString>,
    /// Whether the password grant is allowed.
    pub direct_access_grants: bool,
    /// Whether the client-credentials grant is allowed.
    pub service_accounts: bool,
    /// Origins published in `allowed-origins`.
    pub web_origins: Vec<String>,
    /// Audiences added by `oidc-audience-mapper`s to access tokens.
    pub access_token_audiences: Vec<String>,
    /// Audiences added by `oidc-audience-mapper`s to ID tokens.
    pub id_token_audiences: Vec<String>,
    /// Client scopes always applied (`defaultClientScopes`).
    pub default_scopes: Vec<String>,
    /// Client scopes applied when requested (`optionalClientScopes`).
    pub optional_scopes: Vec<String>,
}

/// A user of the realm.
#[derive(Debug)]
pub struct User {
    /// Stable id, the `sub` claim.
    pub id: String,
    /// Login name, `preferred_username`.
    pub username: String,
    /// Disabled users cannot log in.
    pub enabled: bool,
    /// E-mail address.
    pub email: Option<String>,
    /// Whether the address is verified.
    pub email_verified: bool,
    /// Given name.
    pub first_name: Option<String>,
    /// Family name.
    pub last_name: Option<String>,
    /// The password credential, if the user has one.
    pub password: Option<SecretString>,
    /// Required actions; a user with any cannot use the password grant.
    pub required_actions: Vec<String>,
    /// The client this user is the service account of.
    pub service_account_client_id: Option<String>,
    /// Roles after expanding composites.
    pub roles: EffectiveRoles,
}

impl User {
    /// Full name as Keycloak's `name` claim builds it.
    pub fn full_name(&self) -> Option<String> {
        let parts: Vec<&str> = [&self.first_name, &self.last_name]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .filter(|part| !part.is_empty())
            .collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    }
}

/// Realm and client roles a user holds, composites expanded, in the
/// order they were found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct EffectiveRoles {
    /// Realm role names.
    pub realm: Vec<String>,
    /// Client role names by `clientId`.
    pub client: BTreeMap<String, Vec<String>>,
}

impl EffectiveRoles {
    fn add_realm(&mut self, role: &str) -> bool {
        push_new(&mut self.realm, role)
    }

    fn add_client(&mut self, client: &str, role: &str) -> bool {
        push_new(self.client.entry(client.to_owned()).or_default(), role)
    }
}

fn push_new(list: &mut Vec<String>, item: &str) -> bool {
    if list.iter().any(|existing| existing == item) {
        return false;
    }
    list.push(item.to_owned());
    true
}

impl Realm {
    /// Parses the realm export compiled into the binary.
    pub fn embedded() -> Result<Self, RealmError> {
        Self::from_json(EMBEDDED_REALM)
    }

    /// Reads a realm export from a file.
    pub fn from_file(path: &Path) -> Result<Self, RealmError> {
        let text = std::fs::read_to_string(path).map_err(|source| RealmError::Unreadable {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_json(&text)
    }

    /// Parses a realm export.
    pub fn from_json(text: &str) -> Result<Self, RealmError> {
        let export: RealmExport = serde_json::from_str(text).map_err(RealmError::Malformed)?;
        if export.realm.trim().is_empty() {
            return Err(RealmError::Invalid("the realm has no name".into()));
        }

        let roles = RoleCatalog::new(&export);
        let clients = compile_clients(&export.clients)?;
        let users = compile_users(&export, &clients, &roles)?;
        Ok(Self {
            access_token_lifespan: export
                .access_token_lifespan
                .unwrap_or(DEFAULT_ACCESS_TOKEN_LIFESPAN),
            sso_session_idle_timeout: export
                .sso_session_idle_timeout
                .unwrap_or(DEFAULT_SSO_SESSION_IDLE),
            sso_session_max_lifespan: export
                .sso_session_max_lifespan
                .unwrap_or(DEFAULT_SSO_SESSION_MAX),
            not_before: export.not_before.unwrap_or(0),
            name: export.realm,
            clients,
            users,
            roles,
        })
    }

    /// Finds an enabled or disabled client by `clientId`.
    pub fn client(&self, client_id: &str) -> Option<&Client> {
        self.clients.get(client_id)
    }

    /// Finds a user by username or e-mail, case-insensitively, as
    /// Keycloak's login does. Service-account users never match.
    pub fn user_for_login(&self, login: &str) -> Option<&User> {
        let wanted = login.to_lowercase();
        self.users.iter().find(|user| {
            user.service_account_client_id.is_none()
                && (user.username.to_lowercase() == wanted
                    || user.email.as_deref().map(str::to_lowercase) == Some(wanted.clone()))
        })
    }

    /// Finds a user by id (the `sub` claim).
    pub fn user_by_id(&self, id: &str) -> Option<&User> {
        self.users.iter().find(|user| user.id == id)
    }

    /// The service-account user of a client.
    pub fn service_account(&self, client_id: &str) -> Option<&User> {
        self.users
            .iter()
            .find(|user| user.service_account_client_id.as_deref() == Some(client_id))
    }

    /// All users, for listing in logs and docs.
    pub fn users(&self) -> &[User] {
        &self.users
    }

    /// Whether a realm role of this name exists.
    pub fn has_realm_role(&self, role: &str) -> bool {
        self.roles.realm.contains_key(role)
    }
}

/// Derives the stable id of a user the export gives no id: UUID v5 of
/// the realm and username.
pub fn derived_user_id(realm: &str, username: &str) -> String {
    let name = format!("{realm}/{}", username.to_lowercase());
    Uuid::new_v5(&USER_ID_NAMESPACE, name.as_bytes()).to_string()
}

fn compile_clients(exports: &[ClientExport]) -> Result<BTreeMap<String, Client>, RealmError> {
    let mut clients = BTreeMap::new();
    for export in exports {
        let client = export.compile();
        if clients.insert(client.client_id.clone(), client).is_some() {
            let message = format!("client {:?} is listed twice", export.client_id);
            return Err(RealmError::Invalid(message));
        }
    }
    Ok(clients)
}

fn compile_users(
    export: &RealmExport,
    clients: &BTreeMap<String, Client>,
    roles: &RoleCatalog,
) -> Result<Vec<User>, RealmError> {
    let mut users: Vec<User> = Vec::new();
    for user in &export.users {
        let compiled = user.compile(&export.realm, roles);
        let duplicate = users
            .iter()
            .any(|existing| existing.username.eq_ignore_ascii_case(&compiled.username));
        if duplicate {
            let message = format!("user {:?} is listed twice", user.username);
            return Err(RealmError::Invalid(message));
        }
        users.push(compiled);
    }

    // Keycloak creates a service-account user for every client that has
    // service accounts enabled; the export may leave it out.
    for client in clients.values().filter(|client| client.service_accounts) {
        let linked = users
            .iter()
            .any(|user| user.service_account_client_id.as_deref() == Some(&client.client_id));
        if !linked {
            users.push(synthetic_service_account(&export.realm, client, roles));
        }
    }
    Ok(users)
}

fn synthetic_service_account(realm: &str, client: &Client, roles: &RoleCatalog) -> User {
    let username = format!("service-account-{}", client.client_id);
    let default_role = format!("default-roles-{realm}");
    User {
        id: derived_user_id(realm, &username),
        username,
        enabled: true,
        email: None,
        email_verified: false,
        first_name: None,
        last_name: None,
        password: None,
        required_actions: Vec::new(),
        service_account_client_id: Some(client.client_id.clone()),
        roles: roles.expand(&[default_role], &BTreeMap::new()),
    }
}

/// Role definitions, built-in ones plus those of the export, used to
/// expand composites.
#[derive(Debug)]
struct RoleCatalog {
    realm: HashMap<String, Composites>,
    client: HashMap<(String, String), Composites>,
}

/// What a composite role contains.
#[derive(Debug, Default, Clone, Deserialize)]
struct Composites {
    #[serde(default)]
    realm: Vec<String>,
    #[serde(default)]
    client: BTreeMap<String, Vec<String>>,
}

impl RoleCatalog {
    fn new(export: &RealmExport) -> Self {
        let mut catalog = Self::built_in(&export.realm);
        for role in &export.roles.realm {
            let composites = role.composites.clone().unwrap_or_default();
            catalog.realm.insert(role.name.clone(), composites);
        }
        for (client, roles) in &export.roles.client {
            for role in roles {
                let composites = role.composites.clone().unwrap_or_default();
                let key = (client.clone(), role.name.clone());
                catalog.client.insert(key, composites);
            }
        }
        if let Some(role) = &export.default_role {
            if let Some(composites) = &role.composites {
                catalog.realm.insert(role.name.clone(), composites.clone());
            }
        }
        catalog
    }

    /// The roles Keycloak creates in every new realm.
    fn built_in(realm: &str) -> Self {
        let default_roles = Composites {
            realm: vec!["offline_access".into(), "uma_authorization".into()],
            client: BTreeMap::from([(
                ACCOUNT_CLIENT.to_owned(),
                vec!["view-profile".into(), "manage-account".into()],
            )]),
        };
        let manage_account = Composites {
            client: BTreeMap::from([(
                ACCOUNT_CLIENT.to_owned(),
                vec!["manage-account-links".into()],
            )]),
            ..Composites::default()
        };
        let realm_roles = HashMap::from([
            (format!("default-roles-{realm}"), default_roles),
            ("offline_access".to_owned(), Composites::default()),
            ("uma_authorization".to_owned(), Composites::default()),
        ]);
        let account_roles = [
            "view-profile",
            "manage-account-links",
            "view-applications",
            "view-consent",
            "manage-consent",
            "view-groups",
            "delete-account",
        ];
        let mut client_roles: HashMap<_, _> = account_roles
            .iter()
            .map(|role| {
                let key = (ACCOUNT_CLIENT.to_owned(), role.to_string());
                (key, Composites::default())
            })
            .collect();
        client_roles.insert(
            (ACCOUNT_CLIENT.to_owned(), "manage-account".to_owned()),
            manage_account,
        );
        Self {
            realm: realm_roles,
            client: client_roles,
        }
    }

    /// Expands directly assigned roles through composites, breadth
    /// first. Each role is visited once, so cycles in the export end the
    /// walk.
    fn expand(
        &self,
        realm_roles: &[String],
        client_roles: &BTreeMap<String, Vec<String>>,
    ) -> EffectiveRoles {
        let direct = Composites {
            realm: realm_roles.to_vec(),
            client: client_roles.clone(),
        };
        let mut pending: VecDeque<RoleRef> = direct.refs().collect();
        let mut effective = EffectiveRoles::default();

        while let Some((client, role)) = pending.pop_front() {
            let composites = match &client {
                None if effective.add_realm(&role) => self.realm.get(&role),
                Some(client) if effective.add_client(client, &role) => {
                    self.client.get(&(client.clone(), role.clone()))
                }
                _ => None,
            };
            pending.extend(composites.into_iter().flat_map(Composites::refs));
        }
        effective.client.retain(|_, roles| !roles.is_empty());
        effective
    }
}

/// A role: its client (`None` for a realm role) and name.
type RoleRef = (Option<String>, String);

impl Composites {
    /// The roles listed, realm roles first.
    fn refs(&self) -> impl Iterator<Item = RoleRef> + '_ {
        let realm = self.realm.iter().map(|role| (None, role.clone()));
        let client = self.client.iter().flat_map(|(client, roles)| {
            roles
                .iter()
                .map(move |role| (Some(client.clone()), role.clone()))
        });
        realm.chain(client)
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RealmExport {
    realm: String,
    access_token_lifespan: Option<u64>,
    sso_session_idle_timeout: Option<u64>,
    sso_session_max_lifespan: Option<u64>,
    not_before: Option<i64>,
    #[serde(default)]
    roles: RolesExport,
    default_role: Option<RoleExport>,
    #[serde(default)]
    clients: Vec<ClientExport>,
    #[serde(default)]
    users: Vec<UserExport>,
}

#[derive(Debug, Default, Deserialize)]
struct RolesExport {
    #[serde(default)]
    realm: Vec<RoleExport>,
    #[serde(default)]
    client: BTreeMap<String, Vec<RoleExport>>,
}

#[derive(Debug, Deserialize)]
struct RoleExport {
    name: String,
    composites: Option<Composites>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ClientExport {
    client_id: String,
    #[serde(default = "yes")]
    enabled: bool,
    #[serde(default)]
    public_client: bool,
    #[serde(default)]
    bearer_only: bool,
    secret: Option<String>,
    #[serde(default)]
    direct_access_grants_enabled: bool,
    #[serde(default)]
    service_accounts_enabled: bool,
    #[serde(default)]
    redirect_uris: Vec<String>,
    #[serde(default)]
    web_origins: Vec<String>,
    #[serde(default)]
    protocol_mappers: Vec<MapperExport>,
    default_client_scopes: Option<Vec<String>>,
    optional_client_scopes: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct MapperExport {
    protocol_mapper: String,
    #[serde(default)]
    config: HashMap<String, String>,
}

impl MapperExport {
    /// The audience this mapper adds to the token kind named by
    /// `claim_key`, if it is an audience mapper enabled for that kind.
    fn audience(&self, claim_key: &str, default: bool) -> Option<String> {
        if self.protocol_mapper != "oidc-audience-mapper" {
            return None;
        }
        let enabled = self
            .config
            .get(claim_key)
            .map_or(default, |value| value == "true");
        let audience = self
            .config
            .get("included.client.audience")
            .or_else(|| self.config.get("included.custom.audience"))
            .filter(|value| !value.is_empty());
        audience.filter(|_| enabled).cloned()
    }
}

impl ClientExport {
    fn compile(&self) -> Client {
        let audiences = |key: &str, default: bool| -> Vec<String> {
            self.protocol_mappers
                .iter()
                .filter_map(|mapper| mapper.audience(key, default))
                .collect()
        };
        Client {
            client_id: self.client_id.clone(),
            enabled: self.enabled,
            public_client: self.public_client,
            bearer_only: self.bearer_only,
            secret: self.secret.clone().map(SecretString::from),
            direct_access_grants: self.direct_access_grants_enabled,
            service_accounts: self.service_accounts_enabled,
            web_origins: self.resolve_web_origins(),
            access_token_audiences: audiences("access.token.claim", true),
            id_token_audiences: audiences("id.token.claim", false),
            default_scopes: self.default_scopes(),
            optional_scopes: self
                .optional_client_scopes
                .clone()
                .unwrap_or_else(|| OPTIONAL_CLIENT_SCOPES.map(str::to_owned).to_vec()),
        }
    }

    /// The file's `defaultClientScopes`, or those of a new realm. Without
    /// the list, a service-account client also gets `service_account`
    /// (which Keycloak's admin console attaches when service accounts are
    /// switched on, but its import does not).
    fn default_scopes(&self) -> Vec<String> {
        if let Some(scopes) = &self.default_client_scopes {
            return scopes.clone();
        }
        let mut scopes = DEFAULT_CLIENT_SCOPES.map(str::to_owned).to_vec();
        if self.service_accounts_enabled {
            scopes.push("service_account".to_owned());
        }
        scopes
    }

    /// Resolves `+` in `webOrigins` to the origins of the redirect URIs,
    /// as Keycloak does.
    fn resolve_web_origins(&self) -> Vec<String> {
        let mut origins = Vec::new();
        for origin in &self.web_origins {
            if origin == "+" {
                for uri in &self.redirect_uris {
                    if let Some(origin) = origin_of(uri) {
                        push_new(&mut origins, &origin);
                    }
                }
            } else {
                push_new(&mut origins, origin);
            }
        }
        origins
    }
}

/// The `scheme://host[:port]` part of an absolute URI.
fn origin_of(uri: &str) -> Option<String> {
    let scheme_end = uri.find("://")? + 3;
    let rest = &uri[scheme_end..];
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let host = &rest[..host_end];
    (!host.is_empty() && !host.contains('*')).then(|| format!("{}{host}", &uri[..scheme_end]))
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UserExport {
    id: Option<String>,
    username: String,
    #[serde(default)]
    enabled: bool,
    email: Option<String>,
    #[serde(default)]
    email_verified: bool,
    first_name: Option<String>,
    last_name: Option<String>,
    #[serde(default)]
    credentials: Vec<CredentialExport>,
    #[serde(default)]
    required_actions: Vec<String>,
    #[serde(default)]
    realm_roles: Vec<String>,
    #[serde(default)]
    client_roles: BTreeMap<String, Vec<String>>,
    service_account_client_id: Option<String>,
}

#[derive(Debug, Deserialize)]
struct CredentialExport {
    #[serde(rename = "type")]
    kind: String,
    value: Option<String>,
}

impl UserExport {
    fn compile(&self, realm: &str, roles: &RoleCatalog) -> User {
        let password = self
            .credentials
            .iter()
            .find(|credential| credential.kind == "password")
            .and_then(|credential| credential.value.clone())
            .map(SecretString::from);
        User {
            id: self
                .id
                .clone()
                .unwrap_or_else(|| derived_user_id(realm, &self.username)),
            username: self.username.to_lowercase(),
            enabled: self.enabled,
            email: self.email.clone(),
            email_verified: self.email_verified,
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            password,
            required_actions: self.required_actions.clone(),
            service_account_client_id: self.service_account_client_id.clone(),
            roles: roles.expand(&self.realm_roles, &self.client_roles),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn realm() -> Realm {
        Realm::embedded().expect("the embedded realm parses")
    }

    #[test]
    fn the_embedded_realm_parses() {
        let realm = realm();

        assert_eq!(realm.name, "samples");
        assert_eq!(realm.access_token_lifespan, 300);
        assert!(realm.client("samples-web").unwrap().public_client);
    }

    #[test]
    fn default_roles_expand_like_keycloak() {
        let realm = realm();

        let alice = realm.user_for_login("alice").unwrap();

        assert_eq!(
            alice.roles.realm,
            [
                "default-roles-samples",
                "user",
                "offline_access",
                "uma_authorization"
            ]
        );
        assert_eq!(
            alice.roles.client["account"],
            ["view-profile", "manage-account", "manage-account-links"]
        );
        assert_eq!(alice.roles.client["samples-api"], ["reader"]);
    }

    #[test]
    fn users_without_id_get_a_stable_derived_one() {
        let first = realm();
        let second = realm();

        let id = &first.user_for_login("ada").unwrap().id;

        assert_eq!(id, &second.user_for_login("ADA").unwrap().id);
        assert_eq!(id, &derived_user_id("samples", "ada"));
        assert!(Uuid::parse_str(id).is_ok());
    }

    #[test]
    fn login_by_email_finds_the_user() {
        let realm = realm();

        let user = realm.user_for_login("Alice@Example.test").unwrap();

        assert_eq!(user.username, "alice");
    }

    #[test]
    fn service_accounts_are_not_found_by_login() {
        let realm = realm();

        assert!(realm
            .user_for_login("service-account-samples-service")
            .is_none());
        assert!(realm.service_account("samples-service").is_some());
    }

    #[test]
    fn audience_mappers_add_access_token_audiences() {
        let realm = realm();

        let client = realm.client("samples-web").unwrap();

        assert_eq!(client.access_token_audiences, ["samples-api"]);
        assert!(client.id_token_audiences.is_empty());
    }

    #[test]
    fn plus_web_origin_resolves_to_redirect_origins() {
        let realm = realm();

        let client = realm.client("samples-web").unwrap();

        assert_eq!(
            client.web_origins,
            ["http://localhost:8081", "http://127.0.0.1:8081"]
        );
    }

    #[test]
    fn composite_cycles_end_the_expansion() {
        let text = r#"{"realm":"r","roles":{"realm":[
            {"name":"a","composite":true,"composites":{"realm":["b"]}},
            {"name":"b","composite":true,"composites":{"realm":["a"]}}]},
            "users":[{"username":"u","enabled":true,"realmRoles":["a"]}]}"#;

        let realm = Realm::from_json(text).unwrap();

        assert_eq!(realm.user_for_login("u").unwrap().roles.realm, ["a", "b"]);
    }

    #[test]
    fn a_duplicated_user_is_rejected() {
        let text = r#"{"realm":"r","users":[{"username":"u"},{"username":"U"}]}"#;

        let error = Realm::from_json(text).unwrap_err();

        assert!(matches!(error, RealmError::Invalid(_)));
    }
}
