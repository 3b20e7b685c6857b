//! Tasks in the single table. Listings are served by an index per filter:
//! `gsi1` (every task), `gsi2` (by status), `gsi3` (by owner, optionally
//! filtered by status within that owner's partition). Never a scan.

use async_trait::async_trait;
use think_tank_core::domain::TaskId;

use super::item::*;
use super::keys::{self, Index, GSI1, GSI2, GSI3};
use super::{index_sk, start_after, DynamoStore};
use think_tank_core::domain::{Page, Task, TaskFilter, TaskStatus};
use think_tank_core::error::StoreResult;
use think_tank_core::ports::TaskStore;

/// The index that serves a filter, its partition, and any status left to filter on.
fn index_for(filter: &TaskFilter) -> (Index, String, Option<TaskStatus>) {
    match (&filter.owner_id, filter.status) {
        (Some(owner), status) => (GSI3, keys::tasks_of_owner(owner), status),
        (None, Some(status)) => (GSI2, keys::tasks_by_status(status), None),
        (None, None) => (GSI1, keys::TASKS.to_string(), None),
    }
}

fn task_to_item(t: &Task) -> Item {
    let mut item = keys::task(&t.id);
    item.extend([
        ("id".into(), s(&t.id)),
        ("title".into(), s(&t.title)),
        ("description".into(), s(&t.description)),
        ("status".into(), s(t.status.as_str())),
        ("owner_id".into(), s(&t.owner_id)),
        ("version".into(), n(t.version as i64)),
        ("created_at".into(), n(t.created_at)),
        ("updated_at".into(), n(t.updated_at)),
    ]);
    item.extend(keys::index_entry(GSI1, keys::TASKS, &t.id));
    item.extend(keys::index_entry(
        GSI2,
        &keys::tasks_by_status(t.status),
        &t.id,
    ));
    item.extend(keys::index_entry(
        GSI3,
        &keys::tasks_of_owner(&t.owner_id),
        &t.id,
    ));
    put_opt(&mut item, "assignee_id", &t.assignee_id);
    item
}

fn task_from_item(item: &Item) -> anyhow::Result<Task> {
    let status = require_s(item, "status")?;
    Ok(Task {
        id: require_s(item, "id")?.into(),
        title: require_s(item, "title")?,
        description: get_s(item, "description").unwrap_or_default(),
        status: TaskStatus::parse(&status)
            .map_err(|e| anyhow::anyhow!("status {status:?}: {e}"))?,
        assignee_id: get_s(item, "assignee_id").map(Into::into),
        owner_id: require_s(item, "owner_id")?.into(),
        version: require_n(item, "version")? as u64,
        created_at: require_time(item, "created_at")?,
        updated_at: require_time(item, "updated_at")?,
    })
}

#[async_trait]
impl TaskStore for DynamoStore {
    async fn create_task(&self, task: &Task) -> StoreResult<()> {
        self.put(task_to_item(task)).await
    }

    async fn task(&self, id: &TaskId) -> StoreResult<Option<Task>> {
        let item = self.get(keys::task(id)).await?;
        Ok(item.as_ref().map(task_from_item).transpose()?)
    }

    async fn update_task_if(&self, task: &Task, expected_version: u64) -> StoreResult<bool> {
        let values = [(":v".to_string(), n(expected_version as i64))].into();
        self.put_if(
            task_to_item(task),
            "attribute_exists(pk) AND version = :v",
            values,
        )
        .await
    }

    async fn delete_task(&self, id: &TaskId) -> StoreResult<Option<Task>> {
        let item = self.delete(keys::task(id)).await?;
        Ok(item.as_ref().map(task_from_item).transpose()?)
    }

    async fn list_tasks(
        &self,
        filter: &TaskFilter,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Page<Task>> {
        let (index, pk, status) = index_for(filter);
        let start = after.map(|id| start_after(keys::task(id), index, &pk, id));
        let mut req = self.query_index(index, &pk).set_exclusive_start_key(start);
        if let Some(status) = status {
            req = req
                .filter_expression("#status = :status")
                .expression_attribute_names("#status", "status")
                .expression_attribute_values(":status", s(status.as_str()));
        }
        let (items, next) = self.query_page(req, limit, index_sk(index)).await?;
        let items = items
            .iter()
            .map(task_from_item)
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(Page { items, next })
    }
}
