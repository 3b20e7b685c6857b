//! File records in the single table; one owner's files through `gsi3`. A
//! pending record carries a TTL and is ignored once expired, even before
//! DynamoDB deletes it; completing the upload removes the TTL.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::ReturnValue;
use think_tank_core::domain::UserId;

use super::item::*;
use super::keys::{self, GSI3, TTL};
use super::{index_sk, start_after, DynamoStore};
use think_tank_core::clock::UnixSecs;
use think_tank_core::domain::{FileRecord, FileStatus, Page};
use think_tank_core::error::StoreResult;
use think_tank_core::ports::FileStore;

fn file_to_item(f: &FileRecord) -> Item {
    let mut item = keys::file(&f.id);
    item.extend([
        ("id".into(), s(&f.id)),
        ("filename".into(), s(&f.filename)),
        ("content_type".into(), s(&f.content_type)),
        ("size".into(), n(f.size as i64)),
        ("status".into(), s(f.status.as_str())),
        ("owner_id".into(), s(&f.owner_id)),
        ("created_at".into(), n(f.created_at)),
        ("object_key".into(), s(&f.key)),
    ]);
    item.extend(keys::index_entry(
        GSI3,
        &keys::files_of_owner(&f.owner_id),
        &f.id,
    ));
    if let Some(exp) = f.expires_at {
        item.insert(TTL.into(), n(exp));
    }
    item
}

fn file_from_item(item: &Item) -> anyhow::Result<FileRecord> {
    let status = match require_s(item, "status")?.as_str() {
        "ready" => FileStatus::Ready,
        _ => FileStatus::Pending,
    };
    Ok(FileRecord {
        id: require_s(item, "id")?,
        filename: require_s(item, "filename")?,
        content_type: require_s(item, "content_type")?,
        size: require_n(item, "size")? as u64,
        status,
        owner_id: require_s(item, "owner_id")?.into(),
        created_at: require_time(item, "created_at")?,
        key: require_s(item, "object_key")?,
        expires_at: get_n(item, TTL).map(UnixSecs),
    })
}

#[async_trait]
impl FileStore for DynamoStore {
    async fn create_file(&self, file: &FileRecord) -> StoreResult<()> {
        self.put(file_to_item(file)).await
    }

    async fn file(&self, id: &str, now: UnixSecs) -> StoreResult<Option<FileRecord>> {
        let item = self.get(keys::file(id)).await?;
        let file = item.as_ref().map(file_from_item).transpose()?;
        Ok(file.filter(|f| f.is_live(now)))
    }

    async fn mark_file_ready(
        &self,
        id: &str,
        key: &str,
        now: UnixSecs,
    ) -> StoreResult<Option<FileRecord>> {
        let req = self
            .client()
            .update_item()
            .table_name(self.table())
            .set_key(Some(keys::file(id)))
            .update_expression("SET #status = :ready, object_key = :key REMOVE #ttl")
            .condition_expression("#status = :pending AND #ttl > :now")
            .expression_attribute_names("#status", "status")
            .expression_attribute_names("#ttl", TTL)
            .expression_attribute_values(":ready", s("ready"))
            .expression_attribute_values(":key", s(key))
            .expression_attribute_values(":pending", s("pending"))
            .expression_attribute_values(":now", n(now))
            .return_values(ReturnValue::AllNew);
        let item = self.update_if(req, "dynamodb complete file").await?;
        Ok(item.as_ref().map(file_from_item).transpose()?)
    }

    async fn delete_file(&self, id: &str) -> StoreResult<Option<FileRecord>> {
        let item = self.delete(keys::file(id)).await?;
        Ok(item.as_ref().map(file_from_item).transpose()?)
    }

    async fn files_of(
        &self,
        owner_id: &UserId,
        after: Option<&str>,
        limit: usize,
        now: UnixSecs,
    ) -> StoreResult<Page<FileRecord>> {
        let pk = keys::files_of_owner(owner_id);
        let start = after.map(|id| start_after(keys::file(id), GSI3, &pk, id));
        let req = self
            .query_index(GSI3, &pk)
            .filter_expression("attribute_not_exists(#ttl) OR #ttl > :now")
            .expression_attribute_names("#ttl", TTL)
            .expression_attribute_values(":now", n(now))
            .set_exclusive_start_key(start);
        let (items, next) = self.query_page(req, limit, index_sk(GSI3)).await?;
        let items = items
            .iter()
            .map(file_from_item)
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(Page { items, next })
    }
}
