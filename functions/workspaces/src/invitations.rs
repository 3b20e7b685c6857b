//! Invitation routes: invite an address, list and revoke pending
//! invitations, accept one.

use edge::auth::Gate;
use edge::http::{endpoint, Ctx, Reply};
use http::header::LOCATION;
use http::{Response, StatusCode};
use lambda_http::{Body, Request};
use serde::Serialize;
use think_tank_core::app::Mail;
use think_tank_core::services::invitations::InvitationView;
use think_tank_core::services::workspaces::Workspaces;
use think_tank_core::ApiError;

use crate::bodies::{AcceptBody, InviteBody};
use crate::workspace_id;

/// `{items: [invitation]}`: every pending invitation (at most a week's worth).
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvitationList {
    pub items: Vec<InvitationView>,
}

fn invitation_id(ctx: &Ctx) -> Result<String, ApiError> {
    ctx.path_id("id")
}

pub async fn invitation_create(
    workspaces: Workspaces<'_, Mail<'_>>,
    req: Request,
) -> Response<Body> {
    let core = workspaces.core();
    endpoint(&core.settings, req, |ctx| async move {
        let claim = core.claim(&ctx)?;
        let (email, role) = ctx.body::<InviteBody>()?;
        let id = workspace_id(&ctx)?;
        let invitation = workspaces.invite(claim, &id, email, role).await?;
        let location = format!("/v1/workspaces/{id}/invitations/{}", invitation.id);
        Ok(Reply::enveloped(StatusCode::CREATED, &invitation)?.header(LOCATION, &location))
    })
    .await
}

pub async fn invitations_list(workspaces: Workspaces<'_>, req: Request) -> Response<Body> {
    let core = workspaces.core();
    endpoint(&core.settings, req, |ctx| async move {
        let claim = core.claim(&ctx)?;
        let items = workspaces.invitations(claim, &workspace_id(&ctx)?).await?;
        Reply::ok(&InvitationList { items })
    })
    .await
}

pub async fn invitation_revoke(workspaces: Workspaces<'_>, req: Request) -> Response<Body> {
    let core = workspaces.core();
    endpoint(&core.settings, req, |ctx| async move {
        ctx.no_body()?;
        let claim = core.claim(&ctx)?;
        let (id, invitation) = (workspace_id(&ctx)?, invitation_id(&ctx)?);
        workspaces
            .revoke_invitation(claim, &id, &invitation)
            .await?;
        Ok(Reply::empty(StatusCode::NO_CONTENT))
    })
    .await
}

pub async fn invitation_accept(workspaces: Workspaces<'_>, req: Request) -> Response<Body> {
    let core = workspaces.core();
    endpoint(&core.settings, req, |ctx| async move {
        let claim = core.claim(&ctx)?;
        let token = ctx.body::<AcceptBody>()?.token;
        let workspace = workspaces.accept(claim, &token).await?;
        Reply::enveloped(StatusCode::OK, &workspace)
    })
    .await
}
