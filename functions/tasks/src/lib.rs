//! Task routes (README, "Tasks in short").

#[cfg(feature = "openapi")]
pub mod docs;

mod bodies;

use std::sync::Arc;

use http::header::{CACHE_CONTROL, ETAG, LOCATION};
use http::{Response, StatusCode};
use lambda_http::{Body, Request};
use shared::auth::Gate;
use shared::http::etag::{etag, versions};
use shared::http::{endpoint, Ctx, Reply};
use shared::pagination::{page_request, Listing};
use think_tank_core::domain::{Task, TaskFilter, TaskStatus};
use think_tank_core::{ApiError, App};

use bodies::{CreateBody, PatchBody};

shared::handlers! {
    TASKS_CREATE: "tasks-create" => tasks_create, uses [EmailQueue, Notifier];
    TASKS_LIST: "tasks-list" => tasks_list, uses [];
    TASK_GET: "task-get" => task_get, uses [];
    TASK_UPDATE: "task-update" => task_update, uses [EmailQueue, Notifier];
    TASK_DELETE: "task-delete" => task_delete, uses [Notifier];
}

fn task_reply(status: StatusCode, task: &Task) -> Result<Reply, ApiError> {
    Ok(Reply::json(status, &serde_json::json!({ "task": task }))?.header(ETAG, &etag(task)))
}

fn task_id(ctx: &Ctx) -> Result<&str, ApiError> {
    ctx.path_id("id")
}

pub async fn tasks_create(app: Arc<App>, req: Request) -> Response<Body> {
    let app = &*app;
    endpoint(&app.settings, req, |ctx| async move {
        let caller = app.authenticate(&ctx).await?;
        let input = ctx.body::<CreateBody>()?;
        let task = app.create_task(&caller, input).await?;
        Ok(task_reply(StatusCode::CREATED, &task)?
            .header(LOCATION, &format!("/v1/tasks/{}", task.id)))
    })
    .await
}

fn filter(ctx: &Ctx) -> Result<TaskFilter, ApiError> {
    let status = match ctx.query("status").filter(|s| !s.is_empty()) {
        Some(raw) => Some(TaskStatus::parse(raw).map_err(|m| ApiError::field("status", m))?),
        None => None,
    };
    let owner_id = ctx.query_id("owner_id")?.map(str::to_string);
    Ok(TaskFilter { status, owner_id })
}

pub async fn tasks_list(app: Arc<App>, req: Request) -> Response<Body> {
    let app = &*app;
    endpoint(&app.settings, req, |ctx| async move {
        let claim = app.claim(&ctx)?;
        let filter = filter(&ctx)?;
        let scope = format!(
            "tasks:{}:{}",
            filter.status.map_or("", |s| s.as_str()),
            filter.owner_id.as_deref().unwrap_or("")
        );
        let page = page_request(&ctx, &app.keys.cursor, &scope)?;
        let tasks = app
            .list_tasks(claim, &filter, page.after.as_deref(), page.limit)
            .await?;
        Ok(Reply::ok(&Listing::new(tasks, &app.keys.cursor, &scope))?
            .header(CACHE_CONTROL, "private, no-cache"))
    })
    .await
}

pub async fn task_get(app: Arc<App>, req: Request) -> Response<Body> {
    let app = &*app;
    endpoint(&app.settings, req, |ctx| async move {
        let claim = app.claim(&ctx)?;
        let task = app.read_task(claim, task_id(&ctx)?).await?;
        if versions(ctx.header("if-none-match")).include(task.version) {
            return Ok(Reply::empty(StatusCode::NOT_MODIFIED).header(ETAG, &etag(&task)));
        }
        task_reply(StatusCode::OK, &task)
    })
    .await
}

pub async fn task_update(app: Arc<App>, req: Request) -> Response<Body> {
    let app = &*app;
    endpoint(&app.settings, req, |ctx| async move {
        let claim = app.claim(&ctx)?;
        let changes = ctx.body::<PatchBody>()?;
        let expected = versions(ctx.header("if-match"));
        let task = app
            .update_task(claim, task_id(&ctx)?, changes, expected)
            .await?;
        task_reply(StatusCode::OK, &task)
    })
    .await
}

pub async fn task_delete(app: Arc<App>, req: Request) -> Response<Body> {
    let app = &*app;
    endpoint(&app.settings, req, |ctx| async move {
        ctx.no_body()?;
        let claim = app.claim(&ctx)?;
        app.delete_task(claim, task_id(&ctx)?).await?;
        Ok(Reply::empty(StatusCode::NO_CONTENT))
    })
    .await
}
