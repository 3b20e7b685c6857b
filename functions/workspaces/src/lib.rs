//! Workspace and member routes (README, "Workspaces in short").

#[cfg(feature = "openapi")]
pub mod docs;

mod bodies;
mod invitations;

use edge::auth::Gate;
use edge::http::{endpoint, Ctx, Reply};
use edge::pagination::{page_request, Listing};
use http::header::LOCATION;
use http::{Response, StatusCode};
use lambda_http::{Body, Request};
use think_tank_core::app::Mail;
use think_tank_core::domain::{UserId, WorkspaceId};
use think_tank_core::services::workspaces::Workspaces;
use think_tank_core::ApiError;

use bodies::{NameBody, RoleBody};
pub use invitations::InvitationList;
use invitations::{invitation_accept, invitation_create, invitation_revoke, invitations_list};

shared::handlers! {
    WORKSPACE_CREATE: "workspace-create" => workspace_create(Workspaces);
    WORKSPACES_LIST: "workspaces-list" => workspaces_list(Workspaces);
    WORKSPACE_GET: "workspace-get" => workspace_get(Workspaces);
    WORKSPACE_UPDATE: "workspace-update" => workspace_update(Workspaces);
    WORKSPACE_DELETE: "workspace-delete" => workspace_delete(Workspaces<Mail>);
    MEMBERS_LIST: "members-list" => members_list(Workspaces);
    MEMBER_UPDATE: "member-update" => member_update(Workspaces);
    MEMBER_REMOVE: "member-remove" => member_remove(Workspaces);
    INVITATION_CREATE: "invitation-create" => invitation_create(Workspaces<Mail>);
    INVITATIONS_LIST: "invitations-list" => invitations_list(Workspaces);
    INVITATION_REVOKE: "invitation-revoke" => invitation_revoke(Workspaces);
    INVITATION_ACCEPT: "invitation-accept" => invitation_accept(Workspaces);
}

pub(crate) fn workspace_id(ctx: &Ctx) -> Result<WorkspaceId, ApiError> {
    ctx.path_id("ws")
}

fn member_id(ctx: &Ctx) -> Result<UserId, ApiError> {
    ctx.path_id("user")
}

pub async fn workspace_create(workspaces: Workspaces<'_>, req: Request) -> Response<Body> {
    let core = workspaces.core();
    endpoint(&core.settings, req, |ctx| async move {
        let claim = core.claim(&ctx)?;
        let name = ctx.body::<NameBody>()?;
        let created = workspaces.create(claim, name).await?;
        let location = format!("/v1/workspaces/{}", created.id);
        Ok(Reply::enveloped(StatusCode::CREATED, &created)?.header(LOCATION, &location))
    })
    .await
}

pub async fn workspaces_list(workspaces: Workspaces<'_>, req: Request) -> Response<Body> {
    let core = workspaces.core();
    endpoint(&core.settings, req, |ctx| async move {
        let claim = core.claim(&ctx)?;
        let scope = "workspaces";
        let page = page_request(&ctx, &core.keys.cursor, scope)?;
        let mine = workspaces
            .mine(claim, page.after.as_deref(), page.limit)
            .await?;
        Reply::listing(&Listing::new(mine, &core.keys.cursor, scope))
    })
    .await
}

pub async fn workspace_get(workspaces: Workspaces<'_>, req: Request) -> Response<Body> {
    let core = workspaces.core();
    endpoint(&core.settings, req, |ctx| async move {
        let claim = core.claim(&ctx)?;
        let workspace = workspaces.read(claim, &workspace_id(&ctx)?).await?;
        Reply::enveloped(StatusCode::OK, &workspace)
    })
    .await
}

pub async fn workspace_update(workspaces: Workspaces<'_>, req: Request) -> Response<Body> {
    let core = workspaces.core();
    endpoint(&core.settings, req, |ctx| async move {
        let claim = core.claim(&ctx)?;
        let name = ctx.body::<NameBody>()?;
        let renamed = workspaces
            .rename(claim, &workspace_id(&ctx)?, &name)
            .await?;
        Reply::enveloped(StatusCode::OK, &renamed)
    })
    .await
}

pub async fn workspace_delete(
    workspaces: Workspaces<'_, Mail<'_>>,
    req: Request,
) -> Response<Body> {
    let core = workspaces.core();
    endpoint(&core.settings, req, |ctx| async move {
        ctx.no_body()?;
        let claim = core.claim(&ctx)?;
        workspaces.delete(claim, &workspace_id(&ctx)?).await?;
        Ok(Reply::empty(StatusCode::NO_CONTENT))
    })
    .await
}

pub async fn members_list(workspaces: Workspaces<'_>, req: Request) -> Response<Body> {
    let core = workspaces.core();
    endpoint(&core.settings, req, |ctx| async move {
        let claim = core.claim(&ctx)?;
        let id = workspace_id(&ctx)?;
        let scope = format!("members:{id}");
        let page = page_request(&ctx, &core.keys.cursor, &scope)?;
        let members = workspaces
            .members(claim, &id, page.after.as_deref(), page.limit)
            .await?;
        Reply::listing(&Listing::new(members, &core.keys.cursor, &scope))
    })
    .await
}

pub async fn member_update(workspaces: Workspaces<'_>, req: Request) -> Response<Body> {
    let core = workspaces.core();
    endpoint(&core.settings, req, |ctx| async move {
        let claim = core.claim(&ctx)?;
        let role = ctx.body::<RoleBody>()?.role;
        let (id, user) = (workspace_id(&ctx)?, member_id(&ctx)?);
        let member = workspaces.change_role(claim, &id, &user, role).await?;
        Reply::enveloped(StatusCode::OK, &member)
    })
    .await
}

pub async fn member_remove(workspaces: Workspaces<'_>, req: Request) -> Response<Body> {
    let core = workspaces.core();
    endpoint(&core.settings, req, |ctx| async move {
        ctx.no_body()?;
        let claim = core.claim(&ctx)?;
        let (id, user) = (workspace_id(&ctx)?, member_id(&ctx)?);
        workspaces.remove_member(claim, &id, &user).await?;
        Ok(Reply::empty(StatusCode::NO_CONTENT))
    })
    .await
}
