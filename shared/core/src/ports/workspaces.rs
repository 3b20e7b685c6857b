use async_trait::async_trait;

use crate::clock::UnixSecs;
use crate::domain::{
    Acceptance, Invitation, Joining, Leaving, Membership, Page, RoleChange, UserId, Workspace,
    WorkspaceId, WorkspaceRole,
};
use crate::error::StoreResult;

/// Workspaces and their members. Every write that changes who belongs keeps
/// the workspace's member and owner counts and the user's workspace count in
/// the same transaction, so "the last owner stays" and "at most
/// `max_per_user` workspaces" hold under any interleaving.
#[async_trait]
pub trait WorkspaceStore: Send + Sync {
    /// Creates the workspace with `owner` as its only member (an owner).
    async fn create_workspace(
        &self,
        workspace: &Workspace,
        owner: &Membership,
        max_per_user: u32,
    ) -> StoreResult<Joining>;
    async fn workspace(&self, id: &WorkspaceId) -> StoreResult<Option<Workspace>>;
    /// Several workspaces in one round trip, in no particular order; gone ones are left out.
    async fn workspaces(&self, ids: &[WorkspaceId]) -> StoreResult<Vec<Workspace>>;
    /// Renames an existing workspace and returns it; `None` if it is gone.
    async fn rename_workspace(
        &self,
        id: &WorkspaceId,
        name: &str,
    ) -> StoreResult<Option<Workspace>>;
    /// Removes the workspace at once; `false` if it was already gone. Its
    /// members and tasks stay until [`WorkspaceStore::purge_workspace`].
    async fn delete_workspace(&self, id: &WorkspaceId) -> StoreResult<bool>;
    async fn membership(
        &self,
        workspace: &WorkspaceId,
        user: &UserId,
    ) -> StoreResult<Option<Membership>>;
    /// The user's memberships, newest first.
    async fn memberships_of(
        &self,
        user: &UserId,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Page<Membership>>;
    /// The workspace's members, by user id.
    async fn members(
        &self,
        workspace: &WorkspaceId,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Page<Membership>>;
    async fn add_member(&self, member: &Membership, max_per_user: u32) -> StoreResult<Joining>;
    /// Changes a member's role from `from` to `to`.
    async fn change_role(
        &self,
        workspace: &WorkspaceId,
        user: &UserId,
        from: WorkspaceRole,
        to: WorkspaceRole,
    ) -> StoreResult<RoleChange>;
    /// Removes a member who still has the role `role`.
    async fn remove_member(
        &self,
        workspace: &WorkspaceId,
        user: &UserId,
        role: WorkspaceRole,
    ) -> StoreResult<Leaving>;
    /// Deletes up to `batch` of a deleted workspace's remaining items;
    /// `true` once none are left. Safe to repeat and to resume.
    async fn purge_workspace(&self, id: &WorkspaceId, batch: usize) -> StoreResult<bool>;

    /// Stores a new invitation; `false` when the address already has a live
    /// one to the workspace.
    async fn create_invitation(&self, invitation: &Invitation, now: UnixSecs) -> StoreResult<bool>;
    /// Whether the address has a live invitation to the workspace.
    async fn is_invited(
        &self,
        workspace: &WorkspaceId,
        email: &str,
        now: UnixSecs,
    ) -> StoreResult<bool>;
    /// The live invitation whose link token hashes to `token_hash`.
    async fn invitation_by_token(
        &self,
        token_hash: &str,
        now: UnixSecs,
    ) -> StoreResult<Option<Invitation>>;
    async fn invitation(
        &self,
        workspace: &WorkspaceId,
        id: &str,
        now: UnixSecs,
    ) -> StoreResult<Option<Invitation>>;
    /// The workspace's live invitations, oldest first.
    async fn invitations(
        &self,
        workspace: &WorkspaceId,
        now: UnixSecs,
    ) -> StoreResult<Vec<Invitation>>;
    /// Removes the invitation: its link stops working. `false` if it was gone.
    async fn revoke_invitation(&self, invitation: &Invitation) -> StoreResult<bool>;
    /// Uses the invitation up and adds `member`, in one step.
    async fn accept_invitation(
        &self,
        invitation: &Invitation,
        member: &Membership,
        max_per_user: u32,
        now: UnixSecs,
    ) -> StoreResult<Acceptance>;
}
