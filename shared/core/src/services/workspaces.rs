//! Workspaces: create and list them, and manage who belongs with which role.
//! Every read of a workspace starts with the caller's membership, fetched
//! while the revocation check runs; a non-member is told the workspace does
//! not exist.

use std::future::Future;

use futures::TryFutureExt;
use serde::Serialize;

use crate::app::{Absent, Core, Mail};
use crate::clock::{serde_rfc3339, UnixMillis};
use crate::domain::{
    Joining, Membership, Page, UserId, Workspace, WorkspaceId, WorkspaceRole,
    MAX_WORKSPACES_PER_USER,
};
use crate::email::{EmailJob, EmailKind};
use crate::error::{ApiError, WorkspaceError};
use crate::services::validate::Checks;
use crate::{Caller, Claim};

use WorkspaceRole::Owner;

/// A workspace as one of its members sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkspaceView {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: WorkspaceId,
    pub name: String,
    /// The caller's role in it.
    pub role: WorkspaceRole,
    pub member_count: u32,
    #[serde(with = "serde_rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: UnixMillis,
}

impl WorkspaceView {
    pub(super) fn of(workspace: Workspace, role: WorkspaceRole) -> Self {
        Self {
            id: workspace.id,
            name: workspace.name,
            role,
            member_count: workspace.member_count,
            created_at: workspace.created_at,
        }
    }
}

/// Who a member is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberUser {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: UserId,
    pub name: String,
    pub email: String,
}

/// One member of a workspace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberView {
    pub user: MemberUser,
    pub role: WorkspaceRole,
    #[serde(with = "serde_rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub joined_at: UnixMillis,
}

/// A workspace name: 1 to 100 characters once trimmed.
pub fn workspace_name(raw: &str) -> Result<String, ApiError> {
    let mut checks = Checks::default();
    let name = checks.text("name", raw, 1, 100);
    checks.finish()?;
    Ok(name)
}

/// Workspaces and their members; deleting one or inviting needs the queue
/// (its purge, the invitation email).
#[derive(Clone, Copy)]
pub struct Workspaces<'a, M = Absent> {
    pub(super) core: &'a Core,
    pub(super) mail: M,
}

crate::service!(Workspaces { mail: M });

impl<M> Workspaces<'_, M> {
    /// `POST /v1/workspaces`: the caller becomes its only owner.
    pub async fn create(&self, claim: Claim, name: String) -> Result<WorkspaceView, ApiError> {
        let caller = self.core.admit(claim).await?;
        let now = self.core.clock.now_ms();
        let workspace = Workspace {
            id: WorkspaceId::generate(),
            name,
            created_at: now,
            member_count: 1,
            owner_count: 1,
        };
        let owner = Membership {
            workspace_id: workspace.id.clone(),
            user_id: caller.user_id().clone(),
            role: Owner,
            joined_at: now,
        };
        let store = &self.core.store;
        match store
            .create_workspace(&workspace, &owner, MAX_WORKSPACES_PER_USER)
            .await?
        {
            Joining::Joined => Ok(WorkspaceView::of(workspace, Owner)),
            Joining::TooMany => Err(WorkspaceError::TooMany.into()),
            Joining::AlreadyMember | Joining::NoWorkspace => {
                Err(anyhow::anyhow!("a new workspace's id was taken").into())
            }
        }
    }

    /// `GET /v1/workspaces`: the caller's, newest membership first.
    pub async fn mine(
        &self,
        claim: Claim,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<WorkspaceView>, ApiError> {
        let user = claim.user_id().clone();
        let read = self
            .core
            .store
            .memberships_of(&user, after, limit)
            .map_err(ApiError::from);
        let (_, page) = self.core.admit_with(claim, read).await?;
        let ids: Vec<WorkspaceId> = page.items.iter().map(|m| m.workspace_id.clone()).collect();
        let found = self.core.store.workspaces(&ids).await?;
        // A workspace deleted a moment ago is left out until its purge ends.
        let items = page
            .items
            .into_iter()
            .filter_map(|m| {
                let w = found.iter().find(|w| w.id == m.workspace_id)?;
                Some(WorkspaceView::of(w.clone(), m.role))
            })
            .collect();
        Ok(Page {
            items,
            next: page.next,
        })
    }

    /// `GET /v1/workspaces/{ws}`.
    pub async fn read(&self, claim: Claim, id: &WorkspaceId) -> Result<WorkspaceView, ApiError> {
        let (_, membership, workspace) = self.enter(claim, id).await?;
        Ok(WorkspaceView::of(workspace, membership.role))
    }

    /// `PATCH /v1/workspaces/{ws}`: owners only.
    pub async fn rename(
        &self,
        claim: Claim,
        id: &WorkspaceId,
        name: &str,
    ) -> Result<WorkspaceView, ApiError> {
        let (_, membership, _) = self.enter(claim, id).await?;
        require(&membership, Owner)?;
        let renamed = self.core.store.rename_workspace(id, name).await?;
        let renamed = renamed.ok_or(WorkspaceError::NotFound)?;
        Ok(WorkspaceView::of(renamed, membership.role))
    }

    /// `GET /v1/workspaces/{ws}/members`: by user id.
    pub async fn members(
        &self,
        claim: Claim,
        id: &WorkspaceId,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<MemberView>, ApiError> {
        self.enter(claim, id).await?;
        let page = self.core.store.members(id, after, limit).await?;
        let users = futures::future::try_join_all(
            page.items
                .iter()
                .map(|m| self.core.store.user_by_id(&m.user_id)),
        )
        .await?;
        let items = page
            .items
            .into_iter()
            .zip(users)
            .filter_map(|(m, user)| {
                let user = user?.user;
                Some(MemberView {
                    user: MemberUser {
                        id: user.id,
                        name: user.name,
                        email: user.email,
                    },
                    role: m.role,
                    joined_at: m.joined_at,
                })
            })
            .collect();
        Ok(Page {
            items,
            next: page.next,
        })
    }

    /// The caller, their membership and the workspace; `404` for anyone who
    /// is not a member, whether or not the workspace exists.
    pub(super) async fn enter(
        &self,
        claim: Claim,
        id: &WorkspaceId,
    ) -> Result<(Caller, Membership, Workspace), ApiError> {
        let (caller, membership, workspace, ()) =
            enter_with(self.core, claim, id, async { Ok(()) }).await?;
        Ok((caller, membership, workspace))
    }

    pub(super) async fn view(&self, member: Membership) -> Result<MemberView, ApiError> {
        let user = self.core.store.user_by_id(&member.user_id).await?;
        let user = user.ok_or(WorkspaceError::MemberNotFound)?.user;
        Ok(MemberView {
            user: MemberUser {
                id: user.id,
                name: user.name,
                email: user.email,
            },
            role: member.role,
            joined_at: member.joined_at,
        })
    }

    pub(super) async fn member(
        &self,
        id: &WorkspaceId,
        user: &UserId,
    ) -> Result<Membership, ApiError> {
        let found = self.core.store.membership(id, user).await?;
        Ok(found.ok_or(WorkspaceError::MemberNotFound)?)
    }
}

impl Workspaces<'_, Mail<'_>> {
    /// `DELETE /v1/workspaces/{ws}`: owners only, after a recent sign-in. Gone
    /// at once; its members and tasks are purged afterwards.
    pub async fn delete(&self, claim: Claim, id: &WorkspaceId) -> Result<(), ApiError> {
        let (caller, membership, _) = self.enter(claim, id).await?;
        require(&membership, Owner)?;
        self.core.require_recent_sign_in(&caller).await?;
        // Queued first, so that the purge is never lost; it waits until the
        // workspace is gone.
        let purge = EmailKind::WorkspacePurge {
            workspace_id: id.to_string(),
        };
        self.mail.enqueue(&EmailJob::new("", purge)).await?;
        match self.core.store.delete_workspace(id).await? {
            true => Ok(()),
            false => Err(WorkspaceError::NotFound.into()),
        }
    }
}

/// The caller, their membership and the workspace, and what `more` reads,
/// all read while the caller's revocation check runs; `404` for anyone who
/// is not a member, whether or not the workspace exists.
pub(super) async fn enter_with<T>(
    core: &Core,
    claim: Claim,
    id: &WorkspaceId,
    more: impl Future<Output = Result<T, ApiError>>,
) -> Result<(Caller, Membership, Workspace, T), ApiError> {
    let store = &core.store;
    let user = claim.user_id().clone();
    let reads = async {
        let (membership, workspace, more) = tokio::try_join!(
            store.membership(id, &user).map_err(ApiError::from),
            store.workspace(id).map_err(ApiError::from),
            more
        )?;
        Ok::<_, ApiError>(membership.zip(workspace).map(|(m, w)| (m, w, more)))
    };
    let (caller, found) = core.admit_with(claim, reads).await?;
    let (membership, workspace, more) = found.ok_or(WorkspaceError::NotFound)?;
    Ok((caller, membership, workspace, more))
}

pub(super) fn require(membership: &Membership, role: WorkspaceRole) -> Result<(), WorkspaceError> {
    match membership.role.at_least(role) {
        true => Ok(()),
        false => Err(WorkspaceError::NotAllowed),
    }
}
