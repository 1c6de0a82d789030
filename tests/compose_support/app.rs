//! Running an app's real binary with a given environment, as its container
//! would, and stopping it when the test ends.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

/// How long an app may take to listen, and then to load the realm's keys.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// A running app; killed when dropped.
pub struct RunningApp {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    log: Arc<Mutex<Vec<String>>>,
    work_dir: PathBuf,
}

/// The app's binary beside this test's `suite` binary, checked to be
/// newer than the sources it is built from.
pub fn binary(app: &str) -> PathBuf {
    let suite = Path::new(env!("CARGO_BIN_EXE_suite"));
    let binary = suite.with_file_name(app);
    let hint =
        format!("build it first: `cargo build -p {app}` (scripts/test builds the workspace)");
    let built =
        modified(&binary).unwrap_or_else(|| panic!("{} does not exist; {hint}", binary.display()));
    let app_dir = format!("applications/{app}");
    let sources = ["src", "api", "migrations", "Cargo.toml"]
        .map(|part| format!("{app_dir}/{part}"))
        .into_iter()
        .chain(["api/src".to_owned(), "api/Cargo.toml".to_owned()]);
    for source in sources {
        let newest = newest_file(&super::repo_path(&source));
        assert!(
            built >= newest,
            "{} is older than {source}; {hint}",
            binary.display()
        );
    }
    binary
}

impl RunningApp {
    /// Starts `binary` with exactly `environment` (nothing inherited) in a
    /// fresh working directory, and waits until it listens.
    pub fn start(binary: &Path, environment: &BTreeMap<String, String>) -> Self {
        let work_dir = fresh_directory();
        let mut child = Command::new(binary)
            .env_clear()
            .envs(environment)
            .current_dir(&work_dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {}: {error}", binary.display()));

        let log = Arc::new(Mutex::new(Vec::new()));
        let ports = follow_log(child.stderr.take().expect("stderr is piped"), log.clone());
        let mut app = Self {
            child,
            url: String::new(),
            log,
            work_dir,
        };
        match ports.recv_timeout(START_TIMEOUT) {
            Ok(port) => app.url = format!("http://127.0.0.1:{port}"),
            Err(_) => panic!(
                "the app did not listen within {START_TIMEOUT:?}\n{}",
                app.log()
            ),
        }
        app
    }

    /// Waits until `/health/ready` says 200: the realm's keys are loaded.
    pub async fn wait_ready(&self) {
        let client = reqwest::Client::new();
        let url = format!("{}/health/ready", self.url);
        let deadline = Instant::now() + START_TIMEOUT;
        while Instant::now() < deadline {
            let response = client
                .get(&url)
                .timeout(Duration::from_secs(2))
                .send()
                .await;
            if response.is_ok_and(|response| response.status().is_success()) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!(
            "{url} was not ready within {START_TIMEOUT:?}\n{}",
            self.log()
        );
    }

    /// The app's log so far, for failure messages.
    pub fn log(&self) -> String {
        let lines = self.log.lock().expect("the log lock is not poisoned");
        format!("--- app log ---\n{}\n---", lines.join("\n"))
    }
}

impl Drop for RunningApp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.work_dir);
    }
}

/// Keeps every stderr line and sends the port of the "listening" event.
fn follow_log(
    stderr: std::process::ChildStderr,
    log: Arc<Mutex<Vec<String>>>,
) -> mpsc::Receiver<u16> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let line = strip_ansi(&line);
            if let Some(port) = listening_port(&line) {
                let _ = sender.send(port);
            }
            log.lock().expect("the log lock is not poisoned").push(line);
        }
    });
    receiver
}

/// The `port=` field of the app's "listening" event.
fn listening_port(line: &str) -> Option<u16> {
    if !line.contains("listening") {
        return None;
    }
    let field = line
        .split_whitespace()
        .find_map(|word| word.strip_prefix("port="))?;
    field.parse().ok()
}

/// The line without terminal colour codes (`ESC [ ... m`).
fn strip_ansi(line: &str) -> String {
    let mut plain = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(next) = chars.next() {
        if next == '\u{1b}' {
            chars
                .by_ref()
                .take_while(|&code| code != 'm')
                .for_each(drop);
        } else {
            plain.push(next);
        }
    }
    plain
}

fn fresh_directory() -> PathBuf {
    static COUNT: AtomicU32 = AtomicU32::new(0);
    let count = COUNT.fetch_add(1, Ordering::Relaxed);
    let name = format!("compose-test-{}-{count}", std::process::id());
    let directory = std::env::temp_dir().join(name);
    std::fs::create_dir_all(&directory).expect("the temporary directory is writable");
    directory
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path)
        .and_then(|metadata| metadata.modified())
        .ok()
}

/// The newest modification time of `path` or of the files under it; the
/// epoch when there is nothing.
fn newest_file(path: &Path) -> SystemTime {
    let mut newest = SystemTime::UNIX_EPOCH;
    let mut pending = vec![path.to_owned()];
    while let Some(path) = pending.pop() {
        if path.is_dir() {
            let entries = std::fs::read_dir(&path).into_iter().flatten().flatten();
            pending.extend(entries.map(|entry| entry.path()));
        } else if let Some(time) = modified(&path) {
            newest = newest.max(time);
        }
    }
    newest
}
