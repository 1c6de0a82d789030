//! Realm key rotation on the real Keycloak, done the way an operator does
//! it through the admin API: add a new RSA provider with a higher
//! priority, make the old one passive, then disable it.
//!
//! It changes the Keycloak that every test of the run shares, so it has a
//! test binary of its own: cargo runs test binaries one after another,
//! never two at once. It removes the old provider at the end; the realm
//! keeps signing with the new key, which other tests do not care about.

mod support;

use std::time::Duration;

use serde_json::{json, Value};

use support::{
    assert_invalid_token, assert_ok, keycloak_env, keycloak_url, kid_of, kids, spawn_samples, text,
    Provider, SamplesApp, ALICE, REALM,
};

const KEY_PROVIDER_TYPE: &str = "org.keycloak.keys.KeyProvider";

/// The admin REST API of the master realm's bootstrap admin.
struct Admin {
    keycloak: Provider,
}

impl Admin {
    /// A fresh admin token: the admin-cli token lives only 60 seconds, so
    /// each call gets its own.
    async fn token(&self) -> String {
        let username = keycloak_env("KEYCLOAK_ADMIN_USERNAME");
        let password = keycloak_env("KEYCLOAK_ADMIN_PASSWORD");
        let form = [
            ("grant_type", "password"),
            ("client_id", "admin-cli"),
            ("username", username.as_str()),
            ("password", password.as_str()),
        ];
        let response = self.keycloak.post_token_in("master", &form).await;
        assert_eq!(response.status().as_u16(), 200, "admin login failed");
        let body: Value = response.json().await.unwrap();
        text(&body, "access_token").to_owned()
    }

    fn url(&self, path: &str) -> String {
        format!("{}/admin/realms/{REALM}{path}", self.keycloak.address)
    }

    async fn get(&self, path: &str) -> Value {
        let request = self.keycloak.client.get(self.url(path));
        let response = request
            .bearer_auth(self.token().await)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200, "GET {path}");
        response.json().await.unwrap()
    }

    async fn send(&self, request: reqwest::RequestBuilder, expected: u16) -> reqwest::Response {
        let response = request
            .bearer_auth(self.token().await)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), expected);
        response
    }

    /// The id of the key provider (component) that holds `kid`, and the
    /// highest priority among the realm's RS256 signing keys.
    async fn provider_of(&self, kid: &str) -> (String, i64) {
        let keys = self.get("/keys").await;
        let keys = keys["keys"].as_array().unwrap();
        let signing = keys.iter().filter(|key| key["algorithm"] == "RS256");
        let highest = signing
            .filter_map(|key| key["providerPriority"].as_i64())
            .max();
        let key = keys
            .iter()
            .find(|key| key["kid"] == kid)
            .expect("the kid is a realm key");
        (text(key, "providerId").to_owned(), highest.unwrap_or(0))
    }

    /// Adds an active RS256 provider with `priority`; returns its id.
    async fn add_rsa_provider(&self, priority: i64) -> String {
        let realm_id = self.get("").await["id"].as_str().unwrap().to_owned();
        let component = json!({
            "name": "rsa-rotated-by-test",
            "providerId": "rsa-generated",
            "providerType": KEY_PROVIDER_TYPE,
            "parentId": realm_id,
            "config": {
                "priority": [priority.to_string()], "enabled": ["true"],
                "active": ["true"], "keySize": ["2048"], "algorithm": ["RS256"],
            },
        });
        let request = self
            .keycloak
            .client
            .post(self.url("/components"))
            .json(&component);
        let response = self.send(request, 201).await;
        let location = response.headers()["location"].to_str().unwrap();
        location.rsplit('/').next().unwrap().to_owned()
    }

    /// Sets one config flag (`active`, `enabled`) of a provider.
    async fn set_flag(&self, id: &str, flag: &str, value: bool) {
        let path = format!("/components/{id}");
        let mut component = self.get(&path).await;
        component["config"][flag] = json!([value.to_string()]);
        let request = self.keycloak.client.put(self.url(&path)).json(&component);
        self.send(request, 204).await;
    }

    async fn delete(&self, id: &str) {
        let request = self
            .keycloak
            .client
            .delete(self.url(&format!("/components/{id}")));
        self.send(request, 204).await;
    }
}

/// Asks `app` every 250 ms, for at most `limit`, until `token` gets
/// `status` on /api/valid; returns the last status seen.
async fn wait_for_status(app: &SamplesApp, token: &str, status: u16, limit: Duration) -> u16 {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let seen = app.status_with_token("/api/valid", token).await;
        if seen == status || tokio::time::Instant::now() >= deadline {
            return seen;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// A token signed by the key Keycloak uses before the rotation, and the
/// provider that holds that key.
struct OldKey {
    token: String,
    kid: String,
    provider: String,
}

#[actix_web::test]
async fn running_apps_follow_a_key_rotation_done_through_the_admin_api() {
    let keycloak = Provider::keycloak();
    let admin = Admin {
        keycloak: keycloak.clone(),
    };
    // The cooldown only spaces out fetches for unknown kids (10 s by
    // default); zero lets the first new-kid token trigger the fetch.
    let following = spawn_samples(&keycloak_url(), |auth| {
        auth.kid_cooldown = Duration::ZERO;
    })
    .await;
    // A short schedule shows how a running app drops a disabled key. The
    // cooldown also spaces scheduled fetches, so it goes to zero as well.
    let scheduled = spawn_samples(&keycloak_url(), |auth| {
        auth.jwks_refresh = Duration::from_secs(1);
        auth.kid_cooldown = Duration::ZERO;
    })
    .await;
    let old = current_key(&keycloak, &admin).await;
    assert_ok(following.get_with_token("/api/valid", &old.token).await).await;

    let new_token = add_a_key_and_check_it_is_accepted(&keycloak, &admin, &following, &old).await;
    make_the_old_key_passive_and_check_it_still_verifies(&keycloak, &admin, &old).await;
    disable_the_old_key_and_check_it_is_refused(&keycloak, &admin, &scheduled, &old).await;

    assert_ok(scheduled.get_with_token("/api/valid", &new_token).await).await;
    assert_ok(following.get_with_token("/api/valid", &new_token).await).await;
    admin.delete(&old.provider).await;
}

async fn current_key(keycloak: &Provider, admin: &Admin) -> OldKey {
    let token = keycloak.access_token(ALICE).await;
    let kid = kid_of(&token);
    let (provider, _) = admin.provider_of(&kid).await;
    OldKey {
        token,
        kid,
        provider,
    }
}

/// Returns a token signed by the new key.
async fn add_a_key_and_check_it_is_accepted(
    keycloak: &Provider,
    admin: &Admin,
    following: &SamplesApp,
    old: &OldKey,
) -> String {
    let (_, highest) = admin.provider_of(&old.kid).await;
    let new_provider = admin.add_rsa_provider(highest + 100).await;
    let new_token = keycloak.access_token(ALICE).await;

    let new_kid = kid_of(&new_token);
    assert_ne!(new_kid, old.kid, "Keycloak still signs with the old key");
    assert_eq!(admin.provider_of(&new_kid).await.0, new_provider);
    assert_ok(following.get_with_token("/api/valid", &new_token).await).await;
    assert_ok(following.get_with_token("/api/valid", &old.token).await).await;
    new_token
}

async fn make_the_old_key_passive_and_check_it_still_verifies(
    keycloak: &Provider,
    admin: &Admin,
    old: &OldKey,
) {
    admin.set_flag(&old.provider, "active", false).await;

    assert!(
        kids(&keycloak.jwks().await).contains(&old.kid),
        "a passive key stays published"
    );
    assert_ne!(kid_of(&keycloak.access_token(ALICE).await), old.kid);
    let fresh = spawn_samples(&keycloak_url(), |_| {}).await;
    assert_ok(fresh.get_with_token("/api/valid", &old.token).await).await;
}

async fn disable_the_old_key_and_check_it_is_refused(
    keycloak: &Provider,
    admin: &Admin,
    scheduled: &SamplesApp,
    old: &OldKey,
) {
    admin.set_flag(&old.provider, "enabled", false).await;

    assert!(
        !kids(&keycloak.jwks().await).contains(&old.kid),
        "a disabled key is withdrawn"
    );
    let fresh = spawn_samples(&keycloak_url(), |_| {}).await;
    assert_invalid_token(fresh.get_with_token("/api/valid", &old.token).await).await;
    let limit = Duration::from_secs(10);
    assert_eq!(
        wait_for_status(scheduled, &old.token, 401, limit).await,
        401
    );
    assert_invalid_token(scheduled.get_with_token("/api/valid", &old.token).await).await;
}
