//! Building and running the server.

use std::net::TcpListener;

use actix_web::dev::{Server, ServerHandle};
use actix_web::middleware::{from_fn, DefaultHeaders};
use actix_web::{web, App, HttpServer};
use anyhow::Context;

use crate::controllers;
use crate::error::AccountsError;
use crate::keys::KeyStore;
use crate::realm::Realm;
use crate::services::Provider;
use crate::settings::{parse_public_url, Settings};
use crate::telemetry::request_span;

/// A bound, ready-to-run identity provider.
pub struct Application {
    port: u16,
    base_url: String,
    server: Server,
}

impl Application {
    /// Loads the realm and keys (creating a key on first start), binds
    /// the listener and prepares the server. Port 0 picks a free port;
    /// [`Application::port`] reports the real one.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let realm = load_realm(&settings)?;
        let data_dir = settings.data_dir.clone();
        let grace = settings.key_grace;
        let keys = tokio::task::spawn_blocking(move || KeyStore::open(&data_dir, grace))
            .await
            .context("the key store task failed")??;

        let listener = TcpListener::bind(settings.bind_addr)
            .with_context(|| {
                format!("cannot listen on {} (ACCOUNTS_BIND_ADDR sets another)", settings.bind_addr)
            })?;
        let port = listener.local_addr()?.port();
        let base_url = match &settings.public_url {
            Some(url) => parse_public_url(url)?,
            None => format!("http://localhost:{port}"),
        };
        warn_development_only(&settings, port);

        let provider = web::Data::new(Provider::new(realm, keys, base_url.clone()));
        tracing::info!(
            port,
            issuer = provider.issuer(),
            kid = %provider.keys().active.kid,
            "identity provider listening"
        );
        let server = HttpServer::new(move || {
            App::new()
                .wrap(
                    DefaultHeaders::new()
                        .add(("Referrer-Policy", "no-referrer"))
                        .add(("X-Content-Type-Options", "nosniff")),
                )
                .wrap(from_fn(request_span))
                .app_data(provider.clone())
                .app_data(
                    web::PathConfig::default()
                        .error_handler(|_, _| AccountsError::ResourceNotFound.into()),
                )
                .configure(controllers::routes)
        })
        .listen(listener)?
        .run();
        Ok(Self {
            port,
            base_url,
            server,
        })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The fixed frontend base URL, e.g. `http://localhost:8080`; issuers
    /// are `{base_url}/realms/{realm}`.
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// A handle that stops the server (`handle.stop(true).await`), for
    /// embedders and tests that need a clean shutdown.
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until the process is stopped.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

fn load_realm(settings: &Settings) -> anyhow::Result<Realm> {
    let realm = match &settings.realm_file {
        Some(path) => Realm::from_file(path)?,
        None => Realm::embedded()?,
    };
    tracing::info!(
        realm = %realm.name,
        users = realm.users().len(),
        source = settings.realm_file.as_ref().map_or(
            "embedded".to_owned(),
            |path| path.display().to_string()
        ),
        "realm loaded"
    );
    Ok(realm)
}

fn warn_development_only(settings: &Settings, port: u16) {
    tracing::warn!(
        "DEVELOPMENT IDENTITY PROVIDER: development credentials, no \
         hardening. NEVER USE IT IN PRODUCTION."
    );
    if !settings.bind_addr.ip().is_loopback() {
        tracing::warn!(
            addr = %settings.bind_addr,
            port,
            "listening beyond loopback: anyone who can reach this port can \
             log in with the development credentials"
        );
    }
}
