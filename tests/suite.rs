//! The README's run command: the built `suite` binary, started as a user
//! would, with every port on 127.0.0.1:0 and its key store and database in
//! a temporary directory.
//!
//! The tests read the banner it prints, run the curl line from it as a
//! user would paste it, and rotate the development provider's key while
//! everything runs.

mod support;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use support::{assert_invalid_token, assert_refused, kid_of, kids, temp_data_dir, Provider, ALICE};

/// How long the suite may take to print its banner.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// How long the printed curl line may take.
const CURL_TIMEOUT: Duration = Duration::from_secs(30);

/// A running `suite` process, killed when dropped (also when a test fails).
struct RunningSuite {
    child: Child,
    banner: Vec<String>,
}

impl Drop for RunningSuite {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl RunningSuite {
    /// Starts the binary and waits until its banner's last line appears.
    fn start(data_dir: &Path) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_suite"))
            .env("ACCOUNTS_BIND_ADDR", "127.0.0.1:0")
            .env("BIND_ADDR", "127.0.0.1:0")
            .env("ACCOUNTS_DATA_DIR", data_dir)
            .env("SAMPLES_DATA_DIR", data_dir.join("samples"))
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(data_dir.join("suite.log")).expect("a log file"))
            .spawn()
            .expect("the suite binary starts");
        let lines = read_lines_in_background(child.stdout.take().unwrap());
        let mut suite = Self {
            child,
            banner: Vec::new(),
        };

        let deadline = Instant::now() + START_TIMEOUT;
        while !suite.banner.iter().any(|line| line.starts_with("TOKEN=")) {
            let left = deadline.saturating_duration_since(Instant::now());
            match lines.recv_timeout(left) {
                Ok(line) => suite.banner.push(line),
                Err(_) => {
                    let log = std::fs::read_to_string(data_dir.join("suite.log"));
                    panic!(
                        "no curl line within {START_TIMEOUT:?}: {:?}\nlog: {}",
                        suite.banner,
                        log.unwrap_or_default()
                    )
                }
            }
        }
        suite
    }

    /// The URL printed after `label` in the banner.
    fn url_after(&self, label: &str) -> String {
        let line = self
            .banner
            .iter()
            .find(|line| line.trim_start().starts_with(label));
        let line = line.unwrap_or_else(|| panic!("no `{label}` line in {:?}", self.banner));
        let url = line
            .split_whitespace()
            .find(|word| word.starts_with("http://"));
        url.expect("the line has a URL").to_owned()
    }

    /// The identity provider's base URL, without `/realms/...`.
    fn provider_url(&self) -> String {
        let realm_url = self.url_after("identity provider");
        let (base, _) = realm_url.split_once("/realms/").expect("a realm URL");
        base.to_owned()
    }

    /// The samples app's base URL, without `/api/ping`.
    fn samples_url(&self) -> String {
        self.url_after("samples app")
            .trim_end_matches("/api/ping")
            .to_owned()
    }

    fn curl_line(&self) -> &str {
        self.banner
            .iter()
            .find(|line| line.starts_with("TOKEN="))
            .unwrap()
    }
}

/// Sends each line of `output` to the channel; the thread keeps draining
/// the pipe until the process ends, so the process never blocks on it.
fn read_lines_in_background(output: impl std::io::Read + Send + 'static) -> mpsc::Receiver<String> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(output).lines().map_while(Result::ok) {
            let _ = sender.send(line);
        }
    });
    receiver
}

/// Runs `line` with `sh -c`, killing it after [`CURL_TIMEOUT`]; returns
/// its standard output.
fn run_shell_line(line: &str) -> String {
    let mut child = Command::new("sh")
        .args(["-c", line])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("sh starts");
    let deadline = Instant::now() + CURL_TIMEOUT;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the curl line ran longer than {CURL_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "the curl line failed: {}",
        output.status
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[actix_web::test]
async fn the_printed_curl_line_gets_a_token_and_prints_ok() {
    let data_dir = temp_data_dir();
    let suite = RunningSuite::start(data_dir.path());
    let line = suite.curl_line().to_owned();

    let output = tokio::task::spawn_blocking(move || run_shell_line(&line))
        .await
        .unwrap();

    assert_eq!(output.trim(), r#""OK!""#);
}

#[actix_web::test]
async fn the_printed_curl_line_says_when_the_login_is_refused() {
    let data_dir = temp_data_dir();
    let suite = RunningSuite::start(data_dir.path());
    let line = suite.curl_line().replace("alice-dev-password", "not-the-password");

    let output = tokio::task::spawn_blocking(move || run_shell_line(&line))
        .await
        .unwrap();

    assert_eq!(output.trim(), "no token: check the user name and password");
}

#[actix_web::test]
async fn the_printed_urls_answer_and_valid_wants_a_token() {
    let data_dir = temp_data_dir();
    let suite = RunningSuite::start(data_dir.path());
    let client = support::http_client();

    let ping = client
        .get(suite.url_after("samples app"))
        .send()
        .await
        .unwrap();
    let realm = client
        .get(suite.url_after("identity provider"))
        .send()
        .await
        .unwrap();
    let valid = client
        .get(format!("{}/api/valid", suite.samples_url()))
        .send()
        .await
        .unwrap();

    assert_eq!(ping.status(), 200);
    assert_eq!(realm.status(), 200);
    assert_refused(valid, 401, "authentication-required", None).await;
}

#[actix_web::test]
async fn the_samples_app_requires_the_audience_the_embedded_realm_maps() {
    let data_dir = temp_data_dir();
    let suite = RunningSuite::start(data_dir.path());
    let token = Provider::at(&suite.provider_url()).access_token(ALICE).await;

    let log = std::fs::read_to_string(data_dir.path().join("suite.log")).unwrap();
    let status = wait_until_accepted(&suite.samples_url(), &token, Duration::ZERO).await;

    assert!(!log.contains("AUTH_AUDIENCE is not set"), "{log}");
    assert_eq!(status, 200);
}

/// Asks `/api/valid` every 250 ms, for at most `limit`, until `token` is
/// accepted; returns the last status.
async fn wait_until_accepted(samples_url: &str, token: &str, limit: Duration) -> u16 {
    let client = support::http_client();
    let url = format!("{samples_url}/api/valid");
    let deadline = Instant::now() + limit;
    loop {
        let response = client.get(&url).bearer_auth(token).send().await.unwrap();
        let status = response.status().as_u16();
        if status == 200 || Instant::now() >= deadline {
            return status;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

#[actix_web::test]
async fn a_rotated_dev_key_is_followed_by_the_running_samples_app() {
    let data_dir = temp_data_dir();
    let suite = RunningSuite::start(data_dir.path());
    let provider = Provider::at(&suite.provider_url());
    let samples_url = suite.samples_url();
    let old_token = provider.access_token(ALICE).await;
    assert_eq!(
        wait_until_accepted(&samples_url, &old_token, Duration::ZERO).await,
        200
    );

    let path = data_dir.path().to_owned();
    let new_kid = tokio::task::spawn_blocking(move || accounts::rotate_key(&path))
        .await
        .unwrap()
        .expect("the key rotates");
    let new_token = wait_for_a_token_signed_by(&provider, &new_kid).await;

    // The suite's app keeps the default 10 s cooldown between fetches
    // for unknown kids, so the new key may take that long to be trusted.
    let limit = Duration::from_secs(20);
    assert_eq!(
        wait_until_accepted(&samples_url, &new_token, limit).await,
        200
    );
    let jwks = provider.jwks().await;
    assert!(
        kids(&jwks).contains(&kid_of(&old_token)),
        "the old key is in its grace"
    );
    assert_eq!(
        wait_until_accepted(&samples_url, &old_token, Duration::ZERO).await,
        200
    );
}

/// Logs in until the provider signs with `kid`: it looks at its key file
/// at most once a second, so this takes at most a few tries (20 allowed).
async fn wait_for_a_token_signed_by(provider: &Provider, kid: &str) -> String {
    for _ in 0..20 {
        let token = provider.access_token(ALICE).await;
        if kid_of(&token) == kid {
            return token;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("the provider never signed with the rotated key {kid}");
}

#[actix_web::test]
async fn a_token_from_another_dev_provider_is_refused() {
    let data_dir = temp_data_dir();
    let suite = RunningSuite::start(data_dir.path());
    let other_dir = temp_data_dir();
    let other_url = support::spawn_dev_provider(other_dir.path()).await;
    let foreign_token = Provider::at(&other_url).access_token(ALICE).await;

    let client = support::http_client();
    let url = format!("{}/api/valid", suite.samples_url());
    let response = client
        .get(url)
        .bearer_auth(foreign_token)
        .send()
        .await
        .unwrap();

    assert_invalid_token(response).await;
}
