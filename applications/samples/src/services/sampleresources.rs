//! Sample resources: two numbers, `a` and an optional `b`, with the id of
//! the user who created them.

use serde::{Deserialize, Serialize};

use crate::error::SamplesError;
use crate::store::Store;

/// A stored sample resource, as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SampleResource {
    /// Assigned by the store; never reused.
    pub id: i64,
    /// The required number.
    pub a: f64,
    /// The optional number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub b: Option<f64>,
    /// The subject id of the user who created it.
    pub created_by: String,
}

/// What a client sends to create or replace a resource.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SampleResourceInput {
    /// The required number.
    pub a: f64,
    /// The optional number; absent clears it on replace.
    #[serde(default)]
    pub b: Option<f64>,
}

/// A window on the resources, oldest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Page {
    /// At most this many, 1 to [`Page::MAX_LIMIT`].
    pub limit: u32,
    /// Skipping this many.
    pub offset: i64,
}

impl Page {
    /// The page size when none is asked for.
    pub const DEFAULT_LIMIT: u32 = 20;
    /// The largest page size.
    pub const MAX_LIMIT: u32 = 100;

    /// A page of `limit` (default 20, at most 100) after `offset` (default 0).
    pub fn new(limit: Option<u32>, offset: Option<i64>) -> Self {
        let limit = limit.unwrap_or(Self::DEFAULT_LIMIT).clamp(1, Self::MAX_LIMIT);
        Self { limit, offset: offset.unwrap_or(0).max(0) }
    }
}

/// Who asks for a change: the token's subject, and whether it holds the
/// realm role that may change anyone's resources.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The subject id.
    pub id: String,
    /// Whether the caller is an administrator.
    pub is_admin: bool,
}

impl Caller {
    fn may_change(&self, resource: &SampleResource) -> bool {
        self.is_admin || resource.created_by == self.id
    }
}

/// Creates, reads, replaces and deletes sample resources.
#[derive(Debug, Clone)]
pub struct SampleResourceService {
    store: Store,
}

impl SampleResourceService {
    /// A service over `store`.
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    /// Stores a new resource created by user `creator`.
    #[tracing::instrument(skip_all, fields(created_by = creator, id = tracing::field::Empty))]
    pub async fn create(
        &self,
        creator: &str,
        input: SampleResourceInput,
    ) -> Result<SampleResource, SamplesError> {
        let created = self.store.insert_sample_resource(&input, creator).await?;
        tracing::Span::current().record("id", created.id);
        Ok(created)
    }

    /// The resource `id`.
    #[tracing::instrument(skip_all, fields(id = id))]
    pub async fn get(&self, id: i64) -> Result<SampleResource, SamplesError> {
        let found = self.store.find_sample_resource(id).await?;
        found.ok_or(SamplesError::SampleResourceNotFound { id })
    }

    /// One page of resources.
    #[tracing::instrument(skip_all, fields(limit = page.limit, offset = page.offset))]
    pub async fn list(&self, page: Page) -> Result<Vec<SampleResource>, SamplesError> {
        self.store.list_sample_resources(page).await
    }

    /// Replaces the numbers of resource `id`; its creator stays. Only the
    /// creator or an administrator may.
    #[tracing::instrument(skip_all, fields(id = id))]
    pub async fn replace(
        &self,
        caller: &Caller,
        id: i64,
        input: SampleResourceInput,
    ) -> Result<SampleResource, SamplesError> {
        self.check_owner(caller, id).await?;
        let updated = self.store.update_sample_resource(id, &input).await?;
        updated.ok_or(SamplesError::SampleResourceNotFound { id })
    }

    /// Deletes resource `id`. Only the creator or an administrator may.
    #[tracing::instrument(skip_all, fields(id = id))]
    pub async fn delete(&self, caller: &Caller, id: i64) -> Result<(), SamplesError> {
        self.check_owner(caller, id).await?;
        if self.store.delete_sample_resource(id).await? {
            Ok(())
        } else {
            Err(SamplesError::SampleResourceNotFound { id })
        }
    }
}

impl SampleResourceService {
    async fn check_owner(&self, caller: &Caller, id: i64) -> Result<(), SamplesError> {
        let found = self.get(id).await?;
        if caller.may_change(&found) {
            Ok(())
        } else {
            Err(SamplesError::NotOwner { id })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_defaults_to_twenty_from_the_start() {
        assert_eq!(Page::new(None, None), Page { limit: 20, offset: 0 });
    }

    #[test]
    fn a_page_never_exceeds_its_bounds() {
        assert_eq!(Page::new(Some(1000), Some(-3)), Page { limit: 100, offset: 0 });
        assert_eq!(Page::new(Some(0), None).limit, 1);
    }

    #[actix_web::test]
    async fn a_created_resource_reads_back_with_its_creator() {
        let service = SampleResourceService::new(Store::in_memory());
        let input = SampleResourceInput { a: 1.5, b: None };

        let created = service.create("user-1", input).await.unwrap();
        let read = service.get(created.id).await.unwrap();

        assert_eq!(read, created);
        assert_eq!(read.created_by, "user-1");
    }

    #[actix_web::test]
    async fn replacing_a_missing_resource_is_not_found() {
        let service = SampleResourceService::new(Store::in_memory());
        let input = SampleResourceInput { a: 1.0, b: Some(2.0) };

        let error = service.replace(&caller("u", false), 42, input).await.unwrap_err();

        assert!(matches!(error, SamplesError::SampleResourceNotFound { id: 42 }));
    }

    #[actix_web::test]
    async fn a_deleted_resource_is_gone_and_its_id_not_reused() {
        let service = SampleResourceService::new(Store::in_memory());
        let input = SampleResourceInput { a: 1.0, b: None };
        let first = service.create("u", input.clone()).await.unwrap();

        service.delete(&caller("u", false), first.id).await.unwrap();
        let second = service.create("u", input).await.unwrap();

        assert!(service.get(first.id).await.is_err());
        assert!(second.id > first.id);
    }

    fn caller(id: &str, is_admin: bool) -> Caller {
        Caller { id: id.to_owned(), is_admin }
    }

    #[actix_web::test]
    async fn only_the_creator_or_an_administrator_may_change_a_resource() {
        let service = SampleResourceService::new(Store::in_memory());
        let input = SampleResourceInput { a: 1.0, b: None };
        let created = service.create("owner", input.clone()).await.unwrap();

        let stranger = service.replace(&caller("other", false), created.id, input.clone()).await;
        let refused = service.delete(&caller("other", false), created.id).await;
        let admin = service.replace(&caller("admin", true), created.id, input).await;

        assert!(matches!(stranger, Err(SamplesError::NotOwner { .. })));
        assert!(matches!(refused, Err(SamplesError::NotOwner { .. })));
        assert_eq!(admin.unwrap().created_by, "owner");
        service.delete(&caller("owner", false), created.id).await.unwrap();
    }
}
