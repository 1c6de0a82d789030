//! The greeting operation of the `samples` tag.

use actix_web::web::Json;
use api::User;
use serde::Serialize;

/// What `getGreeting` answers.
#[derive(Debug, Serialize)]
pub struct Greeting {
    message: String,
}

/// Greets the caller by name.
#[tracing::instrument(skip_all, fields(subject = user.id()))]
pub async fn get_greeting(user: User) -> Json<Greeting> {
    let message = format!("Hello, {}!", user.username());

    Json(Greeting { message })
}
