use anyhow::Context;

#[actix_web::main]
async fn main() {
    api::telemetry::init();
    if let Err(error) = run().await {
        eprintln!("error: {error:#}");
        std::process::exit(1);
    }
}

async fn run() -> anyhow::Result<()> {
    let settings = api::Settings::load(samples::DEFAULT_BIND_ADDR).context("invalid settings")?;
    tracing::info!(realm = %settings.auth.realm_url(), "validating tokens of this realm");

    let app = samples::build(&settings).context("the samples app cannot start")?;
    let host = settings.bind_addr.ip();
    tracing::info!(docs = %format!("http://{host}:{}/api/ui/", app.port()), "ready");
    app.run_until_stopped().await.context("the server failed")
}
