//! Differential tests: the development identity provider against the real
//! Keycloak (`KEYCLOAK_URL`), both serving the same realm export.
//!
//! They compare what clients depend on: field names and JSON types of the
//! public documents, tokens and responses, endpoint paths relative to the
//! issuer, the values that drive authorization (roles, audiences, scopes),
//! and the status and `error` code of each refused request. Values that
//! differ by nature (ids, keys, times, URLs) are not compared.
//!
//! The differences allowed below are the ones the provider's README lists
//! under "Remaining differences from Keycloak", each marked with its item
//! number there.

mod support;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use support::{
    decode_unverified, spawn_dev_provider, temp_data_dir, text, Provider, ALICE, PUBLIC_CLIENT,
    REALM, SERVICE,
};

/// README 1: the JWKS has no certificate members.
const JWK_MEMBERS_ONLY_IN_KEYCLOAK: &[&str] = &["x5c", "x5t", "x5t#S256"];

/// README 1: no `use: "enc"` (RSA-OAEP) key is published.
const KEY_USES_ONLY_IN_KEYCLOAK: &[&str] = &["enc"];

/// README 7: refresh tokens lack Keycloak's internal claims.
const REFRESH_CLAIMS_ONLY_IN_KEYCLOAK: &[&str] = &["aud_x", "prov"];

/// Discovery members of features the provider does not have.
const DISCOVERY_ONLY_IN_KEYCLOAK: &[&str] = &[
    // README 2: no browser flows (authorization code, implicit, PAR,
    // device, CIBA), so none of their parameters or endpoints.
    "acr_values_supported",
    "authorization_encryption_alg_values_supported",
    "authorization_encryption_enc_values_supported",
    "authorization_response_iss_parameter_supported",
    "authorization_signing_alg_values_supported",
    "backchannel_authentication_endpoint",
    "backchannel_authentication_request_signing_alg_values_supported",
    "backchannel_logout_session_supported",
    "backchannel_token_delivery_modes_supported",
    "check_session_iframe",
    "code_challenge_methods_supported",
    "device_authorization_endpoint",
    "frontchannel_logout_session_supported",
    "prompt_values_supported",
    "pushed_authorization_request_endpoint",
    "request_object_encryption_alg_values_supported",
    "request_object_encryption_enc_values_supported",
    "request_object_signing_alg_values_supported",
    "require_pushed_authorization_requests",
    "require_request_uri_registration",
    "response_modes_supported",
    // README 2: no admin API, so no dynamic client registration.
    "registration_endpoint",
    // README 2: only the client authentication methods and algorithms
    // implemented (secrets; no signed-JWT or mTLS client auth, no DPoP).
    "dpop_signing_alg_values_supported",
    "introspection_endpoint_auth_signing_alg_values_supported",
    "mtls_endpoint_aliases",
    "tls_client_certificate_bound_access_tokens",
    "token_endpoint_auth_signing_alg_values_supported",
    // README 1 and 2: no encryption key, so no encrypted tokens.
    "id_token_encryption_alg_values_supported",
    "id_token_encryption_enc_values_supported",
    "userinfo_encryption_alg_values_supported",
    "userinfo_encryption_enc_values_supported",
    // README item 15: the provider has no token revocation endpoint
    // (`.../protocol/openid-connect/revoke`).
    "revocation_endpoint",
    "revocation_endpoint_auth_methods_supported",
    "revocation_endpoint_auth_signing_alg_values_supported",
];

/// Discovery members whose value is an endpoint URL under the issuer.
const DISCOVERY_ENDPOINTS: &[&str] = &[
    "authorization_endpoint",
    "token_endpoint",
    "introspection_endpoint",
    "userinfo_endpoint",
    "end_session_endpoint",
    "jwks_uri",
];

/// One provider under comparison and its issuer.
struct Side {
    provider: Provider,
    issuer: String,
}

impl Side {
    async fn new(address: &str) -> Self {
        let provider = Provider::at(address);
        let discovery = discovery(&provider).await;
        let issuer = text(&discovery, "issuer").to_owned();
        Self { provider, issuer }
    }
}

/// Both providers: `dev` keeps its temporary data directory alive.
struct Pair {
    dev: Side,
    keycloak: Side,
    _data_dir: tempfile::TempDir,
}

async fn pair() -> Pair {
    let data_dir = temp_data_dir();
    let dev_url = spawn_dev_provider(data_dir.path()).await;
    let dev = Side::new(&dev_url).await;
    let keycloak = Side::new(&support::keycloak_url()).await;
    Pair {
        dev,
        keycloak,
        _data_dir: data_dir,
    }
}

async fn discovery(provider: &Provider) -> Value {
    let path = format!("/realms/{REALM}/.well-known/openid-configuration");
    let (status, body) = provider.get_json(&path).await;
    assert_eq!(status, 200, "discovery of {}", provider.address);
    body
}

// ---------------------------------------------------------------------
// Shapes: field paths and their JSON types.

/// The JSON type of a value as clients see it; arrays name the types of
/// their elements.
fn json_type(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(_) => "boolean".into(),
        Value::Number(number) if number.is_i64() || number.is_u64() => "integer".into(),
        Value::Number(_) => "number".into(),
        Value::String(_) => "string".into(),
        Value::Object(_) => "object".into(),
        Value::Array(items) => {
            let types: BTreeSet<String> = items.iter().map(json_type).collect();
            let types: Vec<String> = types.into_iter().collect();
            format!("array<{}>", types.join("|"))
        }
    }
}

/// Every field path of an object (`a.b.c`) with its JSON type.
fn shape(value: &Value) -> BTreeMap<String, String> {
    let mut paths = BTreeMap::new();
    collect_shape(value, "", &mut paths);
    paths
}

fn collect_shape(value: &Value, prefix: &str, paths: &mut BTreeMap<String, String>) {
    let Value::Object(fields) = value else { return };
    for (name, field) in fields {
        let path = format!("{prefix}{name}");
        paths.insert(path.clone(), json_type(field));
        collect_shape(field, &format!("{path}."), paths);
    }
}

/// Asserts that two values have the same field paths and types, except
/// `allowed` paths (and what they contain) that only Keycloak may have.
fn assert_same_shape(what: &str, dev: &Value, keycloak: &Value, allowed: &[&str]) {
    let dev = shape(dev);
    let mut keycloak = shape(keycloak);
    // An allowed member also covers the members inside it.
    let is_allowed = |path: &str| {
        let inside = |name: &&str| {
            path.strip_prefix(*name)
                .is_some_and(|rest| rest.starts_with('.'))
        };
        allowed.contains(&path) || allowed.iter().any(inside)
    };
    keycloak.retain(|path, _| !is_allowed(path));

    let mut differences = Vec::new();
    for (path, kind) in &keycloak {
        match dev.get(path) {
            None => differences.push(format!("{path} ({kind}) only in Keycloak")),
            Some(dev_kind) if dev_kind != kind => {
                differences.push(format!("{path}: dev {dev_kind}, Keycloak {kind}"));
            }
            Some(_) => {}
        }
    }
    let extra = dev.iter().filter(|(path, _)| !keycloak.contains_key(*path));
    differences.extend(extra.map(|(path, kind)| format!("{path} ({kind}) only in dev")));
    assert!(
        differences.is_empty(),
        "{what} differs:\n  {}",
        differences.join("\n  ")
    );
}

// ---------------------------------------------------------------------
// What clients read from tokens, beyond names and types.

/// A string or an array of strings as a sorted set.
fn string_set(value: &Value) -> Vec<String> {
    let set: BTreeSet<String> = match value {
        Value::String(single) => [single.clone()].into(),
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => BTreeSet::new(),
    };
    set.into_iter().collect()
}

/// The space-separated `scope` as a sorted set (README 7: order differs).
fn scope_set(value: &Value) -> Vec<String> {
    let words = value.as_str().unwrap_or_default().split_whitespace();
    words
        .map(str::to_owned)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// The claims that drive authorization and display, made comparable:
/// issuer and audience relative to the provider, sets instead of lists.
fn client_view(claims: &Value, issuer: &str) -> Value {
    let resource_access: BTreeMap<String, Vec<String>> = claims["resource_access"]
        .as_object()
        .map(|clients| {
            let roles = |(client, access): (&String, &Value)| {
                (client.clone(), string_set(&access["roles"]))
            };
            clients.iter().map(roles).collect()
        })
        .unwrap_or_default();
    let aud = string_set(&claims["aud"]);
    json!({
        "iss_is_the_issuer": claims["iss"] == issuer,
        "aud_is_the_issuer": aud == [issuer.to_owned()],
        "aud": if aud == [issuer.to_owned()] { json!([]) } else { json!(aud) },
        "typ": claims["typ"], "azp": claims["azp"], "acr": claims["acr"],
        "lifetime": claims["exp"].as_i64().zip(claims["iat"].as_i64()).map(|(e, i)| e - i),
        "realm_roles": string_set(&claims["realm_access"]["roles"]),
        "resource_access": resource_access,
        "scope": scope_set(&claims["scope"]),
        "allowed_origins": string_set(&claims["allowed-origins"]),
        "preferred_username": claims["preferred_username"], "email": claims["email"],
        "email_verified": claims["email_verified"], "name": claims["name"],
        "given_name": claims["given_name"], "family_name": claims["family_name"],
        "client_id": claims["client_id"],
    })
}

/// Compares one token of both sides: header names and `alg`, claim shapes
/// and the client view of the claims.
fn assert_same_token(what: &str, dev: (&str, &Side), keycloak: (&str, &Side), allowed: &[&str]) {
    let (dev_header, dev_claims) = decode_unverified(dev.0);
    let (kc_header, kc_claims) = decode_unverified(keycloak.0);

    assert_same_shape(&format!("{what} header"), &dev_header, &kc_header, &[]);
    assert_eq!(dev_header["alg"], kc_header["alg"], "{what} alg");
    assert_eq!(dev_header["typ"], kc_header["typ"], "{what} header typ");
    assert_same_shape(&format!("{what} claims"), &dev_claims, &kc_claims, allowed);
    assert_eq!(
        client_view(&dev_claims, &dev.1.issuer),
        client_view(&kc_claims, &keycloak.1.issuer),
        "{what}: claim values clients read differ"
    );
}

// ---------------------------------------------------------------------
// Tests.

#[actix_web::test]
async fn realm_info_has_keycloaks_fields_and_urls() {
    let pair = pair().await;
    let path = format!("/realms/{REALM}");

    let (dev_status, dev) = pair.dev.provider.get_json(&path).await;
    let (kc_status, keycloak) = pair.keycloak.provider.get_json(&path).await;

    assert_eq!((dev_status, kc_status), (200, 200));
    assert_same_shape("realm info", &dev, &keycloak, &[]);
    for (side, info) in [(&pair.dev, &dev), (&pair.keycloak, &keycloak)] {
        assert_eq!(info["realm"], REALM);
        let token_service = format!("{}/protocol/openid-connect", side.issuer);
        assert_eq!(info["token-service"], token_service);
        assert_eq!(info["account-service"], format!("{}/account", side.issuer));
        assert!(
            !text(info, "public_key").contains("BEGIN"),
            "public_key is bare base64"
        );
    }
}

#[actix_web::test]
async fn discovery_names_only_keycloaks_members_with_its_paths() {
    let pair = pair().await;

    let dev = discovery(&pair.dev.provider).await;
    let keycloak = discovery(&pair.keycloak.provider).await;

    assert_same_shape("discovery", &dev, &keycloak, DISCOVERY_ONLY_IN_KEYCLOAK);
    for name in DISCOVERY_ENDPOINTS {
        let relative = |side: &Side, document: &Value| {
            let url = text(document, name);
            url.strip_prefix(&side.issuer).map(str::to_owned)
        };
        let dev_path = relative(&pair.dev, &dev);
        assert!(dev_path.is_some(), "dev {name} is not under the issuer");
        assert_eq!(dev_path, relative(&pair.keycloak, &keycloak), "{name}");
    }
}

#[actix_web::test]
async fn discovery_lists_only_values_keycloak_also_lists() {
    let pair = pair().await;

    let dev = discovery(&pair.dev.provider).await;
    let keycloak = discovery(&pair.keycloak.provider).await;

    // README 2: the provider lists fewer grants, scopes and algorithms,
    // but never one Keycloak lacks.
    for (name, value) in dev.as_object().unwrap() {
        let Some(items) = value.as_array() else {
            continue;
        };
        let known = string_set(&keycloak[name]);
        let unknown: Vec<_> = string_set(&Value::Array(items.clone()))
            .into_iter()
            .filter(|item| !known.contains(item))
            .collect();
        assert!(
            unknown.is_empty(),
            "{name} lists {unknown:?}, which Keycloak does not"
        );
    }
    let grants = string_set(&dev["grant_types_supported"]);
    for grant in ["password", "client_credentials", "refresh_token"] {
        assert!(grants.contains(&grant.to_owned()), "{grant} is not listed");
    }
}

#[actix_web::test]
async fn endpoints_named_in_dev_discovery_exist() {
    let pair = pair().await;
    let dev = discovery(&pair.dev.provider).await;

    for name in DISCOVERY_ENDPOINTS {
        let request = pair.dev.provider.client.post(text(&dev, name));
        let status = request.send().await.unwrap().status();

        // README 2: the authorization endpoint is named but not served.
        if *name == "authorization_endpoint" {
            assert_eq!(status, 404, "{name}");
        } else {
            assert_ne!(status, 404, "{name} is named but not served");
        }
    }
}

#[actix_web::test]
async fn jwks_signing_keys_have_keycloaks_members() {
    let pair = pair().await;

    let dev = pair.dev.provider.jwks().await;
    let keycloak = pair.keycloak.provider.jwks().await;

    let signing = |jwks: &Value| -> Vec<Value> {
        let keys = jwks["keys"].as_array().unwrap();
        keys.iter()
            .filter(|key| key["use"] == "sig")
            .cloned()
            .collect()
    };
    let (dev_keys, kc_keys) = (signing(&dev), signing(&keycloak));
    assert!(!dev_keys.is_empty() && !kc_keys.is_empty());
    for dev_key in &dev_keys {
        let kc_key = &kc_keys[0];
        assert_same_shape("JWKS key", dev_key, kc_key, JWK_MEMBERS_ONLY_IN_KEYCLOAK);
        assert_eq!(
            (&dev_key["kty"], &dev_key["alg"]),
            (&kc_key["kty"], &kc_key["alg"])
        );
    }
    let mut kc_uses = key_uses(&keycloak);
    kc_uses.retain(|usage| !KEY_USES_ONLY_IN_KEYCLOAK.contains(&usage.as_str()));
    assert_eq!(key_uses(&dev), kc_uses);
}

/// The distinct `use` values of a JWKS's keys.
fn key_uses(jwks: &Value) -> Vec<String> {
    let keys = jwks["keys"].as_array().unwrap();
    let uses = keys.iter().filter_map(|key| key["use"].as_str());
    uses.map(str::to_owned)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

#[actix_web::test]
async fn password_grant_answers_and_tokens_match_keycloaks() {
    let pair = pair().await;

    let dev = pair.dev.provider.login(ALICE, "openid").await;
    let keycloak = pair.keycloak.provider.login(ALICE, "openid").await;

    assert_same_shape("password grant response", &dev, &keycloak, &[]);
    assert_eq!(dev["token_type"], keycloak["token_type"]);
    assert_eq!(scope_set(&dev["scope"]), scope_set(&keycloak["scope"]));
    for (name, allowed) in [
        ("access_token", &[][..]),
        ("id_token", &[][..]),
        ("refresh_token", REFRESH_CLAIMS_ONLY_IN_KEYCLOAK),
    ] {
        let dev_token = (text(&dev, name), &pair.dev);
        let kc_token = (text(&keycloak, name), &pair.keycloak);
        assert_same_token(&format!("alice {name}"), dev_token, kc_token, allowed);
    }
}

#[actix_web::test]
async fn ada_gets_the_same_roles_from_both() {
    let pair = pair().await;

    let dev = pair.dev.provider.access_token(support::ADA).await;
    let keycloak = pair.keycloak.provider.access_token(support::ADA).await;

    assert_same_token(
        "ada access_token",
        (&dev, &pair.dev),
        (&keycloak, &pair.keycloak),
        &[],
    );
}

#[actix_web::test]
async fn refresh_grant_answers_like_keycloak() {
    let pair = pair().await;
    let mut answers = Vec::new();

    for side in [&pair.dev, &pair.keycloak] {
        let login = side.provider.login(ALICE, "openid").await;
        let form = [
            ("grant_type", "refresh_token"),
            ("client_id", PUBLIC_CLIENT),
            ("refresh_token", text(&login, "refresh_token")),
        ];
        let response = side.provider.post_token(&form).await;
        assert_eq!(response.status(), 200);
        answers.push(response.json::<Value>().await.unwrap());
    }

    assert_same_shape("refresh grant response", &answers[0], &answers[1], &[]);
    let dev_token = (text(&answers[0], "access_token"), &pair.dev);
    let kc_token = (text(&answers[1], "access_token"), &pair.keycloak);
    assert_same_token("refreshed access_token", dev_token, kc_token, &[]);
}

#[actix_web::test]
async fn service_account_tokens_match_keycloaks() {
    let pair = pair().await;

    let dev = pair.dev.provider.service_login().await;
    let keycloak = pair.keycloak.provider.service_login().await;

    assert_same_shape("client_credentials response", &dev, &keycloak, &[]);
    assert_eq!(scope_set(&dev["scope"]), scope_set(&keycloak["scope"]));
    let dev_token = (text(&dev, "access_token"), &pair.dev);
    let kc_token = (text(&keycloak, "access_token"), &pair.keycloak);
    assert_same_token("service access_token", dev_token, kc_token, &[]);
}

#[actix_web::test]
async fn userinfo_returns_keycloaks_fields() {
    let pair = pair().await;
    let mut answers = Vec::new();

    for side in [&pair.dev, &pair.keycloak] {
        let token = side.provider.access_token(ALICE).await;
        let url = side.provider.oidc_url("userinfo");
        let request = side.provider.client.get(url).bearer_auth(token);
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 200);
        answers.push(response.json::<Value>().await.unwrap());
    }

    assert_same_shape("userinfo", &answers[0], &answers[1], &[]);
    let without_sub = |body: &Value| {
        let mut body = body.clone();
        body.as_object_mut().unwrap().remove("sub");
        body
    };
    assert_eq!(without_sub(&answers[0]), without_sub(&answers[1]));
}

#[actix_web::test]
async fn userinfo_refusals_carry_keycloaks_challenges() {
    let pair = pair().await;
    let cases: [(&str, Option<&str>); 2] = [("no token", None), ("garbage", Some("x.y.z"))];

    for (case, token) in cases {
        let mut answers = Vec::new();
        for side in [&pair.dev, &pair.keycloak] {
            let mut request = side.provider.client.get(side.provider.oidc_url("userinfo"));
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            let response = request.send().await.unwrap();
            let challenge = response.headers().get("www-authenticate").cloned();
            answers.push((response.status().as_u16(), challenge));
        }

        assert_eq!(answers[0], answers[1], "userinfo with {case}");
    }
}

/// Token requests that must fail, with the form each sends.
fn bad_token_requests() -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
    let (user, password) = ALICE;
    vec![
        ("no grant_type", vec![("client_id", PUBLIC_CLIENT)]),
        (
            "unknown grant",
            vec![("grant_type", "magic"), ("client_id", PUBLIC_CLIENT)],
        ),
        (
            "wrong password",
            vec![
                ("grant_type", "password"),
                ("client_id", PUBLIC_CLIENT),
                ("username", user),
                ("password", "not-the-password"),
            ],
        ),
        (
            "unknown user",
            vec![
                ("grant_type", "password"),
                ("client_id", PUBLIC_CLIENT),
                ("username", "nobody"),
                ("password", password),
            ],
        ),
        (
            "unknown client",
            vec![
                ("grant_type", "password"),
                ("client_id", "no-such-client"),
                ("username", user),
                ("password", password),
            ],
        ),
        (
            "wrong secret",
            vec![
                ("grant_type", "client_credentials"),
                ("client_id", SERVICE.0),
                ("client_secret", "not-the-secret"),
            ],
        ),
        (
            "client_credentials on a public client",
            vec![
                ("grant_type", "client_credentials"),
                ("client_id", PUBLIC_CLIENT),
            ],
        ),
        (
            "password grant on a client without direct grants",
            vec![
                ("grant_type", "password"),
                ("client_id", SERVICE.0),
                ("client_secret", SERVICE.1),
                ("username", user),
                ("password", password),
            ],
        ),
        (
            "garbage refresh token",
            vec![
                ("grant_type", "refresh_token"),
                ("client_id", PUBLIC_CLIENT),
                ("refresh_token", "not-a-token"),
            ],
        ),
    ]
}

/// Status and `error` of an answer.
async fn status_and_error(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    (status, body["error"].clone())
}

#[actix_web::test]
async fn refused_token_requests_get_keycloaks_status_and_error() {
    let pair = pair().await;

    for (case, form) in bad_token_requests() {
        let dev = status_and_error(pair.dev.provider.post_token(&form).await).await;
        let keycloak = status_and_error(pair.keycloak.provider.post_token(&form).await).await;

        assert_eq!(dev, keycloak, "{case}: dev vs Keycloak");
        assert!(
            keycloak.0 >= 400 && keycloak.1.is_string(),
            "{case}: {keycloak:?}"
        );
    }
}

#[actix_web::test]
async fn an_unknown_realm_gets_keycloaks_404_everywhere() {
    let pair = pair().await;
    let paths = [
        "",
        "/.well-known/openid-configuration",
        "/protocol/openid-connect/certs",
    ];

    for side in [&pair.dev, &pair.keycloak] {
        let form = [("grant_type", "password"), ("client_id", PUBLIC_CLIENT)];
        let response = side.provider.post_token_in("no-such-realm", &form).await;
        let answer = status_and_error(response).await;
        assert_eq!(answer, (404, json!("Realm does not exist")), "token");
        for path in paths {
            let (status, body) = side.provider.get_json(&format!("/realms/nope{path}")).await;
            assert_eq!(
                (status, &body["error"]),
                (404, &json!("Realm does not exist"))
            );
        }
    }
}
