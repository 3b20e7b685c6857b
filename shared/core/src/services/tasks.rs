//! A workspace's task board: workspace roles, optimistic concurrency on
//! `version`, and an email to whoever a task is assigned to.

use crate::domain::{Membership, TaskId, UserId, WorkspaceId, WorkspaceRole};
use crate::error::{ApiError, TaskError};
use std::time::Duration;

use futures::TryFutureExt;

use crate::app::{Absent, Core, Mail};
use crate::clock::UnixMillis;
use crate::domain::{Page, Task, TaskFilter, TaskStatus, UserRecord, Versions};
use crate::email::{EmailJob, EmailKind};
use crate::services::workspaces::{enter_with, require};
use crate::{Caller, Claim};
use WorkspaceRole::Editor;

/// How often an update without `If-Match` retries after losing a race.
const UPDATE_ATTEMPTS: usize = 64;

pub struct NewTask {
    pub title: String,
    pub description: String,
    pub status: TaskStatus,
    pub assignee_id: Option<UserId>,
}

/// `assignee_id: Some(None)` clears the assignee; `None` leaves a field as it is.
#[derive(Default)]
pub struct TaskChanges {
    pub title: Option<String>,
    pub description: Option<String>,
    pub status: Option<TaskStatus>,
    pub assignee_id: Option<Option<UserId>>,
}

/// The task board. Its changes reach sockets through the change feed
/// (`services::fanout`), never from the request.
#[derive(Clone, Copy)]
pub struct Tasks<'a, M = Absent> {
    pub(super) core: &'a Core,
    pub(super) mail: M,
}

crate::service!(Tasks { mail: M });

impl<M> Tasks<'_, M> {
    /// `GET /v1/workspaces/{ws}/tasks/{id}`: any member.
    pub async fn read_task(
        &self,
        claim: Claim,
        ws: &WorkspaceId,
        id: &TaskId,
    ) -> Result<Task, ApiError> {
        let read = self.core.store.task(ws, id).map_err(ApiError::from);
        let (.., task) = enter_with(self.core, claim, ws, read).await?;
        task.ok_or(ApiError::Task(TaskError::NotFound))
    }

    /// `GET /v1/workspaces/{ws}/tasks`: any member; newest first.
    pub async fn list_tasks(
        &self,
        claim: Claim,
        ws: &WorkspaceId,
        filter: &TaskFilter,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<Task>, ApiError> {
        let read = self.core.store.list_tasks(ws, filter, after, limit);
        let (.., page) = enter_with(self.core, claim, ws, read.map_err(ApiError::from)).await?;
        Ok(page)
    }

    async fn task_or_404(&self, ws: &WorkspaceId, id: &TaskId) -> Result<Task, ApiError> {
        self.core
            .store
            .task(ws, id)
            .await?
            .ok_or(ApiError::Task(TaskError::NotFound))
    }

    /// The assignee, who must be a member of the workspace.
    async fn member_to_assign(
        &self,
        ws: &WorkspaceId,
        assignee_id: Option<&UserId>,
    ) -> Result<Option<UserRecord>, ApiError> {
        let Some(id) = assignee_id else {
            return Ok(None);
        };
        let store = &self.core.store;
        let (membership, user) = tokio::try_join!(store.membership(ws, id), store.user_by_id(id))?;
        match membership.and(user) {
            Some(user) => Ok(Some(user)),
            None => Err(ApiError::field(
                "assignee_id",
                "is not a member of the workspace",
            )),
        }
    }
}

impl Tasks<'_, Mail<'_>> {
    /// `POST /v1/workspaces/{ws}/tasks`: editors and up; the caller owns it.
    pub async fn create_task(
        &self,
        claim: Claim,
        ws: &WorkspaceId,
        input: NewTask,
    ) -> Result<Task, ApiError> {
        let assignee = self.member_to_assign(ws, input.assignee_id.as_ref());
        let (caller, membership, _, assignee) = enter_with(self.core, claim, ws, assignee).await?;
        require(&membership, Editor)?;
        let now = self.core.clock.now_ms();
        let task = Task {
            id: TaskId::generate(),
            workspace_id: ws.clone(),
            title: input.title,
            description: input.description,
            status: input.status,
            assignee_id: input.assignee_id,
            owner_id: caller.user_id().clone(),
            version: 1,
            created_at: now,
            updated_at: now,
        };
        self.core.store.create_task(&task).await?;
        if let Some(assignee) = assignee {
            self.core
                .after_commit(
                    "assignment email",
                    self.notify_assignee(&caller, &assignee, &task),
                )
                .await;
        }
        Ok(task)
    }

    /// Applies the changes with a conditional write on `version`: with `If-Match`
    /// a lost race is `412`; without it the update is re-applied to the newer
    /// version, so concurrent updates never lose a write.
    pub async fn update_task(
        &self,
        claim: Claim,
        ws: &WorkspaceId,
        id: &TaskId,
        changes: TaskChanges,
        expected: Versions,
    ) -> Result<Task, ApiError> {
        let new_assignee = changes.assignee_id.clone().flatten();
        let reads = futures::future::try_join(
            self.member_to_assign(ws, new_assignee.as_ref()),
            self.task_or_404(ws, id),
        );
        let (caller, membership, _, (assignee, mut current)) =
            enter_with(self.core, claim, ws, reads).await?;
        for _ in 0..UPDATE_ATTEMPTS {
            check_may_update(&caller, &membership, &current)?;
            if !expected.allow(current.version) {
                return Err(TaskError::Stale.into());
            }
            let next = apply(&current, &changes, self.core.clock.now_ms());
            if self
                .core
                .store
                .update_task_if(&next, current.version)
                .await?
            {
                if let Some(assignee) = assignee.filter(|_| current.assignee_id != next.assignee_id)
                {
                    let email = self.notify_assignee(&caller, &assignee, &next);
                    self.core.after_commit("assignment email", email).await;
                }
                return Ok(next);
            }
            if expected.is_specific() {
                return Err(TaskError::Stale.into());
            }
            tokio::time::sleep(Duration::from_millis(rand::random_range(0..5))).await;
            current = self.task_or_404(ws, id).await?;
        }
        Err(ApiError::Task(TaskError::Contended))
    }
}

impl Tasks<'_, Mail<'_>> {
    async fn notify_assignee(
        &self,
        caller: &Caller,
        assignee: &UserRecord,
        task: &Task,
    ) -> Result<(), ApiError> {
        let assigned_by = match self.core.store.user_by_id(caller.user_id()).await? {
            Some(record) => record.user.name,
            None => "Someone".to_string(),
        };
        let kind = EmailKind::TaskAssigned {
            name: assignee.user.name.clone(),
            workspace_id: task.workspace_id.to_string(),
            task_id: task.id.to_string(),
            task_title: task.title.clone(),
            assigned_by,
        };
        self.mail
            .queue_email(&EmailJob::new(&assignee.user.email, kind))
            .await
    }
}

impl<M> Tasks<'_, M> {
    /// `DELETE /v1/workspaces/{ws}/tasks/{id}`: admins and owners.
    pub async fn delete_task(
        &self,
        claim: Claim,
        ws: &WorkspaceId,
        id: &TaskId,
    ) -> Result<Task, ApiError> {
        let read = self.task_or_404(ws, id);
        let (_, membership, _, task) = enter_with(self.core, claim, ws, read).await?;
        require(&membership, WorkspaceRole::Admin)?;
        // Gone by the time it is deleted (a retry of this very delete that
        // landed, or a parallel one): deleted all the same.
        Ok(self.core.store.delete_task(ws, id).await?.unwrap_or(task))
    }
}

/// Editors update the tasks they own or are assigned to; admins and owners
/// update any.
fn check_may_update(caller: &Caller, membership: &Membership, task: &Task) -> Result<(), ApiError> {
    require(membership, Editor)?;
    let involved =
        task.owner_id == caller.user_id() || task.assignee_id.as_ref() == Some(caller.user_id());
    if membership.role.at_least(WorkspaceRole::Admin) || involved {
        Ok(())
    } else {
        Err(ApiError::Task(TaskError::NotOwner))
    }
}

fn apply(current: &Task, changes: &TaskChanges, now_ms: UnixMillis) -> Task {
    let mut next = current.clone();
    if let Some(title) = &changes.title {
        next.title = title.clone();
    }
    if let Some(description) = &changes.description {
        next.description = description.clone();
    }
    if let Some(status) = changes.status {
        next.status = status;
    }
    if let Some(assignee) = &changes.assignee_id {
        next.assignee_id = assignee.clone();
    }
    next.version = current.version + 1;
    next.updated_at = now_ms;
    next
}
