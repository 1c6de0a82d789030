//! Extractor settings that turn bad input into a 400/413/415 problem
//! naming what was wrong, instead of actix-web's plain-text errors.

use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::{web, HttpRequest};

use crate::error::ApiError;

/// The largest JSON body accepted, in bytes (documented in each spec).
pub const MAX_JSON_BYTES: usize = 64 * 1024;

/// JSON bodies: size limit, media type and syntax errors as problems.
pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(MAX_JSON_BYTES)
        .error_handler(|error, _: &HttpRequest| json_error(error).into())
}

fn json_error(error: JsonPayloadError) -> ApiError {
    match error {
        JsonPayloadError::OverflowKnownLength { .. } | JsonPayloadError::Overflow { .. } => {
            ApiError::PayloadTooLarge {
                detail: format!("The body is larger than {MAX_JSON_BYTES} bytes."),
            }
        }
        JsonPayloadError::ContentType => ApiError::UnsupportedMediaType {
            detail: "The body must be application/json.".into(),
        },
        JsonPayloadError::Deserialize(error) => {
            ApiError::bad_request(format!("The body is invalid: {error}."))
        }
        other => ApiError::bad_request(format!("The body could not be read: {other}.")),
    }
}

/// Path parameters: a value of the wrong type is a 400 naming it.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|error, _: &HttpRequest| {
        let PathError::Deserialize(error) = error else {
            return ApiError::bad_request("A path parameter is invalid.").into();
        };
        ApiError::bad_request(format!("A path parameter is invalid: {error}.")).into()
    })
}

/// Query strings: a value of the wrong type is a 400 naming it.
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|error, _: &HttpRequest| {
        let QueryPayloadError::Deserialize(error) = error else {
            return ApiError::bad_request("The query string is invalid.").into();
        };
        ApiError::bad_request(format!("The query string is invalid: {error}.")).into()
    })
}
