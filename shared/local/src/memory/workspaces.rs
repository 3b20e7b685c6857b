//! Workspaces and memberships, behind one lock so that the counts move with
//! the memberships they count.

use std::collections::{BTreeMap, HashMap};

use async_trait::async_trait;
use think_tank_core::clock::UnixSecs;
use think_tank_core::domain::{
    Acceptance, Invitation, Joining, Leaving, Membership, Page, RoleChange, UserId, Workspace,
    WorkspaceId, WorkspaceRole,
};
use think_tank_core::error::StoreResult;
use think_tank_core::ports::WorkspaceStore;
use think_tank_core::services::fanout::Change;
use think_tank_core::services::members::MemberEvent;

use super::{lock, MemoryStore};

#[derive(Default)]
pub(super) struct Workspaces {
    by_id: BTreeMap<WorkspaceId, Workspace>,
    members: BTreeMap<(WorkspaceId, UserId), Membership>,
    joined: HashMap<UserId, u32>,
    invitations: BTreeMap<(WorkspaceId, String), Invitation>,
    /// Membership changes not yet on the feed.
    pending: Vec<Change>,
}

/// The position of a membership in its user's newest-first listing.
pub fn membership_position(m: &Membership) -> String {
    format!("{:013}#{}", m.joined_at.0, m.workspace_id)
}

impl Workspaces {
    fn join(&mut self, member: &Membership, max_per_user: u32) -> Joining {
        let key = (member.workspace_id.clone(), member.user_id.clone());
        if self.members.contains_key(&key) {
            return Joining::AlreadyMember;
        }
        let count = self.joined.get(&member.user_id).copied().unwrap_or(0);
        if count >= max_per_user {
            return Joining::TooMany;
        }
        let Some(workspace) = self.by_id.get_mut(&member.workspace_id) else {
            return Joining::NoWorkspace;
        };
        workspace.member_count += 1;
        workspace.owner_count += u32::from(member.role == WorkspaceRole::Owner);
        self.joined.insert(member.user_id.clone(), count + 1);
        self.members.insert(key, member.clone());
        let added = Change::Member(MemberEvent::Added, member.clone());
        self.pending.push(added);
        Joining::Joined
    }

    fn leave(&mut self, key: &(WorkspaceId, UserId)) {
        if let Some(member) = self.members.remove(key) {
            if let Some(workspace) = self.by_id.get_mut(&key.0) {
                workspace.member_count -= 1;
                workspace.owner_count -= u32::from(member.role == WorkspaceRole::Owner);
            }
            if let Some(count) = self.joined.get_mut(&key.1) {
                *count = count.saturating_sub(1);
            }
            self.pending
                .push(Change::Member(MemberEvent::Removed, member));
        }
    }

    /// Whether taking one owner away leaves none.
    fn is_last_owner(&self, workspace: &WorkspaceId, role: WorkspaceRole) -> bool {
        role == WorkspaceRole::Owner
            && self
                .by_id
                .get(workspace)
                .is_some_and(|w| w.owner_count <= 1)
    }
}

impl MemoryStore {
    /// Runs `change` on the workspaces under their lock, then puts the
    /// membership changes it made on the feed, still under the lock.
    fn in_workspaces<R>(&self, change: impl FnOnce(&mut Workspaces) -> R) -> R {
        let mut all = lock(&self.workspaces);
        let result = change(&mut all);
        for made in std::mem::take(&mut all.pending) {
            self.feed.publish(made);
        }
        result
    }
}

#[async_trait]
impl WorkspaceStore for MemoryStore {
    async fn create_workspace(
        &self,
        workspace: &Workspace,
        owner: &Membership,
        max_per_user: u32,
    ) -> StoreResult<Joining> {
        Ok(self.in_workspaces(|all| {
            if all.joined.get(&owner.user_id).copied().unwrap_or(0) >= max_per_user {
                return Joining::TooMany;
            }
            let mut created = workspace.clone();
            created.member_count = 0;
            created.owner_count = 0;
            all.by_id.insert(workspace.id.clone(), created);
            all.join(owner, max_per_user)
        }))
    }

    async fn workspace(&self, id: &WorkspaceId) -> StoreResult<Option<Workspace>> {
        Ok(lock(&self.workspaces).by_id.get(id).cloned())
    }

    async fn workspaces(&self, ids: &[WorkspaceId]) -> StoreResult<Vec<Workspace>> {
        let all = lock(&self.workspaces);
        Ok(ids
            .iter()
            .filter_map(|id| all.by_id.get(id).cloned())
            .collect())
    }

    async fn rename_workspace(
        &self,
        id: &WorkspaceId,
        name: &str,
    ) -> StoreResult<Option<Workspace>> {
        let mut all = lock(&self.workspaces);
        Ok(all.by_id.get_mut(id).map(|w| {
            w.name = name.to_string();
            w.clone()
        }))
    }

    async fn delete_workspace(&self, id: &WorkspaceId) -> StoreResult<bool> {
        Ok(lock(&self.workspaces).by_id.remove(id).is_some())
    }

    async fn membership(
        &self,
        workspace: &WorkspaceId,
        user: &UserId,
    ) -> StoreResult<Option<Membership>> {
        let all = lock(&self.workspaces);
        let key = (workspace.clone(), user.clone());
        Ok(all.members.get(&key).cloned())
    }

    async fn memberships_of(
        &self,
        user: &UserId,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Page<Membership>> {
        let all = lock(&self.workspaces);
        let mut mine: Vec<(String, Membership)> = all
            .members
            .values()
            .filter(|m| m.user_id == *user)
            .map(|m| (membership_position(m), m.clone()))
            .collect();
        mine.sort_by(|a, b| b.0.cmp(&a.0));
        Ok(page(mine, after, limit, |position, a| position < a))
    }

    async fn members(
        &self,
        workspace: &WorkspaceId,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Page<Membership>> {
        let all = lock(&self.workspaces);
        let members: Vec<(String, Membership)> = all
            .members
            .range((workspace.clone(), UserId::default())..)
            .take_while(|((w, _), _)| w == workspace)
            .map(|((_, u), m)| (u.to_string(), m.clone()))
            .collect();
        Ok(page(members, after, limit, |position, a| position > a))
    }

    async fn add_member(&self, member: &Membership, max_per_user: u32) -> StoreResult<Joining> {
        Ok(self.in_workspaces(|all| all.join(member, max_per_user)))
    }

    async fn change_role(
        &self,
        workspace: &WorkspaceId,
        user: &UserId,
        from: WorkspaceRole,
        to: WorkspaceRole,
    ) -> StoreResult<RoleChange> {
        Ok(self.in_workspaces(|all| {
            let key = (workspace.clone(), user.clone());
            if all.members.get(&key).is_none_or(|m| m.role != from) {
                return RoleChange::Stale;
            }
            if to != WorkspaceRole::Owner && all.is_last_owner(workspace, from) {
                return RoleChange::LastOwner;
            }
            if let Some(w) = all.by_id.get_mut(workspace) {
                w.owner_count -= u32::from(from == WorkspaceRole::Owner);
                w.owner_count += u32::from(to == WorkspaceRole::Owner);
            }
            if let Some(m) = all.members.get_mut(&key) {
                m.role = to;
                let updated = Change::Member(MemberEvent::Updated, m.clone());
                all.pending.push(updated);
            }
            RoleChange::Changed
        }))
    }

    async fn remove_member(
        &self,
        workspace: &WorkspaceId,
        user: &UserId,
        role: WorkspaceRole,
    ) -> StoreResult<Leaving> {
        Ok(self.in_workspaces(|all| {
            let key = (workspace.clone(), user.clone());
            if all.members.get(&key).is_none_or(|m| m.role != role) {
                return Leaving::Stale;
            }
            if all.is_last_owner(workspace, role) {
                return Leaving::LastOwner;
            }
            all.leave(&key);
            Leaving::Left
        }))
    }

    async fn create_invitation(&self, invitation: &Invitation, now: UnixSecs) -> StoreResult<bool> {
        let mut all = lock(&self.workspaces);
        let ws = &invitation.workspace_id;
        if all
            .live_invitations(ws, now)
            .any(|i| i.email == invitation.email)
        {
            return Ok(false);
        }
        let key = (ws.clone(), invitation.id.clone());
        all.invitations.insert(key, invitation.clone());
        Ok(true)
    }

    async fn is_invited(
        &self,
        workspace: &WorkspaceId,
        email: &str,
        now: UnixSecs,
    ) -> StoreResult<bool> {
        let all = lock(&self.workspaces);
        let invited = all
            .live_invitations(workspace, now)
            .any(|i| i.email == email);
        Ok(invited)
    }

    async fn invitation_by_token(
        &self,
        token_hash: &str,
        now: UnixSecs,
    ) -> StoreResult<Option<Invitation>> {
        let all = lock(&self.workspaces);
        let found = all
            .invitations
            .values()
            .find(|i| i.token_hash == token_hash && i.is_live(now));
        Ok(found.cloned())
    }

    async fn invitation(
        &self,
        workspace: &WorkspaceId,
        id: &str,
        now: UnixSecs,
    ) -> StoreResult<Option<Invitation>> {
        let all = lock(&self.workspaces);
        let found = all.invitations.get(&(workspace.clone(), id.to_string()));
        Ok(found.filter(|i| i.is_live(now)).cloned())
    }

    async fn invitations(
        &self,
        workspace: &WorkspaceId,
        now: UnixSecs,
    ) -> StoreResult<Vec<Invitation>> {
        let all = lock(&self.workspaces);
        let mut live: Vec<Invitation> = all.live_invitations(workspace, now).cloned().collect();
        live.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(live)
    }

    async fn revoke_invitation(&self, invitation: &Invitation) -> StoreResult<bool> {
        let mut all = lock(&self.workspaces);
        let key = (invitation.workspace_id.clone(), invitation.id.clone());
        Ok(all.invitations.remove(&key).is_some())
    }

    async fn accept_invitation(
        &self,
        invitation: &Invitation,
        member: &Membership,
        max_per_user: u32,
        now: UnixSecs,
    ) -> StoreResult<Acceptance> {
        Ok(self.in_workspaces(|all| all.accept(invitation, member, max_per_user, now)))
    }

    async fn purge_workspace(&self, id: &WorkspaceId, batch: usize) -> StoreResult<bool> {
        let done = self.in_workspaces(|all| {
            let keys: Vec<_> = all
                .members
                .range((id.clone(), UserId::default())..)
                .take_while(|((w, _), _)| w == id)
                .map(|(k, _)| k.clone())
                .take(batch)
                .collect();
            for key in &keys {
                all.leave(key);
            }
            if keys.len() < batch {
                all.invitations.retain(|(w, _), _| w != id);
            }
            keys.len() < batch
        });
        if done {
            self.purge_tasks(id);
        }
        Ok(done)
    }
}

impl Workspaces {
    fn live_invitations<'a>(
        &'a self,
        workspace: &'a WorkspaceId,
        now: UnixSecs,
    ) -> impl Iterator<Item = &'a Invitation> + 'a {
        self.invitations
            .values()
            .filter(move |i| i.workspace_id == *workspace && i.is_live(now))
    }

    fn accept(
        &mut self,
        invitation: &Invitation,
        member: &Membership,
        max_per_user: u32,
        now: UnixSecs,
    ) -> Acceptance {
        let key = (invitation.workspace_id.clone(), invitation.id.clone());
        if self.invitations.get(&key).is_none_or(|i| !i.is_live(now)) {
            return Acceptance::Gone;
        }
        match self.join(member, max_per_user) {
            Joining::Joined => {
                self.invitations.remove(&key);
                Acceptance::Joined
            }
            Joining::AlreadyMember => Acceptance::AlreadyMember,
            Joining::TooMany => Acceptance::TooMany,
            Joining::NoWorkspace => Acceptance::NoWorkspace,
        }
    }
}

/// A page of `rows` (already in listing order) after the position `after`.
fn page<T>(
    rows: Vec<(String, T)>,
    after: Option<&str>,
    limit: usize,
    is_after: impl Fn(&str, &str) -> bool,
) -> Page<T> {
    let mut rows: Vec<(String, T)> = rows
        .into_iter()
        .filter(|(position, _)| after.is_none_or(|a| is_after(position, a)))
        .take(limit + 1)
        .collect();
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next = more.then(|| rows.last().map(|(p, _)| p.clone())).flatten();
    Page {
        items: rows.into_iter().map(|(_, t)| t).collect(),
        next,
    }
}
