//! File records in the single table; one owner's files through `gsi3`. A
//! pending record carries a TTL and is ignored once expired, even before
//! DynamoDB deletes it; completing the upload removes the TTL. Each user's
//! count of ready files moves in the same transaction as the file: up when
//! an upload completes (refused at the cap), down when a ready file goes.

use async_trait::async_trait;
use think_tank_core::domain::{Completion, UserId};

use super::item::*;
use super::keys::{self, GSI3, TTL};
use super::transact::{Tx, Write};
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
        file: &FileRecord,
        key: &str,
        now: UnixSecs,
        cap: u32,
    ) -> StoreResult<Completion> {
        let ready = Write::update(
            keys::file(&file.id),
            "SET #status = :ready, object_key = :key REMOVE #ttl",
        )
        .condition("#status = :pending AND #ttl > :now")
        .name("#status", "status")
        .name("#ttl", TTL)
        .value(":ready", s("ready"))
        .value(":key", s(key))
        .value(":pending", s("pending"))
        .value(":now", n(now));
        let tx = Tx::new()
            .with(ready)
            .with(count_change(&file.owner_id, 1, cap));
        Ok(match self.transact(tx, "dynamodb complete file").await? {
            None => Completion::Ready(file.ready_at(key)),
            Some(lost) if lost[0] => Completion::NotPending,
            Some(_) => Completion::Full,
        })
    }

    async fn delete_file(&self, file: &FileRecord) -> StoreResult<bool> {
        let mut status = file.status;
        // A pending file may become ready in between: then once more as ready.
        for _ in 0..2 {
            let delete = Write::delete(keys::file(&file.id))
                .condition("#status = :status")
                .name("#status", "status")
                .value(":status", s(status.as_str()));
            let mut tx = Tx::new().with(delete);
            if status == FileStatus::Ready {
                tx = tx.with(count_change(&file.owner_id, -1, 0));
            }
            if self.transact(tx, "dynamodb delete file").await?.is_none() {
                return Ok(true);
            }
            let Some(now) = self.get(keys::file(&file.id)).await? else {
                return Ok(false);
            };
            status = file_from_item(&now)?.status;
        }
        Ok(false)
    }

    async fn ready_files(&self, owner_id: &UserId) -> StoreResult<u32> {
        let count = self.get(keys::file_count(owner_id)).await?;
        Ok(count.and_then(|c| get_n(&c, "n")).unwrap_or(0).max(0) as u32)
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

/// One more (or one fewer) ready file for `owner`; one more is refused at `cap`.
fn count_change(owner: &UserId, delta: i64, cap: u32) -> Write {
    let write = Write::update(keys::file_count(owner), "ADD #n :delta")
        .name("#n", "n")
        .value(":delta", n(delta));
    match delta > 0 {
        true => write
            .condition("attribute_not_exists(#n) OR #n < :cap")
            .value(":cap", n(cap)),
        false => write,
    }
}
