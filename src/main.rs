//! `cargo run` at the repository root: the identity provider and every
//! sample app in one process.

#[actix_web::main]
async fn main() {
    api::telemetry::init();
    if let Err(error) = run().await {
        eprintln!("error: {error:#}");
        std::process::exit(1);
    }
}

async fn run() -> anyhow::Result<()> {
    let suite = suite::Suite::build().await?;
    println!("{}", suite.banner());
    suite.run_until_stopped().await
}
