//! Logging: a subscriber for the binary and one line per request.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use tracing::Instrument;

/// Installs a `fmt` subscriber filtered by `RUST_LOG` (default `info`).
/// Does nothing if a subscriber is already installed.
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).try_init();
}

/// Wraps each request in a span with a request id, method and path, and
/// ends it with one `request completed` event. The query string is not
/// logged: it may hold a token.
pub async fn request_span(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let span = tracing::info_span!(
        "request",
        req_id = %uuid::Uuid::new_v4(),
        method = %request.method(),
        path = %request.path(),
    );
    let started = Instant::now();

    let response = next.call(request).instrument(span.clone()).await?;

    let latency_us = started.elapsed().as_micros() as u64;
    span.in_scope(|| {
        tracing::info!(
            response_code = response.status().as_u16(),
            latency_us,
            "request completed"
        );
    });
    Ok(response)
}
