//! The `sample_resources` table.

use crate::error::SamplesError;
use crate::services::sampleresources::{Page, SampleResource, SampleResourceInput};
use crate::store::{with_pool, Store};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    a: f64,
    b: Option<f64>,
    created_by: String,
}

impl From<Row> for SampleResource {
    fn from(row: Row) -> Self {
        Self { id: row.id, a: row.a, b: row.b, created_by: row.created_by }
    }
}

impl Store {
    /// Inserts a resource and returns it with its new id.
    #[tracing::instrument(skip_all)]
    pub async fn insert_sample_resource(
        &self,
        input: &SampleResourceInput,
        created_by: &str,
    ) -> Result<SampleResource, SamplesError> {
        let sql = "INSERT INTO sample_resources (a, b, created_by) VALUES ($1, $2, $3) \
                   RETURNING id, a, b, created_by";
        let row: Row = with_pool!(self, pool => {
            sqlx::query_as(sql)
                .bind(input.a).bind(input.b).bind(created_by)
                .fetch_one(pool).await
        })
        .map_err(SamplesError::StoreUnavailable)?;
        Ok(row.into())
    }

    /// The resource with this id, if any.
    #[tracing::instrument(skip_all, fields(id = id))]
    pub async fn find_sample_resource(
        &self,
        id: i64,
    ) -> Result<Option<SampleResource>, SamplesError> {
        let sql = "SELECT id, a, b, created_by FROM sample_resources WHERE id = $1";
        let row: Option<Row> = with_pool!(self, pool => {
            sqlx::query_as(sql).bind(id).fetch_optional(pool).await
        })
        .map_err(SamplesError::StoreUnavailable)?;
        Ok(row.map(SampleResource::from))
    }

    /// One page of resources, oldest first.
    #[tracing::instrument(skip_all, fields(limit = page.limit, offset = page.offset))]
    pub async fn list_sample_resources(
        &self,
        page: Page,
    ) -> Result<Vec<SampleResource>, SamplesError> {
        let sql = "SELECT id, a, b, created_by FROM sample_resources \
                   ORDER BY id LIMIT $1 OFFSET $2";
        let limit = i64::from(page.limit);
        let rows: Vec<Row> = with_pool!(self, pool => {
            sqlx::query_as(sql)
                .bind(limit).bind(page.offset)
                .fetch_all(pool).await
        })
        .map_err(SamplesError::StoreUnavailable)?;
        Ok(rows.into_iter().map(SampleResource::from).collect())
    }

    /// Replaces the numbers of resource `id`; `None` if there is none.
    #[tracing::instrument(skip_all, fields(id = id))]
    pub async fn update_sample_resource(
        &self,
        id: i64,
        input: &SampleResourceInput,
    ) -> Result<Option<SampleResource>, SamplesError> {
        let sql = "UPDATE sample_resources SET a = $1, b = $2 WHERE id = $3 \
                   RETURNING id, a, b, created_by";
        let row: Option<Row> = with_pool!(self, pool => {
            sqlx::query_as(sql)
                .bind(input.a).bind(input.b).bind(id)
                .fetch_optional(pool).await
        })
        .map_err(SamplesError::StoreUnavailable)?;
        Ok(row.map(SampleResource::from))
    }

    /// Deletes resource `id`; whether there was one.
    #[tracing::instrument(skip_all, fields(id = id))]
    pub async fn delete_sample_resource(&self, id: i64) -> Result<bool, SamplesError> {
        let sql = "DELETE FROM sample_resources WHERE id = $1";
        let deleted = with_pool!(self, pool => {
            sqlx::query(sql).bind(id).execute(pool).await.map(|done| done.rows_affected())
        })
        .map_err(SamplesError::StoreUnavailable)?;
        Ok(deleted > 0)
    }
}
