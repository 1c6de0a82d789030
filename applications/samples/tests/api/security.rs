//! What the spec's security lets through, and how each refusal looks.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

use crate::helpers::{assert_problem, now, shared_key, spawn_app, spawn_app_with, KeyServer};

#[actix_web::test]
async fn valid_returns_ok_for_a_valid_bearer_token() {
    let app = spawn_app().await;

    let response = app.get_with_token("/api/valid", &app.token()).await;

    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.json::<String>().await.unwrap(), "OK!");
}

#[actix_web::test]
async fn valid_cookie_returns_ok_for_a_valid_token_in_the_cookie() {
    let app = spawn_app().await;

    let response = app.client.get(app.url("/api/valid-cookie"))
        .header("cookie", format!("kc-access={}", app.token()))
        .send().await.unwrap();

    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.json::<String>().await.unwrap(), "OK!");
}

#[actix_web::test]
async fn valid_cookie_finds_the_token_among_other_cookies() {
    let app = spawn_app().await;
    let token = app.token();

    let status = |cookies: String| {
        let request = app.client.get(app.url("/api/valid-cookie")).header("cookie", cookies);
        async move { request.send().await.unwrap().status().as_u16() }
    };

    assert_eq!(status(format!("theme=dark; kc-access={token}; lang=en%20GB")).await, 200);
    assert_eq!(status(format!("kc-access-old=x;kc-access= {token} ")).await, 200);
    assert_eq!(status(format!("kc-access-old={token}")).await, 401);
    assert_eq!(status("kc-access=; theme=dark".to_owned()).await, 401);
}

#[actix_web::test]
async fn valid_cookie_reads_the_token_whatever_bytes_other_cookies_hold() {
    let app = spawn_app().await;
    let send = |line: Vec<u8>| {
        let value = reqwest::header::HeaderValue::from_bytes(&line).unwrap();
        let request = app.client.get(app.url("/api/valid-cookie")).header("cookie", value);
        async move { request.send().await.unwrap() }
    };
    let mut latin1_beside_token = b"theme=\xe9t\xe9; kc-access=".to_vec();
    latin1_beside_token.extend(app.token().as_bytes());

    let beside = send(latin1_beside_token).await;
    let in_token = send(b"kc-access=ey\xff\xfe.x.y".to_vec()).await;

    assert_eq!(beside.status().as_u16(), 200);
    assert_problem(in_token, 401, "invalid-token").await;
}

#[actix_web::test]
async fn valid_cookie_refuses_two_token_cookies() {
    let app = spawn_app().await;
    let token = app.token();

    for cookies in [format!("kc-access=; kc-access={token}"), format!("kc-access={token}; kc-access={token}")] {
        let response = app.client.get(app.url("/api/valid-cookie"))
            .header("cookie", cookies)
            .send().await.unwrap();
        assert_problem(response, 400, "bad-request").await;
    }
}

#[actix_web::test]
async fn valid_cookie_ignores_a_bearer_header() {
    let app = spawn_app().await;

    let response = app.get_with_token("/api/valid-cookie", &app.token()).await;

    let challenge = assert_problem(response, 401, "authentication-required").await;
    assert_eq!(challenge, r#"Bearer realm="samples""#);
}

#[actix_web::test]
async fn valid_returns_401_with_a_bare_challenge_when_there_is_no_token() {
    let app = spawn_app().await;

    let response = app.client.get(app.url("/api/valid")).send().await.unwrap();

    let challenge = assert_problem(response, 401, "authentication-required").await;
    assert_eq!(challenge, r#"Bearer realm="samples""#);
}

#[actix_web::test]
async fn valid_returns_400_invalid_request_for_a_malformed_bearer_header() {
    let app = spawn_app().await;

    let response = app.client.get(app.url("/api/valid"))
        .header("authorization", "Bearer two words")
        .send().await.unwrap();

    let challenge = assert_problem(response, 400, "invalid-request").await;
    assert!(challenge.contains(r#"error="invalid_request""#), "{challenge}");
}

#[actix_web::test]
async fn a_token_with_characters_outside_token68_is_malformed() {
    let app = spawn_app().await;
    let token = app.token();
    let (head, tail) = token.split_at(20);

    assert_rejected(&app, &format!("{head},{tail}"), "malformed").await;
    let response = app.client.get(app.url("/api/valid-cookie"))
        .header("cookie", format!("kc-access={head}%2E{tail}"))
        .send().await.unwrap();
    assert_problem(response, 401, "invalid-token").await;
}

#[actix_web::test]
async fn a_cached_token_does_not_excuse_a_malformed_header() {
    let app = spawn_app().await;
    let token = app.token();
    assert_eq!(app.get_with_token("/api/valid", &token).await.status().as_u16(), 200);

    for header in [format!("Bearer {token} {token}"), format!("Bearer {token}\t{token}"), format!("Bearer\t{token}")] {
        let response = app.client.get(app.url("/api/valid")).header("authorization", header)
            .send().await.unwrap();
        assert_problem(response, 400, "invalid-request").await;
    }
    let response = app.client.get(app.url("/api/valid"))
        .header("authorization", format!("bearer   {token}\t"))
        .send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
}

#[actix_web::test]
async fn valid_treats_another_scheme_as_no_credentials() {
    let app = spawn_app().await;

    let response = app.client.get(app.url("/api/valid"))
        .header("authorization", "Basic YWxpY2U6c2VjcmV0")
        .send().await.unwrap();

    assert_problem(response, 401, "authentication-required").await;
}

async fn assert_rejected(app: &crate::helpers::TestApp, token: &str, description: &str) {
    let response = app.get_with_token("/api/valid", token).await;
    let challenge = assert_problem(response, 401, "invalid-token").await;
    assert!(challenge.starts_with(r#"Bearer realm="samples", error="invalid_token""#));
    assert!(challenge.contains(description), "{challenge}");
}

#[actix_web::test]
async fn valid_returns_401_when_the_token_is_expired() {
    let app = spawn_app().await;
    let token = app.token_with(|claims| claims["exp"] = json!(now() - 120));

    assert_rejected(&app, &token, "expired").await;
}

#[actix_web::test]
async fn valid_accepts_a_token_expired_within_the_leeway() {
    let app = spawn_app().await;
    let token = app.token_with(|claims| claims["exp"] = json!(now() - 10));

    let response = app.get_with_token("/api/valid", &token).await;

    assert_eq!(response.status().as_u16(), 200);
}

#[actix_web::test]
async fn valid_returns_401_when_the_token_is_not_yet_valid() {
    let app = spawn_app().await;
    let token = app.token_with(|claims| claims["nbf"] = json!(now() + 600));

    assert_rejected(&app, &token, "not valid yet").await;
}

#[actix_web::test]
async fn valid_returns_401_when_nbf_is_not_a_number() {
    let app = spawn_app().await;
    let token = app.token_with(|claims| claims["nbf"] = json!("99999999999"));

    let response = app.get_with_token("/api/valid", &token).await;

    assert_problem(response, 401, "invalid-token").await;
}

#[actix_web::test]
async fn valid_returns_401_when_iat_is_in_the_future() {
    let app = spawn_app().await;
    let token = app.token_with(|claims| claims["iat"] = json!(now() + 600));

    assert_rejected(&app, &token, "not valid yet").await;
}

#[actix_web::test]
async fn valid_returns_401_when_the_issuer_is_another_realm() {
    let app = spawn_app().await;
    let other = format!("{}/realms/other", app.realm.base_url);
    let token = app.token_with(|claims| claims["iss"] = json!(other));

    assert_rejected(&app, &token, "another issuer").await;
}

#[actix_web::test]
async fn valid_returns_401_when_exp_is_missing() {
    let app = spawn_app().await;
    let token = app.token_with(|claims| {
        claims.as_object_mut().unwrap().remove("exp");
    });

    assert_rejected(&app, &token, "required claim").await;
}

#[actix_web::test]
async fn valid_returns_401_when_the_audience_is_not_configured_one() {
    let app = spawn_app_with(|settings| {
        settings.auth.audiences = vec!["samples-api".into()];
    }).await;
    let stock = app.token();
    let mapped = app.token_with(|claims| claims["aud"] = json!(["samples-api", "account"]));

    assert_rejected(&app, &stock, "another audience").await;
    let response = app.get_with_token("/api/valid", &mapped).await;
    assert_eq!(response.status().as_u16(), 200);
}

#[actix_web::test]
async fn valid_accepts_a_stock_keycloak_audience_by_default() {
    let app = spawn_app().await;
    let token = app.token_with(|claims| claims["aud"] = json!("account"));

    let response = app.get_with_token("/api/valid", &token).await;

    assert_eq!(response.status().as_u16(), 200);
}

#[actix_web::test]
async fn valid_returns_401_for_id_and_refresh_tokens() {
    let app = spawn_app().await;

    for typ in ["ID", "Refresh", "Offline"] {
        let token = app.token_with(|claims| claims["typ"] = json!(typ));
        assert_rejected(&app, &token, "not an access token").await;
    }
}

fn unsigned(header: Value, claims: &Value) -> String {
    let part = |value: &Value| URL_SAFE_NO_PAD.encode(value.to_string());
    format!("{}.{}.", part(&header), part(claims))
}

#[actix_web::test]
async fn valid_returns_401_for_alg_none() {
    let app = spawn_app().await;
    let claims = crate::helpers::claims(&app.realm.issuer());

    for alg in ["none", "None", "NONE"] {
        let header = json!({"alg": alg, "typ": "JWT", "kid": app.key.kid});
        let token = unsigned(header, &claims);
        let response = app.get_with_token("/api/valid", &token).await;
        assert_problem(response, 401, "invalid-token").await;
    }
}

#[actix_web::test]
async fn valid_returns_401_for_hmac_signed_with_the_public_key() {
    let app = spawn_app().await;
    let claims = crate::helpers::claims(&app.realm.issuer());
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some(app.key.kid.clone());
    let secrets = [app.key.public_der.clone(), app.key.jwk["n"].as_str().unwrap().to_owned()];

    for secret in secrets {
        let key = EncodingKey::from_secret(secret.as_bytes()).unwrap();
        let token = jsonwebtoken::encode(&header, &claims, &key).unwrap();
        assert_rejected(&app, &token, "algorithm is not accepted").await;
    }
}

#[actix_web::test]
async fn valid_returns_401_for_a_signature_from_another_key_with_the_same_kid() {
    let app = spawn_app().await;
    let mut impostor = shared_key("impostor");
    impostor.kid = app.key.kid.clone();

    let token = impostor.sign(&crate::helpers::claims(&app.realm.issuer()));

    assert_rejected(&app, &token, "signature is invalid").await;
}

#[actix_web::test]
async fn valid_never_follows_a_jku_header() {
    let app = spawn_app().await;
    let attacker_key = shared_key("attacker");
    let attacker = KeyServer::start(vec![attacker_key.clone()]).await;
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(attacker_key.kid.clone());
    header.jku = Some(format!("{}/realms/samples/protocol/openid-connect/certs", attacker.base_url));
    let claims = crate::helpers::claims(&app.realm.issuer());

    let token = jsonwebtoken::encode(&header, &claims, &attacker_key.encoding).unwrap();
    let response = app.get_with_token("/api/valid", &token).await;

    assert_problem(response, 401, "invalid-token").await;
    assert_eq!(attacker.jwks_fetches(), 0);
}

#[actix_web::test]
async fn valid_returns_401_for_garbage_tokens() {
    let app = spawn_app().await;
    let long = "a".repeat(20_000);
    let garbage = ["abc", "a.b.c", "..", "eyJhbGciOiJSUzI1NiJ9.e30.", long.as_str()];

    for token in garbage {
        let response = app.get_with_token("/api/valid", token).await;
        assert_problem(response, 401, "invalid-token").await;
    }
}

#[actix_web::test]
async fn valid_admin_returns_403_when_the_admin_role_is_missing() {
    let app = spawn_app().await;

    let response = app.get_with_token("/api/valid-admin", &app.token()).await;

    let challenge = assert_problem(response, 403, "insufficient-role").await;
    assert!(challenge.contains(r#"error="insufficient_scope""#), "{challenge}");
    assert!(challenge.contains(r#"scope="admin""#), "{challenge}");
}

#[actix_web::test]
async fn valid_admin_returns_ok_for_an_administrator() {
    let app = spawn_app().await;
    let token = app.token_with(|claims| {
        claims["realm_access"]["roles"] = json!(["user", "admin"]);
    });

    let response = app.get_with_token("/api/valid-admin", &token).await;

    assert_eq!(response.status().as_u16(), 200);
}

#[actix_web::test]
async fn me_returns_the_user_as_the_extractor_sees_it() {
    let app = spawn_app().await;

    let response = app.get_with_token("/api/me", &app.token()).await;

    assert_eq!(response.status().as_u16(), 200);
    let me: Value = response.json().await.unwrap();
    assert_eq!(me["id"], "7d1b7a36-1111-4a6e-9d43-0a8d5c0c2a11");
    assert_eq!(me["username"], "alice");
    assert_eq!(me["email"], "alice@example.test");
    assert_eq!(me["name"], "Alice User");
    assert_eq!(me["realmRoles"], json!(["default-roles-samples", "user"]));
    assert_eq!(me["clientRoles"]["account"], json!(["view-profile"]));
}

#[actix_web::test]
async fn me_accepts_the_cookie_as_its_second_alternative() {
    let app = spawn_app().await;

    let response = app.client.get(app.url("/api/me"))
        .header("cookie", format!("kc-access={}", app.token()))
        .send().await.unwrap();

    assert_eq!(response.status().as_u16(), 200);
}

#[actix_web::test]
async fn ping_and_error_are_public() {
    let app = spawn_app().await;

    let ping = app.client.get(app.url("/api/ping")).send().await.unwrap();
    let error = app.client.get(app.url("/api/error")).send().await.unwrap();

    assert_eq!(ping.status().as_u16(), 200);
    assert!(ping.json::<u64>().await.unwrap() >= now() - 5);
    let body = error.text().await.unwrap();
    assert!(body.contains("urn:samples:problem:internal"));
    assert!(!body.contains("on purpose"), "no internals leak: {body}");
}

#[actix_web::test]
async fn valid_returns_400_for_two_authorization_headers() {
    let app = spawn_app().await;

    let response = app.client.get(app.url("/api/valid"))
        .header("authorization", format!("Bearer {}", app.token()))
        .header("authorization", format!("Bearer {}", app.token()))
        .send().await.unwrap();

    assert_problem(response, 400, "invalid-request").await;
}

#[actix_web::test]
async fn valid_returns_401_for_an_issuer_array_or_a_lowercase_typ() {
    let app = spawn_app().await;
    let issuer = app.realm.issuer();
    let array = app.token_with(|claims| claims["iss"] = json!(["http://evil.test", issuer]));
    let lowercase = app.token_with(|claims| claims["typ"] = json!("bearer"));

    assert_rejected(&app, &array, "another issuer").await;
    assert_rejected(&app, &lowercase, "not an access token").await;
}

#[actix_web::test]
async fn secured_answers_are_never_stored_by_shared_caches() {
    let app = spawn_app().await;

    let response = app.get_with_token("/api/me", &app.token()).await;

    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
}

#[actix_web::test]
async fn head_is_answered_like_get_without_a_body() {
    let app = spawn_app().await;

    let ping = app.client.head(app.url("/api/ping")).send().await.unwrap();
    let anonymous = app.client.head(app.url("/api/valid")).send().await.unwrap();
    let valid = app.client.head(app.url("/api/valid")).bearer_auth(app.token()).send().await.unwrap();

    assert_eq!(ping.status().as_u16(), 200);
    assert_eq!(anonymous.status().as_u16(), 401);
    assert!(anonymous.headers().contains_key("www-authenticate"));
    assert_eq!(valid.status().as_u16(), 200);
    assert_eq!(valid.headers()["cache-control"], "no-store");
    assert!(valid.bytes().await.unwrap().is_empty());
}
