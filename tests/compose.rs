//! The container deployment, checked without containers.
//!
//! `deployment/docker-compose.yml` is read as data: static tests check that
//! it pins the same Keycloak as the test scripts, mounts the real realm
//! export and wires the issuer consistently. The Keycloak tests then start
//! every app's real binary with exactly the environment compose gives it
//! (only compose-network names translated, see `compose_support::translate`)
//! against the real Keycloak from `scripts/keycloak.sh` (`KEYCLOAK_URL`),
//! and show that a token got through the host's name is accepted by an app
//! that fetches keys through another name, and only because of
//! `AUTH_ISSUER`.
//!
//! `scripts/check-deployment.sh` validates the same file with the Docker
//! Compose CLI and lints the Dockerfiles.

mod compose_support;

use std::collections::BTreeMap;

use compose_support::app::{self, RunningApp};
use compose_support::compose::{ComposeFile, Service, Volume};
use compose_support::keycloak;
use compose_support::repo_path;
use compose_support::translate::Translation;

const KEYCLOAK_IMAGE: &str = "quay.io/keycloak/keycloak";
const POSTGRES_IMAGE: &str = "postgres:";
const REALM_EXPORT: &str = "applications/accounts/realm/samples-realm.json";

#[test]
fn the_keycloak_image_is_the_version_the_test_scripts_pin() {
    let compose = ComposeFile::load();
    let pinned = std::fs::read_to_string(repo_path("deployment/keycloak-version")).unwrap();

    let keycloak = compose.service(compose.service_running(KEYCLOAK_IMAGE));

    let image = keycloak.image.as_deref().unwrap();
    assert_eq!(image, format!("{KEYCLOAK_IMAGE}:{}", pinned.trim()));
}

#[test]
fn keycloak_imports_the_realm_export_the_tests_use() {
    let compose = ComposeFile::load();
    let keycloak = compose.service(compose.service_running(KEYCLOAK_IMAGE));

    let mounts: Vec<(&str, &str)> = keycloak.volumes.iter().filter_map(Volume::bind).collect();

    let (source, target) = mounts
        .iter()
        .find(|(_, target)| target.starts_with("/opt/keycloak/data/import/"))
        .expect("a bind mount into /opt/keycloak/data/import/");
    let mounted = compose
        .resolve(source)
        .canonicalize()
        .unwrap_or_else(|error| panic!("the mount source {source} does not exist: {error}"));
    assert_eq!(mounted, repo_path(REALM_EXPORT).canonicalize().unwrap());
    assert!(
        target.ends_with(".json"),
        "Keycloak imports only *.json, not {target}"
    );
}

#[test]
fn keycloak_pins_its_public_name_and_answers_the_internal_one() {
    let compose = ComposeFile::load();
    let keycloak = compose.service(compose.service_running(KEYCLOAK_IMAGE));

    let hostname = keycloak.variable("KC_HOSTNAME");

    assert!(
        hostname.starts_with("http://") || hostname.starts_with("https://"),
        "KC_HOSTNAME must be a full URL for the dynamic backchannel: {hostname}"
    );
    assert_eq!(keycloak.variable("KC_HOSTNAME_BACKCHANNEL_DYNAMIC"), "true");
    assert_eq!(keycloak.variable("KC_HEALTH_ENABLED"), "true");
    assert_eq!(keycloak.command, ["start-dev", "--import-realm"]);
}

#[test]
fn every_app_fetches_keys_internally_and_accepts_the_public_issuer() {
    let compose = ComposeFile::load();
    let keycloak_name = compose.service_running(KEYCLOAK_IMAGE);
    let public = compose.service(keycloak_name).variable("KC_HOSTNAME");

    for (name, app) in compose.apps() {
        let realm = app.variable("AUTH_REALM");

        assert_eq!(
            app.variable("AUTH_URL"),
            format!("http://{keycloak_name}:8080"),
            "{name}"
        );
        assert_eq!(
            app.variable("AUTH_ISSUER"),
            format!("{public}/realms/{realm}"),
            "{name}"
        );
        let condition = &app
            .depends_on
            .get(keycloak_name)
            .unwrap_or_else(|| panic!("{name} does not depend on {keycloak_name}"))
            .condition;
        assert_eq!(condition, "service_healthy", "{name}");
    }
}

#[test]
fn every_app_listens_on_all_interfaces_on_the_port_it_publishes() {
    let compose = ComposeFile::load();

    for (name, app) in compose.apps() {
        let bind = app.variable("BIND_ADDR");

        let port = bind
            .strip_prefix("0.0.0.0:")
            .unwrap_or_else(|| panic!("{name}: BIND_ADDR={bind} is not 0.0.0.0:PORT"));
        let published = format!("127.0.0.1:{port}:{port}");
        assert!(
            app.ports.contains(&published),
            "{name} publishes {:?}",
            app.ports
        );
        let dockerfile = dockerfile_of(&compose, app);
        assert!(
            dockerfile.contains(&format!("\nEXPOSE {port}\n")),
            "{name}: no EXPOSE {port}"
        );
        assert!(
            dockerfile.contains(&format!("BIND_ADDR={bind}")),
            "{name}: image BIND_ADDR"
        );
    }
}

#[test]
fn every_app_variable_in_the_compose_file_is_documented() {
    let compose = ComposeFile::load();
    let reference = std::fs::read_to_string(repo_path("docs/configuration.md")).unwrap();

    for (name, app) in compose.apps() {
        for variable in app.environment().keys() {
            let row = format!("| `{variable}` |");
            assert!(
                reference.contains(&row),
                "{name}: {variable} is not in docs/configuration.md"
            );
        }
    }
}

#[test]
fn the_translation_changes_only_compose_network_names() {
    let compose = ComposeFile::load();
    let translation = translation(&compose, 41234, None);

    for (name, app) in compose.apps() {
        let here = translation.apply(&app.environment());

        assert_eq!(here["BIND_ADDR"], "127.0.0.1:0", "{name}");
        assert_eq!(here["AUTH_URL"], "http://localhost:41234", "{name}");
        assert_eq!(
            here["AUTH_ISSUER"], "http://127.0.0.1:41234/realms/samples",
            "{name}"
        );
        assert!(
            !here.contains_key("DATABASE_URL"),
            "{name}: SQLite without a test database"
        );
        for service in compose.services.keys() {
            let leftover = here
                .values()
                .find(|value| value.contains(&format!("{service}:")));
            assert!(
                leftover.is_none(),
                "{name}: {leftover:?} still names {service}"
            );
        }
    }
}

#[tokio::test]
async fn a_token_got_through_the_public_name_passes_apps_fetching_keys_internally() {
    let compose = ComposeFile::load();
    let translation = translation(&compose, keycloak::port(), test_database_url());

    for (name, app) in compose.apps() {
        let environment = translation.apply(&app.environment());
        let realm = &environment["AUTH_REALM"];
        let running = start_ready(&name, &environment).await;
        let public_url = format!("http://{}", translation.public());

        let token = keycloak::password_token(&public_url, realm, "alice").await;
        let response = get_valid(&running, &token).await;

        let iss = keycloak::unverified_claims(&token)["iss"].clone();
        assert_eq!(iss, format!("{public_url}/realms/{realm}"));
        assert!(environment["AUTH_URL"].contains(&translation.internal()));
        let status = response.status();
        let body = response.text().await.unwrap();
        assert_eq!(
            status,
            200,
            "{name} refused the token: {body}\n{}",
            running.log()
        );
        assert_eq!(body, "\"OK!\"");
        assert_store(&running, &environment);
    }
}

#[tokio::test]
async fn without_auth_issuer_the_same_token_is_refused_as_another_issuers() {
    let compose = ComposeFile::load();
    let translation = translation(&compose, keycloak::port(), test_database_url());

    for (name, app) in compose.apps() {
        let mut environment = translation.apply(&app.environment());
        environment.remove("AUTH_ISSUER");
        let realm = environment["AUTH_REALM"].clone();
        let running = start_ready(&name, &environment).await;
        let public_url = format!("http://{}", translation.public());

        let token = keycloak::password_token(&public_url, &realm, "alice").await;
        let response = get_valid(&running, &token).await;

        assert_eq!(response.status(), 401, "{name}\n{}", running.log());
        let challenge = response.headers()["www-authenticate"].to_str().unwrap();
        assert_eq!(
            challenge,
            format!(
                "Bearer realm=\"{realm}\", error=\"invalid_token\", \
             error_description=\"the token was issued by another issuer\""
            )
        );
    }
}

/// Compose's names, taken from the file, mapped to this machine's.
fn translation(compose: &ComposeFile, port: u16, database_url: Option<String>) -> Translation {
    let keycloak_name = compose.service_running(KEYCLOAK_IMAGE);
    let public = compose.service(keycloak_name).variable("KC_HOSTNAME");
    let public = public.split_once("://").expect("KC_HOSTNAME is a URL").1;
    Translation {
        compose_internal: format!("{keycloak_name}:8080"),
        compose_public: public.trim_end_matches('/').to_owned(),
        compose_postgres: compose.service_running(POSTGRES_IMAGE).to_owned(),
        keycloak_port: port,
        database_url,
    }
}

/// The PostgreSQL the test runner started, as the samples tests find it.
fn test_database_url() -> Option<String> {
    let url = std::env::var("TEST_DATABASE_URL").or_else(|_| std::env::var("DATABASE_URL"));
    url.ok().filter(|url| url.starts_with("postgres"))
}

async fn start_ready(app: &str, environment: &BTreeMap<String, String>) -> RunningApp {
    let running = RunningApp::start(&app::binary(app), environment);
    running.wait_ready().await;
    running
}

async fn get_valid(running: &RunningApp, token: &str) -> reqwest::Response {
    let url = format!("{}/api/valid", running.url);
    reqwest::Client::new()
        .get(&url)
        .bearer_auth(token)
        .send()
        .await
        .unwrap_or_else(|error| panic!("GET {url} failed: {error}\n{}", running.log()))
}

/// The app opened the store its environment names: the test's PostgreSQL
/// when compose's `DATABASE_URL` was translated, SQLite otherwise.
fn assert_store(running: &RunningApp, environment: &BTreeMap<String, String>) {
    let backend = if environment.contains_key("DATABASE_URL") {
        "postgres"
    } else {
        "sqlite"
    };
    let log = running.log();
    let line = log.lines().find(|line| line.contains("store ready"));
    let line = line.unwrap_or_else(|| panic!("no `store ready` line\n{log}"));
    assert!(
        line.contains(backend),
        "expected the {backend} store: {line}"
    );
}

fn dockerfile_of(compose: &ComposeFile, app: &Service) -> String {
    let build = app.build.as_ref().expect("an app is built");
    assert_eq!(
        build.context, "..",
        "the build context is the repository root"
    );
    let path = compose.resolve(&build.context).join(&build.dockerfile);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
}
