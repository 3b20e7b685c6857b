//! Tasks in the single table. Listings are served by an index per filter:
//! `gsi1` (every task), `gsi2` (by status), `gsi3` (by owner, optionally
//! filtered by status within that owner's partition). Never a scan.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::ReturnValue;

use super::dynamo::DynamoStore;
use super::item::*;
use super::sdk_error;
use crate::domain::{Page, Task, TaskFilter, TaskStatus};
use crate::error::StoreResult;
use crate::ports::TaskStore;

fn task_key(id: &str) -> Item {
    key(format!("TASK#{id}"), "TASK")
}

/// The index that serves a filter, its partition key value and attribute names.
struct IndexChoice {
    name: &'static str,
    pk_attr: &'static str,
    sk_attr: &'static str,
    pk: String,
    status_filter: Option<TaskStatus>,
}

fn index_for(filter: &TaskFilter) -> IndexChoice {
    match (&filter.owner_id, filter.status) {
        (Some(owner), status) => IndexChoice {
            name: "gsi3",
            pk_attr: "gsi3pk",
            sk_attr: "gsi3sk",
            pk: format!("TASKS#OWNER#{owner}"),
            status_filter: status,
        },
        (None, Some(status)) => IndexChoice {
            name: "gsi2",
            pk_attr: "gsi2pk",
            sk_attr: "gsi2sk",
            pk: format!("TASKS#STATUS#{}", status.as_str()),
            status_filter: None,
        },
        (None, None) => IndexChoice {
            name: "gsi1",
            pk_attr: "gsi1pk",
            sk_attr: "gsi1sk",
            pk: "TASKS".into(),
            status_filter: None,
        },
    }
}

fn task_to_item(t: &Task) -> Item {
    let mut item = task_key(&t.id);
    item.extend([
        ("id".into(), s(&t.id)),
        ("title".into(), s(&t.title)),
        ("description".into(), s(&t.description)),
        ("status".into(), s(t.status.as_str())),
        ("owner_id".into(), s(&t.owner_id)),
        ("version".into(), n(t.version as i64)),
        ("created_at".into(), n(t.created_at)),
        ("updated_at".into(), n(t.updated_at)),
        ("gsi1pk".into(), s("TASKS")),
        ("gsi1sk".into(), s(&t.id)),
        (
            "gsi2pk".into(),
            s(format!("TASKS#STATUS#{}", t.status.as_str())),
        ),
        ("gsi2sk".into(), s(&t.id)),
        ("gsi3pk".into(), s(format!("TASKS#OWNER#{}", t.owner_id))),
        ("gsi3sk".into(), s(&t.id)),
    ]);
    put_opt(&mut item, "assignee_id", &t.assignee_id);
    item
}

fn task_from_item(item: &Item) -> anyhow::Result<Task> {
    let status = require_s(item, "status")?;
    Ok(Task {
        id: require_s(item, "id")?,
        title: require_s(item, "title")?,
        description: get_s(item, "description").unwrap_or_default(),
        status: TaskStatus::parse(&status)
            .map_err(|e| anyhow::anyhow!("status {status:?}: {e}"))?,
        assignee_id: get_s(item, "assignee_id"),
        owner_id: require_s(item, "owner_id")?,
        version: require_n(item, "version")? as u64,
        created_at: require_n(item, "created_at")?,
        updated_at: require_n(item, "updated_at")?,
    })
}

#[async_trait]
impl TaskStore for DynamoStore {
    async fn create_task(&self, task: &Task) -> StoreResult<()> {
        self.put(task_to_item(task)).await
    }

    async fn task(&self, id: &str) -> StoreResult<Option<Task>> {
        let item = self.get(task_key(id)).await?;
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

    async fn delete_task(&self, id: &str) -> StoreResult<Option<Task>> {
        let out = self
            .client()
            .delete_item()
            .table_name(self.table())
            .set_key(Some(task_key(id)))
            .return_values(ReturnValue::AllOld)
            .send()
            .await
            .map_err(|e| sdk_error("dynamodb delete task", e))?;
        Ok(out.attributes.as_ref().map(task_from_item).transpose()?)
    }

    async fn list_tasks(
        &self,
        filter: &TaskFilter,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Page<Task>> {
        let index = index_for(filter);
        let start = after.map(|id| {
            let mut k = task_key(id);
            k.insert(index.pk_attr.into(), s(&index.pk));
            k.insert(index.sk_attr.into(), s(id));
            k
        });
        let mut req = self
            .client()
            .query()
            .table_name(self.table())
            .index_name(index.name)
            .key_condition_expression(format!("{} = :pk", index.pk_attr))
            .expression_attribute_values(":pk", s(&index.pk))
            .scan_index_forward(false)
            .limit(limit as i32)
            .set_exclusive_start_key(start);
        if let Some(status) = index.status_filter {
            req = req
                .filter_expression("#status = :status")
                .expression_attribute_names("#status", "status")
                .expression_attribute_values(":status", s(status.as_str()));
        }
        let out = req
            .send()
            .await
            .map_err(|e| sdk_error("dynamodb list tasks", e))?;
        let items = out
            .items()
            .iter()
            .map(task_from_item)
            .collect::<anyhow::Result<Vec<_>>>()?;
        let next = out
            .last_evaluated_key()
            .and_then(|k| get_s(k, index.sk_attr));
        Ok(Page { items, next })
    }
}
