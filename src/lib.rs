//! The whole suite in one process: the development identity provider and
//! every sample app, wired to each other the way `docker compose up` wires
//! Keycloak and the apps.
//!
//! Ports are fixed and documented (identity provider 8080, samples 8081),
//! and each can be moved with the variable the app itself reads
//! (`ACCOUNTS_BIND_ADDR`, `BIND_ADDR`). The apps always validate tokens of
//! the embedded provider here; run an app alone to point it at another
//! Keycloak.

use anyhow::Context;

/// The realm the suite's apps accept tokens from.
pub const REALM: &str = "samples";

/// The audience the samples app requires under the suite, unless
/// `AUTH_AUDIENCE` names others.
pub const AUDIENCE: &str = "samples-api";

/// The suite, bound and ready to run.
pub struct Suite {
    accounts: accounts::Application,
    samples: api::Application,
    samples_url: String,
}

impl Suite {
    /// Starts the identity provider's key store and binds every app.
    pub async fn build() -> anyhow::Result<Self> {
        let accounts_settings =
            accounts::Settings::from_env().context("invalid identity provider settings")?;
        let (mut settings, store_settings) = samples::settings::load(samples::DEFAULT_BIND_ADDR)
            .context("invalid samples settings")?;
        let accounts = accounts::Application::build(accounts_settings)
            .await
            .context("the identity provider cannot start")?;

        // The apps trust the embedded provider; every other AUTH_* setting
        // (audience, leeway, cache size...) still comes from the layers.
        let defaults = api::AuthSettings::new(api::settings::DEFAULT_AUTH_URL, REALM);
        let auth = &settings.auth;
        if auth.realm_url() != defaults.realm_url() || auth.issuers != defaults.issuers {
            tracing::warn!(
                "AUTH_URL, AUTH_REALM and AUTH_ISSUER are ignored here: the suite's apps trust \
                 its embedded identity provider (run an app alone to use another)"
            );
        }
        let embedded = api::AuthSettings::new(accounts.base_url(), REALM);
        settings.auth = api::AuthSettings {
            url: embedded.url,
            realm: embedded.realm,
            issuers: embedded.issuers,
            ..settings.auth
        };
        // The embedded realm maps this audience into the tokens of both of
        // its clients, so the app can insist on it unless told otherwise.
        if settings.auth.audiences.is_empty() {
            settings.auth.audiences = vec![AUDIENCE.to_owned()];
        }
        let store = samples::store::Store::connect(&store_settings)
            .await
            .context("the sample resources store cannot be opened")?;
        let samples = samples::build_with_store(&settings, store)
            .context("the samples app cannot start")?;
        let host = match settings.bind_addr.ip() {
            ip if ip.is_unspecified() || ip.is_loopback() => "localhost".to_owned(),
            ip => ip.to_string(),
        };
        let samples_url = format!("http://{host}:{}", samples.port());

        Ok(Self { accounts, samples, samples_url })
    }

    /// What to print once everything listens: the URLs and a curl line
    /// that gets a token and calls the secured endpoint.
    pub fn banner(&self) -> String {
        let idp = self.accounts.base_url();
        let api = &self.samples_url;
        let token_url = format!("{idp}/realms/{REALM}/protocol/openid-connect/token");
        let get_token = format!(
            "curl -s -d grant_type=password -d client_id=samples-web -d username=alice \
             -d password=alice-dev-password {token_url}"
        );
        // Prints nothing unless the answer holds a token, so that a refused
        // login says so instead of sending the error as a token.
        let extract = r#"sed -nE 's/.*"access_token":"([^"]+)".*/\1/p'"#;
        let call = format!(r#"curl -s -H "Authorization: Bearer $TOKEN" {api}/api/valid"#);
        let refused = r#"echo "no token: check the user name and password""#;
        let call = format!(r#"if [ -n "$TOKEN" ]; then {call}; else {refused}; fi"#);
        format!(
            "\n\
             Samples suite is running (development only; Ctrl-C stops it).\n\
             \n  identity provider  {idp}/realms/{REALM}   (Keycloak-compatible, development only)\
             \n  samples app        {api}/api/ping\
             \n  samples docs       {api}/api/ui/\
             \n\nUsers: alice / alice-dev-password (role user), ada / ada-dev-password (roles user, admin)\
             \n\nGet a token and call the secured endpoint:\n\n\
             TOKEN=$({get_token} | {extract}); {call}\n"
        )
    }

    /// Serves until Ctrl-C or until one app fails.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let accounts = self.accounts.run_until_stopped();
        let samples = self.samples.run_until_stopped();
        tokio::try_join!(accounts, samples).context("an app of the suite failed")?;
        Ok(())
    }
}
