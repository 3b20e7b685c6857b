//! Changing who belongs to a workspace, and telling its members: every
//! change pushes a `member.*` event to the connections of the workspace's
//! members, and a removed member's own connections get `member.removed` (and,
//! no longer a member, nothing of the workspace after it).

use serde_json::json;

use crate::app::Sockets;
use crate::domain::{new_id, Leaving, Membership, RoleChange, UserId, WorkspaceId, WorkspaceRole};
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

impl<M> Workspaces<'_, M, Sockets<'_>> {
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
        let member = self.view(Membership { role: to, ..target }).await?;
        self.tell_members(MemberEvent::Updated, id, &member, None)
            .await;
        Ok(member)
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
        if let Ok(member) = self.view(target.clone()).await {
            self.tell_members(MemberEvent::Removed, id, &member, Some(user))
                .await;
        }
        Ok(target)
    }

    /// Pushes the event to every member's connections (and to `also`'s, who
    /// is no longer one). Best effort: the change has committed; a failure
    /// is logged, never answered.
    pub(super) async fn tell_members(
        &self,
        event: MemberEvent,
        id: &WorkspaceId,
        member: &MemberView,
        also: Option<&UserId>,
    ) {
        let payload = json!({
            "type": event.name(),
            "event_id": new_id(),
            "workspace_id": id,
            "member": member,
        })
        .to_string();
        let now = self.core.clock.now_secs();
        let recipients = async {
            let mut to = self.sockets.workspace_connections(id, now).await?;
            if let Some(user) = also {
                to.extend(self.core.store.connections_of(user, now).await?);
            }
            Ok::<_, ApiError>(to)
        };
        match recipients.await {
            Ok(to) => self.sockets.broadcast(to, &payload).await,
            Err(e) => tracing::warn!(error.cause_chain = ?e, "member event not pushed"),
        }
    }
}
