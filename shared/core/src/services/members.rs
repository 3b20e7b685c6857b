//! Changing who belongs to a workspace. Every change reaches the workspace's
//! members as a `member.*` event through the change feed
//! (`services::fanout`); a removed member's own connections get
//! `member.removed` too, and, no longer a member, nothing of the workspace
//! after it.

use crate::domain::{Leaving, Membership, RoleChange, UserId, WorkspaceId, WorkspaceRole};
use crate::error::{ApiError, WorkspaceError};
use crate::services::workspaces::{require, MemberView, Workspaces};
use crate::Claim;

use WorkspaceRole::{Admin, Owner};

/// What happened to a membership.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemberEvent {
    Added,
    Updated,
    Removed,
}

impl MemberEvent {
    pub fn name(self) -> &'static str {
        match self {
            MemberEvent::Added => "member.added",
            MemberEvent::Updated => "member.updated",
            MemberEvent::Removed => "member.removed",
        }
    }
}

impl<M> Workspaces<'_, M> {
    /// `PATCH /v1/workspaces/{ws}/members/{user}`: an admin changes members up
    /// to `admin` and never an owner; an owner changes anyone.
    pub async fn change_role(
        &self,
        claim: Claim,
        id: &WorkspaceId,
        user: &UserId,
        to: WorkspaceRole,
    ) -> Result<MemberView, ApiError> {
        let (_, acting, _) = self.enter(claim, id).await?;
        require(&acting, Admin)?;
        let target = self.member(id, user).await?;
        if acting.role != Owner && (to == Owner || target.role == Owner) {
            return Err(WorkspaceError::NotAllowed.into());
        }
        let store = &self.core.store;
        match store.change_role(id, user, target.role, to).await? {
            RoleChange::Changed => {}
            RoleChange::LastOwner => return Err(WorkspaceError::LastOwner.into()),
            RoleChange::Stale => return Err(WorkspaceError::MemberChanged.into()),
        }
        self.view(Membership { role: to, ..target }).await
    }

    /// `DELETE /v1/workspaces/{ws}/members/{user}`: any member leaves; an
    /// admin removes members but not owners; an owner removes anyone.
    pub async fn remove_member(
        &self,
        claim: Claim,
        id: &WorkspaceId,
        user: &UserId,
    ) -> Result<Membership, ApiError> {
        let (caller, acting, _) = self.enter(claim, id).await?;
        let target = match caller.user_id() == user {
            true => acting.clone(),
            false => {
                require(&acting, Admin)?;
                self.member(id, user).await?
            }
        };
        if caller.user_id() != user && acting.role != Owner && target.role == Owner {
            return Err(WorkspaceError::NotAllowed.into());
        }
        match self.core.store.remove_member(id, user, target.role).await? {
            Leaving::Left => {}
            Leaving::LastOwner => return Err(WorkspaceError::LastOwner.into()),
            Leaving::Stale => return Err(WorkspaceError::MemberChanged.into()),
        }
        Ok(target)
    }
}
