//! The interactive docs page, served from Swagger UI assets compiled into
//! the binary (no CDN): `{base}/ui/` shows `{base}/openapi.json`.

use std::sync::Arc;

use actix_web::http::header;
use actix_web::web::{self, ServiceConfig};
use actix_web::HttpResponse;
use utoipa_swagger_ui::Config;

/// Adds `{base}/ui` and `{base}/ui/{file}` to `config`.
pub fn configure(config: &mut ServiceConfig, base: &str) {
    let ui = format!("{base}/ui/");
    let spec_url = format!("{base}/openapi.json");
    let swagger = Arc::new(Config::new([spec_url]));

    let redirect_to = ui.clone();
    config
        .route(&format!("{base}/ui"), web::get().to(move || {
            let location = redirect_to.clone();
            async move {
                HttpResponse::MovedPermanently()
                    .insert_header((header::LOCATION, location))
                    .finish()
            }
        }))
        .route(&format!("{ui}{{file:.*}}"), web::get().to(move |file: web::Path<String>| {
            let swagger = swagger.clone();
            async move { serve(&file, swagger) }
        }));
}

fn serve(file: &str, swagger: Arc<Config<'static>>) -> HttpResponse {
    match utoipa_swagger_ui::serve(file, swagger) {
        Ok(Some(asset)) => HttpResponse::Ok()
            .content_type(asset.content_type)
            .body(asset.bytes.into_owned()),
        Ok(None) => HttpResponse::NotFound().finish(),
        Err(error) => {
            tracing::error!(%error, "docs asset failed");
            HttpResponse::InternalServerError().finish()
        }
    }
}
