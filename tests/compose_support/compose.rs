//! The parts of `deployment/docker-compose.yml` the tests read.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use yaml_serde::Value;

/// Where the compose file lives, relative to the repository root.
pub const COMPOSE_FILE: &str = "deployment/docker-compose.yml";

/// A compose file: its services by name.
#[derive(Debug, Deserialize)]
pub struct ComposeFile {
    pub services: BTreeMap<String, Service>,
    /// The directory relative paths in the file are resolved against.
    #[serde(skip)]
    pub directory: PathBuf,
}

/// One service, with the fields the tests check.
#[derive(Debug, Deserialize)]
pub struct Service {
    pub image: Option<String>,
    /// `command:` in its list form.
    #[serde(default)]
    pub command: Vec<String>,
    pub build: Option<Build>,
    #[serde(default)]
    environment: Environment,
    #[serde(default)]
    pub volumes: Vec<Volume>,
    #[serde(default)]
    pub ports: Vec<String>,
    #[serde(default)]
    pub depends_on: BTreeMap<String, Dependency>,
}

/// `build:` in its long form.
#[derive(Debug, Deserialize)]
pub struct Build {
    pub context: String,
    pub dockerfile: String,
}

/// `depends_on:` in its long form.
#[derive(Debug, Deserialize)]
pub struct Dependency {
    pub condition: String,
}

/// A volume in the long syntax (`type`, `source`, `target`) or the short
/// one (`source:target[:mode]`).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Volume {
    Long {
        r#type: String,
        source: String,
        target: String,
    },
    Short(String),
}

impl Volume {
    /// `(source, target)` when this mounts a host path (a bind mount).
    pub fn bind(&self) -> Option<(&str, &str)> {
        match self {
            Self::Long {
                r#type,
                source,
                target,
            } if r#type == "bind" => Some((source.as_str(), target.as_str())),
            Self::Long { .. } => None,
            Self::Short(short) => {
                let mut parts = short.split(':');
                let (source, target) = (parts.next()?, parts.next()?);
                let is_path = source.starts_with(['.', '/', '~']);
                is_path.then_some((source, target))
            }
        }
    }
}

/// `environment:` as a mapping or as a list of `NAME=value`.
#[derive(Debug, Default, Deserialize)]
#[serde(untagged)]
enum Environment {
    #[default]
    Empty,
    Map(BTreeMap<String, Value>),
    List(Vec<String>),
}

impl ComposeFile {
    /// Reads and parses the project's compose file.
    pub fn load() -> Self {
        let path = super::repo_path(COMPOSE_FILE);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
        let mut file: Self = yaml_serde::from_str(&text)
            .unwrap_or_else(|error| panic!("{COMPOSE_FILE} does not parse: {error}"));
        file.directory = path.parent().expect("the file has a directory").to_owned();
        file
    }

    /// The service `name`; panics with the names there are.
    pub fn service(&self, name: &str) -> &Service {
        self.services.get(name).unwrap_or_else(|| {
            let names: Vec<&String> = self.services.keys().collect();
            panic!("{COMPOSE_FILE} has no service `{name}`; it has {names:?}")
        })
    }

    /// The name of the one service running `image_prefix`.
    pub fn service_running(&self, image_prefix: &str) -> &str {
        let mut names = self.services.iter().filter(|(_, service)| {
            service
                .image
                .as_deref()
                .is_some_and(|image| image.starts_with(image_prefix))
        });
        let (name, _) = names
            .next()
            .unwrap_or_else(|| panic!("{COMPOSE_FILE} runs no `{image_prefix}` image"));
        assert!(
            names.next().is_none(),
            "{COMPOSE_FILE} runs `{image_prefix}` twice"
        );
        name
    }

    /// The apps: services built from an `applications/<app>/Dockerfile`,
    /// with the app's name.
    pub fn apps(&self) -> Vec<(String, &Service)> {
        let apps: Vec<(String, &Service)> = self
            .services
            .values()
            .filter_map(|service| Some((service.app_name()?, service)))
            .collect();
        assert!(!apps.is_empty(), "{COMPOSE_FILE} builds no app");
        apps
    }

    /// `path` from the file, resolved against the file's directory.
    pub fn resolve(&self, path: &str) -> PathBuf {
        self.directory.join(path)
    }
}

impl Service {
    /// The environment as plain strings, whichever syntax the file uses.
    pub fn environment(&self) -> BTreeMap<String, String> {
        match &self.environment {
            Environment::Empty => BTreeMap::new(),
            Environment::Map(map) => map
                .iter()
                .map(|(name, value)| (name.clone(), scalar(value)))
                .collect(),
            Environment::List(list) => list
                .iter()
                .map(|entry| entry.split_once('=').unwrap_or((entry, "")))
                .map(|(name, value)| (name.to_owned(), value.to_owned()))
                .collect(),
        }
    }

    /// One variable; panics when it is missing.
    pub fn variable(&self, name: &str) -> String {
        self.environment()
            .remove(name)
            .unwrap_or_else(|| panic!("the service sets no {name}"))
    }

    /// `applications/<app>/Dockerfile` gives `<app>`.
    fn app_name(&self) -> Option<String> {
        let dockerfile = Path::new(&self.build.as_ref()?.dockerfile);
        let mut parts = dockerfile.iter().map(|part| part.to_string_lossy());
        match (
            parts.next()?.as_ref(),
            parts.next()?,
            parts.next()?.as_ref(),
        ) {
            ("applications", app, "Dockerfile") => Some(app.into_owned()),
            _ => None,
        }
    }
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Bool(flag) => flag.to_string(),
        Value::Number(number) => number.to_string(),
        Value::Null => String::new(),
        other => panic!("an environment value is not a scalar: {other:?}"),
    }
}
