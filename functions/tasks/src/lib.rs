//! Task routes, under a workspace (README, "Tasks in short").

#[cfg(feature = "openapi")]
pub mod docs;

mod bodies;

use edge::auth::Gate;
use edge::http::etag::{etag, versions};
use edge::http::{endpoint, Ctx, Reply};
use edge::pagination::{page_request, Listing};
use http::header::{CACHE_CONTROL, ETAG, LOCATION};
use http::{Response, StatusCode};
use lambda_http::{Body, Request};
use think_tank_core::app::Mail;
use think_tank_core::domain::{Task, TaskFilter, TaskId, TaskStatus, WorkspaceId};
use think_tank_core::services::tasks::Tasks;
use think_tank_core::ApiError;

use bodies::{CreateBody, PatchBody};

shared::handlers! {
    TASKS_CREATE: "tasks-create" => tasks_create(Tasks<Mail>);
    TASKS_LIST: "tasks-list" => tasks_list(Tasks);
    TASK_GET: "task-get" => task_get(Tasks);
    TASK_UPDATE: "task-update" => task_update(Tasks<Mail>);
    TASK_DELETE: "task-delete" => task_delete(Tasks);
}

fn task_reply(status: StatusCode, task: &Task) -> Result<Reply, ApiError> {
    Ok(Reply::enveloped(status, task)?.header(ETAG, &etag(task)))
}

fn workspace_id(ctx: &Ctx) -> Result<WorkspaceId, ApiError> {
    ctx.path_id("ws")
}

fn task_id(ctx: &Ctx) -> Result<TaskId, ApiError> {
    ctx.path_id("id")
}

pub async fn tasks_create(tasks: Tasks<'_, Mail<'_>>, req: Request) -> Response<Body> {
    let core = tasks.core();
    endpoint(&core.settings, req, |ctx| async move {
        let claim = core.claim(&ctx)?;
        let ws = workspace_id(&ctx)?;
        let input = ctx.body::<CreateBody>()?;
        let task = tasks.create_task(claim, &ws, input).await?;
        let location = format!("/v1/workspaces/{ws}/tasks/{}", task.id);
        Ok(task_reply(StatusCode::CREATED, &task)?.header(LOCATION, &location))
    })
    .await
}

fn filter(ctx: &Ctx) -> Result<TaskFilter, ApiError> {
    let status = match ctx.query("status").filter(|s| !s.is_empty()) {
        Some(raw) => Some(TaskStatus::parse(raw).map_err(|m| ApiError::field("status", m))?),
        None => None,
    };
    Ok(TaskFilter {
        status,
        owner_id: ctx.query_id("owner_id")?,
        assignee_id: ctx.query_id("assignee_id")?,
    })
}

pub async fn tasks_list(tasks: Tasks<'_>, req: Request) -> Response<Body> {
    let core = tasks.core();
    endpoint(&core.settings, req, |ctx| async move {
        let claim = core.claim(&ctx)?;
        let ws = workspace_id(&ctx)?;
        let filter = filter(&ctx)?;
        let scope = format!(
            "tasks:{ws}:{}:{}:{}",
            filter.status.map_or("", |s| s.as_str()),
            filter.owner_id.as_deref().unwrap_or(""),
            filter.assignee_id.as_deref().unwrap_or("")
        );
        let page = page_request(&ctx, &core.keys.cursor, &scope)?;
        let tasks = tasks
            .list_tasks(claim, &ws, &filter, page.after.as_deref(), page.limit)
            .await?;
        Ok(
            Reply::listing(&Listing::new(tasks, &core.keys.cursor, &scope))?
                .header(CACHE_CONTROL, "private, no-cache"),
        )
    })
    .await
}

pub async fn task_get(tasks: Tasks<'_>, req: Request) -> Response<Body> {
    let core = tasks.core();
    endpoint(&core.settings, req, |ctx| async move {
        let claim = core.claim(&ctx)?;
        let task = tasks
            .read_task(claim, &workspace_id(&ctx)?, &task_id(&ctx)?)
            .await?;
        if versions(ctx.header("if-none-match")).include(task.version) {
            return Ok(Reply::empty(StatusCode::NOT_MODIFIED).header(ETAG, &etag(&task)));
        }
        task_reply(StatusCode::OK, &task)
    })
    .await
}

pub async fn task_update(tasks: Tasks<'_, Mail<'_>>, req: Request) -> Response<Body> {
    let core = tasks.core();
    endpoint(&core.settings, req, |ctx| async move {
        let claim = core.claim(&ctx)?;
        let changes = ctx.body::<PatchBody>()?;
        let expected = versions(ctx.header("if-match"));
        let task = tasks
            .update_task(
                claim,
                &workspace_id(&ctx)?,
                &task_id(&ctx)?,
                changes,
                expected,
            )
            .await?;
        task_reply(StatusCode::OK, &task)
    })
    .await
}

pub async fn task_delete(tasks: Tasks<'_>, req: Request) -> Response<Body> {
    let core = tasks.core();
    endpoint(&core.settings, req, |ctx| async move {
        ctx.no_body()?;
        let claim = core.claim(&ctx)?;
        tasks
            .delete_task(claim, &workspace_id(&ctx)?, &task_id(&ctx)?)
            .await?;
        Ok(Reply::empty(StatusCode::NO_CONTENT))
    })
    .await
}
