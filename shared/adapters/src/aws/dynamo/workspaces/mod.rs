//! Workspaces and memberships. The workspace item counts its members and
//! owners and each user has a count of workspaces; every change of who
//! belongs moves the counts in the same transaction, under conditions that
//! keep an owner and the per-user cap.

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes};
use think_tank_core::clock::UnixSecs;
use think_tank_core::domain::{
    Acceptance, Invitation, Joining, Leaving, Membership, Page, RoleChange, UserId, Workspace,
    WorkspaceId, WorkspaceRole,
};
use think_tank_core::error::StoreResult;
use think_tank_core::ports::WorkspaceStore;

mod invitations;
pub(super) mod items;

use super::item::*;
use super::keys::{self, GSI2};
use super::transact::{Tx, Write};
use super::{index_sk, start_after, unless_lost, DynamoStore};
use crate::aws::sdk_error;
use items::*;

const OWNER: WorkspaceRole = WorkspaceRole::Owner;
#[async_trait]
impl WorkspaceStore for DynamoStore {
    async fn create_workspace(
        &self,
        workspace: &Workspace,
        owner: &Membership,
        max_per_user: u32,
    ) -> StoreResult<Joining> {
        let mut created = workspace.clone();
        (created.member_count, created.owner_count) = (1, 1);
        let tx = Tx::new()
            .with(Write::put_new(workspace_to_item(&created)))
            .with(Write::put_new(member_to_item(owner)))
            .with(count_change(&owner.user_id, 1, max_per_user));
        Ok(match self.transact(tx, "create workspace").await? {
            None => Joining::Joined,
            Some(lost) if lost[2] => Joining::TooMany,
            Some(_) => Joining::AlreadyMember,
        })
    }

    async fn workspace(&self, id: &WorkspaceId) -> StoreResult<Option<Workspace>> {
        let item = self.get(keys::workspace(id)).await?;
        Ok(item.as_ref().map(workspace_from).transpose()?)
    }

    async fn workspaces(&self, ids: &[WorkspaceId]) -> StoreResult<Vec<Workspace>> {
        let keys: Vec<Item> = ids.iter().map(|id| keys::workspace(id)).collect();
        let items = self.batch_get(keys).await?;
        Ok(items
            .iter()
            .map(workspace_from)
            .collect::<anyhow::Result<_>>()?)
    }

    async fn rename_workspace(
        &self,
        id: &WorkspaceId,
        name: &str,
    ) -> StoreResult<Option<Workspace>> {
        let result = self
            .client()
            .update_item()
            .table_name(self.table())
            .set_key(Some(keys::workspace(id)))
            .update_expression("SET #name = :name")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_names("#name", "name")
            .expression_attribute_values(":name", s(name))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllNew)
            .send()
            .await;
        let Some(out) = unless_lost("dynamodb rename workspace", result)? else {
            return Ok(None);
        };
        Ok(out.attributes.as_ref().map(workspace_from).transpose()?)
    }

    async fn delete_workspace(&self, id: &WorkspaceId) -> StoreResult<bool> {
        Ok(self.delete(keys::workspace(id)).await?.is_some())
    }

    async fn membership(
        &self,
        workspace: &WorkspaceId,
        user: &UserId,
    ) -> StoreResult<Option<Membership>> {
        let item = self.get(keys::member(workspace, user)).await?;
        Ok(item.as_ref().map(member_from).transpose()?)
    }

    async fn memberships_of(
        &self,
        user: &UserId,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Page<Membership>> {
        let pk = keys::memberships_of(user);
        let start = after.and_then(|after| {
            let (_, workspace) = after.split_once('#')?;
            Some(start_after(keys::member(workspace, user), GSI2, &pk, after))
        });
        let req = self.query_index(GSI2, &pk).set_exclusive_start_key(start);
        let (items, next) = self.query_page(req, limit, index_sk(GSI2)).await?;
        let items = items
            .iter()
            .map(member_from)
            .collect::<anyhow::Result<_>>()?;
        Ok(Page { items, next })
    }

    async fn members(
        &self,
        workspace: &WorkspaceId,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Page<Membership>> {
        let (pk, prefix) = keys::members_of(workspace);
        let start = after.map(|user| keys::member(workspace, user));
        let req = self
            .query()
            .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
            .expression_attribute_values(":pk", s(pk))
            .expression_attribute_values(":prefix", s(prefix))
            .consistent_read(true)
            .set_exclusive_start_key(start);
        let (items, next) = self
            .query_page(req, limit, |item| get_s(item, "user_id"))
            .await?;
        let items = items
            .iter()
            .map(member_from)
            .collect::<anyhow::Result<_>>()?;
        Ok(Page { items, next })
    }

    async fn add_member(&self, member: &Membership, max_per_user: u32) -> StoreResult<Joining> {
        let tx = Tx::new()
            .with(Write::put_new(member_to_item(member)))
            .with(counts_change(&member.workspace_id, member.role, 1))
            .with(count_change(&member.user_id, 1, max_per_user));
        Ok(match self.transact(tx, "add member").await? {
            None => Joining::Joined,
            Some(lost) if lost[0] => Joining::AlreadyMember,
            Some(lost) if lost[1] => Joining::NoWorkspace,
            Some(_) => Joining::TooMany,
        })
    }

    async fn change_role(
        &self,
        workspace: &WorkspaceId,
        user: &UserId,
        from: WorkspaceRole,
        to: WorkspaceRole,
    ) -> StoreResult<RoleChange> {
        let set_role = Write::update(keys::member(workspace, user), "SET #role = :to")
            .condition("#role = :from")
            .name("#role", "role")
            .value(":from", s(from.as_str()))
            .value(":to", s(to.as_str()));
        let mut tx = Tx::new().with(set_role);
        let owners = i64::from(to == OWNER) - i64::from(from == OWNER);
        if owners != 0 {
            tx = tx.with(owner_count_change(workspace, owners));
        }
        Ok(match self.transact(tx, "change member role").await? {
            None => RoleChange::Changed,
            Some(lost) if lost[0] => RoleChange::Stale,
            Some(_) if owners < 0 => RoleChange::LastOwner,
            Some(_) => RoleChange::Stale,
        })
    }

    async fn remove_member(
        &self,
        workspace: &WorkspaceId,
        user: &UserId,
        role: WorkspaceRole,
    ) -> StoreResult<Leaving> {
        let member = keys::member(workspace, user);
        let tx = Tx::new()
            .with(
                Write::delete(member)
                    .condition("#role = :role")
                    .name("#role", "role")
                    .value(":role", s(role.as_str())),
            )
            .with(counts_change(workspace, role, -1))
            .with(count_change(user, -1, 0));
        Ok(match self.transact(tx, "remove member").await? {
            None => Leaving::Left,
            Some(lost) if lost[0] => Leaving::Stale,
            Some(_) if role == OWNER => Leaving::LastOwner,
            Some(_) => Leaving::Stale,
        })
    }

    async fn create_invitation(&self, invitation: &Invitation, now: UnixSecs) -> StoreResult<bool> {
        self.put_invitation(invitation, now).await
    }

    async fn is_invited(
        &self,
        workspace: &WorkspaceId,
        email: &str,
        now: UnixSecs,
    ) -> StoreResult<bool> {
        let claim = keys::invited(workspace, email);
        Ok(self.pointed_invitation(claim, now).await?.is_some())
    }

    async fn invitation_by_token(
        &self,
        token_hash: &str,
        now: UnixSecs,
    ) -> StoreResult<Option<Invitation>> {
        let pointer = keys::invitation_token(token_hash);
        let found = self.pointed_invitation(pointer, now).await?;
        Ok(found.filter(|i| i.token_hash == token_hash))
    }

    async fn invitation(
        &self,
        workspace: &WorkspaceId,
        id: &str,
        now: UnixSecs,
    ) -> StoreResult<Option<Invitation>> {
        self.live_invitation(keys::invitation(workspace, id), now)
            .await
    }

    async fn invitations(
        &self,
        workspace: &WorkspaceId,
        now: UnixSecs,
    ) -> StoreResult<Vec<Invitation>> {
        self.live_invitations(workspace, now).await
    }

    async fn revoke_invitation(&self, invitation: &Invitation) -> StoreResult<bool> {
        self.delete_invitation(invitation).await
    }

    async fn accept_invitation(
        &self,
        invitation: &Invitation,
        member: &Membership,
        max_per_user: u32,
        now: UnixSecs,
    ) -> StoreResult<Acceptance> {
        self.use_invitation(invitation, member, max_per_user, now)
            .await
    }

    /// Walks the workspace's partition: a membership goes with its user's
    /// count, anything else (invitations, claims) alone.
    async fn purge_workspace(&self, id: &WorkspaceId, batch: usize) -> StoreResult<bool> {
        let pk = keys::workspace_partition(id);
        let req = self
            .query()
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", s(&pk))
            .consistent_read(true);
        let (items, next) = self
            .query_page(req, batch, |item| get_s(item, "sk"))
            .await?;
        // The batch's items are independent: removed all at once.
        let removals = items.iter().map(|item| self.purge_item(id, &pk, item));
        futures::future::try_join_all(removals).await?;
        Ok(next.is_none())
    }
}

impl DynamoStore {
    /// One item of a deleted workspace's partition: a membership goes with
    /// its user's count, anything else alone.
    async fn purge_item(&self, id: &WorkspaceId, pk: &str, item: &Item) -> StoreResult<()> {
        let sk = get_s(item, "sk").unwrap_or_default();
        let Some(user) = get_s(item, "user_id").filter(|_| sk.starts_with("MEMBER#")) else {
            self.delete(key(pk, sk)).await?;
            return Ok(());
        };
        let tx = Tx::new()
            .with(Write::delete(keys::member(id, &user)).condition("attribute_exists(pk)"))
            .with(count_change(&user.into(), -1, 0));
        // Lost: another purge got there first; its count moved with it.
        self.transact(tx, "purge member").await?;
        Ok(())
    }

    /// Every item of `keys` that exists, in one `BatchGetItem` per 100 keys
    /// (retrying what DynamoDB leaves unprocessed).
    async fn batch_get(&self, keys: Vec<Item>) -> StoreResult<Vec<Item>> {
        let mut found = Vec::new();
        for chunk in keys.chunks(100) {
            let mut pending = Some(
                KeysAndAttributes::builder()
                    .set_keys(Some(chunk.to_vec()))
                    .consistent_read(true)
                    .build()
                    .map_err(anyhow::Error::from)?,
            );
            while let Some(request) = pending.take() {
                let out = self
                    .client()
                    .batch_get_item()
                    .request_items(self.table(), request)
                    .send()
                    .await
                    .map_err(|e| sdk_error("dynamodb batch get", e))?;
                let mut responses: HashMap<String, Vec<HashMap<String, AttributeValue>>> =
                    out.responses.unwrap_or_default();
                found.extend(responses.remove(self.table()).unwrap_or_default());
                pending = out
                    .unprocessed_keys
                    .and_then(|mut left| left.remove(self.table()))
                    .filter(|left| !left.keys().is_empty());
            }
        }
        Ok(found)
    }
}
