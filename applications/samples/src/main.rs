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
    let (settings, store_settings) =
        samples::settings::load(samples::DEFAULT_BIND_ADDR).context("invalid settings")?;
    tracing::info!(realm = %settings.auth.realm_url(), "validating tokens of this realm");

    let store = samples::store::Store::connect(&store_settings)
        .await
        .context("the sample resources store cannot be opened")?;
    tracing::info!(backend = store.backend_name(), "store ready");

    let app = samples::build_with_store(&settings, store)
        .context("the samples app cannot start")?;
    let host = settings.bind_addr.ip();
    tracing::info!(docs = %format!("http://{host}:{}/api/ui/", app.port()), "listening");
    app.run_until_stopped().await.context("the server failed")
}
