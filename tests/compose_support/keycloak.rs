//! The real Keycloak that `scripts/keycloak.sh start` runs for the tests.

use serde_json::Value;

/// `KEYCLOAK_URL`, `http://127.0.0.1:PORT`; fails the test when unset.
pub fn url() -> String {
    let url = std::env::var("KEYCLOAK_URL").unwrap_or_else(|_| {
        panic!(
            "KEYCLOAK_URL is not set. This test needs the real Keycloak: run \
             `scripts/keycloak.sh start` and export the variables of its \
             keycloak.env (scripts/test does both)"
        )
    });
    url.trim_end_matches('/').to_owned()
}

/// The port of `KEYCLOAK_URL`, which must name 127.0.0.1: the scripts pin
/// Keycloak's hostname to it, and the test needs a second name (localhost)
/// that the issuer is not.
pub fn port() -> u16 {
    let url = url();
    let authority = url.strip_prefix("http://127.0.0.1:").unwrap_or_else(|| {
        panic!("KEYCLOAK_URL={url} should be http://127.0.0.1:PORT (scripts/keycloak.sh)")
    });
    authority
        .parse()
        .unwrap_or_else(|_| panic!("KEYCLOAK_URL={url} has no port"))
}

/// An access token of `username` by the password grant of `samples-web`,
/// asked of `base_url` (a name the token's `iss` will carry).
pub async fn password_token(base_url: &str, realm: &str, username: &str) -> String {
    let password = format!("{username}-dev-password");
    let token_url = format!("{base_url}/realms/{realm}/protocol/openid-connect/token");
    let form = [
        ("grant_type", "password"),
        ("client_id", "samples-web"),
        ("username", username),
        ("password", password.as_str()),
        ("scope", "openid"),
    ];

    let response = reqwest::Client::new()
        .post(&token_url)
        .form(&form)
        .send()
        .await
        .unwrap_or_else(|error| panic!("POST {token_url} failed: {error}"));

    let status = response.status();
    let body: Value = response.json().await.expect("the token response is JSON");
    assert!(status.is_success(), "POST {token_url}: {status} {body}");
    body["access_token"]
        .as_str()
        .expect("the response has an access_token")
        .to_owned()
}

/// The claims of a JWT, read without checking it: only to look at `iss`.
pub fn unverified_claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("a JWT has three parts");
    serde_json::from_slice(&base64url_decode(payload)).expect("the payload is JSON")
}

/// Base64url without padding (RFC 4648 section 5), as in JWTs.
fn base64url_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut bytes = Vec::with_capacity(text.len() * 3 / 4);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for symbol in text.bytes() {
        let value = ALPHABET
            .iter()
            .position(|&letter| letter == symbol)
            .unwrap_or_else(|| panic!("`{}` is not base64url", symbol as char));
        buffer = ((buffer << 6) | value as u32) & 0xFFFF;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            bytes.push((buffer >> bits) as u8);
        }
    }
    bytes
}
