//! Operations of the `sampleresources` tag.

use actix_web::http::header;
use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpRequest, HttpResponse};
use api::{ApiError, User};
use serde::{Deserialize, Serialize};

use crate::services::sampleresources::{
    Caller, Page, SampleResource, SampleResourceInput, SampleResourceService,
};

/// The paging query of `listSampleResources`.
#[derive(Debug, Deserialize)]
pub struct PageQuery {
    limit: Option<u32>,
    offset: Option<i64>,
}

/// One page of sample resources.
#[derive(Debug, Serialize)]
pub struct SampleResourcePage {
    items: Vec<SampleResource>,
    limit: u32,
    offset: i64,
}

/// Creates a sample resource owned by the caller.
#[tracing::instrument(skip_all, fields(subject = user.id()))]
pub async fn create_sample_resource(
    user: User,
    request: HttpRequest,
    input: Json<SampleResourceInput>,
    service: Data<SampleResourceService>,
) -> Result<HttpResponse, ApiError> {
    let input = input.into_inner();

    let created = service.create(user.id(), input).await?;

    let location = format!("{}/{}", request.path(), created.id);
    Ok(HttpResponse::Created().insert_header((header::LOCATION, location)).json(created))
}

/// Lists sample resources, oldest first, one page at a time.
#[tracing::instrument(skip_all)]
pub async fn list_sample_resources(
    query: Query<PageQuery>,
    service: Data<SampleResourceService>,
) -> Result<Json<SampleResourcePage>, ApiError> {
    let page = Page::new(query.limit, query.offset);

    let items = service.list(page).await?;

    Ok(Json(SampleResourcePage { items, limit: page.limit, offset: page.offset }))
}

/// Returns one sample resource.
#[tracing::instrument(skip_all, fields(id = *id))]
pub async fn get_sample_resource(
    id: Path<i64>,
    service: Data<SampleResourceService>,
) -> Result<Json<SampleResource>, ApiError> {
    let id = id.into_inner();

    let found = service.get(id).await?;

    Ok(Json(found))
}

/// Replaces the numbers of a sample resource.
#[tracing::instrument(skip_all, fields(subject = user.id(), id = *id))]
pub async fn update_sample_resource(
    user: User,
    id: Path<i64>,
    input: Json<SampleResourceInput>,
    service: Data<SampleResourceService>,
) -> Result<HttpResponse, ApiError> {
    let (id, input) = (id.into_inner(), input.into_inner());

    let updated = service.replace(&caller_of(&user), id, input).await?;

    Ok(HttpResponse::Accepted().json(updated))
}

/// Deletes a sample resource.
#[tracing::instrument(skip_all, fields(subject = user.id(), id = *id))]
pub async fn delete_sample_resource(
    user: User,
    id: Path<i64>,
    service: Data<SampleResourceService>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();

    service.delete(&caller_of(&user), id).await?;

    Ok(HttpResponse::NoContent().finish())
}

/// The realm role that may change anyone's resources.
const ADMIN_ROLE: &str = "admin";

fn caller_of(user: &User) -> Caller {
    Caller { id: user.id().to_owned(), is_admin: user.has_realm_role(ADMIN_ROLE) }
}
