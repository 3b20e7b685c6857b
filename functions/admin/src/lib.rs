//! Administration routes: admins only.

#[cfg(feature = "openapi")]
pub mod docs;

use edge::auth::Gate;
use edge::http::{endpoint, Reply};
use edge::pagination::{page_request, Listing};
use http::{Response, StatusCode};
use lambda_http::{Body, Request};
use serde::Deserialize;
use think_tank_core::app::{Absent, Mail};
use think_tank_core::domain::Role;
use think_tank_core::domain::UserId;
use think_tank_core::rbac::Permission;
use think_tank_core::services::admin::Admin;
use think_tank_core::services::admin::UserPatch;
use think_tank_core::services::sessions::Sessions;
use think_tank_core::ApiError;

shared::handlers! {
    USERS_LIST: "users-list" => users_list(Admin);
    USER_UPDATE: "user-update" => user_update(Admin<Absent, Sessions>);
    AUDIT_LIST: "audit-list" => audit_list(Admin);
    USER_MFA_RESET: "user-mfa-reset" => user_mfa_reset(Admin<Mail, Sessions>);
}

pub async fn users_list(admin: Admin<'_>, req: Request) -> Response<Body> {
    let core = admin.core();
    endpoint(&core.settings, req, |ctx| async move {
        let caller = core.authenticate(&ctx).await?;
        caller.require(Permission::UsersRead)?;
        let page = page_request(&ctx, &core.keys.cursor, "users")?;
        let users = admin.list_users(page.after.as_deref(), page.limit).await?;
        Reply::listing(&Listing::new(users, &core.keys.cursor, "users"))
    })
    .await
}

#[derive(Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
struct UserPatchBody {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<think_tank_core::domain::Role>))]
    role: Option<String>,
    #[serde(default)]
    locked: Option<bool>,
}

impl edge::http::body::RequestBody for UserPatchBody {
    type Valid = UserPatch;

    fn validate(self) -> Result<UserPatch, ApiError> {
        let role = self
            .role
            .map(|r| Role::parse(&r).map_err(|m| ApiError::field("role", m)))
            .transpose()?;
        Ok(UserPatch {
            role,
            locked: self.locked,
        })
    }
}

pub async fn user_update(admin: Admin<'_, Absent, Sessions<'_>>, req: Request) -> Response<Body> {
    let core = admin.core();
    endpoint(&core.settings, req, |ctx| async move {
        let caller = core.authenticate(&ctx).await?;
        caller.require(Permission::UsersUpdate)?;
        let patch = ctx.body::<UserPatchBody>()?;
        let user_id: &UserId = &ctx.path_id("id")?;
        let meta = ctx.client_meta(core);
        let user = admin.patch_user(&caller, user_id, patch, &meta).await?;
        Reply::enveloped(StatusCode::OK, &user)
    })
    .await
}

/// `DELETE /v1/admin/users/{id}/mfa`: every factor off, sessions revoked.
pub async fn user_mfa_reset(
    admin: Admin<'_, Mail<'_>, Sessions<'_>>,
    req: Request,
) -> Response<Body> {
    let core = admin.core();
    endpoint(&core.settings, req, |ctx| async move {
        ctx.no_body()?;
        let caller = core.authenticate(&ctx).await?;
        caller.require(Permission::UsersUpdate)?;
        let user_id: &UserId = &ctx.path_id("id")?;
        admin
            .reset_mfa(&caller, user_id, &ctx.client_meta(core))
            .await?;
        Ok(Reply::empty(http::StatusCode::NO_CONTENT))
    })
    .await
}

pub async fn audit_list(admin: Admin<'_>, req: Request) -> Response<Body> {
    let core = admin.core();
    endpoint(&core.settings, req, |ctx| async move {
        let caller = core.authenticate(&ctx).await?;
        caller.require(Permission::AuditRead)?;
        let user_id: Option<UserId> = ctx.query_id("user_id")?;
        let scope = format!("audit:{}", user_id.as_deref().unwrap_or(""));
        let page = page_request(&ctx, &core.keys.cursor, &scope)?;
        let events = admin
            .list_audit(user_id.as_ref(), page.after.as_deref(), page.limit)
            .await?;
        Reply::listing(&Listing::new(events, &core.keys.cursor, &scope))
    })
    .await
}
