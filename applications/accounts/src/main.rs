//! `accounts`: run the development identity provider, or rotate its key.

use std::path::PathBuf;

use anyhow::{bail, Context};

use accounts::{init_tracing, rotate_key, Application, Settings};

const USAGE: &str = "\
accounts: development identity provider (Keycloak-compatible).
DEVELOPMENT ONLY: never use it in production.

Usage:
  accounts [serve] [--realm-file PATH] [--data-dir DIR] [--bind ADDR]
                   [--public-url URL] [--key-grace-secs N]
  accounts rotate-key [--data-dir DIR]
  accounts --help

Options override the ACCOUNTS_* environment variables (see README).";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    init_tracing();
    let mut arguments: Vec<String> = std::env::args().skip(1).collect();
    let command = match arguments.first().map(String::as_str) {
        Some("serve") | Some("rotate-key") => arguments.remove(0),
        Some("--help") | Some("-h") => {
            println!("{USAGE}");
            return Ok(());
        }
        _ => "serve".to_owned(),
    };
    let settings = apply_arguments(Settings::from_env()?, &arguments)?;

    if command == "rotate-key" {
        let kid = rotate_key(&settings.data_dir)?;
        println!("new active key: {kid}");
        return Ok(());
    }
    Application::build(settings)
        .await?
        .run_until_stopped()
        .await?;
    Ok(())
}

/// Applies `--name value` options over the environment settings.
fn apply_arguments(mut settings: Settings, arguments: &[String]) -> anyhow::Result<Settings> {
    for pair in arguments.chunks(2) {
        let [name, value] = pair else {
            bail!("option {} needs a value\n\n{USAGE}", pair[0]);
        };
        match name.as_str() {
            "--realm-file" => settings.realm_file = Some(PathBuf::from(value)),
            "--data-dir" => settings.data_dir = PathBuf::from(value),
            "--bind" => {
                settings.bind_addr = value
                    .parse()
                    .with_context(|| format!("--bind is not host:port: {value}"))?;
            }
            "--public-url" => settings.public_url = Some(value.clone()),
            "--key-grace-secs" => {
                let seconds: u64 = value
                    .parse()
                    .with_context(|| format!("--key-grace-secs: {value}"))?;
                settings.key_grace = std::time::Duration::from_secs(seconds);
            }
            other => bail!("unknown option {other}\n\n{USAGE}"),
        }
    }
    Ok(settings)
}
