//! Tasks, files and WebSocket connections.

use async_trait::async_trait;
use think_tank_core::domain::{TaskId, UserId, WorkspaceId};

use super::{lock, page_desc, MemoryStore};
use think_tank_core::clock::UnixSecs;
use think_tank_core::domain::{
    Completion, Connection, FileRecord, FileStatus, Page, Task, TaskFilter,
};
use think_tank_core::error::StoreResult;
use think_tank_core::ports::{ConnectionStore, FileStore, Probe, TaskStore};
use think_tank_core::services::fanout::Change;
use think_tank_core::services::realtime::TaskEvent;

impl MemoryStore {
    /// A deleted workspace's tasks, gone with it (their removals on the
    /// feed, as a purge's deletes are on the table's stream).
    pub(super) fn purge_tasks(&self, workspace: &WorkspaceId) {
        let mut tasks = lock(&self.tasks);
        let gone: Vec<TaskId> = tasks
            .values()
            .filter(|t| t.workspace_id == *workspace)
            .map(|t| t.id.clone())
            .collect();
        for id in gone {
            if let Some(task) = tasks.remove(&id) {
                self.feed.publish(Change::Task(TaskEvent::Deleted, task));
            }
        }
    }
}

#[async_trait]
impl TaskStore for MemoryStore {
    async fn create_task(&self, task: &Task) -> StoreResult<()> {
        let mut tasks = lock(&self.tasks);
        tasks.insert(task.id.clone(), task.clone());
        self.feed
            .publish(Change::Task(TaskEvent::Created, task.clone()));
        Ok(())
    }

    async fn task(&self, workspace: &WorkspaceId, id: &TaskId) -> StoreResult<Option<Task>> {
        let tasks = lock(&self.tasks);
        Ok(tasks
            .get(id)
            .filter(|t| t.workspace_id == *workspace)
            .cloned())
    }

    async fn update_task_if(&self, task: &Task, expected_version: u64) -> StoreResult<bool> {
        let mut tasks = lock(&self.tasks);
        match tasks.get_mut(&task.id) {
            Some(current)
                if current.workspace_id == task.workspace_id
                    && current.version == expected_version =>
            {
                *current = task.clone();
                self.feed
                    .publish(Change::Task(TaskEvent::Updated, task.clone()));
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn delete_task(&self, workspace: &WorkspaceId, id: &TaskId) -> StoreResult<Option<Task>> {
        let mut tasks = lock(&self.tasks);
        match tasks.get(id) {
            Some(t) if t.workspace_id == *workspace => {
                let removed = tasks.remove(id);
                if let Some(task) = &removed {
                    self.feed
                        .publish(Change::Task(TaskEvent::Deleted, task.clone()));
                }
                Ok(removed)
            }
            _ => Ok(None),
        }
    }

    async fn list_tasks(
        &self,
        workspace: &WorkspaceId,
        filter: &TaskFilter,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Page<Task>> {
        let tasks = lock(&self.tasks);
        let matching = tasks
            .iter()
            .filter(|(_, t)| t.workspace_id == *workspace && filter.matches(t));
        Ok(page_desc(matching, Task::clone, after, limit))
    }
}

#[async_trait]
impl FileStore for MemoryStore {
    async fn create_file(&self, file: &FileRecord) -> StoreResult<()> {
        lock(&self.files).insert(file.id.clone(), file.clone());
        Ok(())
    }

    async fn file(&self, id: &str, now: UnixSecs) -> StoreResult<Option<FileRecord>> {
        Ok(lock(&self.files)
            .get(id)
            .filter(|f| f.is_live(now))
            .cloned())
    }

    async fn mark_file_ready(
        &self,
        file: &FileRecord,
        key: &str,
        now: UnixSecs,
        cap: u32,
    ) -> StoreResult<Completion> {
        let mut files = lock(&self.files);
        let kept = files
            .values()
            .filter(|f| f.owner_id == file.owner_id && f.status == FileStatus::Ready)
            .count();
        match files.get_mut(&file.id) {
            Some(f) if f.status == FileStatus::Pending && f.is_live(now) => {
                if kept >= cap as usize {
                    return Ok(Completion::Full);
                }
                *f = f.ready_at(key);
                Ok(Completion::Ready(f.clone()))
            }
            _ => Ok(Completion::NotPending),
        }
    }

    async fn delete_file(&self, file: &FileRecord) -> StoreResult<bool> {
        Ok(lock(&self.files).remove(&file.id).is_some())
    }

    async fn ready_files(&self, owner_id: &UserId) -> StoreResult<u32> {
        let files = lock(&self.files);
        let ready = files
            .values()
            .filter(|f| f.owner_id == *owner_id && f.status == FileStatus::Ready);
        Ok(ready.count() as u32)
    }

    async fn files_of(
        &self,
        owner_id: &UserId,
        after: Option<&str>,
        limit: usize,
        now: UnixSecs,
    ) -> StoreResult<Page<FileRecord>> {
        let files = lock(&self.files);
        let mine = files
            .iter()
            .filter(|(_, f)| f.owner_id == owner_id && f.is_live(now));
        Ok(page_desc(mine, FileRecord::clone, after, limit))
    }
}

#[async_trait]
impl ConnectionStore for MemoryStore {
    async fn put_connection(&self, connection: &Connection) -> StoreResult<()> {
        lock(&self.connections).insert(connection.id.clone(), connection.clone());
        Ok(())
    }

    async fn connection(&self, id: &str, now: UnixSecs) -> StoreResult<Option<Connection>> {
        Ok(lock(&self.connections)
            .get(id)
            .filter(|c| now < c.expires_at)
            .cloned())
    }

    async fn delete_connection(&self, id: &str) -> StoreResult<()> {
        lock(&self.connections).remove(id);
        Ok(())
    }

    async fn connections_of(
        &self,
        user_id: &UserId,
        now: UnixSecs,
    ) -> StoreResult<Vec<Connection>> {
        let all = lock(&self.connections);
        Ok(all
            .values()
            .filter(|c| c.user_id == user_id && now < c.expires_at)
            .cloned()
            .collect())
    }
}

#[async_trait]
impl Probe for MemoryStore {
    async fn ping(&self) -> StoreResult<()> {
        Ok(())
    }
}
