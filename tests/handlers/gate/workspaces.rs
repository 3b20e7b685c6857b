//! Workspaces pass straight through, but for the membership read that opens
//! every workspace route.

use async_trait::async_trait;
use think_tank_core::clock::UnixSecs;
use think_tank_core::domain::{
    Acceptance, Invitation, Joining, Leaving, Membership, Page, RoleChange, UserId, Workspace,
    WorkspaceId, WorkspaceRole,
};
use think_tank_core::error::StoreResult;
use think_tank_core::ports::WorkspaceStore;

use super::GateStore;

#[async_trait]
impl WorkspaceStore for GateStore {
    async fn create_workspace(
        &self,
        workspace: &Workspace,
        owner: &Membership,
        max_per_user: u32,
    ) -> StoreResult<Joining> {
        self.inner
            .create_workspace(workspace, owner, max_per_user)
            .await
    }

    async fn workspace(&self, id: &WorkspaceId) -> StoreResult<Option<Workspace>> {
        self.inner.workspace(id).await
    }

    async fn workspaces(&self, ids: &[WorkspaceId]) -> StoreResult<Vec<Workspace>> {
        self.inner.workspaces(ids).await
    }

    async fn rename_workspace(
        &self,
        id: &WorkspaceId,
        name: &str,
    ) -> StoreResult<Option<Workspace>> {
        self.inner.rename_workspace(id, name).await
    }

    async fn delete_workspace(&self, id: &WorkspaceId) -> StoreResult<bool> {
        self.inner.delete_workspace(id).await
    }

    async fn membership(
        &self,
        workspace: &WorkspaceId,
        user: &UserId,
    ) -> StoreResult<Option<Membership>> {
        self.gate.pass().await;
        self.inner.membership(workspace, user).await
    }

    async fn memberships_of(
        &self,
        user: &UserId,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Page<Membership>> {
        self.inner.memberships_of(user, after, limit).await
    }

    async fn members(
        &self,
        workspace: &WorkspaceId,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Page<Membership>> {
        self.inner.members(workspace, after, limit).await
    }

    async fn add_member(&self, member: &Membership, max_per_user: u32) -> StoreResult<Joining> {
        self.inner.add_member(member, max_per_user).await
    }

    async fn change_role(
        &self,
        workspace: &WorkspaceId,
        user: &UserId,
        from: WorkspaceRole,
        to: WorkspaceRole,
    ) -> StoreResult<RoleChange> {
        self.inner.change_role(workspace, user, from, to).await
    }

    async fn remove_member(
        &self,
        workspace: &WorkspaceId,
        user: &UserId,
        role: WorkspaceRole,
    ) -> StoreResult<Leaving> {
        self.inner.remove_member(workspace, user, role).await
    }

    async fn purge_workspace(&self, id: &WorkspaceId, batch: usize) -> StoreResult<bool> {
        self.inner.purge_workspace(id, batch).await
    }

    async fn create_invitation(&self, invitation: &Invitation, now: UnixSecs) -> StoreResult<bool> {
        self.inner.create_invitation(invitation, now).await
    }

    async fn is_invited(
        &self,
        workspace: &WorkspaceId,
        email: &str,
        now: UnixSecs,
    ) -> StoreResult<bool> {
        self.inner.is_invited(workspace, email, now).await
    }

    async fn invitation_by_token(
        &self,
        token_hash: &str,
        now: UnixSecs,
    ) -> StoreResult<Option<Invitation>> {
        self.inner.invitation_by_token(token_hash, now).await
    }

    async fn invitation(
        &self,
        workspace: &WorkspaceId,
        id: &str,
        now: UnixSecs,
    ) -> StoreResult<Option<Invitation>> {
        self.inner.invitation(workspace, id, now).await
    }

    async fn invitations(
        &self,
        workspace: &WorkspaceId,
        now: UnixSecs,
    ) -> StoreResult<Vec<Invitation>> {
        self.inner.invitations(workspace, now).await
    }

    async fn revoke_invitation(&self, invitation: &Invitation) -> StoreResult<bool> {
        self.inner.revoke_invitation(invitation).await
    }

    async fn accept_invitation(
        &self,
        invitation: &Invitation,
        member: &Membership,
        max_per_user: u32,
        now: UnixSecs,
    ) -> StoreResult<Acceptance> {
        self.inner
            .accept_invitation(invitation, member, max_per_user, now)
            .await
    }
}
