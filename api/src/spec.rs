//! Loading an app's OpenAPI document and reading its operations and
//! security requirements.
//!
//! Only what binding and enforcement need is read: `servers[0].url` (the
//! mount path), each operation's method, path, `operationId` and effective
//! `security`, and `components.securitySchemes`. The document is parsed
//! into plain JSON values first, because a missing `security` (inherit the
//! global requirement) and `security: []` (public) must stay apart, and
//! typed OpenAPI models tend to read both as an empty list.
//!
//! Supported schemes ([OpenAPI 3.1 security scheme object]):
//! - `type: http` with `scheme: bearer`: a JWT in `Authorization: Bearer`;
//! - `type: apiKey` with `in: cookie`: a JWT in the named cookie.
//!
//! Any other scheme stops the app at start-up, so an operation is never
//! served with weaker security than its spec declares. Role names listed in
//! a requirement (`bearerAuth: [admin]`, allowed by OpenAPI 3.1) are realm
//! roles the token must carry.
//!
//! [OpenAPI 3.1 security scheme object]: https://spec.openapis.org/oas/v3.1.0#security-scheme-object

use std::collections::BTreeSet;
use std::fmt;

use actix_web::http::Method;
use serde_json::Value;

/// How one scheme carries the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// The token is the value of this cookie.
    Cookie(String),
}

/// One scheme of a requirement, with the roles it demands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemeUse {
    /// The scheme's name in `components.securitySchemes`.
    pub name: String,
    /// Where the token comes from.
    pub credential: Credential,
    /// Realm roles the token must carry.
    pub roles: Vec<String>,
}

/// An operation's effective security: alternatives (OR) of requirements,
/// each a list of schemes that must all pass (AND). No alternative at all
/// means the operation is public; an empty requirement (`{}`) lets
/// anonymous callers in as well.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Security {
    /// The alternatives; one passing is enough.
    pub alternatives: Vec<Vec<SchemeUse>>,
}

impl Security {
    /// Whether anyone may call the operation without credentials.
    pub fn is_public(&self) -> bool {
        self.alternatives.is_empty() || self.alternatives.iter().any(Vec::is_empty)
    }
}

/// One operation of the document.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The `operationId`.
    pub id: String,
    /// The HTTP method.
    pub method: Method,
    /// The path as written in the spec (`/things/{thingId}`).
    pub path: String,
    /// The effective security.
    pub security: Security,
    /// The raw operation object, for request checks.
    pub definition: Value,
}

/// A document that cannot be served as it is; lists every problem found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// One line per problem.
    pub problems: Vec<String>,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "the OpenAPI document and the handlers disagree:")?;
        for problem in &self.problems {
            writeln!(f, "  - {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SpecError {}

/// A loaded OpenAPI document.
#[derive(Debug, Clone)]
pub struct ApiSpec {
    /// The document as JSON, served at `openapi.json`.
    pub document: Value,
    /// The document as written, served at `openapi.yaml`.
    pub yaml: String,
    /// Where operations are mounted (`/api`), from `servers[0].url`.
    pub base_path: String,
    /// Every operation, in document order.
    pub operations: Vec<Operation>,
}

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

impl ApiSpec {
    /// Parses a YAML (or JSON) OpenAPI 3 document.
    pub fn parse(yaml: &str) -> Result<Self, SpecError> {
        let document: Value = yaml_serde::from_str(yaml).map_err(|error| SpecError {
            problems: vec![format!("the document is not valid YAML: {error}")],
        })?;
        let mut problems = Vec::new();

        let version = document.get("openapi").and_then(Value::as_str).unwrap_or_default();
        if !version.starts_with("3.") {
            problems.push(format!("`openapi` must be 3.x, found `{version}`"));
        }
        let base_path = base_path(&document, &mut problems);
        let schemes = document.pointer("/components/securitySchemes");
        check_schemes(schemes, &mut problems);
        let operations = read_operations(&document, &mut problems);

        if problems.is_empty() {
            Ok(Self { document, yaml: yaml.to_owned(), base_path, operations })
        } else {
            Err(SpecError { problems })
        }
    }

    /// The operation with this `operationId`.
    pub fn operation(&self, id: &str) -> Option<&Operation> {
        self.operations.iter().find(|operation| operation.id == id)
    }
}

fn base_path(document: &Value, problems: &mut Vec<String>) -> String {
    let url = document.pointer("/servers/0/url").and_then(Value::as_str).unwrap_or("/");
    if !url.starts_with('/') {
        problems.push(format!("servers[0].url must be a path such as /api, found `{url}`"));
    }
    url.trim_end_matches('/').to_owned()
}

fn check_schemes(schemes: Option<&Value>, problems: &mut Vec<String>) {
    let Some(schemes) = schemes.and_then(Value::as_object) else { return };
    for (name, scheme) in schemes {
        if let Err(problem) = credential_of(scheme) {
            problems.push(format!("security scheme `{name}` is not supported: {problem}"));
        }
    }
}

fn credential_of(scheme: &Value) -> Result<Credential, String> {
    let field = |name| scheme.get(name).and_then(Value::as_str).unwrap_or_default();
    match (field("type"), field("scheme").to_ascii_lowercase().as_str(), field("in")) {
        ("http", "bearer", _) => Ok(Credential::Bearer),
        ("apiKey", _, "cookie") if !field("name").is_empty() => {
            Ok(Credential::Cookie(field("name").to_owned()))
        }
        ("http", other, _) => Err(format!("http scheme `{other}` (only `bearer`)")),
        ("apiKey", _, place) => Err(format!("apiKey in `{place}` (only `cookie`, with a name)")),
        (kind, _, _) => Err(format!("type `{kind}` (only http bearer and apiKey in cookie)")),
    }
}

fn read_operations(document: &Value, problems: &mut Vec<String>) -> Vec<Operation> {
    let global = document.get("security");
    let schemes = document.pointer("/components/securitySchemes");
    let mut operations = Vec::new();
    let mut ids = BTreeSet::new();

    let paths = document.get("paths").and_then(Value::as_object);
    for (path, item) in paths.into_iter().flatten() {
        for method in METHODS {
            let Some(definition) = item.get(method) else { continue };
            let place = format!("{} {path}", method.to_uppercase());
            let Some(id) = definition.get("operationId").and_then(Value::as_str) else {
                problems.push(format!("{place} has no operationId"));
                continue;
            };
            if !ids.insert(id.to_owned()) {
                problems.push(format!("operationId `{id}` is used twice"));
            }
            let requirement = definition.get("security").or(global);
            let security = read_security(requirement, schemes, &place, problems);
            operations.push(Operation {
                id: id.to_owned(),
                method: Method::from_bytes(method.to_uppercase().as_bytes())
                    .unwrap_or(Method::GET),
                path: path.clone(),
                security,
                definition: definition.clone(),
            });
        }
    }
    operations
}

fn read_security(
    requirement: Option<&Value>,
    schemes: Option<&Value>,
    place: &str,
    problems: &mut Vec<String>,
) -> Security {
    let Some(requirement) = requirement else { return Security::default() };
    let Some(alternatives) = requirement.as_array() else {
        problems.push(format!("{place}: `security` must be a list"));
        return Security::default();
    };

    let mut security = Security::default();
    for alternative in alternatives {
        let Some(entries) = alternative.as_object() else {
            problems.push(format!("{place}: a security requirement must be a map"));
            continue;
        };
        let mut uses = Vec::new();
        for (name, roles) in entries {
            let scheme = schemes.and_then(|schemes| schemes.get(name));
            let Some(Ok(credential)) = scheme.map(credential_of) else {
                if scheme.is_none() {
                    problems.push(format!("{place}: security scheme `{name}` is not defined"));
                }
                continue;
            };
            let roles = roles.as_array().map(|roles| {
                roles.iter().filter_map(Value::as_str).map(str::to_owned).collect()
            });
            let Some(roles) = roles else {
                problems.push(format!("{place}: roles of `{name}` must be a list"));
                continue;
            };
            uses.push(SchemeUse { name: name.clone(), credential, roles });
        }
        // A requirement that lost a scheme above is reported; dropping it
        // silently would weaken the operation, so it stays out entirely.
        if uses.len() == entries.len() {
            security.alternatives.push(uses);
        }
    }
    security
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r#"
openapi: 3.1.0
info: {title: t, version: "1"}
servers: [{url: /api}]
security: [{bearerAuth: []}]
components:
  securitySchemes:
    bearerAuth: {type: http, scheme: bearer, bearerFormat: JWT}
    cookieAuth: {type: apiKey, in: cookie, name: kc-access}
paths:
  /inherit:
    get: {operationId: inherit, responses: {"200": {description: ok}}}
  /public:
    get: {operationId: public, security: [], responses: {"200": {description: ok}}}
  /either:
    get:
      operationId: either
      security: [{bearerAuth: [admin]}, {cookieAuth: []}]
      responses: {"200": {description: ok}}
"#;

    #[test]
    fn a_missing_security_inherits_the_global_one() {
        let spec = ApiSpec::parse(SPEC).unwrap();

        let security = &spec.operation("inherit").unwrap().security;

        assert!(!security.is_public());
        assert_eq!(security.alternatives[0][0].credential, Credential::Bearer);
    }

    #[test]
    fn an_empty_security_list_makes_an_operation_public() {
        let spec = ApiSpec::parse(SPEC).unwrap();

        assert!(spec.operation("public").unwrap().security.is_public());
    }

    #[test]
    fn alternatives_keep_their_roles_and_credentials() {
        let spec = ApiSpec::parse(SPEC).unwrap();

        let security = &spec.operation("either").unwrap().security;

        assert_eq!(security.alternatives.len(), 2);
        assert_eq!(security.alternatives[0][0].roles, vec!["admin".to_owned()]);
        let cookie = Credential::Cookie("kc-access".into());
        assert_eq!(security.alternatives[1][0].credential, cookie);
    }

    #[test]
    fn unsupported_and_undefined_schemes_are_all_reported() {
        let spec = SPEC
            .replace("bearerAuth: [admin]", "nope: []")
            .replace("cookieAuth: {type: apiKey", "cookieAuth: {type: oauth2, flows: {}, x: 1")
            .replace("in: cookie, name: kc-access}", "}");

        let error = ApiSpec::parse(&spec).unwrap_err();

        let text = error.to_string();
        assert!(text.contains("`nope` is not defined"), "{text}");
        assert!(text.contains("`cookieAuth` is not supported"), "{text}");
    }

    #[test]
    fn an_operation_without_id_is_reported() {
        let spec = SPEC.replace("operationId: public, ", "");

        let error = ApiSpec::parse(&spec).unwrap_err();

        assert!(error.to_string().contains("GET /public has no operationId"));
    }
}
