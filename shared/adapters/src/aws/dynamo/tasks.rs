//! Tasks in the single table, each in its workspace's partition. A listing
//! reads that partition newest first, or an index partition of that
//! workspace for a filter: `gsi1` by status, `gsi2` by owner, `gsi3` by
//! assignee; whatever the chosen key does not cover is filtered within it.
//! Never a scan, and no key shared by two workspaces.

use async_trait::async_trait;
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use think_tank_core::domain::{TaskId, WorkspaceId};

use super::item::*;
use super::keys::{self, Index, GSI1, GSI2, GSI3};
use super::{index_sk, start_after, DynamoStore};
use think_tank_core::domain::{Page, Task, TaskFilter, TaskStatus};
use think_tank_core::error::StoreResult;
use think_tank_core::ports::TaskStore;

/// The index that serves a filter and its partition; `None`: the base table.
fn index_for(ws: &str, filter: &TaskFilter) -> Option<(Index, String)> {
    if let Some(owner) = &filter.owner_id {
        Some((GSI2, keys::tasks_of_owner(ws, owner)))
    } else if let Some(assignee) = &filter.assignee_id {
        Some((GSI3, keys::tasks_of_assignee(ws, assignee)))
    } else {
        filter
            .status
            .map(|status| (GSI1, keys::tasks_by_status(ws, status)))
    }
}

/// The conditions the index (or the base table) leaves to a filter.
fn remaining(filter: &TaskFilter, index: Option<Index>) -> Vec<(&'static str, String)> {
    let by = |i: Index| index.is_some_and(|x| x.name == i.name);
    let mut left = Vec::new();
    if let Some(status) = filter.status.filter(|_| !by(GSI1)) {
        left.push(("status", status.as_str().to_string()));
    }
    if let Some(a) = filter.assignee_id.as_ref().filter(|_| !by(GSI3)) {
        left.push(("assignee_id", a.to_string()));
    }
    left
}

fn with_filter(mut req: QueryFluentBuilder, left: &[(&'static str, String)]) -> QueryFluentBuilder {
    if left.is_empty() {
        return req;
    }
    let mut conditions = Vec::new();
    for (n, (name, value)) in left.iter().enumerate() {
        conditions.push(format!("#f{n} = :f{n}"));
        req = req
            .expression_attribute_names(format!("#f{n}"), *name)
            .expression_attribute_values(format!(":f{n}"), s(value));
    }
    req.filter_expression(conditions.join(" AND "))
}

fn task_to_item(t: &Task) -> Item {
    let ws = t.workspace_id.as_str();
    let mut item = keys::task(ws, &t.id);
    item.extend([
        ("id".into(), s(&t.id)),
        ("workspace_id".into(), s(ws)),
        ("title".into(), s(&t.title)),
        ("description".into(), s(&t.description)),
        ("status".into(), s(t.status.as_str())),
        ("owner_id".into(), s(&t.owner_id)),
        ("version".into(), n(t.version as i64)),
        ("created_at".into(), n(t.created_at)),
        ("updated_at".into(), n(t.updated_at)),
    ]);
    let by_status = keys::tasks_by_status(ws, t.status);
    item.extend(keys::index_entry(GSI1, &by_status, &t.id));
    let by_owner = keys::tasks_of_owner(ws, &t.owner_id);
    item.extend(keys::index_entry(GSI2, &by_owner, &t.id));
    if let Some(assignee) = &t.assignee_id {
        let by_assignee = keys::tasks_of_assignee(ws, assignee);
        item.extend(keys::index_entry(GSI3, &by_assignee, &t.id));
    }
    put_opt(&mut item, "assignee_id", &t.assignee_id);
    item
}

pub(super) fn task_from_item(item: &Item) -> anyhow::Result<Task> {
    let status = require_s(item, "status")?;
    Ok(Task {
        id: require_s(item, "id")?.into(),
        workspace_id: require_s(item, "workspace_id")?.into(),
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

    async fn task(&self, workspace: &WorkspaceId, id: &TaskId) -> StoreResult<Option<Task>> {
        let item = self.get(keys::task(workspace, id)).await?;
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

    async fn delete_task(&self, workspace: &WorkspaceId, id: &TaskId) -> StoreResult<Option<Task>> {
        let item = self.delete(keys::task(workspace, id)).await?;
        Ok(item.as_ref().map(task_from_item).transpose()?)
    }

    async fn list_tasks(
        &self,
        workspace: &WorkspaceId,
        filter: &TaskFilter,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Page<Task>> {
        let found = index_for(workspace, filter);
        let left = remaining(filter, found.as_ref().map(|(i, _)| *i));
        let (req, position): (_, Box<dyn Fn(&Item) -> Option<String> + Send + Sync>) = match found {
            Some((index, pk)) => {
                let start = after.map(|id| start_after(keys::task(workspace, id), index, &pk, id));
                let req = self.query_index(index, &pk).set_exclusive_start_key(start);
                (req, Box::new(index_sk(index)))
            }
            None => (
                self.partition_newest_first(workspace, after),
                Box::new(task_position),
            ),
        };
        let (items, next) = self
            .query_page(with_filter(req, &left), limit, position)
            .await?;
        let items = items
            .iter()
            .map(task_from_item)
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(Page { items, next })
    }
}

impl DynamoStore {
    /// The workspace's own partition, its tasks newest first.
    fn partition_newest_first(
        &self,
        workspace: &WorkspaceId,
        after: Option<&str>,
    ) -> QueryFluentBuilder {
        let (pk, prefix) = keys::tasks_of(workspace);
        let start = after.map(|id| keys::task(workspace, id));
        self.query()
            .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
            .expression_attribute_values(":pk", s(pk))
            .expression_attribute_values(":prefix", s(prefix))
            .scan_index_forward(false)
            .set_exclusive_start_key(start)
    }
}

fn task_position(item: &Item) -> Option<String> {
    get_s(item, "id")
}
