//! The task board: RBAC, validation, optimistic concurrency on `version`, and
//! an email to whoever a task is assigned to.

use crate::domain::{TaskId, UserId};
use crate::error::{ApiError, TaskError};
use std::time::Duration;

use futures::TryFutureExt;

use crate::app::{Absent, Core, Mail, Sockets};
use crate::clock::UnixMillis;
use crate::domain::{Page, Role, Task, TaskFilter, TaskStatus, UserRecord, Versions};
use crate::email::{EmailJob, EmailKind};
use crate::rbac::Permission;
use crate::services::realtime::TaskEvent;
use crate::{Caller, Claim};

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

/// The task board.
#[derive(Clone, Copy)]
pub struct Tasks<'a, M = Absent, S = Absent> {
    pub(super) core: &'a Core,
    pub(super) mail: M,
    pub(super) sockets: S,
}

crate::service!(Tasks {
    mail: M,
    sockets: S
});

impl<M, S> Tasks<'_, M, S> {
    /// The task, read concurrently with the caller's revocation check.
    pub async fn read_task(&self, claim: Claim, id: &TaskId) -> Result<Task, ApiError> {
        claim.require(Permission::TasksRead)?;
        let read = self.core.store.task(id).map_err(ApiError::from);
        let (_, task) = self.core.admit_with(claim, read).await?;
        task.ok_or(ApiError::Task(TaskError::NotFound))
    }

    pub async fn list_tasks(
        &self,
        claim: Claim,
        filter: &TaskFilter,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<Task>, ApiError> {
        claim.require(Permission::TasksRead)?;
        let read = self.core.store.list_tasks(filter, after, limit);
        let (_, page) = self
            .core
            .admit_with(claim, read.map_err(ApiError::from))
            .await?;
        Ok(page)
    }

    async fn task_or_404(&self, id: &TaskId) -> Result<Task, ApiError> {
        self.core
            .store
            .task(id)
            .await?
            .ok_or(ApiError::Task(TaskError::NotFound))
    }

    async fn existing_assignee(
        &self,
        assignee_id: Option<&UserId>,
    ) -> Result<Option<UserRecord>, ApiError> {
        let Some(id) = assignee_id else {
            return Ok(None);
        };
        match self.core.store.user_by_id(id).await? {
            Some(user) => Ok(Some(user)),
            None => Err(ApiError::field("assignee_id", "is not an existing user")),
        }
    }
}

impl Tasks<'_, Mail<'_>, Sockets<'_>> {
    pub async fn create_task(&self, caller: &Caller, input: NewTask) -> Result<Task, ApiError> {
        caller.require(Permission::TasksCreate)?;
        let assignee = self.existing_assignee(input.assignee_id.as_ref()).await?;
        let now = self.core.clock.now_ms();
        let task = Task {
            id: TaskId::generate(),
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
                    self.notify_assignee(caller, &assignee, &task),
                )
                .await;
        }
        self.sockets
            .push_task_event(TaskEvent::Created, &task)
            .await;
        Ok(task)
    }

    /// Applies the changes with a conditional write on `version`: with `If-Match`
    /// a lost race is `412`; without it the update is re-applied to the newer
    /// version, so concurrent updates never lose a write.
    pub async fn update_task(
        &self,
        claim: Claim,
        id: &TaskId,
        changes: TaskChanges,
        expected: Versions,
    ) -> Result<Task, ApiError> {
        claim.require(Permission::TasksUpdate)?;
        let new_assignee = changes.assignee_id.clone().flatten();
        let reads = futures::future::try_join(
            self.existing_assignee(new_assignee.as_ref()),
            self.task_or_404(id),
        );
        let (caller, (assignee, mut current)) = self.core.admit_with(claim, reads).await?;
        for _ in 0..UPDATE_ATTEMPTS {
            check_may_update(&caller, &current)?;
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
                self.sockets
                    .push_task_event(TaskEvent::Updated, &next)
                    .await;
                return Ok(next);
            }
            if expected.is_specific() {
                return Err(TaskError::Stale.into());
            }
            tokio::time::sleep(Duration::from_millis(rand::random_range(0..5))).await;
            current = self.task_or_404(id).await?;
        }
        Err(ApiError::Task(TaskError::Contended))
    }
}

impl<S> Tasks<'_, Mail<'_>, S> {
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
            task_id: task.id.to_string(),
            task_title: task.title.clone(),
            assigned_by,
        };
        self.mail
            .queue_email(&EmailJob::new(&assignee.user.email, kind))
            .await
    }
}

impl<M> Tasks<'_, M, Sockets<'_>> {
    pub async fn delete_task(&self, claim: Claim, id: &TaskId) -> Result<Task, ApiError> {
        claim.require(Permission::TasksDelete)?;
        let (_, task) = self.core.admit_with(claim, self.task_or_404(id)).await?;
        // Gone by the time it is deleted (a retry of this very delete that
        // landed, or a parallel one): deleted all the same.
        let task = self.core.store.delete_task(id).await?.unwrap_or(task);
        self.sockets
            .push_task_event(TaskEvent::Deleted, &task)
            .await;
        Ok(task)
    }
}

/// Editors update only the tasks they own; admins update any.
fn check_may_update(caller: &Caller, task: &Task) -> Result<(), ApiError> {
    if caller.role() == Role::Admin || task.owner_id == caller.user_id() {
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
